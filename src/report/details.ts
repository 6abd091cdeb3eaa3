import type { Results } from '../results/schema.js';
import { isPairedMode } from './context.js';
import type { Analysis, MetricName } from '../analyze/types.js';
import type { BaselineProvenance, ReportContext } from './context.js';
import { environmentRows } from './environment.js';
import { age, duration, plain, threshold } from './format.js';
import { code, codeBlock, details, table, text } from './markdown.js';
import { processesLine } from './replication.js';
import { metricLabel } from './vocabulary.js';

/**
 * The collapsed sections under the tables: what a curious reviewer opens, and what is trimmed first
 * when the comment grows too long.
 */

export function baseLabel(context: Pick<ReportContext, 'mode'>): string {
  return isPairedMode(context) ? 'base' : 'baseline';
}

/** A commit as people quote it: the first 7 characters of a full SHA. */
export function shortSha(sha: string | null | undefined): string | null {
  if (!sha) return null;
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha;
}

export function commitsOf(context: ReportContext): { base: string | null; head: string | null } {
  const variantCommit = (name: string): string | null =>
    context.head.variants.find((v) => v.name === name)?.commit ?? null;
  if (isPairedMode(context)) {
    return {
      base: context.commits?.base ?? variantCommit('base'),
      head: context.commits?.head ?? variantCommit('head') ?? context.head.git.sha,
    };
  }
  return {
    base: context.commits?.base ?? context.baselineProvenance?.commit ?? context.baseline?.git.sha ?? null,
    head: context.commits?.head ?? context.head.git.sha,
  };
}

export function trialsDetails(analysis: Analysis, context: ReportContext): string | null {
  const base = baseLabel(context);
  const blocks: string[] = [];
  for (const s of analysis.scenarios) {
    const lines: string[] = [];
    for (const m of s.metrics) {
      if (!m.samples || (m.samples.baseline.length === 0 && m.samples.head.length === 0)) continue;
      const { unit, format } = plain(m.unit);
      const sides: string[] = [];
      if (m.samples.baseline.length > 0) sides.push(`${base} ${m.samples.baseline.map(format).join(', ')}`);
      if (m.samples.head.length > 0) sides.push(`head ${m.samples.head.map(format).join(', ')}`);
      lines.push(`- ${metricLabel(m.metric)} (${unit}): ${sides.join('; ')}`);
    }
    if (lines.length > 0) blocks.push(`**${code(s.name)}**\n\n${lines.join('\n')}`);
  }
  if (blocks.length === 0) return null;
  const order =
    analysis.method === 'paired'
      ? 'One value per trial, in round order (the n-th values of both sides form a pair).'
      : 'One value per trial, in the order they ran.';
  return details('Per-trial values', `${order}\n\n${blocks.join('\n\n')}`);
}

export function environmentDetails(context: ReportContext): string {
  const head = context.head.environment;
  if (isPairedMode(context) || context.baseline === null) {
    const rows = environmentRows(null, head);
    const intro =
      isPairedMode(context)
        ? 'Base and head ran side by side on the same machine.'
        : 'There is no baseline run to compare the machine with.';
    return details('Environment', `${intro}\n\n${table([{ title: 'property' }, { title: 'this run' }], rows.map((r) => [r.property, text(r.head)]))}`);
  }
  const rows = environmentRows(context.baseline.environment, head);
  const differing = rows.filter((r) => r.differs).length;
  const intro =
    differing === 0
      ? 'Both runs used the same kind of machine.'
      : `${differing} propert${differing === 1 ? 'y differs' : 'ies differ'} between the machines (⚠️).`;
  return details(
    'Environment',
    `${intro}\n\n${table(
      [{ title: 'property' }, { title: 'baseline' }, { title: 'head' }, { title: 'match' }],
      rows.map((r) => [r.property, text(r.baseline), text(r.head), r.differs ? '⚠️ differs' : 'same']),
    )}`,
  );
}

/** "±5%", or "±5% to ±8%" when scenarios configure different thresholds for one metric. */
function thresholdRange(values: number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? threshold(low) : `${threshold(low)} to ${threshold(high)}`;
}

function thresholdSummary(analysis: Analysis): string {
  const byMetric = new Map<MetricName, { configured: number[]; widened: number; gated: boolean }>();
  for (const s of analysis.scenarios) {
    for (const m of s.metrics) {
      const entry = byMetric.get(m.metric) ?? { configured: [], widened: 0, gated: false };
      entry.configured.push(m.thresholdWidenedFrom ?? m.threshold);
      if (m.thresholdWidenedFrom != null && m.thresholdWidenedFrom !== m.threshold) entry.widened += 1;
      entry.gated ||= m.gated;
      byMetric.set(m.metric, entry);
    }
  }
  const gated: string[] = [];
  const notGated: string[] = [];
  for (const [metric, e] of byMetric) {
    const widened = e.widened > 0 ? ` (widened by noise in ${e.widened} scenario${e.widened === 1 ? '' : 's'})` : '';
    if (e.gated) gated.push(`${metricLabel(metric)} ${thresholdRange(e.configured)}${widened}`);
    else notGated.push(metricLabel(metric));
  }
  const parts = [gated.length > 0 ? gated.join(', ') : 'no gated metrics'];
  if (notGated.length > 0) parts.push(`not gated: ${notGated.join(', ')}`);
  return parts.join('; ');
}

/** How the two trials of a paired round were taken, in words. */
function pairedTrials(pairing: Results['pairing']): string {
  if (pairing === 'simultaneous') return 'whose trials of a round run at the same time (simultaneous pairing)';
  return 'whose trials alternate round by round (ABBA)';
}

export function methodDetails(analysis: Analysis, context: ReportContext): string {
  const test =
    analysis.method === 'paired'
      ? `Wilcoxon signed-rank test on the per-round log ratios of base and head, ${pairedTrials(context.head.pairing)}; ` +
        'the change is the Hodges–Lehmann estimate (median of Walsh averages) with its distribution-free 95% confidence interval.'
      : analysis.method === 'independent'
        ? 'Mann–Whitney U test on the log values of trial-level samples (one value per trial, never per ' +
          'request); the change is the Hodges–Lehmann estimate of the shift with its distribution-free 95% ' +
          'confidence interval.'
        : 'none: there was nothing to compare with.';
  const gatedCount = analysis.scenarios.reduce((n, s) => n + s.metrics.filter((m) => m.gated).length, 0);
  const lines = [`- **Test:** ${test}`];
  if (analysis.scenarios.some((s) => s.metrics.some((m) => m.pRuns !== undefined))) {
    lines.push(
      "- **Run-level test:** the baseline's history holds earlier runs, so a change must also stand out against them: " +
        "this run's median against the earlier runs' medians (Student t prediction interval). p is the larger of the two tests.",
    );
  }
  if (analysis.method !== 'none') {
    const metrics = `${gatedCount} gated metric${gatedCount === 1 ? '' : 's'}`;
    lines.push(
      `- **Decision:** p-values adjusted with Holm–Bonferroni across the ${metrics}, alpha = ${analysis.alpha}. ` +
        'A metric regressed or improved when its adjusted p < alpha and the change goes beyond its threshold, ' +
        'is unchanged when the whole 95% interval lies within the threshold, and is inconclusive otherwise. ' +
        'The p column shows adjusted p-values.',
    );
  }
  if (analysis.scenarios.some((s) => s.budgets.length > 0)) {
    lines.push('- **Budgets:** absolute limits, checked on the head alone.');
  }
  lines.push(`- **Thresholds:** ${thresholdSummary(analysis)}.`);
  const { baseline, head } = analysis.rounds;
  const disturbed = context.head.disturbedRounds;
  let rounds =
    analysis.method === 'paired'
      ? `${head} round${head === 1 ? '' : 's'} of ${context.head.pairing === 'simultaneous' ? 'simultaneous' : 'interleaved'} base and head trials per scenario`
      : analysis.method === 'independent'
        ? `${baseline} baseline and ${head} head trial${head === 1 ? '' : 's'} per scenario`
        : `${head} head trial${head === 1 ? '' : 's'} per scenario`;
  if (disturbed > 0) {
    rounds += `; ${disturbed} round${disturbed === 1 ? ' was' : 's were'} re-run because other processes disturbed the machine`;
  }
  lines.push(`- **Rounds:** ${rounds}.`);
  const processes = processesLine(analysis, context.head.roundsPerProcess);
  if (processes) lines.push(processes);
  const loadMs = context.head.scenarios.reduce(
    (sum, s) => sum + Object.values(s.variants).reduce((v, variant) => v + variant.trials.reduce((t, x) => t + x.durationMs, 0), 0),
    0,
  );
  if (loadMs > 0) lines.push(`- **Load time:** ${duration(loadMs)} of measured load in this run.`);
  return details('Method', lines.join('\n'));
}

function provenanceOf(context: ReportContext): BaselineProvenance | null {
  if (context.baselineProvenance) return context.baselineProvenance;
  if (context.baseline === null) return null;
  return { commit: context.baseline.git.sha, runUrl: null, createdAt: context.baseline.createdAt };
}

/** A URL as a markdown link destination, whatever characters it holds. */
function linkDestination(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function baselineDetails(context: ReportContext): string | null {
  const commits = commitsOf(context);
  if (isPairedMode(context)) {
    const base = shortSha(commits.base);
    return details(
      'Baseline',
      `The pull request's base commit${base ? ` ${code(base)}` : ''}, checked out into a worktree, built and ` +
        'measured on this runner alongside the head: no stored baseline was used.',
    );
  }
  const provenance = provenanceOf(context);
  if (provenance === null) return null;
  const commit = shortSha(provenance.commit ?? commits.base);
  const lines = [`- **Commit:** ${commit ? code(commit) : 'unknown'}`];
  lines.push(`- **Run:** ${provenance.runUrl ? `[workflow run](${linkDestination(provenance.runUrl)})` : 'unknown'}`);
  let ageText = provenance.ageDescription;
  if (ageText === undefined && context.now !== undefined) {
    const elapsed = Date.parse(context.now) - Date.parse(provenance.createdAt);
    if (Number.isFinite(elapsed) && elapsed >= 0) ageText = `${age(elapsed)} old`;
  }
  lines.push(`- **Created:** ${code(provenance.createdAt)}${ageText ? ` (${ageText})` : ''}`);
  const history = context.baseline?.history.length ?? 0;
  if (history > 0) {
    lines.push(
      `- **History:** ${history} earlier trusted run${history === 1 ? '' : 's'}, whose run-to-run spread sets the ` +
        'lowest threshold a metric can have.',
    );
  }
  return details(context.mode === 'local' ? 'Baseline (local file)' : 'Baseline', lines.join('\n'));
}

export function reproduceDetails(context: ReportContext): string | null {
  if (!context.reproduceCommand) return null;
  return details('Reproduce locally', codeBlock(context.reproduceCommand, 'sh'));
}
