import type { PacerClock } from '../../src/load/arrival-pacer.js';

/** A manual clock: time moves only when the test says so, timers fire in due order. */
export class ManualClock implements PacerClock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  advanceTo(t: number) {
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= t).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = t;
  }
  get pending() {
    return this.timers.size;
  }
}
