import * as f from '../config/fields.js';
import { didYouMean } from '../config/suggest.js';
import type { PreparedRequest } from '../load/traffic.js';
import { malformedPlaceholder, parseTemplate, renderTemplate, type Template } from './template.js';
import type { TrafficRequest } from './types.js';

/** Fields every request of a mix and every step of a journey has. */
export const REQUEST_FIELDS = ['name', 'method', 'path', 'headers', 'body', 'expect-status'] as const;

/** What a request inherits from its scenario and the top level when it does not say. */
export interface RequestDefaults {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  expectStatus: string;
}

/** Field parsers shared with the scenario schema (config/schema.ts), so both say the same things. */
export interface RequestFieldParsers {
  method(v: unknown): f.Parsed<string>;
  headers(v: unknown): f.Parsed<Record<string, string>>;
  body(v: unknown): f.Parsed<string>;
  expectStatus(v: unknown): f.Parsed<string>;
}

/**
 * One item of a `mix` or `journey` list: its common fields parsed, every problem pushed as
 * "<at>.<field>: ...". Null when the item is not a mapping at all.
 */
export function parseRequestItem(
  item: unknown,
  at: string,
  kindFields: readonly string[],
  defaults: RequestDefaults,
  parsers: RequestFieldParsers,
  problems: string[],
): { request: Omit<TrafficRequest, 'weight' | 'captures'>; raw: Record<string, unknown> } | null {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    problems.push(`${at}: expected a mapping of fields, e.g. "{ name: list, path: /api/items }"`);
    return null;
  }
  const raw = item as Record<string, unknown>;
  const known = [...REQUEST_FIELDS, ...kindFields];
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    const hint = didYouMean(key, known);
    problems.push(`${at}: unknown field ${f.show(key)}${hint ? `; did you mean "${hint}"?` : ''}`);
  }
  const get = <T>(field: string, parse: (v: unknown) => f.Parsed<T>, fallback: T): T => {
    if (raw[field] === undefined || raw[field] === null) return fallback;
    const r = parse(raw[field]);
    if (r.ok) return r.value;
    problems.push(`${at}.${field}: ${r.message}`);
    return fallback;
  };
  const name = get('name', (v) => f.nonEmptyString(v, 'a request name'), '');
  if (raw.name === undefined) problems.push(`${at}.name: required; every request needs a name for its row in the report`);
  const pathText = get(
    'path',
    (v) => (typeof v === 'string' && v.startsWith('/') ? { ok: true as const, value: v } : { ok: false as const, message: `${f.show(v)} is not a path; write e.g. "/api/items/{{id}}"` }),
    '',
  );
  if (raw.path === undefined) problems.push(`${at}.path: required; write e.g. "/api/items"`);
  const headers = { ...defaults.headers, ...get('headers', parsers.headers, {}) };
  const bodyText = get('body', parsers.body, defaults.body as string | undefined);
  const template = (field: string, text: string): Template => {
    const bad = malformedPlaceholder(text);
    if (bad !== null) problems.push(`${at}.${field}: ${f.show(bad)} is not a template; write a name in double braces, e.g. "{{id}}"`);
    return parseTemplate(text);
  };
  return {
    raw,
    request: {
      name,
      method: get('method', parsers.method, defaults.method),
      path: template('path', pathText),
      headers: Object.entries(headers).map(([k, v]) => ({ name: k, value: template(`headers.${k}`, v) })),
      body: bodyText === undefined ? null : template('body', bodyText),
      expectStatus: get('expect-status', parsers.expectStatus, defaults.expectStatus),
    },
  };
}

/** Every template name a request uses, with the field it is in. */
export function templateNames(r: TrafficRequest): { field: string; name: string }[] {
  return [
    ...r.path.names.map((name) => ({ field: 'path', name })),
    ...r.headers.flatMap((h) => h.value.names.map((name) => ({ field: `headers.${h.name}`, name }))),
    ...(r.body?.names ?? []).map((name) => ({ field: 'body', name })),
  ];
}

/**
 * The request with its templates filled from `vars`; null when a value is missing. Values in the
 * path are URL-encoded except for the characters that shape a path and query ("/", "?", "&", "=").
 */
export function renderRequest(r: TrafficRequest, vars: Readonly<Record<string, string | undefined>>): PreparedRequest | null {
  const path = renderTemplate(r.path, vars, encodeURI);
  if (path === null) return null;
  const headers: Record<string, string> = {};
  for (const h of r.headers) {
    const v = renderTemplate(h.value, vars);
    if (v === null) return null;
    headers[h.name] = v;
  }
  let body: string | undefined;
  if (r.body !== null) {
    const b = renderTemplate(r.body, vars);
    if (b === null) return null;
    body = b;
  }
  return { method: r.method, path, headers, body };
}
