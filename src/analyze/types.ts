/**
 * The Analysis object: what analyze/ decides and report/ renders. Its JSON form is what
 * `perfgate compare --json` writes and what the action stores in the results file.
 */
export type MetricName = 'p50' | 'p90' | 'p99' | 'throughput' | 'errorRate' | 'cpuPerRequest' | 'peakRss';
export type BudgetMetric = 'p50' | 'p90' | 'p95' | 'p99' | 'errorRate' | 'peakRss' | 'throughput' | 'cpuPerRequest';

/** 'not-comparable': measured under other load settings than the baseline, so not tested (analyze/comparable.ts). */
export type MetricStatus = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'unavailable' | 'not-comparable';
export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'no-baseline';

export interface MetricAnalysis {
  metric: MetricName;
  /** 'ms', 'req/s', 'ratio', 'ms/req', 'bytes' */
  unit: string;
  /** Medians of the trial values of each side; null when a side has no value (e.g. CPU without a process). */
  baseline: number | null;
  head: number | null;
  /** Relative changes, 0.05 = +5%; from the Hodges–Lehmann estimate on log values. */
  change: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Two-sided p before Holm; in artifact mode with a history, the larger of the trial and run-level tests. */
  p: number | null;
  pAdjusted: number | null;
  /** Artifact mode with a history: p of this run's median against the earlier runs' (analyze/run-level.ts). */
  pRuns?: number;
  /** Relative threshold actually used (0.05 = 5%), after widening by history noise. */
  threshold: number;
  status: MetricStatus;
  /** Whether this metric counts toward the verdict. */
  gated: boolean;
  /** For inconclusive metrics: the smallest relative change this run could have detected. */
  minDetectableEffect?: number | null;
  /** Set when the run-to-run noise in the baseline history widened the configured threshold. */
  thresholdWidenedFrom?: number | null;
  /** Trial values of each side, for the collapsed details. */
  samples?: { baseline: number[]; head: number[] };
  /**
   * How change, ciLow, ciHigh, threshold and minDetectableEffect read: 'relative' (absent means the
   * same) is a ratio − 1 (0.05 = +5%); 'absolute' is a difference in the metric's own unit — the
   * error rate's 0.01 is one percentage point. See docs/statistics.md.
   */
  changeKind?: 'relative' | 'absolute';
  /** What the test counted, and how values spread between and within those units. */
  units?: TestUnits;
}

/**
 * The units of a metric's test (analyze/units.ts). 'process': one value per start of the services
 * (paired: per pair of base and head processes); 'round' or 'trial': every round or trial counted
 * as its own unit, when perfgate did not start the service or the file predates restarts.
 */
export interface TestUnits {
  kind: 'process' | 'round' | 'trial';
  /** Units on each side (paired: both sides count the same pairs). */
  baseline: number;
  head: number;
  /**
   * Standard deviations on the analysis scale (log values: about a relative spread; error rate: a
   * rate): between units beyond the noise within them, and within a unit. Paired: of the per-round
   * log ratio head/base. Independent: of the head's values. null where not estimable (one round per
   * unit gives no within-unit spread).
   */
  betweenSd: number | null;
  withinSd: number | null;
}

export interface BudgetCheck {
  metric: BudgetMetric;
  limit: number;
  value: number | null;
  ok: boolean;
}

export interface ScenarioAnalysis {
  name: string;
  metrics: MetricAnalysis[];
  budgets: BudgetCheck[];
  /** How the baseline's load settings of this scenario compare with the head's; absent when nothing was compared against a baseline file. */
  loadSettings?: LoadSettingsCheck;
  /** A request of a mix or step of a journey: the scenario it belongs to (scenarios/parts.ts). */
  partOf?: string;
  /** A journey: the median CPU time of the service per completed journey, ms, of each side (shown, not tested). */
  cpuPerJourney?: { baseline: number | null; head: number | null };
}

/** A recorded load setting as the results file holds it (header values and the body as digests). */
export type LoadSettingValue = string | number | null | Record<string, string>;

/** One load setting that differs, by its perfgate.yml name ("connections", "request-timeout"). */
export interface LoadSettingChange {
  setting: string;
  baseline: LoadSettingValue;
  head: LoadSettingValue;
}

/**
 * - same: measured under the same load, everything compared;
 * - changed: the settings differ; the metrics they invalidate are `not-comparable` (listed here too);
 * - unrecorded: a side's results file comes from a perfgate that did not record settings, so a change
 *   cannot be seen and everything is compared as before.
 */
export type LoadSettingsCheck =
  | { status: 'same' }
  | { status: 'changed'; changes: LoadSettingChange[]; notComparable: MetricName[] }
  | { status: 'unrecorded'; missing: 'baseline' | 'head' | 'both' };

export interface Analysis {
  verdict: Verdict;
  alpha: number;
  /** Level of the confidence intervals (0.95 unless configured). */
  confidence?: number;
  /** 'paired' (same-runner A/B, Wilcoxon signed-rank) or 'independent' (Mann–Whitney U), or 'none'. */
  method: 'paired' | 'independent' | 'none';
  rounds: { baseline: number; head: number };
  scenarios: ScenarioAnalysis[];
  /** Why there is no baseline, when verdict is 'no-baseline'. */
  reason?: string;
  /** Regressions that a label acknowledged: the verdict stays visible as such. */
  acknowledged?: boolean;
  /** Tests of other kinds than compare (capacity, ...), one per test and scenario; absent when none ran. */
  tests?: TestAnalysis[];
}

/** What every test kind's analysis has (tests/kind.ts); the rest is the kind's own. */
export interface TestAnalysis {
  test: string;
  kind: string;
  scenario: string;
  verdict: Verdict;
  /** One phrase for the headline, e.g. "capacity 212 → 168 req/s (−21%, p = 0.002)". */
  summary: string;
  /** What failed, one sentence each, for annotations and the headline; empty when nothing did. */
  failures: string[];
  /** p of the base-against-head test before and after Holm across the run's tests; null when untested. */
  p: number | null;
  pAdjusted: number | null;
}
