import type { IncomingHttpHeaders } from 'node:http';

// Plain values passed between the fake server and its route handlers: a handler
// takes a call and returns a reply, so handlers never touch sockets.

export interface Call {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Answers of the REST API carry these; the throttling plugin reads the rate-limit ones. */
export function restHeaders(): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-resource': 'core',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { ...restHeaders(), ...headers }, body };
}

export function notFound(): Reply {
  return json(404, {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
    status: '404',
  });
}

export function validationFailed(message: string): Reply {
  return json(422, {
    message: 'Validation Failed',
    errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message }],
    documentation_url: 'https://docs.github.com/rest/issues/comments',
    status: '422',
  });
}

/** Parses a request body as JSON, or returns undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export interface Page<T> {
  items: T[];
  /** The Link header, absent when everything fits on one page. */
  link?: string;
}

/**
 * GitHub-style pagination: `per_page` (default 30, at most 100) and `page`
 * (from 1), with a Link header naming prev, next, last and first pages.
 */
export function paginate<T>(all: T[], call: Call, apiUrl: string): Page<T> {
  const perPageRaw = Number.parseInt(call.url.searchParams.get('per_page') ?? '', 10);
  const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, 100) : 30;
  const pageRaw = Number.parseInt(call.url.searchParams.get('page') ?? '', 10);
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);

  const pageUrl = (n: number): string => {
    const target = new URL(call.url.pathname + call.url.search, apiUrl);
    target.searchParams.set('per_page', String(perPage));
    target.searchParams.set('page', String(n));
    return target.toString();
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) rels.push(`<${pageUrl(page + 1)}>; rel="next"`);
  if (page < lastPage) rels.push(`<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) rels.push(`<${pageUrl(1)}>; rel="first"`);
  return rels.length > 0 ? { items, link: rels.join(', ') } : { items };
}
