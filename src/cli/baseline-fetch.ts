import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { ArtifactStore, restFetcher } from '../baseline/artifact-store.js';
import type { BaselineLookup } from '../baseline/store.js';
import { EXIT, PerfgateError, UsageError } from '../errors.js';
import { createRestClient } from '../github/octokit.js';
import { writeResultsFile } from '../results/file.js';
import { parseCommandArgs } from './args.js';
import { BASELINE_HELP } from './help.js';
import type { CliIO } from './run-cli.js';

/**
 * `perfgate baseline fetch`: the same lookup and trust rules as the action, from a laptop, so a
 * developer can rerun a CI comparison locally against the very baseline CI used.
 */
export async function fetchBaselineCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'baseline fetch',
    argv,
    { repo: { type: 'string' }, suite: { type: 'string' }, output: { type: 'string' } },
    false,
  );
  if (values.help) {
    io.stdout(BASELINE_HELP);
    return EXIT.pass;
  }
  if (positionals.length > 0) throw new UsageError(`perfgate baseline fetch: unexpected argument "${positionals[0]}"`);
  const repoArg = values.repo;
  if (typeof repoArg !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(repoArg)) {
    throw new UsageError(`perfgate baseline fetch: --repo ${repoArg === undefined ? 'is required' : `"${String(repoArg)}" is not OWNER/NAME`}; write e.g. --repo octo/app`);
  }
  const suite = typeof values.suite === 'string' ? values.suite : 'default';
  const token = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN;
  if (!token) throw new UsageError('perfgate baseline fetch: set GITHUB_TOKEN to a token that can read the repository\'s actions');
  const [owner, repo] = repoArg.split('/') as [string, string];
  const rest = createRestClient({
    token,
    log: (m) => io.stderr(`${m}\n`),
    retryAfterBaseValue: io.env.PERFGATE_RETRY_BASE_MS ? Number(io.env.PERFGATE_RETRY_BASE_MS) : undefined,
  });

  let repository: { id: number; default_branch: string; html_url?: string };
  try {
    repository = (await rest.request('GET /repos/{owner}/{repo}', { owner, repo })).data as typeof repository;
  } catch (e) {
    throw new PerfgateError(`cannot read repository ${repoArg}: ${(e as Error).message}`);
  }
  const store = new ArtifactStore({
    rest,
    fetchArchive: restFetcher(rest, { owner, repo }),
    owner,
    repo,
    repositoryId: repository.id,
    defaultBranch: repository.default_branch,
    serverUrl: io.env.GITHUB_SERVER_URL || 'https://github.com',
    suite,
    tmpDir: tmpdir(),
    now: () => new Date().toISOString(),
  });
  let lookup: BaselineLookup;
  try {
    lookup = await store.load();
  } catch (e) {
    throw new PerfgateError(`cannot list the baseline artifacts of ${repoArg}: ${(e as Error).message}`);
  }
  for (const r of lookup.rejected) io.stderr(`passed over: ${r}\n`);
  if (!lookup.results) throw new PerfgateError(`no baseline: ${lookup.reason}`);
  const output = resolve(io.cwd, typeof values.output === 'string' ? values.output : 'perfgate-baseline.json');
  writeResultsFile(output, lookup.results);
  io.stdout(
    `baseline of ${repoArg} (suite ${suite}): commit ${lookup.provenance?.commit ?? '?'}, artifact #${lookup.provenance?.artifactId ?? '?'}, ` +
      `${lookup.provenance?.runUrl ?? ''}\nwritten to ${output}\n`,
  );
  return EXIT.pass;
}
