import { resolve } from 'node:path';
import { boolean } from '../config/fields.js';
import { ALLOW_UNTRUSTED_CODE_INPUT } from '../config/inputs.js';
import { ConfigError } from '../errors.js';

/**
 * Whether perfgate may run the code checked out in the workspace.
 *
 * perfgate runs the code it measures (its `start` and `build` commands). A `pull_request_target`
 * job holds a write token and the repository's secrets while anyone who can open a pull request
 * triggers it, so a workflow that checks out the pull request's head there and lets perfgate run
 * it hands those rights to that code: GitHub Security Lab's "pwn request". There only commits of
 * the base branch are trusted: the pull request's base commit, the event's own commit (the base
 * branch's last commit when the event fired) and the branch's current tip. Anything else, a merge
 * containing the pull request's head included, is refused, as is a HEAD that cannot be read (fail
 * closed), unless the workflow opts out with the action input `allow-untrusted-code`.
 *
 * Pure: the facts are read at the action's edge (checkout-facts.ts).
 */

/** The one event where a pull request's code would run with the base repository's rights. */
export const PRIVILEGED_PULL_REQUEST_EVENT = 'pull_request_target';

/**
 * The opt-out, as the runner passes it: empty means false. It is an action input only, never a
 * perfgate.yml field: on pull_request_target the checkout may be the pull request's, and its own
 * perfgate.yml must not be able to wave its code through.
 */
export function parseAllowUntrustedCode(value: string): boolean {
  if (value.trim() === '') return false;
  const r = boolean(value);
  if (r.ok) return r.value;
  throw new ConfigError([`input "${ALLOW_UNTRUSTED_CODE_INPUT}": ${r.message}`], 'perfgate config');
}

export interface CheckoutTrustFacts {
  eventName: string;
  /** The checkout perfgate would build and start, for messages. */
  workspace: string;
  /** Its HEAD commit, or why that could not be read. */
  head: { sha: string } | { error: string };
  pullRequest: { number: number; headSha: string; baseRef: string } | null;
  /** Commits of the base branch the repository vouches for. */
  trustedCommits: string[];
  /** Why the base branch's current tip is not among trustedCommits, when looking it up failed. */
  baseTipUnknown: string | null;
  /** HEAD is a merge commit that contains the pull request's head commit. */
  headContainsPullRequestHead: boolean;
  allowUntrustedCode: boolean;
}

export type CodeTrustDecision = { run: true; warning: string | null } | { run: false; error: string };

/**
 * Every directory whose code perfgate builds or starts from the checkout: the workspace, and the
 * `cwd` of the head and (compare: variants) the base, resolved as the services resolve them. A
 * workflow may check the base out at the root and the pull request into a subdirectory named by
 * `cwd`; checking the root alone would then let the pull request's code run. (base-ref's base is
 * a worktree perfgate makes of the event's base commit, not a directory of the checkout.)
 */
export function codeDirectories(
  workspace: string,
  o: { compare: string; serviceCwd: string | null; headCwd?: string; baseCwd?: string },
): string[] {
  const dirs = [workspace];
  if (o.serviceCwd !== null || o.headCwd !== undefined) dirs.push(resolve(workspace, o.headCwd ?? o.serviceCwd ?? '.'));
  if (o.compare === 'variants' && (o.serviceCwd !== null || o.baseCwd !== undefined)) dirs.push(resolve(workspace, o.baseCwd ?? o.serviceCwd ?? '.'));
  return [...new Set(dirs.map((d) => resolve(d)))];
}

/** Whether the check applies at all; other events run nothing the base repository did not vouch for. */
export function checksCodeTrust(eventName: string): boolean {
  return eventName === PRIVILEGED_PULL_REQUEST_EVENT;
}

/** Trusted commits as given, lower case and without blanks (a payload may lack a SHA). */
export function normalizeCommits(commits: readonly (string | null | undefined)[]): string[] {
  return [...new Set(commits.map((c) => (c ?? '').trim().toLowerCase()).filter((c) => c !== ''))];
}

export function isTrustedCommit(sha: string, trustedCommits: readonly string[]): boolean {
  return normalizeCommits(trustedCommits).includes(sha.trim().toLowerCase());
}

const RISK =
  'A pull_request_target job holds a write token and the repository\'s secrets, so starting or building a pull request\'s code ' +
  'there hands them to whoever opened it (a "pwn request").';
const WAY_OUT =
  'Measure pull requests on `pull_request` and comment on fork pull requests with the `workflow_run` recipe in perfgate\'s ' +
  'README ("Permissions, baselines and forks"), or check out the base branch (actions/checkout\'s default on pull_request_target). ' +
  'Nothing was built or started.';

/** What is checked out, in words, for the error and the warning. */
function describeCheckout(f: CheckoutTrustFacts): string {
  if ('error' in f.head) return `the commit checked out in ${f.workspace} could not be read (${f.head.error}), so it cannot be told apart from the pull request's code`;
  const sha = f.head.sha;
  const pr = f.pullRequest;
  if (pr && sha === pr.headSha.toLowerCase()) return `${f.workspace} has the head commit ${sha} of pull request #${pr.number} checked out`;
  if (pr && f.headContainsPullRequestHead) {
    return `${f.workspace} has ${sha} checked out, a merge commit that contains the head ${pr.headSha} of pull request #${pr.number}`;
  }
  const base = pr?.baseRef ? `the base branch ${pr.baseRef}` : 'the base branch';
  const tip = f.baseTipUnknown ? `; its current tip could not be looked up: ${f.baseTipUnknown}` : '';
  return `${f.workspace} has ${sha} checked out, which is not a commit of ${base} that this event vouches for (${normalizeCommits(f.trustedCommits).join(', ') || 'none known'}${tip})`;
}

export function decideCodeTrust(f: CheckoutTrustFacts): CodeTrustDecision {
  if (!checksCodeTrust(f.eventName)) return { run: true, warning: null };
  if (!('error' in f.head) && isTrustedCommit(f.head.sha, f.trustedCommits)) return { run: true, warning: null };
  const facts: CheckoutTrustFacts = 'error' in f.head ? f : { ...f, head: { sha: f.head.sha.trim().toLowerCase() } };
  const what = describeCheckout(facts);
  if (f.allowUntrustedCode) {
    return {
      run: true,
      warning:
        `${ALLOW_UNTRUSTED_CODE_INPUT} is true, so perfgate runs untrusted code on ${f.eventName}: ${what}. ` +
        'That code can use this job\'s write token and the repository\'s secrets.',
    };
  }
  return { run: false, error: `perfgate will not run untrusted code on ${f.eventName}: ${what}. ${RISK} ${WAY_OUT}` };
}
