import type { RestClient } from '../baseline/artifact-store.js';

export interface StickyTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface StickyResult {
  id: number;
  url: string;
  created: boolean;
}

interface RestComment {
  id: number;
  body?: string | null;
  html_url: string;
}

/**
 * One comment per suite, found by its hidden marker and edited in place on re-runs, so a PR never
 * collects a stack of stale reports. Comments are searched across every page: a busy PR has more
 * than the 100 a page holds.
 */
export async function upsertStickyComment(rest: RestClient, t: StickyTarget, marker: string, body: string): Promise<StickyResult> {
  const existing = await findMarkedComment(rest, t, marker);
  if (existing) {
    const { data } = await rest.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: t.owner,
      repo: t.repo,
      comment_id: existing.id,
      body,
    });
    return { id: existing.id, url: (data as RestComment).html_url ?? existing.html_url, created: false };
  }
  const { data } = await rest.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: t.owner,
    repo: t.repo,
    issue_number: t.issueNumber,
    body,
  });
  const c = data as RestComment;
  return { id: c.id, url: c.html_url, created: true };
}

export async function findMarkedComment(rest: RestClient, t: StickyTarget, marker: string): Promise<RestComment | null> {
  const perPage = 100;
  for (let page = 1; page <= 100; page++) {
    const { data } = await rest.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: t.owner,
      repo: t.repo,
      issue_number: t.issueNumber,
      per_page: perPage,
      page,
    });
    const comments = data as RestComment[];
    // The marker opens perfgate's own comment; a reply that quotes it ("> <!-- ... -->") belongs to
    // someone else and must not be edited (the token could not, anyway).
    const hit = comments.find((c) => (c.body ?? '').trimStart().startsWith(marker));
    if (hit) return hit;
    if (comments.length < perPage) return null;
  }
  return null;
}

/** True when an error from Octokit is an HTTP status (e.g. 403 for a fork's read-only token). */
export function httpStatusOf(e: unknown): number | null {
  const s = (e as { status?: unknown })?.status;
  return typeof s === 'number' ? s : null;
}
