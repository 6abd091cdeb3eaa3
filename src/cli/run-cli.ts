import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Analysis } from '../analyze/types.js';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load.js';
import { EXIT, PerfgateError, UsageError } from '../errors.js';
import { realMeasureDeps } from '../measure/deps.js';
import { analyzeOptions, analyzeResults, runPipeline } from '../pipeline.js';
import { renderComment, renderTerminal } from '../report/index.js';
import type { ReportContext } from '../report/context.js';
import { withHistory } from '../results/build.js';
import { environmentFingerprint } from '../results/environment.js';
import { readResultsFile, writeResultsFile } from '../results/file.js';
import { FileStore } from '../baseline/file-store.js';
import type { GitInfo, Results } from '../results/schema.js';
import { findFreePort, installSignalCleanup } from '../service/index.js';
import { prepareVariants } from '../baseref/variants.js';
import { VERSION } from '../version.js';
import { parseCommandArgs, CONFIG_FLAGS } from './args.js';
import { selectTests } from '../tests/parse.js';
import { fetchBaselineCommand } from './baseline-fetch.js';
import { BASELINE_HELP, COMPARE_HELP, MAIN_HELP, MERGE_HELP, RUN_HELP } from './help.js';
import { parseShard, type ShardSpec } from '../plan/shards.js';
import { mergeShards } from '../results/merge.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  color: boolean;
  /** Block characters for the one-line charts (cli/terminal-support.ts); plain text when absent. */
  unicode?: boolean;
}

/** Runs one CLI invocation and returns its exit code; errors a user can act on become codes 2 or 3. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof PerfgateError) {
      io.stderr(`perfgate: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr(`perfgate: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.runtime;
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout(MAIN_HELP);
      return command === undefined ? EXIT.usage : EXIT.pass;
    case '-v':
    case '--version':
      io.stdout(`${VERSION}\n`);
      return EXIT.pass;
    case 'run':
      return runCommand(rest, io);
    case 'compare':
      return compareCommand(rest, io);
    case 'baseline':
      return baselineCommand(rest, io);
    case 'merge':
      return mergeCommand(rest, io);
    default:
      throw new UsageError(`unknown command "${command}"; expected run, compare, merge or baseline (see perfgate --help)`);
  }
}

export function exitCodeFor(analysis: Analysis, config: Pick<Config, 'gating'>): number {
  if (analysis.verdict === 'fail') return EXIT.regression;
  if (analysis.verdict === 'no-baseline' && config.gating.requireBaseline) return EXIT.regression;
  return EXIT.pass;
}

function configInputs(values: Record<string, string | string[] | boolean | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(CONFIG_FLAGS.filter((f) => typeof values[f] === 'string').map((f) => [f, values[f] as string]));
}

function gitInfo(cwd: string, env: NodeJS.ProcessEnv): GitInfo {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
    } catch {
      return null;
    }
  };
  return {
    sha: env.GITHUB_SHA ?? git('rev-parse', 'HEAD'),
    ref: env.GITHUB_REF ?? git('rev-parse', '--abbrev-ref', 'HEAD'),
    repository: env.GITHUB_REPOSITORY ?? null,
    runId: env.GITHUB_RUN_ID ?? null,
    event: env.GITHUB_EVENT_NAME ?? 'local',
  };
}

async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'run',
    argv,
    {
      config: { type: 'string' }, baseline: { type: 'string' }, output: { type: 'string' }, json: { type: 'string' },
      markdown: { type: 'string' }, 'save-baseline': { type: 'string' }, test: { type: 'string', multiple: true },
      shard: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    io.stdout(RUN_HELP);
    return EXIT.pass;
  }
  if (positionals.length > 0) throw new UsageError(`perfgate run: unexpected argument "${positionals[0]}" (see perfgate run --help)`);
  const shard = typeof values.shard === 'string' ? shardFlag(values.shard) : null;
  const loaded = loadConfig({ filePath: values.config as string | undefined, inputs: configInputs(values) });
  const wanted = ((values.test as string[] | undefined) ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  let config = loaded;
  if (wanted.length > 0) {
    try {
      config = { ...loaded, tests: selectTests(loaded.tests, wanted) };
    } catch (e) {
      throw new UsageError(`perfgate run: ${(e as Error).message}`);
    }
  }
  const paired = config.compare === 'base-ref' || config.compare === 'variants';
  let baseline: Results | null = null;
  let reason: string | undefined;
  if (shard && (typeof values.baseline === 'string' || typeof values['save-baseline'] === 'string')) {
    throw new UsageError('perfgate run: --shard measures one share of the suite only; compare or save a baseline after `perfgate merge` of every shard');
  }
  if (typeof values.baseline === 'string') {
    if (paired) throw new UsageError(`perfgate run: --baseline is not used with --compare ${config.compare}, which measures the base itself`);
    // Like the action, a missing or invalid baseline is a warning and a clear no-baseline verdict,
    // never a silent comparison against nothing and never a crash after the service was measured.
    const lookup = await new FileStore(resolve(io.cwd, values.baseline)).load();
    baseline = lookup.results;
    if (!baseline) {
      reason = lookup.reason;
      io.stderr(`perfgate: warning: no baseline: ${lookup.reason}\n`);
    }
  } else if (!paired) {
    reason = 'no baseline file was given (--baseline FILE)';
  }

  const log = (line: string) => io.stderr(`${line}\n`);
  const cleanup = installSignalCleanup();
  const git = gitInfo(io.cwd, io.env);
  const logDir = resolve(io.cwd, '.perfgate', 'logs');
  const prepared = await prepareVariants({
    config,
    workspace: io.cwd,
    defaultBaseRef: null,
    headCommit: git.sha,
    tmpDir: resolve(io.cwd, '.perfgate', 'worktrees'),
    logDir,
    log,
    findFreePort,
  });
  try {
    const out = await runPipeline(
      {
        config,
        variants: prepared.variants,
        baseline,
        noBaselineReason: reason,
        meta: { suite: config.suite, createdAt: new Date().toISOString(), git, environment: environmentFingerprint(io.env) },
        ...(shard ? { shard: { ...shard, attempt: runAttempt(io.env) } } : {}),
      },
      realMeasureDeps(log),
    );
    const outputPath = resolve(io.cwd, (values.output as string | undefined) ?? config.resultsFile);
    writeResultsFile(outputPath, out.results);
    log(`results written to ${outputPath}`);
    if (shard) {
      // A shard's verdict would be over part of the family: the merge gives the one verdict.
      log(`shard ${shard.index}/${shard.count} measured ${out.results.shard?.scenarios.join(', ') || 'no scenario'}; merge every shard with perfgate merge`);
      return EXIT.pass;
    }
    if (typeof values['save-baseline'] === 'string') {
      await new FileStore(resolve(io.cwd, values['save-baseline'])).save(withHistory(out.results, baseline));
    }
    const context: ReportContext = {
      suite: config.suite,
      mode: config.compare === 'variants' ? 'variants' : paired ? 'base-ref' : 'local',
      head: out.results,
      baseline,
      commits: paired ? prepared.commits : { base: baseline?.git.sha ?? null, head: git.sha },
      reproduceCommand: `npx perfgate run${values.config ? ` --config ${values.config}` : ''}${paired ? ` --compare ${config.compare}${config.baseRef ? ` --base-ref ${config.baseRef}` : ''}` : ' --baseline BASELINE.json'}`,
    };
    writeExtras(values, out.analysis, context, io);
    io.stdout(renderTerminal(out.analysis, context, { color: io.color, unicode: io.unicode ?? false }));
    return exitCodeFor(out.analysis, config);
  } finally {
    await prepared.cleanup();
    cleanup();
  }
}

export function writeExtras(values: Record<string, unknown>, analysis: Analysis, context: ReportContext, io: CliIO): void {
  if (typeof values.json === 'string') writeFileSync(resolve(io.cwd, values.json), JSON.stringify(analysis, null, 2) + '\n');
  if (typeof values.markdown === 'string') writeFileSync(resolve(io.cwd, values.markdown), renderComment(analysis, context));
}

/** --shard K/N, or a usage error naming the flag, the value and what is expected. */
function shardFlag(value: string): ShardSpec {
  const r = parseShard(value);
  if (!r.ok) throw new UsageError(`perfgate run: --shard ${r.message}`);
  return r.value;
}

function runAttempt(env: NodeJS.ProcessEnv): number | null {
  const n = Number(env.GITHUB_RUN_ATTEMPT);
  return Number.isInteger(n) && n > 0 ? n : null;
}

async function mergeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('merge', argv, { output: { type: 'string' }, config: { type: 'string' } }, false);
  if (values.help) {
    io.stdout(MERGE_HELP);
    return EXIT.pass;
  }
  if (positionals.length === 0) throw new UsageError('perfgate merge: expected the results file of every shard, e.g. perfgate merge shard-*.json --output merged.json');
  if (typeof values.output !== 'string') throw new UsageError('perfgate merge: --output FILE is required (where to write the merged results)');
  // With the config, scenarios are listed in its order, as one job would; without, in shard order.
  const order = typeof values.config === 'string' ? loadConfig({ filePath: resolve(io.cwd, values.config), purpose: 'analyze' }).scenarios.map((s) => s.name) : undefined;
  const merged = mergeShards(
    positionals.map((p) => ({ source: p, results: readResultsFile(resolve(io.cwd, p)) })),
    order ? { order } : {},
  );
  const outputPath = resolve(io.cwd, values.output);
  writeResultsFile(outputPath, merged);
  const n = merged.shards?.length ?? 0;
  io.stderr(`merged ${n} shard${n === 1 ? '' : 's'} (${merged.scenarios.length} scenario${merged.scenarios.length === 1 ? '' : 's'}) into ${outputPath}\n`);
  return EXIT.pass;
}

/** One shard alone is part of a family: comparing it would apply Holm to the wrong number of tests. */
function refuseLoneShard(results: Results, path: string): void {
  if (!results.shard) return;
  throw new UsageError(
    `perfgate compare: ${path} holds shard ${results.shard.index}/${results.shard.count} of suite "${results.suite}" only; ` +
      'merge every shard first (perfgate merge SHARD.json ... --output merged.json) and compare the merged file',
  );
}

async function compareCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'compare',
    argv,
    { config: { type: 'string' }, json: { type: 'string' }, markdown: { type: 'string' } },
    false,
  );
  if (values.help) {
    io.stdout(COMPARE_HELP);
    return EXIT.pass;
  }
  if (positionals.length < 1 || positionals.length > 2) {
    throw new UsageError('perfgate compare: expected BASE.json HEAD.json, or one RESULTS.json holding both variants (see perfgate compare --help)');
  }
  const files = positionals.map((p) => readResultsFile(resolve(io.cwd, p)));
  files.forEach((f, i) => refuseLoneShard(f, positionals[i]!));
  let baseline: Results | null;
  let head: Results;
  if (files.length === 2) {
    [baseline, head] = [files[0]!, files[1]!];
  } else {
    head = files[0]!;
    baseline = null;
    const names = head.variants.map((v) => v.name);
    if (!(names.includes('base') && names.includes('head'))) {
      throw new UsageError(`perfgate compare: ${positionals[0]} holds only ${names.join(', ')}; give a baseline file too, or a file measured with --compare base-ref`);
    }
  }
  // Thresholds and budgets come from the config (or defaults); the scenarios are those measured.
  const config = loadConfig({ filePath: values.config as string | undefined, purpose: 'analyze' });
  const analysis = analyzeResults(baseline, head, analyzeOptions(config));
  const context: ReportContext = {
    suite: head.suite,
    mode: baseline ? 'local' : 'base-ref',
    head,
    baseline,
    commits: baseline ? { base: baseline.git.sha, head: head.git.sha } : { base: head.variants.find((v) => v.name === 'base')?.commit ?? null, head: head.variants.find((v) => v.name === 'head')?.commit ?? null },
    reproduceCommand: `npx perfgate compare ${positionals.join(' ')}`,
  };
  writeExtras(values, analysis, context, io);
  io.stdout(renderTerminal(analysis, context, { color: io.color, unicode: io.unicode ?? false }));
  return exitCodeFor(analysis, config);
}

async function baselineCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(BASELINE_HELP);
    return sub === undefined ? EXIT.usage : EXIT.pass;
  }
  if (sub !== 'fetch') throw new UsageError(`perfgate baseline: unknown subcommand "${sub}"; expected fetch`);
  return fetchBaselineCommand(rest, io);
}
