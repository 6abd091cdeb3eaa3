import type { Verdict } from '../../analyze/types.js';
import { bytes, duration, significant } from '../../report/format.js';
import type { KindAnalyzeInput, TestAnalysis } from '../kind.js';
import { soakTrends, type LeakStatus, type SoakSample, type SoakTrends, type Trend } from './slopes.js';
import { SOAK_DEFAULTS, SOAK_SETTLED_FIT_MS, type SoakSettings } from './settings.js';

/** One soak on one start of the service. */
export interface SoakRun {
  process: number | null;
  samples: SoakSample[];
  /** The service exited before the soak's end: the samples stop there. */
  exited: boolean;
}

export interface SoakAnalysis extends TestAnalysis {
  kind: 'soak';
  settings: SoakSettings;
  /** Trends of each run, per side. */
  baseline: SoakTrends[] | null;
  head: SoakTrends[];
  /** Where the head grows faster than the baseline beyond doubt: its interval entirely above the baseline's. */
  fasterThanBaseline: string[];
  runs: { baseline: SoakRun[] | null; head: SoakRun[] };
  noBaselineReason?: string;
  /** Why a leak called here may be warm-up growth: the soak fitted less than the benchmark measured; null otherwise. */
  shortFit: string | null;
}

const TRENDS = [
  ['rssPerHour', 'RSS'],
  ['fdsPerHour', 'open file descriptors'],
  ['p99DriftPerHour', 'p99'],
] as const satisfies readonly (readonly [keyof SoakTrends, string])[];

export function trendText(key: (typeof TRENDS)[number][0], v: number | null): string {
  if (v === null) return '—';
  if (key === 'rssPerHour') return `${v < 0 ? '−' : '+'}${bytes(Math.abs(v))}/h`;
  if (key === 'fdsPerHour') return `${v < 0 ? '−' : '+'}${significant(Math.abs(v))} fds/h`;
  return `${v < 0 ? '−' : '+'}${significant(Math.abs(v) * 100)}%/h`;
}

/**
 * A soak is judged on the head alone, like a budget: a leak in any run fails it, whatever the
 * baseline does (a leak the base has too is still a leak). With a baseline the report also shows
 * its trends, and says where the head's grow faster beyond doubt.
 */
export function analyzeSoak(input: KindAnalyzeInput<SoakSettings, SoakRun>): SoakAnalysis {
  const s = input.test.settings;
  const trends = (runs: readonly SoakRun[]) => runs.map((r) => soakTrends(r.samples, s.warmupShare, s.thresholds, input.confidence));
  const head = trends(input.head);
  const baseline = input.baseline ? trends(input.baseline) : null;

  const failures: string[] = [];
  const statuses: LeakStatus[] = [];
  for (const [key, label] of TRENDS) {
    for (const [i, t] of head.entries()) {
      const trend = t[key] as Trend;
      // A trend without a limit is shown, and counts neither for nor against the verdict.
      if (trend.status === 'reported') continue;
      statuses.push(trend.status);
      if (trend.status === 'leak') {
        failures.push(
          `${label} of ${input.scenario} grew ${trendText(key, trend.slope)} (95% CI ${trendText(key, trend.low)} to ${trendText(key, trend.high)}) in soak ${i + 1}, ` +
            `above its limit of ${trendText(key, trend.threshold)}`,
        );
      }
    }
  }
  const exited = input.head.filter((r) => r.exited).length;
  if (exited > 0) failures.push(`the service of ${input.scenario} exited during ${exited} soak${exited === 1 ? '' : 's'}`);

  const fasterThanBaseline: string[] = [];
  if (baseline) {
    for (const [key, label] of TRENDS) {
      const highs = baseline.map((t) => (t[key] as Trend).high).filter((v): v is number => v !== null);
      const lows = head.map((t) => (t[key] as Trend).low).filter((v): v is number => v !== null);
      if (highs.length > 0 && lows.length > 0 && Math.min(...lows) > Math.max(...highs)) fasterThanBaseline.push(label);
    }
  }
  const verdict: Verdict = failures.length > 0
    ? 'fail'
    : statuses.length > 0 && statuses.every((x) => x === 'no-leak' || x === 'unavailable') && statuses.some((x) => x === 'no-leak') ? 'pass' : 'inconclusive';
  const rss = head[0]?.rssPerHour;
  const fittedMs = s.durationMs * (1 - s.warmupShare);
  // The length that fits enough with this run's warm-up share: 5 min with the default 20%.
  const enoughMs = Math.ceil(SOAK_SETTLED_FIT_MS / (1 - s.warmupShare) / 1000) * 1000;
  const shortFit =
    fittedMs < SOAK_SETTLED_FIT_MS
      ? `This soak fits ${duration(fittedMs)} after its warm-up, less than the ${duration(SOAK_SETTLED_FIT_MS)} perfgate's false-leak rate was measured on: ` +
        `a leak-free service's memory can still be settling, and read as a leak. A soak of ${duration(enoughMs)} or more with this warm-up share (the default length is ${duration(SOAK_DEFAULTS.durationMs)}) settles it.`
      : null;
  return {
    test: input.test.name,
    kind: 'soak',
    scenario: input.scenario,
    verdict,
    summary: rss ? `RSS ${trendText('rssPerHour', rss.slope)} (${rss.status})` : 'no samples',
    failures,
    p: null,
    pAdjusted: null,
    settings: s,
    baseline,
    head,
    fasterThanBaseline,
    runs: { baseline: input.baseline, head: input.head },
    shortFit,
    ...(input.noBaselineReason ? { noBaselineReason: input.noBaselineReason } : {}),
  };
}

export { TRENDS };
