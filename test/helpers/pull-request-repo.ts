import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway git repository shaped like a pull request: `base` on main, `head` on a feature branch
 * from it, `newerBase` on main after it, and `merge`, head merged into newerBase (what GitHub's
 * refs/pull/N/merge holds). `checkout` moves the working tree to one of them, as actions/checkout
 * would with `ref:`.
 */
export interface PullRequestRepo {
  dir: string;
  base: string;
  head: string;
  newerBase: string;
  merge: string;
  checkout(sha: string): void;
}

export function git(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  // No signing or hooks from the machine's global config.
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd, encoding: 'utf8', env }).trim();
}

export function makePullRequestRepo(parent = tmpdir()): PullRequestRepo {
  const dir = mkdtempSync(join(parent, 'perfgate-pr-repo-'));
  const commit = (file: string, text: string, message: string): string => {
    writeFileSync(join(dir, file), text);
    git(dir, 'add', file);
    git(dir, 'commit', '-qm', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  git(dir, 'init', '-q', '-b', 'main');
  const base = commit('service.txt', 'base\n', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  const head = commit('feature.txt', 'the pull request\n', 'pull request');
  git(dir, 'checkout', '-q', 'main');
  const newerBase = commit('later.txt', 'merged later\n', 'newer base');
  git(dir, 'checkout', '-q', '--detach', newerBase);
  git(dir, 'merge', '-q', '--no-ff', '-m', 'merge', head);
  const merge = git(dir, 'rev-parse', 'HEAD');
  return { dir, base, head, newerBase, merge, checkout: (sha) => git(dir, 'checkout', '-q', '--detach', sha) };
}
