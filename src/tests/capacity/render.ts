import { bytes, interval, ms, percent, pPhrase, rate, share, significant, threshold } from '../../report/format.js';
import { code, details, table, text } from '../../report/markdown.js';
import { renderXyChart } from '../../report/xychart.js';
import { STATUS_SYMBOL, STATUS_WORD, VERDICT_SYMBOL } from '../../report/vocabulary.js';
import type { CapacityAnalysis, CapacitySide } from './analyze.js';
import { DELIVERED_SHARE } from './estimate.js';
import type { CapacityRun } from './measure.js';

/** The SLO a step must meet, as a sentence fragment: "p99 ≤ 100 ms, errors ≤ 1%, ≥ 95% of the offered rate delivered". */
export function sloText(a: CapacityAnalysis): string {
  const b = a.settings.budgets;
  const parts = (['p50', 'p95', 'p99'] as const).filter((q) => b[q] !== undefined).map((q) => `${q} ≤ ${ms(b[q]!)}`);
  parts.push(`errors ≤ ${share(b.errorRate)}`, `≥ ${DELIVERED_SHARE * 100}% of the offered rate delivered`);
  return parts.join(', ');
}

function capacityText(side: CapacitySide | null): string {
  if (side === null) return '—';
  if (side.capacity === null) return side.belowStart ? 'below the first step' : '—';
  return `${side.atMax ? '≥ ' : ''}${rate(side.capacity)}`;
}

function eachRamp(side: CapacitySide | null): string {
  if (side === null) return '—';
  return side.ramps.map((e) => (e.capacity === null ? '<start' : `${e.bound === 'at-max' ? '≥' : ''}${significant(e.capacity)}`)).join(', ');
}

function kneeText(side: CapacitySide | null): string {
  if (side === null) return '—';
  return side.knee === null ? (side.capacity === null ? '—' : 'not before capacity') : rate(side.knee);
}

function limitedBy(side: CapacitySide | null): string {
  if (side === null) return '—';
  const reasons = side.ramps.map((e) => e.limitedBy?.split(' ')[0] ?? 'max-rate');
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${r === 'delivered' ? 'throughput' : r} ×${n}`).join(', ');
}

function statusLine(a: CapacityAnalysis, symbols: boolean): string {
  if (a.status === null) return a.baseline === null ? 'no baseline' : `not tested: ${a.untested}`;
  return `${symbols ? `${STATUS_SYMBOL[a.status]} ` : ''}${STATUS_WORD[a.status]}`;
}

function methodText(a: CapacityAnalysis): string {
  const s = a.settings;
  const ramps = `${a.head.ramps.length} ramp${a.head.ramps.length === 1 ? '' : 's'} per side, each on a fresh start of the service`;
  const steps = `steps ×${s.stepFactor} every ${s.stepMs / 1000} s from ${rate(s.startRate)} up to ${rate(s.maxRate)}`;
  const test = a.method === 'paired'
    ? 'paired t test on log capacity (base and head ramps alternate)'
    : a.method === 'independent' ? "Welch's t test on log capacity against the stored baseline's ramps" : 'no comparison';
  return `SLO: ${sloText(a)}. ${ramps}; ${steps}. ${test}; a drop beyond ${threshold(s.threshold).slice(1)} that is significant fails.`;
}

function planningText(a: CapacityAnalysis): string | null {
  if (!a.planning) return null;
  const p = a.planning;
  return (
    `Headroom at ${rate(p.traffic)} of production traffic: ${significant(p.headroom)}×. ` +
    `10× that traffic needs ${p.instancesFor10x} instance${p.instancesFor10x === 1 ? '' : 's'} of this capacity, ` +
    'assuming linear horizontal scaling: shared databases, caches and locks usually scale worse, as the contention and coherency terms of the USL fit below suggest for one instance.'
  );
}

/** The Universal Scalability Law fit of the head (and baseline), or why it is not shown as sound. */
export function uslText(a: CapacityAnalysis): string {
  const one = (label: string, u: CapacitySide['usl']) => {
    if (u === null) return `${label}: too few steps to fit`;
    if (!u.soundness.sound) return `${label}: not a sound fit (${u.soundness.reason.replace(/\.$/, '')})`;
    const peak = Number.isFinite(u.peakConcurrency)
      ? `peak ${rate(u.peakThroughput)} at ${significant(u.peakConcurrency)} in flight`
      : Number.isFinite(u.peakThroughput) ? `levelling off towards ${rate(u.peakThroughput)}` : 'no limit in sight';
    return `${label}: contention σ = ${significant(u.sigma, 2)}, coherency κ = ${significant(u.kappa, 2)}, ${peak} (R² ${significant(u.r2, 3)})`;
  };
  return `Universal Scalability Law (throughput against concurrency by Little's law) — ${[...(a.baseline ? [one('baseline', a.baseline.usl)] : []), one('head', a.head.usl)].join('; ')}.`;
}

/** The median of each step's p99 over the ramps of a side, by offered rate: what the chart draws. */
export function p99ByRate(runs: readonly CapacityRun[]): Map<number, number> {
  const by = new Map<number, number[]>();
  for (const r of runs) for (const s of r.steps) by.set(s.offered, [...(by.get(s.offered) ?? []), s.p99]);
  return new Map([...by].map(([k, v]) => [k, [...v].sort((x, y) => x - y)[Math.floor((v.length - 1) / 2)]!]));
}

export function capacityMarkdown(a: CapacityAnalysis, options: { details: boolean }): string {
  const lines: string[] = [];
  lines.push(`### ${VERDICT_SYMBOL[a.verdict]} Capacity of ${code(a.scenario)} (test ${code(a.test)})`);
  lines.push('');
  const hasBase = a.baseline !== null;
  const rows: string[][] = [
    ['capacity at SLO (median)', ...(hasBase ? [capacityText(a.baseline)] : []), capacityText(a.head)],
    ['each ramp (req/s)', ...(hasBase ? [eachRamp(a.baseline)] : []), eachRamp(a.head)],
    ['knee: p99 doubled at', ...(hasBase ? [kneeText(a.baseline)] : []), kneeText(a.head)],
    ['limited by', ...(hasBase ? [limitedBy(a.baseline)] : []), limitedBy(a.head)],
  ];
  lines.push(table([{ title: '' }, ...(hasBase ? [{ title: 'baseline', align: 'right' as const }] : []), { title: 'head', align: 'right' }], rows));
  lines.push('');
  if (a.change !== null) {
    lines.push(`**Change ${percent(a.change)}** (95% CI ${interval(a.ciLow, a.ciHigh)}, ${pPhrase(a.pAdjusted ?? a.p!)}${a.pAdjusted !== null && a.pAdjusted !== a.p ? ' after Holm' : ''}): ${statusLine(a, true)}.`);
  } else {
    lines.push(`Comparison: ${statusLine(a, true)}${a.noBaselineReason ? ` (${a.noBaselineReason})` : ''}.`);
  }
  if (a.budget) lines.push(`Budget: capacity ≥ ${rate(a.budget.limit)}: ${a.budget.ok ? '✅ met' : '❌ broken'}.`);
  const chart = latencyChart(a);
  if (chart) lines.push('', chart);
  const planning = planningText(a);
  if (planning) lines.push(planning);
  lines.push('', uslText(a));
  lines.push('');
  lines.push(methodText(a));
  if (options.details) {
    lines.push('');
    lines.push(details('Steps of every ramp', stepsTable(a)));
  }
  return lines.join('\n');
}

/** p99 against offered rate, base and head: where each side's latency climbs. */
function latencyChart(a: CapacityAnalysis): string | null {
  const sides = [...(a.runs.baseline ? [['baseline', a.runs.baseline] as const] : []), ['head', a.runs.head] as const];
  const series = sides.map(([name, runs]) => {
    const byRate = p99ByRate(runs);
    const x = [...byRate.keys()].sort((p, q) => p - q);
    return { name, x, values: x.map((r) => byRate.get(r)!) };
  });
  if (series.every((s) => s.x.length === 0)) return null;
  const chart = renderXyChart({ title: 'p99 latency against offered rate (median of the ramps)', xLabel: 'offered rate (req/s)', yLabel: 'p99 (ms)', series });
  return chart.block ? `${chart.block}\n\n<sub>${text(chart.caption)}</sub>` : null;
}

function stepsTable(a: CapacityAnalysis): string {
  const rows: string[][] = [];
  const add = (variant: string, runs: readonly CapacityRun[] | null) => {
    (runs ?? []).forEach((r, i) => {
      for (const s of r.steps) {
        rows.push([variant, String(i + 1), rate(s.offered), rate(s.achieved), ms(s.p50), ms(s.p99), share(s.errorRate), s.cpuCores === null ? '—' : significant(s.cpuCores, 2), bytes(s.rssBytes)]);
      }
    });
  };
  add('baseline', a.runs.baseline);
  add('head', a.runs.head);
  return table(
    ['variant', 'ramp', 'offered', 'delivered', 'p50', 'p99', 'errors', 'CPU cores', 'RSS'].map((title, i) => ({ title, align: i < 2 ? ('left' as const) : ('right' as const) })),
    rows,
  );
}

export function capacityTerminal(a: CapacityAnalysis): string[] {
  const out: string[] = [];
  out.push(`capacity of ${a.scenario} (test "${a.test}"): ${a.verdict}`);
  if (a.baseline) out.push(`  baseline  ${capacityText(a.baseline)}  (ramps: ${eachRamp(a.baseline)})`);
  out.push(`  head      ${capacityText(a.head)}  (ramps: ${eachRamp(a.head)})`);
  if (a.change !== null) out.push(`  change    ${percent(a.change)}  95% CI ${interval(a.ciLow, a.ciHigh)}  ${pPhrase(a.pAdjusted ?? a.p!)}  ${statusLine(a, false)}`);
  else out.push(`  ${statusLine(a, false)}`);
  out.push(`  knee      p99 doubled at ${kneeText(a.head)}`);
  if (a.budget) out.push(`  budget    capacity ≥ ${rate(a.budget.limit)}: ${a.budget.ok ? 'met' : 'BROKEN'}`);
  const planning = planningText(a);
  if (planning) out.push(`  ${planning}`);
  out.push(`  ${uslText(a)}`);
  out.push(`  ${methodText(a)}`);
  return out;
}
