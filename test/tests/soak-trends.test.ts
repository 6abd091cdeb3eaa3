import { describe, expect, it } from 'vitest';
import { createRng, normalSample } from '../../src/stats/index.js';
import { soakTrends, type SoakSample } from '../../src/tests/soak/slopes.js';

const thresholds = { rssGrowth: 20e6, fdGrowth: 10, p99Drift: 0.5 };

/** 600 one-second samples: RSS at `rssPerHour` with a 2 MB GC sawtooth and noise, 40 fds, p99 10 ms. */
function soak(rssPerHour: number, opts: { fdsPerHour?: number; warmupGrowth?: number; seed?: number } = {}): SoakSample[] {
  const rng = createRng(opts.seed ?? 7);
  return Array.from({ length: 600 }, (_, i) => {
    const t = (i + 1) * 1000;
    const warm = i < 120 ? (opts.warmupGrowth ?? 0) * (i / 120) : opts.warmupGrowth ?? 0;
    return {
      atMs: t,
      rssBytes: 60e6 + warm + (rssPerHour * t) / 3.6e6 + ((i % 30) / 30) * 2e6 + 0.3e6 * normalSample(rng),
      fds: 40 + Math.floor(((opts.fdsPerHour ?? 0) * t) / 3.6e6),
      p99: 10 + 0.5 * normalSample(rng),
      requests: 100 * (i + 1),
      cpuCores: 0.5,
    };
  });
}

describe('soak trends', () => {
  it('calls a 1 KB-per-request leak at 100 req/s (360 MB/h) a leak, and measures it per 1,000 requests', () => {
    const t = soakTrends(soak(360e6), 0.2, thresholds);
    expect(t.rssPerHour.status).toBe('leak');
    expect(t.rssPerHour.slope! / 360e6).toBeGreaterThan(0.9);
    expect(t.rssPerHour.slope! / 360e6).toBeLessThan(1.1);
    expect(t.rssPer1000Requests! / 1e6).toBeGreaterThan(0.9); // 1 KB a request is 1 MB per 1,000
    expect(t.rssPer1000Requests! / 1e6).toBeLessThan(1.1);
    expect(t.fdsPerHour.status).toBe('no-leak');
  });

  it('does not call growth during the warm-up share a leak', () => {
    const t = soakTrends(soak(0, { warmupGrowth: 30e6 }), 0.2, thresholds);
    expect(t.rssPerHour.status).toBe('no-leak');
    expect(t.rssPerHour.high!).toBeLessThan(20e6);
    expect(t.measuredFrom).toBe(120_000);
  });

  it('is inconclusive near the threshold, stating the smallest leak it could have seen', () => {
    const t = soakTrends(soak(20e6, { seed: 3 }), 0.2, thresholds);
    expect(t.rssPerHour.status).toBe('inconclusive');
    expect(t.rssPerHour.detectable).toBeCloseTo(20e6 + (t.rssPerHour.high! - t.rssPerHour.low!) / 2, 0);
  });

  it('sees an fd leak of 60 an hour, and leaves out what was not sampled', () => {
    expect(soakTrends(soak(0, { fdsPerHour: 60 }), 0.2, thresholds).fdsPerHour.status).toBe('leak');
    const none = soakTrends(soak(0).map((s) => ({ ...s, fds: null })), 0.2, thresholds);
    expect(none.fdsPerHour).toMatchObject({ status: 'unavailable', slope: null, points: 0 });
  });
});
