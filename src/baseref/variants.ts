import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { PerfgateError } from '../errors.js';
import type { VariantTarget } from '../measure/measure.js';
import { headPort, variantTarget } from '../measure/variants.js';
import { prepareBaseWorktree, runBuild, type BaseWorktree } from './worktree.js';

export interface PreparedVariants {
  variants: VariantTarget[];
  commits: { base: string | null; head: string | null };
  /** Removes whatever was made for the run (the base worktree); always call it. */
  cleanup(): Promise<void>;
}

export interface PrepareInput {
  config: Config;
  workspace: string;
  /** Base ref from the event (pull_request.base.sha) when the config names none. */
  defaultBaseRef: string | null;
  headCommit: string | null;
  tmpDir: string;
  logDir: string;
  log(line: string): void;
  findFreePort(): Promise<number>;
}

/**
 * The variants of a run: the head alone, or base and head side by side (compare: variants, or
 * base-ref with the base commit checked out and built in a worktree), on different ports.
 */
export async function prepareVariants(p: PrepareInput): Promise<PreparedVariants> {
  const { config } = p;
  const head = (root: string) => variantTarget(config, 'head', { root, commit: p.headCommit, port: null }, p.logDir);
  if (config.compare !== 'base-ref' && config.compare !== 'variants') {
    return { variants: [head(p.workspace)], commits: { base: null, head: p.headCommit }, cleanup: async () => {} };
  }
  if (headPort(config) === null) {
    throw new PerfgateError(`compare: ${config.compare} runs two services side by side, so each needs its own port; set "port" (the head's) and let the service read PORT or use {port} in "start"`);
  }
  const basePort = config.variants.base.port ?? (await p.findFreePort());
  if (config.compare === 'variants') {
    const base = variantTarget(config, 'base', { root: p.workspace, commit: null, port: basePort }, p.logDir);
    return { variants: [base, head(p.workspace)], commits: { base: null, head: p.headCommit }, cleanup: async () => {} };
  }

  const ref = config.baseRef ?? p.defaultBaseRef;
  if (!ref) {
    throw new PerfgateError('compare: base-ref needs the commit to compare against: run it on a pull_request event, or set "base-ref" (CLI: --base-ref REF)');
  }
  if (config.buildHead && config.build) {
    p.log(`building head: ${config.build}`);
    await runBuild(config.build, p.workspace, resolve(p.logDir, `${config.suite}-build-head.log`), `the head${p.headCommit ? ` (commit ${p.headCommit})` : ''}`);
  }
  const worktree: BaseWorktree = await prepareBaseWorktree({
    repoDir: p.workspace,
    ref,
    build: config.build,
    tmpDir: p.tmpDir,
    logFile: resolve(p.logDir, `${config.suite}-build-base.log`),
    log: p.log,
  });
  const base = variantTarget(config, 'base', { root: worktree.dir, commit: worktree.sha, port: basePort }, p.logDir);
  p.log(`base: commit ${worktree.sha.slice(0, 7)} in ${worktree.dir}, port ${basePort}`);
  return { variants: [base, head(p.workspace)], commits: { base: worktree.sha, head: p.headCommit }, cleanup: () => worktree.remove() };
}
