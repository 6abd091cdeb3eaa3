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
  /** Authors of comments that carry the marker but were written by someone else: left alone. */
  othersWithMarker: string[];
}

interface RestComment {
  id: number;
  body?: string | null;
  html_url: string;
  created_at?: string;
  user?: { login?: string } | null;
}

/**
 * One comment per suite, found by its hidden marker and edited in place on re-runs, so a PR never
 * collects a stack of stale reports. Comments are searched across every page: a busy PR has more
 * than the 100 a page holds.
 *
 * The marker alone proves nothing: anyone can post a comment that starts with it, and the token may
 * edit other people's comments. Editing theirs would put the report under their name, for them to
 * edit into a fake pass. So only a comment written by the account the token acts as (`ourLogin`,
 * asked for only when a marked comment exists) is edited, the newest if there are several.
 */
export async function upsertStickyComment(
  rest: RestClient,
  t: StickyTarget,
  marker: string,
  body: string,
  ourLogin: () => Promise<string>,
): Promise<StickyResult> {
  const marked = await markedComments(rest, t, marker);
  let existing: RestComment | undefined;
  const othersWithMarker: string[] = [];
  if (marked.length > 0) {
    // Logins are unique at any moment and GitHub lists each comment under its author's current one.
    const ours = (await ourLogin()).toLowerCase();
    for (const c of marked) {
      const author = c.user?.login ?? '';
      if (author.toLowerCase() !== ours) othersWithMarker.push(author || '(unknown)');
      else if (!existing || isNewer(c, existing)) existing = c;
    }
  }
  if (existing) {
    const { data } = await rest.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: t.owner,
      repo: t.repo,
      comment_id: existing.id,
      body,
    });
    return { id: existing.id, url: (data as RestComment).html_url ?? existing.html_url, created: false, othersWithMarker };
  }
  const { data } = await rest.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: t.owner,
    repo: t.repo,
    issue_number: t.issueNumber,
    body,
  });
  const c = data as RestComment;
  return { id: c.id, url: c.html_url, created: true, othersWithMarker };
}

function isNewer(a: RestComment, b: RestComment): boolean {
  const ta = Date.parse(a.created_at ?? '');
  const tb = Date.parse(b.created_at ?? '');
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta > tb;
  return a.id > b.id;
}

/** Every comment of the issue whose body opens with the marker, oldest first, whoever wrote it. */
export async function markedComments(rest: RestClient, t: StickyTarget, marker: string): Promise<RestComment[]> {
  const perPage = 100;
  const found: RestComment[] = [];
  for (let page = 1; page <= 100; page++) {
    const { data } = await rest.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: t.owner,
      repo: t.repo,
      issue_number: t.issueNumber,
      per_page: perPage,
      page,
    });
    const comments = data as RestComment[];
    // The marker opens perfgate's own comment; a reply that quotes it ("> <!-- ... -->") is not one.
    found.push(...comments.filter((c) => (c.body ?? '').trimStart().startsWith(marker)));
    if (comments.length < perPage) break;
  }
  return found;
}

/** True when an error from Octokit is an HTTP status (e.g. 403 for a fork's read-only token). */
export function httpStatusOf(e: unknown): number | null {
  const s = (e as { status?: unknown })?.status;
  return typeof s === 'number' ? s : null;
}
