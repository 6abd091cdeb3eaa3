// How a run ends once it has results and their analysis, whichever mode measured them: the results
// file, the report (job summary, sticky comment), the outputs, the gate, and on a trusted push the
// stored baseline.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Analysis } from '../analyze/types.js';
import { RESULTS_FILE_NAME, type ArtifactStore } from '../baseline/artifact-store.js';
import type { BaselineLookup } from '../baseline/store.js';
import type { Config } from '../config/config.js';
import type { Results } from '../results/schema.js';
import { OUTPUTS } from '../config/inputs.js';
import { PerfgateError } from '../errors.js';
import { commentMarker, formatters, renderComment, renderJobSummary } from '../report/index.js';
import { BUDGET_UNIT, budgetIsFloor, metricLabel } from '../report/vocabulary.js';
import type { ReportContext } from '../report/context.js';
import { withHistory } from '../results/build.js';
import { writeResultsFile } from '../results/file.js';
import { httpStatusOf, upsertStickyComment } from './comment.js';
import type { EventInfo } from './context.js';
import { tokenLogin } from './identity.js';
import { artifactUploaderFor, pullRequestFileName, resultsArtifactName, runnerTemp, type Core, type ModeInput } from './mode.js';

export interface RunOutcome {
  results: Results;
  analysis: Analysis;
  lookup: BaselineLookup;
  store: ArtifactStore | null;
  /** Base and head measured in this run (base-ref, variants). */
  paired: boolean;
  /** The commits of both variants when paired. */
  commits: { base: string | null; head: string | null } | null;
}

/** Writes the results file the config names (relative to the workspace) and sets the `results-file` output to it. */
export function writeResults(m: ModeInput, results: Results): string {
  const path = resolve(m.workspace, m.config.resultsFile);
  mkdirSync(dirname(path), { recursive: true });
  writeResultsFile(path, results);
  m.deps.core.setOutput(OUTPUTS.resultsFile, path);
  return path;
}

/**
 * What a run does once it has its results and their analysis, whether one job measured them or
 * shards did (merge-mode.ts): write the results file, report, and on a trusted push store the
 * baseline; on a pull request comment and gate.
 */
export async function concludeRun(m: ModeInput, r: RunOutcome): Promise<void> {
  const { deps, config, event } = m;
  const { core } = deps;
  const { lookup, store, paired } = r;
  const out = { results: r.results, analysis: r.analysis };
  const resultsPath = writeResults(m, out.results);

  const context: ReportContext = {
    suite: config.suite,
    mode: config.compare === 'variants' ? 'variants' : paired ? 'base-ref' : 'artifact',
    head: out.results,
    baseline: lookup.results,
    baselineProvenance: lookup.provenance ?? null,
    commits: paired && r.commits ? r.commits : { base: lookup.provenance?.commit ?? null, head: out.results.git.sha },
    reproduceCommand: reproduceCommand(m),
    now: deps.now().toISOString(),
    notes: lookup.rejected.map((reason) => `passed over as baseline: ${reason}`),
  };

  if (event.kind === 'trusted-push' && !paired) {
    // A trusted push stores the new baseline with the old one carried into its history; it does not
    // gate (the change is already merged), but its summary shows the trend against the last one.
    await writeSummary(core, renderJobSummary(out.analysis, context));
    setOutputs(core, out.analysis, null);
    await core.group('perfgate: save baseline', async () => {
      if (!store) {
        core.warning('the baseline was not saved: the event payload does not name the repository and its default branch');
        return;
      }
      try {
        await store.save(withHistory(out.results, lookup.results));
      } catch (e) {
        // Pull requests would silently find no (or an old) baseline: this push's job must fail.
        throw new PerfgateError(`could not store the baseline artifact ${store.name}: ${(e as Error).message}`);
      }
      core.info(`saved baseline artifact ${store.name}`);
    });
    return;
  }

  let acknowledged = false;
  if (event.pullRequest && out.analysis.verdict === 'fail') {
    const labels = await currentLabels(m);
    acknowledged = labels.includes(config.gating.acknowledgeLabel);
    if (acknowledged) context.acknowledgedBy = config.gating.acknowledgeLabel;
  }
  const analysis: Analysis = acknowledged ? { ...out.analysis, acknowledged: true } : out.analysis;
  const body = renderComment(analysis, context);
  await writeSummary(core, renderJobSummary(analysis, context));

  let commentUrl: string | null = null;
  if (event.pullRequest) {
    await uploadResultsForReport(m, resultsPath, event);
    if (config.gating.comment) commentUrl = await postComment(m, event.pullRequest.number, body);
  }
  setOutputs(core, analysis, commentUrl);
  gate(core, config, analysis);
}

export function reproduceCommand(m: { config: Config; event: Pick<EventInfo, 'owner' | 'repo'> }): string {
  const repo = m.event.owner && m.event.repo ? `${m.event.owner}/${m.event.repo}` : 'OWNER/REPO';
  const fetchBaseline = `npx perfgate baseline fetch --repo ${repo} --suite ${m.config.suite} --output base.json`;
  if (m.config.mode === 'merge') {
    // Sharded: each shard measured locally, then merged and compared as the merge job does.
    const shards = m.config.compare === 'base-ref' ? '--compare base-ref --base-ref BASE_SHA ' : '';
    const compare = m.config.compare === 'base-ref' || m.config.compare === 'variants'
      ? 'npx perfgate compare merged.json'
      : `${fetchBaseline} && npx perfgate compare base.json merged.json`;
    return `for k in $(seq N); do npx perfgate run --config perfgate.yml ${shards}--shard $k/N --output shard-$k.json; done && npx perfgate merge shard-*.json --output merged.json && ${compare}`;
  }
  if (m.config.compare === 'base-ref') return `npx perfgate run --config perfgate.yml --compare base-ref --base-ref BASE_SHA`;
  return `${fetchBaseline} && npx perfgate run --config perfgate.yml --baseline base.json`;
}

async function currentLabels(m: ModeInput): Promise<string[]> {
  const pr = m.event.pullRequest!;
  try {
    // The payload of a re-run is the original event's, so a label added since is only seen through the API.
    const { data } = await m.deps.rest.request('GET /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner: m.event.owner,
      repo: m.event.repo,
      issue_number: pr.number,
      per_page: 100,
    });
    return (data as { name: string }[]).map((l) => l.name);
  } catch {
    return pr.labels;
  }
}

async function uploadResultsForReport(m: ModeInput, resultsPath: string, event: EventInfo): Promise<void> {
  // The workflow_run pattern reads these from a trusted workflow to comment on fork PRs; the PR
  // number travels with them and is checked there against the PR's head SHA. They are staged in
  // the runner's temp directory so nothing stray is left in the user's checkout.
  const dir = join(runnerTemp(m.deps.env), `perfgate-report-upload-${m.config.suite}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const results = join(dir, RESULTS_FILE_NAME);
  const meta = join(dir, pullRequestFileName(m.config.suite));
  try {
    copyFileSync(resultsPath, results);
    writeFileSync(meta, JSON.stringify({ pullRequest: event.pullRequest!.number, headSha: event.pullRequest!.headSha }));
    await artifactUploaderFor(m)(resultsArtifactName(m.config.suite), [results, meta], dir, 7);
  } catch (e) {
    // Two jobs with one suite would have the report comment with either's results: a setup error.
    if (e instanceof PerfgateError) throw e;
    m.deps.core.warning(`could not upload the results artifact for the report pattern: ${(e as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function postComment(m: ModeInput, issueNumber: number, body: string): Promise<string | null> {
  try {
    const target = { owner: m.event.owner, repo: m.event.repo, issueNumber };
    const r = await upsertStickyComment(m.deps.rest, target, commentMarker(m.config.suite), body, () => tokenLogin(m.deps.rest));
    const n = r.othersWithMarker.length;
    if (n > 0) {
      m.deps.core.info(
        `${n} comment${n === 1 ? '' : 's'} carrying the marker ${n === 1 ? 'was' : 'were'} written by someone else ` +
          `(${[...new Set(r.othersWithMarker)].join(', ')}) and ${n === 1 ? 'was' : 'were'} left alone`,
      );
    }
    m.deps.core.info(`${r.created ? 'posted' : 'updated'} the perfgate comment: ${r.url}`);
    return r.url;
  } catch (e) {
    const status = httpStatusOf(e);
    if (status === 403 || status === 404) {
      m.deps.core.warning(
        `could not comment on pull request #${issueNumber} (HTTP ${status}): the token is read-only, as for pull requests from forks, ` +
          'or lacks `pull-requests: write`. The report is in the job summary; see the workflow_run recipe in the README to comment on fork PRs.',
      );
      return null;
    }
    m.deps.core.warning(`could not comment on pull request #${issueNumber}: ${(e as Error).message}; the report is in the job summary`);
    return null;
  }
}

export async function writeSummary(core: Core, markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown, true).write({ overwrite: false });
  } catch (e) {
    core.warning(`could not write the job summary: ${(e as Error).message}`);
  }
}

/** One line per gated regression and broken budget, worded as in the report, for annotations. */
export function regressionsOf(analysis: Analysis): { count: number; lines: string[] } {
  const f = formatters;
  const lines: string[] = [];
  for (const s of analysis.scenarios) {
    for (const mt of s.metrics) {
      if (mt.gated && mt.status === 'regressed') {
        const kind = mt.changeKind ?? 'relative';
        const p = mt.pAdjusted ?? mt.p;
        lines.push(
          `${s.name}: ${metricLabel(mt.metric)} regressed by ${f.percent(mt.change, kind)} ` +
            `(95% CI ${f.interval(mt.ciLow, mt.ciHigh, kind)}${p === null ? '' : `, ${f.pPhrase(p)}`}; threshold ${f.threshold(mt.threshold)})`,
        );
      }
    }
    for (const b of s.budgets) {
      if (b.ok) continue;
      const unit = BUDGET_UNIT[b.metric];
      const side = budgetIsFloor(b.metric) ? 'below the floor' : 'over the limit';
      lines.push(`${s.name}: ${metricLabel(b.metric)} budget broken: ${f.value(b.value, unit)}, ${side} ${f.value(b.limit, unit)}`);
    }
  }
  // Tests of other kinds say what failed in their own words.
  for (const t of analysis.tests ?? []) for (const failure of t.failures) lines.push(`${t.scenario} (${t.kind} test "${t.test}"): ${failure}`);
  return { count: lines.length, lines };
}

export function setOutputs(core: Core, analysis: Analysis, commentUrl: string | null): void {
  core.setOutput(OUTPUTS.verdict, analysis.verdict);
  core.setOutput(OUTPUTS.regressions, String(regressionsOf(analysis).count));
  core.setOutput(OUTPUTS.commentUrl, commentUrl ?? '');
}

export function gate(core: Core, config: Config, analysis: Analysis): void {
  const { lines } = regressionsOf(analysis);
  if (analysis.verdict === 'fail') {
    for (const l of lines) (analysis.acknowledged ? core.warning : core.error)(l);
    if (analysis.acknowledged) {
      core.notice(`performance regression acknowledged by the label ${config.gating.acknowledgeLabel}`);
    } else if (config.gating.failOnRegression) {
      // Each regression has its own annotation above; this line only says what to do.
      const n = lines.length;
      core.setFailed(
        `perfgate: ${n} regression${n === 1 ? '' : 's'} ${n === 1 ? 'fails' : 'fail'} this check; the job summary has the details, ` +
          `and the pull request label ${config.gating.acknowledgeLabel} accepts ${n === 1 ? 'it' : 'them'} on purpose`,
      );
    }
  } else if (analysis.verdict === 'no-baseline' && config.gating.requireBaseline) {
    core.setFailed(`perfgate: no baseline to compare against, and require-baseline is true (${analysis.reason ?? ''})`);
  }
}
