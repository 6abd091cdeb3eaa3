import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../analyze/index.js';
import { PerfgateError } from '../errors.js';
import { analyzeOptions } from '../pipeline.js';
import { renderComment, renderJobSummary } from '../report/index.js';
import type { ReportContext } from '../report/context.js';
import { readResultsFile } from '../results/file.js';
import {
  artifactStoreFor,
  postComment,
  pullRequestFileName,
  reproduceCommand,
  resultsArtifactName,
  runnerTemp,
  setOutputs,
  writeSummary,
  type ModeInput,
} from './action.js';
import { RESULTS_FILE_NAME } from '../baseline/artifact-store.js';

/**
 * `mode: report`, run from a `workflow_run` workflow in the base repository: a pull request from a
 * fork gets a read-only token and cannot comment, so its run uploads its results and this trusted
 * run comments. Nothing from the fork is trusted: its results must belong to the PR's current head
 * SHA, and they are analysed again here against the trusted baseline.
 */
export async function runReportMode(m: ModeInput): Promise<void> {
  const { deps, config, event } = m;
  const { core } = deps;
  const wr = event.workflowRun;
  if (event.kind !== 'workflow-run' || !wr) {
    throw new PerfgateError(`mode: report runs in a workflow triggered by workflow_run, not by ${event.eventName}; see the README's fork recipe`);
  }
  const { data } = await deps.rest.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
    owner: event.owner,
    repo: event.repo,
    run_id: wr.id,
    per_page: 100,
  });
  const name = resultsArtifactName(config.suite);
  const artifact = ((data as { artifacts?: { id: number; name: string; expired?: boolean }[] }).artifacts ?? []).find((a) => a.name === name && !a.expired);
  if (!artifact) {
    core.info(`run ${wr.id} left no ${name} artifact; nothing to report`);
    return;
  }

  const dir = mkdtempSync(join(runnerTemp(deps.env), 'perfgate-report-'));
  try {
    await deps.artifacts.downloadArtifact(artifact.id, {
      path: dir,
      findBy: { token: m.token, workflowRunId: wr.id, repositoryOwner: event.owner, repositoryName: event.repo },
    });
    const head = readResultsFile(join(dir, RESULTS_FILE_NAME));
    let prNumber: number;
    try {
      prNumber = Number((JSON.parse(readFileSync(join(dir, pullRequestFileName(config.suite)), 'utf8')) as { pullRequest: unknown }).pullRequest);
    } catch {
      throw new PerfgateError(`artifact ${name} of run ${wr.id} does not say which pull request it belongs to`);
    }
    if (!Number.isInteger(prNumber) || prNumber <= 0) throw new PerfgateError(`artifact ${name} of run ${wr.id} names no valid pull request`);

    const { data: pr } = await deps.rest.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner: event.owner,
      repo: event.repo,
      pull_number: prNumber,
    });
    const prHead = (pr as { head?: { sha?: string } }).head?.sha;
    if (prHead !== wr.headSha || head.git.sha !== wr.headSha) {
      throw new PerfgateError(
        `the results of run ${wr.id} do not belong to pull request #${prNumber}'s head: the run built ${wr.headSha}, ` +
          `the results name ${head.git.sha ?? 'no commit'}, the pull request's head is ${prHead ?? 'unknown'}; not commenting`,
      );
    }

    const store = artifactStoreFor(m);
    const lookup = store ? await store.load() : { results: null, reason: 'the event payload does not name the repository', rejected: [] as string[] };
    const paired = head.variants.some((v) => v.name === 'base');
    const baseline = paired ? null : lookup.results;
    const analysis = analyze({ baseline, head, options: analyzeOptions(config, lookup.reason) });
    const context: ReportContext = {
      suite: config.suite,
      mode: paired ? 'base-ref' : 'artifact',
      head,
      baseline,
      baselineProvenance: paired ? null : (lookup.provenance ?? null),
      commits: paired
        ? { base: head.variants.find((v) => v.name === 'base')?.commit ?? null, head: head.git.sha }
        : { base: lookup.provenance?.commit ?? null, head: head.git.sha },
      reproduceCommand: reproduceCommand(m),
      now: deps.now().toISOString(),
      notes: [`reported from workflow run ${event.runId} for run ${wr.id}`],
    };
    const body = renderComment(analysis, context);
    await writeSummary(core, renderJobSummary(analysis, context));
    const url = config.gating.comment ? await postComment(m, prNumber, body) : null;
    setOutputs(core, analysis, url);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
