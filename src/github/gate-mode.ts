import { resolve } from 'node:path';
import { runPipeline, type PipelineOutput } from '../pipeline.js';
import { prepareVariants } from '../baseref/variants.js';
import { environmentFingerprint } from '../results/environment.js';
import { baselineFor, runnerTemp, type ModeInput } from './mode.js';
import { concludeRun } from './conclude.js';

/**
 * One job measures the suite (both variants in base-ref/variants mode, else the head against the
 * stored baseline) and concludes: report, gate, and on a trusted push store the baseline.
 */
export async function runGateMode(m: ModeInput): Promise<void> {
  const { deps, config, event } = m;
  const { core } = deps;
  const paired = config.compare === 'base-ref' || config.compare === 'variants';
  const { store, lookup } = await baselineFor(m, paired);

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
