import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type * as coreModule from '@actions/core';
import type { ArtifactClient } from '@actions/artifact';
import type { Analysis } from '../analyze/types.js';
import {
  ArtifactStore,
  RESULTS_FILE_NAME,
  artifactClientFetcher,
  type ArchiveFetcher,
  type ArtifactUploader,
  type RestClient,
} from '../baseline/artifact-store.js';
import type { BaselineLookup, BaselineStore } from '../baseline/store.js';
import type { Config } from '../config/config.js';
import type { Results } from '../results/schema.js';
import { ALLOW_UNTRUSTED_CODE_INPUT, CONFIG_INPUTS, OUTPUTS, SHARD_INPUT } from '../config/inputs.js';
import { loadConfig } from '../config/load.js';
import { ConfigError, PerfgateError } from '../errors.js';
import type { MeasureDeps } from '../measure/measure.js';
import { runPipeline, type PipelineOutput } from '../pipeline.js';
import { prepareVariants } from '../baseref/variants.js';
import { git } from '../baseref/git.js';
import { commentMarker, formatters, renderComment, renderJobSummary } from '../report/index.js';
import { BUDGET_UNIT, budgetIsFloor, metricLabel } from '../report/vocabulary.js';
import type { ReportContext } from '../report/context.js';
import { withHistory } from '../results/build.js';
import { environmentFingerprint } from '../results/environment.js';
import { writeResultsFile } from '../results/file.js';
import { httpStatusOf, upsertStickyComment } from './comment.js';
import { readEvent, type EventInfo } from './context.js';
import { tokenLogin } from './identity.js';
import { runReportMode } from './report-mode.js';
import { runMergeMode } from './merge-mode.js';
import { runShardMode } from './shard-mode.js';
import { parseShard, type ShardSpec } from '../plan/shards.js';
import { readCheckoutFacts } from './checkout-facts.js';
import { checksCodeTrust, codeDirectories, decideCodeTrust, parseAllowUntrustedCode } from './untrusted-code.js';
import { attemptStartFromRest, runArtifactUploader } from './run-artifacts.js';

export type Core = Pick<
  typeof coreModule,
  'getInput' | 'setOutput' | 'setFailed' | 'warning' | 'error' | 'info' | 'notice' | 'setSecret' | 'group' | 'summary' | 'startGroup' | 'endGroup'
>;

export interface ActionDeps {
  core: Core;
  env: NodeJS.ProcessEnv;
  eventName: string;
  payload: Record<string, unknown>;
  rest: RestClient;
  artifacts: Pick<ArtifactClient, 'uploadArtifact' | 'downloadArtifact' | 'getArtifact' | 'deleteArtifact'>;
  measureDeps: MeasureDeps;
  findFreePort(): Promise<number>;
  now(): Date;
  /** Base of the waits between retried downloads (default 1 s); tests make it short. */
  retryBaseMs?: number;
}

/** Results of a pull request run are uploaded under this name for the workflow_run report pattern. */
export function resultsArtifactName(suite: string): string {
  return `perfgate-results-${suite}`;
}

/**
 * The action: measure, compare, report and gate, by event. A trusted push to the default branch
 * stores the baseline; a pull request is compared with it (or with its base commit) and gated.
 */
export async function runAction(deps: ActionDeps): Promise<void> {
  const { core } = deps;
  try {
    // Not passed to core.setSecret: the runner masks `github.token` and `secrets.*` already, and
    // setSecret would print the token itself in an ::add-mask:: line to our stdout.
    const token = core.getInput('token');
    const inputs = Object.fromEntries(CONFIG_INPUTS.map((name) => [name, core.getInput(name)]));
    const configPath = core.getInput('config');
    const workspace = deps.env.GITHUB_WORKSPACE ?? process.cwd();
    const config = loadActionConfig(configPath ? resolve(workspace, configPath) : undefined, inputs);
    const allowUntrustedCode = parseAllowUntrustedCode(core.getInput(ALLOW_UNTRUSTED_CODE_INPUT));
    const event = readEvent(deps.env, deps.eventName, deps.payload);

    const shard = shardInput(core.getInput(SHARD_INPUT), config.mode);
    if (config.mode === 'report') {
      await runReportMode({ deps, config, event, token, workspace });
      return;
    }
    if (config.mode === 'merge') {
      // Runs no code of the checkout: it only downloads, analyses and reports.
      await runMergeMode({ deps, config, event, token, workspace });
      return;
    }
    // Before anything is built or started: a pull_request_target job must not run a pull request's code.
    const dirs = codeDirectories(workspace, {
      compare: config.compare,
      serviceCwd: config.service?.cwd ?? null,
      headCwd: config.variants.head.cwd,
      baseCwd: config.variants.base.cwd,
    });
    await refuseUntrustedCode(deps, event, dirs, allowUntrustedCode);
    if (shard) await runShardMode({ deps, config, event, token, workspace }, shard);
    else await runGateMode({ deps, config, event, token, workspace });
  } catch (e) {
    if (e instanceof PerfgateError) core.setFailed(e.message);
    else core.setFailed(`perfgate failed unexpectedly: ${(e as Error).stack ?? String(e)}`);
  }
}

/** The `shard` input: null when empty; K/N in gate mode only (report and merge measure nothing). */
function shardInput(value: string, mode: Config['mode']): ShardSpec | null {
  if (value.trim() === '') return null;
  const r = parseShard(value);
  if (!r.ok) throw new ConfigError([`input "shard": ${r.message}`], 'action inputs');
  if (mode !== 'gate') {
    throw new ConfigError([`input "shard": ${JSON.stringify(value)} is for the matrix jobs that measure; the job with mode: ${mode} measures nothing, so leave shard out there`], 'action inputs');
  }
  return r.value;
}

/**
 * On pull_request_target, stops the run unless every directory whose code runs holds a commit of
 * the base branch (github/untrusted-code.ts decides); with allow-untrusted-code it runs and says
 * so every time.
 */
async function refuseUntrustedCode(deps: ActionDeps, event: EventInfo, dirs: readonly string[], allowUntrustedCode: boolean): Promise<void> {
  if (!checksCodeTrust(event.eventName)) return;
  for (const workspace of dirs) {
    const decision = decideCodeTrust(await checkoutFacts(deps, event, workspace, allowUntrustedCode));
    if (!decision.run) throw new PerfgateError(decision.error);
    if (decision.warning) {
      // One warning says it all: the run goes ahead on the user's say-so.
      deps.core.warning(decision.warning);
      return;
    }
  }
}

function checkoutFacts(deps: ActionDeps, event: EventInfo, workspace: string, allowUntrustedCode: boolean) {
  return readCheckoutFacts(
    { event, workspace, allowUntrustedCode },
    {
      git,
      branchTip: async (branch) => {
        try {
          const { data } = await deps.rest.request('GET /repos/{owner}/{repo}/branches/{branch}', { owner: event.owner, repo: event.repo, branch });
          return String((data as { commit?: { sha?: unknown } }).commit?.sha ?? '');
        } catch (e) {
          const status = httpStatusOf(e);
          throw new Error(`GET branches/${branch}${status === null ? '' : ` answered HTTP ${status}`}: ${(e as Error).message}`);
        }
      },
    },
  );
}

/**
 * The configuration, checked as one that measures; `mode: report` measures nothing (its results
 * come from the pull request's run), so it may leave out url and scenarios.
 */
function loadActionConfig(filePath: string | undefined, inputs: Record<string, string>): Config {
  try {
    return loadConfig({ filePath, inputs, purpose: 'measure' });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    let forReport: Config;
    try {
      forReport = loadConfig({ filePath, inputs, purpose: 'analyze' });
    } catch {
      throw e;
    }
    if (forReport.mode === 'report') return forReport;
    throw e;
  }
}

export interface ModeInput {
  deps: ActionDeps;
  config: Config;
  event: EventInfo;
  token: string;
  workspace: string;
}

export function artifactStoreFor(m: ModeInput): ArtifactStore | null {
  const { event, deps } = m;
  if (event.repositoryId === null || event.defaultBranch === null) return null;
  return new ArtifactStore({
    rest: deps.rest,
    fetchArchive: archiveFetcherFor(m),
    upload: artifactUploaderFor(m),
    currentRunId: /^\d+$/.test(event.runId) ? Number(event.runId) : null,
    owner: event.owner,
    repo: event.repo,
    repositoryId: event.repositoryId,
    defaultBranch: event.defaultBranch,
    serverUrl: event.serverUrl,
    suite: m.config.suite,
    tmpDir: runnerTemp(deps.env),
    now: () => deps.now().toISOString(),
  });
}

/** Uploads to this run, replacing what an earlier attempt of it left under the same name. */
export function artifactUploaderFor(m: ModeInput, anotherJob?: (name: string) => PerfgateError): ArtifactUploader {
  const { deps, event } = m;
  const log = (line: string): void => deps.core.info(line);
  return runArtifactUploader({
    ...(anotherJob ? { anotherJob } : {}),
    client: deps.artifacts,
    suite: m.config.suite,
    runId: event.runId,
    attempt: event.runAttempt,
    attemptStartedAt: () => attemptStartFromRest(deps.rest, { owner: event.owner, repo: event.repo, runId: event.runId, attempt: event.runAttempt, log }),
    log,
  });
}

/** Downloads of other runs' artifacts, as the action makes them. */
export function archiveFetcherFor(m: ModeInput): ArchiveFetcher {
  const { deps, event } = m;
  return artifactClientFetcher(deps.artifacts, {
    token: m.token,
    owner: event.owner,
    repo: event.repo,
    tmpDir: runnerTemp(deps.env),
    retryBaseMs: deps.retryBaseMs,
  });
}

export async function loadBaseline(m: ModeInput, store: BaselineStore | null): Promise<BaselineLookup> {
  if (m.config.compare === 'none') return { results: null, reason: 'compare is set to none', rejected: [] };
  if (!store) return { results: null, reason: 'the event payload does not name the repository and its default branch', rejected: [] };
  try {
    return await store.load();
  } catch (e) {
    const status = httpStatusOf(e);
    const hint = status === 403 || status === 404 ? ' (the workflow needs `permissions: actions: read`)' : '';
    return { results: null, reason: `the baseline could not be looked up: ${(e as Error).message}${hint}`, rejected: [] };
  }
}

async function runGateMode(m: ModeInput): Promise<void> {
  const { deps, config, event } = m;
  const { core } = deps;
  const paired = config.compare === 'base-ref' || config.compare === 'variants';
  const store = paired ? null : artifactStoreFor(m);
  const lookup: BaselineLookup = paired
    ? { results: null, rejected: [] }
    : await core.group('perfgate: baseline', async () => {
        const l = await loadBaseline(m, store);
        for (const r of l.rejected) core.info(`passed over: ${r}`);
        if (l.results) core.info(`baseline: commit ${l.provenance?.commit ?? '?'} from ${l.provenance?.runUrl ?? 'an earlier run'}`);
        else if (event.kind !== 'trusted-push') core.warning(`no baseline: ${l.reason}`);
        return l;
      });

  const headSha = event.pullRequest?.headSha ?? event.sha;
  const tmpDir = runnerTemp(deps.env);
  const logDir = resolve(tmpDir, 'perfgate-logs');
  const prepared = await core.group('perfgate: prepare', () =>
    prepareVariants({
      config,
      workspace: m.workspace,
      defaultBaseRef: event.pullRequest?.baseSha ?? (typeof deps.payload.before === 'string' ? deps.payload.before : null),
      headCommit: headSha,
      tmpDir,
      logDir,
      log: (line) => core.info(line),
      findFreePort: deps.findFreePort,
    }),
  );
  let out: PipelineOutput;
  try {
    out = await core.group('perfgate: measure', () =>
      runPipeline(
        {
          config,
          variants: prepared.variants,
          baseline: lookup.results,
          noBaselineReason: lookup.reason,
          // A trusted push becomes the next baseline: it measures its whole budget.
          stopEarly: !(event.kind === 'trusted-push' && !paired),
          meta: {
            suite: config.suite,
            createdAt: deps.now().toISOString(),
            git: { sha: headSha, ref: event.ref, repository: `${event.owner}/${event.repo}`, runId: event.runId, event: event.eventName },
            environment: environmentFingerprint(deps.env),
          },
        },
        deps.measureDeps,
      ),
    );
  } finally {
    await prepared.cleanup();
  }
  await concludeRun(m, { results: out.results, analysis: out.analysis, lookup, store, paired, commits: paired ? prepared.commits : null });
}

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
  const resultsPath = resolve(m.workspace, config.resultsFile);
  mkdirSync(dirname(resultsPath), { recursive: true });
  writeResultsFile(resultsPath, out.results);
  core.setOutput(OUTPUTS.resultsFile, resultsPath);

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
  if (m.config.compare === 'base-ref') return `npx perfgate run --config perfgate.yml --compare base-ref --base-ref BASE_SHA`;
  const repo = m.event.owner && m.event.repo ? `${m.event.owner}/${m.event.repo}` : 'OWNER/REPO';
  return `npx perfgate baseline fetch --repo ${repo} --suite ${m.config.suite} --output base.json && npx perfgate run --config perfgate.yml --baseline base.json`;
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

/** Name of the file beside the results in the report artifact that says which pull request they are for. */
export function pullRequestFileName(suite: string): string {
  return `perfgate-pr-${suite}.json`;
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

/** The runner's temp directory (emptied after each job), or the system's outside a runner. */
export function runnerTemp(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP || tmpdir();
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
