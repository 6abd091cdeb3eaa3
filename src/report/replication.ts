import { medianOf } from '../analyze/median.js';
import type { Analysis, MetricAnalysis, TestUnits } from '../analyze/types.js';
import { metricLabel } from './vocabulary.js';

/**
 * The Method section's account of what the test counted: fresh service processes (and how many),
 * or rounds of one process when perfgate could not restart the service. Beside it the spread
 * between processes and within one, so a reader whose service differs a lot from one start to the
 * next sees that this, not perfgate, limits what a run can detect (docs/statistics.md).
 */
export function processesLine(analysis: Analysis, roundsPerProcess: number | undefined): string | null {
  if (analysis.method === 'none') return null;
  const tested = analysis.scenarios.flatMap((s) => s.metrics).filter((m): m is MetricAnalysis & { units: TestUnits } => m.units !== undefined);
  if (tested.length === 0) return null;
  const paired = analysis.method === 'paired';
  const first = tested[0]!.units;
  if (first.kind !== 'process') {
    const what = paired ? 'rounds' : 'trials';
    return (
      `- **Processes:** one process of each service for the whole run (perfgate did not start it, or the file predates ` +
      `restarts), so ${what} count as the test's units and a difference between two starts of the same code cannot be ` +
      'told from a change.'
    );
  }
  const every = roundsPerProcess === 1 ? 'every round' : roundsPerProcess ? `every ${roundsPerProcess} rounds` : 'regularly';
  const counts = paired
    ? `${first.head} per variant, and the test counts these pairs of base and head processes, not rounds`
    : `${first.baseline} in the baseline run and ${first.head} in this one, and the test counts processes, not trials`;
  const spreads = spreadSummary(tested, paired);
  return (
    `- **Processes:** a fresh process of each service ${every}: ${counts}, because two starts of the same code differ by ` +
    `themselves.${spreads ? ` ${spreads}` : ''}`
  );
}

/**
 * "Spread between processes / within one: CPU per request 2.1% / 0.8%, …" over the gated log-scale
 * metrics, each the median over scenarios. Omitted when no unit had two rounds (no within-unit
 * spread, so the two cannot be told apart).
 */
function spreadSummary(tested: readonly (MetricAnalysis & { units: TestUnits })[], paired: boolean): string | null {
  const byMetric = new Map<string, { between: number[]; within: number[] }>();
  for (const m of tested) {
    if (!m.gated || m.changeKind === 'absolute') continue;
    if (m.units.betweenSd === null || m.units.withinSd === null) continue;
    const entry = byMetric.get(m.metric) ?? { between: [], within: [] };
    entry.between.push(m.units.betweenSd);
    entry.within.push(m.units.withinSd);
    byMetric.set(m.metric, entry);
  }
  if (byMetric.size === 0) return null;
  const parts = [...byMetric].map(([metric, e]) => `${metricLabel(metric)} ${relative(medianOf(e.between)!)} / ${relative(medianOf(e.within)!)}`);
  const of = paired ? 'of the head/base ratio ' : '';
  return `Spread ${of}between processes / within one (sd): ${parts.join(', ')}.`;
}

/** A standard deviation of log values as the relative spread it stands for: "2.1%". */
function relative(sd: number): string {
  const pct = Math.expm1(sd) * 100;
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}
