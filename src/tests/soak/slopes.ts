import { theilSen } from '../../stats/theilSen.js';

/** One sample of a soak: the service's tree and the load at one moment. */
export interface SoakSample {
  /** Since the start of the measured load, ms. */
  atMs: number;
  rssBytes: number | null;
  fds: number | null;
  /** p99 of the answers that arrived in the interval ending here, ms; null with none. */
  p99: number | null;
  /** Requests sent since the start of the load, cumulative. */
  requests: number;
  /** CPU cores the service's tree used since the previous sample; null for the first or when unknown. */
  cpuCores: number | null;
}

/** `reported`: the slope and its interval are shown, but there is no limit to judge them by. */
export type LeakStatus = 'leak' | 'no-leak' | 'inconclusive' | 'unavailable' | 'reported';

/** A trend and its judgement against a threshold, in the trend's unit (bytes/h, fds/h, share/h). */
export interface Trend {
  slope: number | null;
  low: number | null;
  high: number | null;
  /** The limit; null when the trend is only reported. */
  threshold: number | null;
  status: LeakStatus;
  /**
   * For inconclusive: the smallest slope this run would have called a leak, threshold plus half its
   * interval's width (a slope that large would put the whole interval above the threshold).
   */
  detectable: number | null;
  /** Points the trend was fitted on. */
  points: number;
}

export interface SoakThresholds {
  /** Bytes per hour. */
  rssGrowth: number;
  /** File descriptors per hour. */
  fdGrowth: number;
  /** Relative growth of p99 per hour (0.5 = +50% an hour); null: reported, not judged. */
  p99Drift: number | null;
}

export interface SoakTrends {
  rssPerHour: Trend;
  /** RSS growth per 1,000 requests (bytes), shown beside the hourly figure: a leak per request reads the same at any rate. */
  rssPer1000Requests: number | null;
  fdsPerHour: Trend;
  p99DriftPerHour: Trend;
  /** Samples after the warm-up share, which the trends use. */
  measuredFrom: number;
}

const HOUR_MS = 3_600_000;

/**
 * The leak verdict's numbers (Theil–Sen slopes with Sen's interval, src/stats/theilSen.ts) over the
 * samples after the warm-up share: heaps, caches and pools grow while a service warms up, which is
 * not a leak. A leak is a slope whose whole interval lies above its threshold; no leak, one whose
 * whole interval lies below; anything else is inconclusive.
 *
 * p99 drift is relative: the slope of p99 in ms per hour over the fitted p99 at the start of the
 * measured part, so one threshold fits a 5 ms and a 500 ms endpoint.
 */
export function soakTrends(samples: readonly SoakSample[], warmupShare: number, thresholds: SoakThresholds, confidence = 0.95): SoakTrends {
  const endMs = samples.length > 0 ? samples[samples.length - 1]!.atMs : 0;
  const kept = samples.filter((s) => s.atMs >= warmupShare * endMs);
  const measuredFrom = kept.length > 0 ? kept[0]!.atMs : endMs;

  const fit = (pick: (s: SoakSample) => number | null, x: (s: SoakSample) => number = (s) => s.atMs / HOUR_MS) => {
    const points = kept.filter((s) => pick(s) !== null);
    if (points.length < 3 || new Set(points.map(x)).size < 2) return null;
    return { ...theilSen(points.map(x), points.map((s) => pick(s)!), confidence), points: points.length, xs: points.map(x) };
  };
  const judge = (f: ReturnType<typeof fit>, threshold: number | null, scale = 1): Trend => {
    if (f === null || !Number.isFinite(f.low) || !Number.isFinite(f.high)) {
      return { slope: f ? f.slope / scale : null, low: null, high: null, threshold, status: 'unavailable', detectable: null, points: f?.points ?? 0 };
    }
    const [slope, low, high] = [f.slope / scale, f.low / scale, f.high / scale];
    if (threshold === null) return { slope, low, high, threshold, status: 'reported', detectable: null, points: f.points };
    const status: LeakStatus = low > threshold ? 'leak' : high < threshold ? 'no-leak' : 'inconclusive';
    return { slope, low, high, threshold, status, detectable: status === 'inconclusive' ? threshold + (high - low) / 2 : null, points: f.points };
  };

  const rss = fit((s) => s.rssBytes);
  const fds = fit((s) => s.fds);
  const p99 = fit((s) => s.p99);
  // Relative drift: divided by the fitted p99 where the measured part starts.
  const p99Start = p99 ? p99.intercept + p99.slope * (measuredFrom / HOUR_MS) : null;
  const perRequest = fit((s) => s.rssBytes, (s) => s.requests / 1000);
  return {
    rssPerHour: judge(rss, thresholds.rssGrowth),
    rssPer1000Requests: perRequest ? perRequest.slope : null,
    fdsPerHour: judge(fds, thresholds.fdGrowth),
    p99DriftPerHour: p99 && p99Start !== null && p99Start > 0 ? judge(p99, thresholds.p99Drift, p99Start) : judge(null, thresholds.p99Drift),
    measuredFrom,
  };
}
