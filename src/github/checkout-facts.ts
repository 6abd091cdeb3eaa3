import type { CommandResult } from '../baseref/git.js';
import type { EventInfo } from './context.js';
import { PRIVILEGED_PULL_REQUEST_EVENT, isTrustedCommit, normalizeCommits, type CheckoutTrustFacts } from './untrusted-code.js';

export interface CheckoutFactsDeps {
  git(cwd: string, ...args: string[]): Promise<CommandResult>;
  /** The branch's current tip, from the API (the base repository's, never the checkout's own refs). */
  branchTip(branch: string): Promise<string>;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * Reads what untrusted-code.ts decides on: the workspace's HEAD, the base-branch commits the event
 * names, and, only when HEAD is none of those, the branch's current tip (a re-run of an old event
 * after the base branch moved) and whether HEAD merges the pull request's head (for the message).
 */
export async function readCheckoutFacts(
  o: { event: EventInfo; workspace: string; allowUntrustedCode: boolean },
  deps: CheckoutFactsDeps,
): Promise<CheckoutTrustFacts> {
  const { event, workspace } = o;
  const pr = event.pullRequest;
  // On pull_request_target GitHub sets GITHUB_SHA to the base branch's last commit, not the PR's.
  const eventSha = event.eventName === PRIVILEGED_PULL_REQUEST_EVENT ? event.sha : null;
  const trustedCommits = normalizeCommits([pr?.baseSha, eventSha]);
  const facts: CheckoutTrustFacts = {
    eventName: event.eventName,
    workspace,
    head: { error: 'not read' },
    pullRequest: pr ? { number: pr.number, headSha: pr.headSha, baseRef: pr.baseRef } : null,
    trustedCommits,
    baseTipUnknown: null,
    headContainsPullRequestHead: false,
    allowUntrustedCode: o.allowUntrustedCode,
  };

  let head: CommandResult;
  try {
    head = await deps.git(workspace, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}');
  } catch (e) {
    return { ...facts, head: { error: `git could not run: ${(e as Error).message}` } };
  }
  const sha = head.stdout.trim().toLowerCase();
  if (head.code !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    return { ...facts, head: { error: `git rev-parse HEAD: ${firstLine(head.stderr) || `exit code ${head.code}`}` } };
  }
  facts.head = { sha };
  if (isTrustedCommit(sha, trustedCommits)) return facts;

  if (pr?.baseRef) {
    try {
      facts.trustedCommits = normalizeCommits([...trustedCommits, await deps.branchTip(pr.baseRef)]);
    } catch (e) {
      facts.baseTipUnknown = (e as Error).message;
    }
  }
  if (pr?.headSha && !isTrustedCommit(sha, facts.trustedCommits)) {
    // Exit 0: the PR's head is an ancestor of HEAD. A head missing from the clone answers 128: not known.
    const merged = await deps.git(workspace, 'merge-base', '--is-ancestor', pr.headSha, sha).catch(() => null);
    facts.headContainsPullRequestHead = merged?.code === 0 && sha !== pr.headSha.toLowerCase();
  }
  return facts;
}
