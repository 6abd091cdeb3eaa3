import { scenarioEnvironment } from '../results/merge.js';
import type { Environment, Results } from '../results/schema.js';
import { bytes } from './format.js';

/**
 * The machines both sides ran on. A different CPU model or core count changes absolute latency and
 * throughput by far more than any threshold, so it is the one mismatch worth a visible warning.
 */
export interface EnvironmentRow {
  property: string;
  baseline: string;
  head: string;
  differs: boolean;
}

const PROPERTIES: { property: string; show: (e: Environment) => string }[] = [
  { property: 'OS', show: (e) => e.os },
  { property: 'arch', show: (e) => e.arch },
  { property: 'CPU model', show: (e) => e.cpuModel },
  { property: 'cores', show: (e) => String(e.cores) },
  { property: 'memory', show: (e) => bytes(e.memoryBytes) },
  { property: 'Node.js', show: (e) => e.nodeVersion },
  { property: 'runner', show: (e) => e.runnerName ?? '—' },
];

export function environmentRows(baseline: Environment | null, head: Environment): EnvironmentRow[] {
  return PROPERTIES.map(({ property, show }) => {
    const b = baseline === null ? '—' : show(baseline);
    const h = show(head);
    // The runner's name differs on every hosted job and says nothing about the hardware.
    return { property, baseline: b, head: h, differs: baseline !== null && property !== 'runner' && b !== h };
  });
}

/** The hardware difference that makes a comparison doubtful, or null when the machines match. */
export function hardwareMismatch(
  baseline: Environment | null,
  head: Environment,
  quote: (text: string) => string = (t) => t,
): string | null {
  if (baseline === null) return null;
  if (baseline.cpuModel === head.cpuModel && baseline.cores === head.cores) return null;
  const describe = (e: Environment): string => `${quote(e.cpuModel.trim() || 'unknown CPU')} with ${e.cores} core${e.cores === 1 ? '' : 's'}`;
  return `the baseline ran on ${describe(baseline)}; this run on ${describe(head)}`;
}

/**
 * The hardware differences between a baseline and a head run. Runs merged from shards measured
 * each scenario on its shard's machine, so there each scenario is compared with its baseline
 * scenario's machine, and the scenarios that differ are named; otherwise one machine each side.
 */
export function hardwareMismatchOf(
  baseline: Pick<Results, 'environment' | 'shards' | 'scenarios'>,
  head: Pick<Results, 'environment' | 'shards' | 'scenarios'>,
  quote: (text: string) => string = (t) => t,
): string | null {
  if (!baseline.shards && !head.shards) return hardwareMismatch(baseline.environment, head.environment, quote);
  const groups = new Map<string, string[]>();
  const measured = new Set(baseline.scenarios.map((s) => s.name));
  for (const s of head.scenarios) {
    if (!measured.has(s.name)) continue;
    // A mix's request or a journey's step was measured where its scenario was.
    const owner = s.partOf ?? s.name;
    const mismatch = hardwareMismatch(scenarioEnvironment(baseline, owner), scenarioEnvironment(head, owner), quote);
    if (mismatch !== null) groups.set(mismatch, [...(groups.get(mismatch) ?? []), s.name]);
  }
  if (groups.size === 0) return null;
  return [...groups].map(([mismatch, names]) => `for ${names.length === 1 ? 'scenario' : 'scenarios'} ${names.map(quote).join(', ')}, ${mismatch}`).join('; ');
}
