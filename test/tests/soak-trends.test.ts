import { describe, expect, it } from 'vitest';
import { createRng, normalSample } from '../../src/stats/index.js';
import { analyzeSoak } from '../../src/tests/soak/analyze.js';
import { soakMarkdown, soakTerminal } from '../../src/tests/soak/render.js';
import { parseSoakSettings } from '../../src/tests/soak/settings.js';
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

describe('p99 drift without a limit', () => {
  /** Leak-free RSS and fds; p99 climbs from 10 to 14 ms over the soak, as while a neighbour's load builds up. */
  const neighbour = soak(0).map((s, i) => ({ ...s, p99: 10 + (4 * i) / 600 }));
  const settings = (budgets: Record<string, unknown>) => parseSoakSettings({ kind: 'soak', rate: 100, duration: '10m', budgets }, 'tests[0]', []);

  it('is reported with its interval, not judged, by default', () => {
    const s = settings({});
    expect(s.thresholds.p99Drift).toBeNull();
    const t = soakTrends(neighbour, s.warmupShare, s.thresholds);
    expect(t.p99DriftPerHour).toMatchObject({ status: 'reported', threshold: null, detectable: null });
    // +40% in 10 minutes reads as more than 200% an hour: a limit of 50%/h would call it a leak.
    expect(t.p99DriftPerHour.low!).toBeGreaterThan(0.5);
  });

  it('is judged against budgets.p99-drift when one is set', () => {
    const s = settings({ 'p99-drift': '50%' });
    expect(s.thresholds.p99Drift).toBe(0.5);
    expect(soakTrends(neighbour, s.warmupShare, s.thresholds).p99DriftPerHour.status).toBe('leak');
  });

  it('counts neither for nor against the verdict: leak-free RSS and fds pass', () => {
    const s = settings({});
    const a = analyzeSoak({
      test: { name: 'soak', kind: 'soak', scenarios: ['items'], settings: s, entry: {} },
      scenario: 'items',
      baseline: null,
      head: [{ process: 0, samples: neighbour, exited: false }],
      paired: false,
      alpha: 0.01,
      confidence: 0.95,
    });
    expect(a.verdict).toBe('pass');
    expect(a.failures).toEqual([]);
    expect(soakTerminal(a).join('\n')).toMatch(/p99: \+\d+%\/h \(\+\d+%\/h to \+\d+%\/h\) not gated/);
  });
});

describe('a soak shorter than the benchmark measured', () => {
  const analyze = (settings: Record<string, unknown>) =>
    analyzeSoak({
      test: { name: 'soak', kind: 'soak', scenarios: ['items'], settings: parseSoakSettings({ kind: 'soak', rate: 100, ...settings }, 'tests[0]', []), entry: {} },
      scenario: 'items',
      baseline: null,
      head: [{ process: 0, samples: soak(0), exited: false }],
      paired: false,
      alpha: 0.01,
      confidence: 0.95,
    });

  it('says how long it fitted and that a leak may be warm-up growth', () => {
    // 1 minute with the default 20% warm-up fits 48 s.
    const a = analyze({ duration: '1m' });
    expect(a.shortFit).toBe(
      'This soak fits 48 s after its warm-up, less than the 4 min perfgate\'s false-leak rate was measured on: ' +
        'a leak-free service\'s memory can still be settling, and read as a leak. A soak of 5 min or more with this warm-up share (the default length is 10 min) settles it.',
    );
    expect(soakTerminal(a)).toContain(`  ${a.shortFit}`);
    expect(soakMarkdown(a, { details: true })).toContain('⚠️ This soak fits 48 s after its warm-up');
  });

  it('says nothing from 4 minutes fitted on: 5 minutes with the default warm-up, or the default 10', () => {
    expect(analyze({ duration: '5m' }).shortFit).toBeNull();
    expect(analyze({}).shortFit).toBeNull();
    // With 30% warm-up, 5 minutes fits 3.5: it takes 5 min 43 s to fit 4.
    expect(analyze({ duration: '5m', 'warmup-share': '30%' }).shortFit).toMatch(/fits 3 min 30 s after its warm-up.* A soak of 5 min 43 s or more with this warm-up share/);
    expect(analyze({ duration: '343s', 'warmup-share': '30%' }).shortFit).toBeNull();
    expect(soakMarkdown(analyze({ duration: '5m' }), { details: true })).not.toContain('⚠️');
  });
});
