import { PerfgateError } from '../errors.js';
import { analyzeOptions, analyzeResults } from '../pipeline.js';
import { renderComment, renderJobSummary } from '../report/index.js';
import type { ReportContext } from '../report/context.js';
import { MAX_RESULTS_BYTES, parseResultsText } from '../results/file.js';
import { postComment, reproduceCommand, setOutputs, writeSummary } from './conclude.js';
import { archiveFetcherFor, artifactStoreFor, loadBaseline, pullRequestFileName, resultsArtifactName, type ModeInput } from './mode.js';
import { RESULTS_FILE_NAME } from '../baseline/artifact-store.js';
import { readZipEntry } from '../baseline/zip.js';

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
  if (wr.event !== 'pull_request' && wr.event !== 'pull_request_target') {
    core.info(`run ${wr.id} was started by ${wr.event || 'an unknown event'}, not by a pull request; nothing to report`);
    return;
  }
  const name = resultsArtifactName(config.suite);
  const { data } = await deps.rest.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
    owner: event.owner,
    repo: event.repo,
    run_id: wr.id,
    name,
    per_page: 100,
  });
  const artifact = ((data as { artifacts?: { id: number; name: string; expired?: boolean; digest?: string | null }[] }).artifacts ?? []).find(
    (a) => a.name === name && !a.expired,
  );
  if (!artifact) {
    core.warning(`run ${wr.id} left no ${name} artifact (did its perfgate step run, with the same suite?); nothing to report`);
    return;
  }

  const zip = await archiveFetcherFor(m)({ id: artifact.id, runId: wr.id, digest: artifact.digest ?? null }).catch((e: unknown) => {
    throw new PerfgateError(`artifact ${name} of run ${wr.id} could not be downloaded: ${(e as Error).message}`);
  });
  const entry = (file: string): Buffer => {
    let data: Buffer | null;
    try {
      data = readZipEntry(zip, file, MAX_RESULTS_BYTES);
    } catch (e) {
      throw new PerfgateError(`artifact ${name} of run ${wr.id} is damaged: ${(e as Error).message}`);
    }
    if (!data) throw new PerfgateError(`artifact ${name} of run ${wr.id} holds no ${file}`);
    return data;
  };
  const head = parseResultsText(entry(RESULTS_FILE_NAME).toString('utf8'), `${RESULTS_FILE_NAME} of artifact ${name}`);
  let prNumber: number;
  try {
    prNumber = Number((JSON.parse(entry(pullRequestFileName(config.suite)).toString('utf8')) as { pullRequest: unknown }).pullRequest);
  } catch (e) {
    if (e instanceof PerfgateError) throw e;
    throw new PerfgateError(`artifact ${name} of run ${wr.id} does not say which pull request it belongs to`);
  }
  if (!Number.isInteger(prNumber) || prNumber <= 0) throw new PerfgateError(`artifact ${name} of run ${wr.id} names no valid pull request`);
  // The artifact was written by the pull request's code, so the number it names is only a hint:
  // GitHub's own list (given for same-repository pull requests) and the head SHA decide.
  if (wr.pullRequestNumbers.length > 0 && !wr.pullRequestNumbers.includes(prNumber)) {
    throw new PerfgateError(
      `artifact ${name} of run ${wr.id} names pull request #${prNumber}, but the run belongs to #${wr.pullRequestNumbers.join(', #')}; not commenting`,
    );
  }

  const { data: pr } = await deps.rest.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: event.owner,
    repo: event.repo,
    pull_number: prNumber,
  });
  const prHead = (pr as { head?: { sha?: string } }).head?.sha;
  if (prHead !== wr.headSha || head.git.sha !== wr.headSha) {
    throw new PerfgateError(
      `the results of run ${wr.id} do not belong to the head of pull request #${prNumber}: the run built ${wr.headSha}, ` +
        `the results name ${head.git.sha ?? 'no commit'}, and the pull request's head is now ${prHead ?? 'unknown'}; not commenting ` +
        '(a newer push to the pull request starts a newer run, which will comment)',
    );
  }

  const store = artifactStoreFor(m);
  const lookup = await loadBaseline(m, store);
  const paired = head.variants.some((v) => v.name === 'base');
  const baseline = paired ? null : lookup.results;
  const analysis = analyzeResults(baseline, head, analyzeOptions(config, lookup.reason));
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
    notes: [`reported from workflow run ${event.runId} for run ${wr.id}`, ...lookup.rejected.map((r) => `passed over as baseline: ${r}`)],
  };
  const body = renderComment(analysis, context);
  await writeSummary(core, renderJobSummary(analysis, context));
  const url = config.gating.comment ? await postComment(m, prNumber, body) : null;
  setOutputs(core, analysis, url);
}
