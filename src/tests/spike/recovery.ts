/** One interval of a load run: what arrived in it (src/load interval samples, reduced to what a spike needs). */
export interface SpikeSample {
  /** Offset of the interval's start from the start of the measured load, ms. */
  startMs: number;
  durationMs: number;
  requests: number;
  errors: number;
  successes: number;
  /** p99 of the successful responses that arrived in the interval, ms; null with none. */
  p99: number | null;
}

export interface SpikePhases {
  /** When the spike starts and ends, ms from the start of the measured load. */
  spikeStartMs: number;
  spikeEndMs: number;
}

export interface RecoveryRule {
  /** p99 is back once within this share above its level before the spike (0.5 = +50%). */
  tolerance: number;
  /** ... for this long without a break. */
  settleMs: number;
}

export interface SpikeMeasures {
  /** Median p99 of the intervals before the spike (all but the first, which still fills connections). */
  baselineP99: number | null;
  /** p99 over the spike's intervals: the highest interval p99 from its start until recovery. */
  spikeP99: number | null;
  /** Errors over requests from the spike's start until recovery (or the end). */
  spikeErrorRate: number;
  /**
   * From the end of the spike until the first moment after which p99 stays within tolerance of its
   * earlier level for settleMs, ms; 0 when it never left it. null: not back by the end of the run.
   */
  recoveryMs: number | null;
}

/**
 * What a spike did, from interval samples. Responses are counted in the interval they arrive in, so
 * a backlog the spike left behind shows as high p99 until the last backlogged answer is in: the
 * recovery time ends when the service answers new requests as fast as before. Its resolution is
 * one interval.
 */
export function spikeMeasures(samples: readonly SpikeSample[], phases: SpikePhases, rule: RecoveryRule): SpikeMeasures {
  const before = samples.filter((s) => s.startMs + s.durationMs <= phases.spikeStartMs).slice(1);
  const levels = before.map((s) => s.p99).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const baselineP99 = levels.length > 0 ? median(levels) : null;

  let recoveryMs: number | null = null;
  if (baselineP99 !== null) {
    const limit = baselineP99 * (1 + rule.tolerance);
    const good = (s: SpikeSample) => s.p99 !== null && s.p99 <= limit && s.errors === 0;
    const after = samples.filter((s) => s.startMs >= phases.spikeEndMs);
    for (let i = 0; i < after.length; i++) {
      // A candidate start: every interval from here for settleMs is within tolerance.
      const from = after[i]!.startMs;
      const window = after.filter((s) => s.startMs >= from && s.startMs < from + rule.settleMs);
      const covered = window.length > 0 && window[window.length - 1]!.startMs + window[window.length - 1]!.durationMs >= from + rule.settleMs;
      if (covered && window.every(good)) {
        recoveryMs = from - phases.spikeEndMs;
        break;
      }
    }
  }
  const endMs = recoveryMs === null ? Infinity : phases.spikeEndMs + recoveryMs;
  const during = samples.filter((s) => s.startMs >= phases.spikeStartMs && s.startMs < endMs);
  const p99s = during.map((s) => s.p99).filter((v): v is number => v !== null);
  const requests = during.reduce((n, s) => n + s.requests, 0);
  return {
    baselineP99,
    spikeP99: p99s.length > 0 ? Math.max(...p99s) : null,
    spikeErrorRate: requests > 0 ? during.reduce((n, s) => n + s.errors, 0) / requests : 0,
    recoveryMs,
  };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
