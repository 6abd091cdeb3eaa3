import type { Results, TrialResult } from '../results/schema.js';
import type { ReportContext } from './context.js';
import { count, significant } from './format.js';

/**
 * What a reader must know about how trials were measured, one line per scenario (and per scenario
 * and side for faults), however many trials: a service that closes its connections, measured with a
 * new connection per request, and trials whose latency broke Little's law (src/load/littles-law.ts),
 * whose latency the analysis left out (analyze/metrics.ts trustedLatency).
 */
export interface MeasurementNote {
  level: 'info' | 'warning';
  text: string;
}

/** A suite of hundreds of scenarios still gets a report of a readable size. */
const MAX_NAMED_SCENARIOS = 5;
const MAX_FAULT_NOTES = 10;

interface Side {
  /** "head", "base", or "baseline" for the stored baseline run. */
  label: string;
  trials: TrialResult[];
}

export function measurementNotes(context: Pick<ReportContext, 'head' | 'baseline'>, quote: (text: string) => string): MeasurementNote[] {
  const byScenario = new Map<string, Side[]>();
  const add = (results: Results, label: (variant: string) => string) => {
    for (const s of results.scenarios) {
      // A mix's requests share their scenario's trials: its note covers them.
      if (s.partOf !== undefined) continue;
      const sides = byScenario.get(s.name) ?? [];
      for (const [variant, v] of Object.entries(s.variants)) sides.push({ label: label(variant), trials: v.trials });
      byScenario.set(s.name, sides);
    }
  };
  if (context.baseline) add(context.baseline, () => 'baseline');
  add(context.head, (variant) => variant);

  // Scenarios that close their connections share one note per combination of sides.
  const closingGroups = new Map<string, { scenarios: string[]; closing: Side[]; kept: Side[] }>();
  const faults: MeasurementNote[] = [];
  for (const [scenario, sides] of byScenario) {
    const closing = sides.filter((s) => s.trials.some((t) => t.connectionMode === 'per-request'));
    if (closing.length > 0) {
      const kept = sides.filter((s) => !closing.includes(s) && s.trials.some((t) => t.connectionMode === 'keep-alive'));
      const key = `${names(closing)}\u0000${names(kept)}`;
      const group = closingGroups.get(key) ?? { scenarios: [], closing, kept };
      group.scenarios.push(quote(scenario));
      closingGroups.set(key, group);
    }
    for (const side of sides) {
      const broken = side.trials.filter((t) => t.littlesLaw?.holds === false);
      if (broken.length > 0) faults.push({ level: 'warning', text: littlesLawNote(quote(scenario), side, broken) });
    }
  }
  const notes: MeasurementNote[] = [...closingGroups.values()].map((g) => ({ level: 'info', text: closingNote(g.scenarios, g.closing, g.kept, quote) }));
  notes.push(...faults.slice(0, MAX_FAULT_NOTES));
  if (faults.length > MAX_FAULT_NOTES) {
    const more = faults.length - MAX_FAULT_NOTES;
    notes.push({
      level: 'warning',
      text: `Little's law also broke in ${count(more)} more scenario${more === 1 ? '' : 's'} or side${more === 1 ? '' : 's'}; every trial's check is in the results file (${quote('littlesLaw')}).`,
    });
  }
  return notes;
}

function closingNote(scenarios: string[], closing: Side[], kept: Side[], quote: (text: string) => string): string {
  const shown =
    scenarios.length > MAX_NAMED_SCENARIOS
      ? [...scenarios.slice(0, MAX_NAMED_SCENARIOS - 1), `${count(scenarios.length - MAX_NAMED_SCENARIOS + 1)} more scenarios`]
      : scenarios;
  let text =
    `${list(shown)} (${names(closing)}): the service closes its connections after every answer (HTTP/1.0 or ` +
    `${quote('Connection: close')}), so perfgate opened a new connection for each request and latency includes connecting.`;
  if (kept.length > 0) {
    text += ` The ${names(kept)} side kept its connections open: part of the change in latency is the cost of connecting.`;
  }
  return text;
}

function littlesLawNote(scenario: string, side: Side, broken: TrialResult[]): string {
  // The trial furthest from its connections, either way.
  const distance = (t: TrialResult) => Math.abs(Math.log(Math.max(t.littlesLaw!.inFlight, 1e-9) / t.littlesLaw!.connections));
  const worst = broken.reduce((a, b) => (distance(b) > distance(a) ? b : a)).littlesLaw!;
  const rate = broken.some((t) => t.targetRate !== null);
  const law = rate ? `a fixed rate keeps at most ${count(worst.connections)}` : `a closed loop keeps exactly ${count(worst.connections)}`;
  const of =
    broken.length === side.trials.length
      ? side.trials.length === 1 ? 'its only trial' : `all ${count(broken.length)} trials`
      : `${count(broken.length)} of ${count(side.trials.length)} trials`;
  return (
    `${scenario} (${side.label}): Little's law broke in ${of}: up to ${significant(worst.inFlight)} requests in flight ` +
    `(mean latency × throughput) on ${count(worst.connections)} connections, where ${law}. ` +
    'Their latency was timed wrong and is left out of the comparison, the budgets and the history.'
  );
}

function names(sides: Side[]): string {
  return list([...new Set(sides.map((s) => s.label))]);
}

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
