import type { PacerClock } from './arrival-pacer.js';

/**
 * The measured window of one trial: [start, start + duration), or shorter when the signal aborts.
 * Whatever sends requests in it (the connection probe, then one load engine) stops when it closes:
 * no request leaves afterwards, and answers that arrive later are not counted.
 */
export class TrialWindow {
  readonly startMs: number;
  /** When the window is due to close (clock milliseconds), unless aborted first. */
  readonly endMs: number;
  private closedAt: number | null = null;
  private readonly listeners: Array<() => void> = [];
  private readonly timer: unknown;

  constructor(
    durationMs: number,
    private readonly clock: PacerClock,
    private readonly signal?: AbortSignal,
  ) {
    this.startMs = clock.now();
    this.endMs = this.startMs + durationMs;
    this.timer = clock.setTimeout(this.close, durationMs);
    signal?.addEventListener('abort', this.close, { once: true });
  }

  get open(): boolean {
    return this.closedAt === null;
  }

  /** When the window closed (clock milliseconds); null while it is open. */
  get closedAtMs(): number | null {
    return this.closedAt;
  }

  /** Runs `fn` when the window closes, at once if it already has. */
  onClose(fn: () => void): void {
    if (this.closedAt !== null) fn();
    else this.listeners.push(fn);
  }

  readonly close = (): void => {
    if (this.closedAt !== null) return;
    this.closedAt = this.clock.now();
    this.clock.clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.close);
    for (const fn of this.listeners.splice(0)) fn();
  };
}
