/** analyze/: from baseline and head results to the Analysis and its verdict. Pure. */
export { analyze, type AnalyzeInput, type AnalyzeOptions } from './analyze.js';
export { decided, metricStatus, minDetectableEffect, overallVerdict, DETECTION_POWER } from './verdict.js';
export { medianOf, robustSd } from './median.js';
export { minRoundsForAlpha, minRoundsPaired, minRoundsIndependent } from './minRounds.js';
export { checkBudgets } from './budgets.js';
export { effectiveThreshold, MIN_HISTORY } from './history.js';
export { METRICS, METRIC_NAMES, BUDGETS, LOG_FLOOR, errorRate, type MetricSpec, type BudgetSpec } from './metrics.js';
export type * from './types.js';
