import { duration, ms, pPhrase, rate, share, significant } from '../../report/format.js';
import { code, details, table, text } from '../../report/markdown.js';
import { STATUS_SYMBOL, STATUS_WORD, VERDICT_SYMBOL } from '../../report/vocabulary.js';
import { renderXyChart } from '../../report/xychart.js';
import type { SpikeAnalysis, SpikeRun, SpikeSide } from './analyze.js';

function recovery(side: SpikeSide | null): string {
  if (side === null) return '—';
  return side.recoveryMs === null ? 'not recovered' : duration(side.recoveryMs);
}

/** Seconds with a tenth below ten seconds ("1.5 s"), where report/format's duration rounds to whole ones. */
function span(ms: number): string {
  return ms < 10_000 && ms % 1000 !== 0 ? `${(ms / 1000).toFixed(1)} s` : duration(ms);
}

function signedDuration(v: number): string {
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${duration(Math.abs(v))}`;
}

function statusLine(a: SpikeAnalysis, symbols: boolean): string {
  if (a.status === null) return a.baseline === null ? 'no baseline' : `not tested: ${a.untested}`;
  return `${symbols ? `${STATUS_SYMBOL[a.status]} ` : ''}${STATUS_WORD[a.status]}`;
}

function methodText(a: SpikeAnalysis): string {
  const s = a.settings;
  return (
    `${rate(s.baseRate)} for ${span(s.beforeMs)}, then ×${s.factor} (${rate(s.baseRate * s.factor)}) for ${span(s.spikeMs)}, then back for ${span(s.afterMs)}; ` +
    `${a.head.runs.length} spike${a.head.runs.length === 1 ? '' : 's'} per side, each on a fresh start of the service. ` +
    `Recovered once p99 stays within +${significant(s.tolerance * 100)}% of its level before the spike for ${span(s.settleMs)} (read every ${duration(s.intervalMs)}). ` +
    `${a.method === 'none' ? 'No comparison' : `A t test on recovery time (${a.method})`}; an increase beyond ${span(s.recoveryThresholdMs)} that is significant fails.`
  );
}

/** The median p99 of each interval over a side's runs, by the interval's start in seconds. */
function p99OverTime(runs: readonly SpikeRun[]): { x: number[]; values: (number | null)[] } {
  const by = new Map<number, number[]>();
  for (const r of runs) for (const s of r.samples) if (s.p99 !== null) by.set(s.startMs, [...(by.get(s.startMs) ?? []), s.p99]);
  const x = [...by.keys()].sort((p, q) => p - q);
  return { x: x.map((v) => v / 1000), values: x.map((k) => [...by.get(k)!].sort((p, q) => p - q)[Math.floor((by.get(k)!.length - 1) / 2)]!) };
}

export function spikeMarkdown(a: SpikeAnalysis, options: { details: boolean }): string {
  const lines: string[] = [`### ${VERDICT_SYMBOL[a.verdict]} Spike on ${code(a.scenario)} (test ${code(a.test)})`, ''];
  const hasBase = a.baseline !== null;
  const row = (label: string, f: (x: SpikeSide) => string) => [label, ...(hasBase ? [f(a.baseline!)] : []), f(a.head)];
  lines.push(table(
    [{ title: '' }, ...(hasBase ? [{ title: 'baseline', align: 'right' as const }] : []), { title: 'head', align: 'right' }],
    [
      row('recovery time (median)', recovery),
      row('p99 before the spike', (x) => ms(x.baselineP99)),
      row('p99 in the spike, until recovered', (x) => ms(x.spikeP99)),
      row('errors in the spike, until recovered', (x) => share(x.spikeErrorRate)),
    ],
  ));
  lines.push('');
  if (a.change !== null) lines.push(`**Recovery ${signedDuration(a.change)}** (95% CI ${signedDuration(a.ciLow!)} to ${signedDuration(a.ciHigh!)}, ${pPhrase(a.pAdjusted ?? a.p!)}): ${statusLine(a, true)}.`);
  else lines.push(`Comparison: ${statusLine(a, true)}${a.noBaselineReason ? ` (${a.noBaselineReason})` : ''}.`);
  for (const b of a.budgets) lines.push(`Budget ${b.metric}: ${b.ok ? '✅ met' : '❌ broken'}.`);
  const series = [...(a.runs.baseline ? [['baseline', a.runs.baseline] as const] : []), ['head', a.runs.head] as const].map(([name, runs]) => ({ name, ...p99OverTime(runs) }));
  const chart = renderXyChart({ title: 'p99 over time (median of the spikes)', xLabel: 'time (s)', yLabel: 'p99 (ms)', series });
  if (chart.block) lines.push('', chart.block, '', `<sub>${text(chart.caption)}</sub>`);
  lines.push('', methodText(a));
  if (options.details) {
    const rows = [...(a.baseline ? a.baseline.runs.map((m, i) => ['baseline', String(i + 1), m]) : []), ...a.head.runs.map((m, i) => ['head', String(i + 1), m])].map(
      ([v, i, m]) => {
        const x = m as SpikeSide['runs'][number];
        return [v as string, i as string, x.recoveryMs === null ? 'not recovered' : duration(x.recoveryMs), ms(x.baselineP99), ms(x.spikeP99), share(x.spikeErrorRate)];
      },
    );
    lines.push('', details('Every spike', table(['variant', 'spike', 'recovery', 'p99 before', 'p99 in spike', 'errors'].map((title, i) => ({ title, align: i < 2 ? ('left' as const) : ('right' as const) })), rows)));
  }
  return lines.join('\n');
}

export function spikeTerminal(a: SpikeAnalysis): string[] {
  const out = [`spike on ${a.scenario} (test "${a.test}"): ${a.verdict}`];
  if (a.baseline) out.push(`  baseline  recovery ${recovery(a.baseline)}, p99 in spike ${ms(a.baseline.spikeP99)}, errors ${share(a.baseline.spikeErrorRate)}`);
  out.push(`  head      recovery ${recovery(a.head)}, p99 in spike ${ms(a.head.spikeP99)}, errors ${share(a.head.spikeErrorRate)}`);
  if (a.change !== null) out.push(`  change    ${signedDuration(a.change)}  95% CI ${signedDuration(a.ciLow!)} to ${signedDuration(a.ciHigh!)}  ${pPhrase(a.pAdjusted ?? a.p!)}  ${statusLine(a, false)}`);
  else out.push(`  ${statusLine(a, false)}`);
  for (const b of a.budgets) out.push(`  budget    ${b.metric}: ${b.ok ? 'met' : 'BROKEN'}`);
  out.push(`  ${methodText(a)}`);
  return out;
}
