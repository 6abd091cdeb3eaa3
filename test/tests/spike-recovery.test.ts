import { describe, expect, it } from 'vitest';
import { spikeMeasures, type SpikeSample } from '../../src/tests/spike/recovery.js';

/** 250 ms samples with the given p99 values (ms), 100 requests each, errors where marked. */
function samples(p99s: (number | null)[], errorsAt: number[] = []): SpikeSample[] {
  return p99s.map((p99, i) => ({ startMs: i * 250, durationMs: 250, requests: 100, errors: errorsAt.includes(i) ? 5 : 0, successes: 100, p99 }));
}

const phases = { spikeStartMs: 1000, spikeEndMs: 1500 };
const rule = { tolerance: 0.5, settleMs: 500 };

describe('spike recovery', () => {
  it('is the time from the spike end until p99 stays within tolerance for the settle time', () => {
    // before: 30 (filling), 10, 12, 11 | spike: 80, 200 | after: 400, 300, 14, 16 (back), 12, 11
    const m = spikeMeasures(samples([30, 10, 12, 11, 80, 200, 400, 300, 14, 16, 12, 11]), phases, rule);
    expect(m.baselineP99).toBe(11); // median of 10, 12, 11: the first interval is left out
    expect(m.recoveryMs).toBe(500); // back from 2000 ms, 500 ms after the spike ended at 1500
    expect(m.spikeP99).toBe(400);
    expect(m.spikeErrorRate).toBe(0);
  });

  it('does not count a single good interval as recovered, and counts errors as not recovered', () => {
    const m = spikeMeasures(samples([10, 10, 10, 10, 80, 200, 12, 300, 12, 12, 12, 12], [9]), phases, rule);
    // 1500: 12 then 300 breaks it; 2000: 12 then errors at 2250; 2500: 12, 12: back.
    expect(m.recoveryMs).toBe(1000);
    expect(m.spikeErrorRate).toBeCloseTo(5 / 600, 12);
  });

  it('is 0 when p99 never left its level, and null when it was not back by the end', () => {
    expect(spikeMeasures(samples([10, 10, 10, 10, 11, 12, 12, 11, 10, 10]), phases, rule).recoveryMs).toBe(0);
    const m = spikeMeasures(samples([10, 10, 10, 10, 80, 200, 400, 500, 600, 700]), phases, rule);
    expect(m.recoveryMs).toBeNull();
    expect(m.spikeP99).toBe(700);
  });

  it('has no level without intervals before the spike', () => {
    expect(spikeMeasures(samples([10, 10, 80, 12]), { spikeStartMs: 250, spikeEndMs: 500 }, rule)).toMatchObject({ baselineP99: null, recoveryMs: null });
  });
});
