import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PerfgateError } from '../errors.js';
import { git } from './git.js';

/** The base commit checked out beside the head, built and ready to start. */
export interface BaseWorktree {
  dir: string;
  sha: string;
  /** Removes the worktree; safe to call more than once. */
  remove(): Promise<void>;
}

export class BaseRefError extends PerfgateError {}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Finds the commit of `ref`, fetching it from origin when the clone lacks it. A shallow clone (the
 * default of actions/checkout) usually lacks the base commit, and the fix is in the workflow.
 */
export async function resolveBaseCommit(repoDir: string, ref: string, log: (line: string) => void): Promise<string> {
  const top = await git(repoDir, 'rev-parse', '--show-toplevel');
  if (top.code !== 0) throw new BaseRefError(`compare: base-ref needs a git repository, but ${repoDir} is not one (${tail(top.stderr, 1)})`);
  const verify = () => git(repoDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  let found = await verify();
  if (found.code !== 0) {
    log(`base ${ref} is not in this clone; fetching it from origin`);
    const fetched = await git(repoDir, 'fetch', '--no-tags', '--quiet', 'origin', ref);
    if (fetched.code === 0) {
      found = await verify();
      if (found.code !== 0) found = await git(repoDir, 'rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}');
    }
  }
  if (found.code !== 0) {
    const shallow = (await git(repoDir, 'rev-parse', '--is-shallow-repository')).stdout.trim() === 'true';
    if (shallow) {
      throw new BaseRefError(
        `the base commit ${ref} is not in this clone, which is shallow, and could not be fetched; ` +
          'set `fetch-depth: 0` on actions/checkout (or a depth that reaches the base commit) so perfgate can check it out',
      );
    }
    throw new BaseRefError(`the base commit ${ref} is not in this repository and could not be fetched from origin`);
  }
  return found.stdout.trim();
}

/** Checks the base commit out into a temporary worktree and runs the build command there. */
export async function prepareBaseWorktree(o: {
  repoDir: string;
  ref: string;
  build: string | null;
  tmpDir: string;
  logFile: string;
  log: (line: string) => void;
}): Promise<BaseWorktree> {
  const sha = await resolveBaseCommit(o.repoDir, o.ref, o.log);
  mkdirSync(o.tmpDir, { recursive: true });
  const dir = mkdtempSync(join(o.tmpDir, `perfgate-base-${sha.slice(0, 7)}-`));
  rmSync(dir, { recursive: true, force: true });
  const added = await git(o.repoDir, 'worktree', 'add', '--detach', '--force', dir, sha);
  if (added.code !== 0) throw new BaseRefError(`could not check out base commit ${sha} into a worktree: ${tail(added.stderr, 5)}`);
  let removed = false;
  const worktree: BaseWorktree = {
    dir,
    sha,
    async remove() {
      if (removed) return;
      removed = true;
      await git(o.repoDir, 'worktree', 'remove', '--force', dir);
      rmSync(dir, { recursive: true, force: true });
      await git(o.repoDir, 'worktree', 'prune');
    },
  };
  if (o.build) {
    try {
      o.log(`building base commit ${sha.slice(0, 7)}: ${o.build}`);
      await runBuild(o.build, dir, o.logFile, `base commit ${sha}`);
    } catch (e) {
      await worktree.remove();
      throw e;
    }
  }
  return worktree;
}

/** Runs a build command through the shell, output to a log file; failure names what was built. */
export async function runBuild(command: string, cwd: string, logFile: string, what: string): Promise<void> {
  mkdirSync(join(logFile, '..'), { recursive: true });
  const fd = openSync(logFile, 'w');
  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, stdio: ['ignore', fd, fd], env: process.env });
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal }));
  }).finally(() => closeSync(fd));
  if (result.code !== 0) {
    const log = readFileSync(logFile, 'utf8');
    const how = result.signal ? `was killed by signal ${result.signal}` : `failed with exit code ${result.code}`;
    throw new BaseRefError(`the build of ${what} ${how} (command: ${command})\nlast lines of ${logFile}:\n${tail(log)}`);
  }
}
