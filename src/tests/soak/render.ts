import { bytes, duration, rate, significant } from '../../report/format.js';
import { code, table, text } from '../../report/markdown.js';
import { VERDICT_SYMBOL } from '../../report/vocabulary.js';
import { renderXyChart } from '../../report/xychart.js';
import { TRENDS, trendText, type SoakAnalysis } from './analyze.js';
import type { Trend } from './slopes.js';

const LEAK_WORD = { leak: 'leak', 'no-leak': 'no leak', inconclusive: 'inconclusive', unavailable: 'unavailable', reported: 'not gated' } as const;
const LEAK_SYMBOL = { leak: '❌', 'no-leak': '✅', inconclusive: '⚠️', unavailable: '➖', reported: 'ℹ️' } as const;

function cell(key: (typeof TRENDS)[number][0], t: Trend, symbols = true): string {
  const interval = t.low !== null && t.high !== null ? ` (${trendText(key, t.low)} to ${trendText(key, t.high)})` : '';
  const detectable = t.status === 'inconclusive' && t.detectable !== null ? `; could detect ≥ ${trendText(key, t.detectable)}` : '';
  return `${trendText(key, t.slope)}${interval} ${symbols ? `${LEAK_SYMBOL[t.status]} ` : ''}${LEAK_WORD[t.status]}${detectable}`;
}

function methodText(a: SoakAnalysis): string {
  const s = a.settings;
  const load = s.rate !== null ? `${rate(s.rate)} offered` : `${s.connections} connections, closed loop`;
  return (
    `${duration(s.durationMs)} at ${load}, sampled every ${duration(s.intervalMs)}; the first ${significant(s.warmupShare * 100)}% is warm-up and not fitted. ` +
    'Slopes are Theil–Sen with Sen\'s 95% interval; a leak is a slope whose whole interval lies above its limit.' +
    (s.thresholds.p99Drift === null ? ' p99 drift is shown, not gated, unless `budgets.p99-drift` sets a limit: over minutes, p99 follows the machine\'s load.' : '')
  );
}

export function soakMarkdown(a: SoakAnalysis, _options: { details: boolean }): string {
  const lines: string[] = [`### ${VERDICT_SYMBOL[a.verdict]} Soak of ${code(a.scenario)} (test ${code(a.test)})`, ''];
  const rows: string[][] = [];
  for (const [key, label] of TRENDS) {
    const limit = trendText(key, a.settings.thresholds[key === 'rssPerHour' ? 'rssGrowth' : key === 'fdsPerHour' ? 'fdGrowth' : 'p99Drift']);
    a.head.forEach((t, i) => rows.push([`${label}${a.head.length > 1 ? ` (soak ${i + 1})` : ''}`, limit, ...(a.baseline ? [a.baseline[i] ? cell(key, a.baseline[i]![key] as Trend) : '—'] : []), cell(key, t[key] as Trend)]));
  }
  a.head.forEach((t, i) => {
    if (t.rssPer1000Requests !== null) rows.push([`RSS per 1,000 requests${a.head.length > 1 ? ` (soak ${i + 1})` : ''}`, '', ...(a.baseline ? [a.baseline[i]?.rssPer1000Requests != null ? bytes(a.baseline[i]!.rssPer1000Requests) : '—'] : []), bytes(t.rssPer1000Requests)]);
  });
  const meanCpu = (r: SoakAnalysis['runs']['head'][number] | undefined) => {
    const v = (r?.samples ?? []).map((x) => x.cpuCores).filter((c): c is number => c !== null);
    return v.length > 0 ? `${significant(v.reduce((p, q) => p + q, 0) / v.length, 2)} cores` : '—';
  };
  a.head.forEach((_, i) => rows.push([`CPU, mean${a.head.length > 1 ? ` (soak ${i + 1})` : ''}`, '', ...(a.baseline ? [meanCpu(a.runs.baseline?.[i])] : []), meanCpu(a.runs.head[i])]));
  lines.push(table([{ title: 'trend' }, { title: 'limit', align: 'right' }, ...(a.baseline ? [{ title: 'baseline', align: 'right' as const }] : []), { title: 'head', align: 'right' }], rows));
  if (a.shortFit) lines.push('', `⚠️ ${text(a.shortFit)}`);
  if (a.fasterThanBaseline.length > 0) lines.push('', `The head's ${a.fasterThanBaseline.join(', ')} grew faster than the baseline's beyond doubt.`);
  for (const [metric, pick, scale, unit] of [['RSS', (s: SoakAnalysis['runs']['head'][number]['samples'][number]) => s.rssBytes, 1e-6, 'MB'], ['open fds', (s: SoakAnalysis['runs']['head'][number]['samples'][number]) => s.fds, 1, 'fds']] as const) {
    const sides = [...(a.runs.baseline?.[0] ? [['baseline', a.runs.baseline[0]] as const] : []), ['head', a.runs.head[0]] as const].filter(([, r]) => r !== undefined);
    if (sides.length === 0) continue;
    const series = sides.map(([name, r]) => {
      // Both sides are sampled on the same schedule: sample i is at i intervals, whatever the
      // milliseconds of timer jitter, so the two lines share their x values.
      const x = r!.samples.map((_, i) => (i * a.settings.intervalMs) / 1000);
      return { name, x, values: r!.samples.map((s) => (pick(s) === null ? null : pick(s)! * scale)) };
    });
    if (series.every((s) => s.x.length < 2)) continue;
    const chart = renderXyChart({ title: `${metric} over time (first soak)`, xLabel: 'time (s)', yLabel: unit, series });
    if (chart.block) lines.push('', chart.block, '', `<sub>${text(chart.caption)}</sub>`);
  }
  lines.push('', methodText(a));
  return lines.join('\n');
}

export function soakTerminal(a: SoakAnalysis): string[] {
  const out = [`soak of ${a.scenario} (test "${a.test}"): ${a.verdict}`];
  for (const [key, label] of TRENDS) a.head.forEach((t, i) => out.push(`  ${label}${a.head.length > 1 ? ` (soak ${i + 1})` : ''}: ${cell(key, t[key] as Trend, false)}`));
  if (a.shortFit) out.push(`  ${a.shortFit}`);
  out.push(`  ${methodText(a)}`);
  return out;
}
