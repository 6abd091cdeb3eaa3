import { dirname, resolve } from 'node:path';
import * as f from '../config/fields.js';
import { didYouMean } from '../config/suggest.js';
import { readDataFile } from './data-file.js';
import { SCENARIO_KINDS } from './registry.js';
import { parseRequestItem, type RequestDefaults, type RequestFieldParsers } from './request.js';
import type { RowOrder } from './sequence.js';
import type { DataSource, Traffic, TrafficRequest } from './types.js';

/** Scenario fields this module reads: the kinds' lists, and what any of them may use. */
export const TRAFFIC_FIELDS = [...Object.keys(SCENARIO_KINDS), 'data', 'seed'] as const;
export const DATA_FIELDS = ['file', 'order', 'rows'] as const;
const ROW_ORDERS = ['sequential', 'random'] as const satisfies readonly RowOrder[];
/** Rows read from a data file unless `rows` says otherwise: enough variety, a bounded memory. */
export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_SEED = 1;

export interface TrafficInput {
  /** The scenario as written (its mix/journey/data/seed fields, and for a data-only scenario its request). */
  raw: Record<string, unknown>;
  /** "scenarios[i]" */
  at: string;
  /** The config file, to resolve data files against; null without one. */
  configPath: string | null;
  defaults: RequestDefaults;
  parsers: RequestFieldParsers;
}

/**
 * The scenario's traffic, or null for a single repeated request. Every problem is pushed as
 * "<at>.<field>: ...", and data files are read here, so a missing file or column stops the run
 * before anything starts.
 */
export function parseTraffic(input: TrafficInput, problems: string[]): Traffic | null {
  const { raw, at } = input;
  const kinds = Object.keys(SCENARIO_KINDS).filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (kinds.length === 0 && raw.data === undefined) {
    if (raw.seed !== undefined) problems.push(`${at}.seed: only a mix or a data file is drawn at random; remove it or add "mix" or "data"`);
    return null;
  }
  if (kinds.length > 1) {
    problems.push(`${at}: give either ${kinds.map((k) => `"${k}"`).join(' or ')}, not both`);
    return null;
  }
  const seedR = raw.seed === undefined ? { ok: true as const, value: DEFAULT_SEED } : f.integer(raw.seed, 0, 2 ** 32 - 1);
  if (!seedR.ok) problems.push(`${at}.seed: ${seedR.message}`);
  const seed = seedR.ok ? seedR.value : DEFAULT_SEED;
  const data = raw.data === undefined ? null : parseData(raw.data, `${at}.data`, input.configPath, problems);

  const kindName = kinds[0] ?? 'mix';
  const kind = SCENARIO_KINDS[kindName]!;
  // A mix or journey scenario's own `url` is the origin of its requests; the rest belongs to them.
  for (const field of ['path', 'method', 'body'] as const) {
    if (kinds.length > 0 && raw[field] !== undefined) {
      problems.push(`${at}.${field}: a ${kindName} scenario sends the requests of its "${kindName}" list; give "${field}" on each of them instead`);
    }
  }
  // A data-only scenario is a mix of its one request, named after the scenario.
  const items: unknown[] =
    kinds.length > 0
      ? Array.isArray(raw[kindName]) ? (raw[kindName] as unknown[]) : []
      : [{ name: raw.name, ...pick(raw, ['method', 'path', 'headers', 'body', 'expect-status']), ...pathOfUrl(raw) }];
  if (kinds.length > 0 && !Array.isArray(raw[kindName])) {
    problems.push(`${at}.${kindName}: expected a list of requests, e.g. "- { name: list, path: /api/items }"`);
    return null;
  }
  if (items.length === 0) {
    problems.push(`${at}.${kindName}: must list at least one request`);
    return null;
  }
  // The scenario's own headers and expected status are the defaults of its requests.
  const defaults = { ...input.defaults };
  if (kinds.length > 0) {
    const h = raw.headers === undefined ? null : input.parsers.headers(raw.headers);
    if (h?.ok) defaults.headers = { ...defaults.headers, ...h.value };
    const e = raw['expect-status'] === undefined ? null : input.parsers.expectStatus(raw['expect-status']);
    if (e?.ok) defaults.expectStatus = e.value;
  }

  const requests: TrafficRequest[] = [];
  const names = new Set<string>();
  items.forEach((item, i) => {
    const itemAt = kinds.length > 0 ? `${at}.${kindName}[${i}]` : at;
    const parsed = parseRequestItem(item, itemAt, kinds.length > 0 ? kind.itemFields : [], defaults, input.parsers, problems);
    if (!parsed) return;
    const request: TrafficRequest = { ...parsed.request, weight: 1, captures: [] };
    if (kinds.length > 0) kind.parseItem(parsed.raw, itemAt, request, problems);
    if (request.name !== '' && names.has(request.name)) problems.push(`${itemAt}.name: ${f.show(request.name)} is used by an earlier request; names must be unique within the scenario`);
    names.add(request.name);
    requests.push(request);
  });
  const traffic: Traffic = { kind: kindName, requests, seed, data };
  // Templates are checked against the whole list, so only once every item could be read.
  if (requests.length === items.length) kind.check(traffic, at, problems);
  return traffic;
}

/** A data-only scenario written with a full `url`: its path and query are the request's path. */
function pathOfUrl(raw: Record<string, unknown>): { path?: string } {
  if (raw.path !== undefined || typeof raw.url !== 'string') return {};
  // The url field comes normalized, with the braces of its templates percent-encoded.
  const path = raw.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/%7B%7B/gi, '{{').replace(/%7D%7D/gi, '}}');
  return { path: path || '/' };
}

function pick(raw: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));
}

function parseData(value: unknown, at: string, configPath: string | null, problems: string[]): DataSource | null {
  const isMap = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (typeof value !== 'string' && !isMap) {
    problems.push(`${at}: ${f.show(value)} is not a data file; write a file name ("users.csv") or a mapping ("{ file: users.csv, order: random }")`);
    return null;
  }
  // The seed of a random order is the scenario's own `seed`: one seed per scenario, not two.
  const spec: Record<string, unknown> = typeof value === 'string' ? { file: value } : (value as Record<string, unknown>);
  for (const key of Object.keys(spec)) {
    if ((DATA_FIELDS as readonly string[]).includes(key)) continue;
    const hint = didYouMean(key, DATA_FIELDS);
    problems.push(`${at}: unknown field ${f.show(key)}${hint ? `; did you mean "${hint}"?` : ''}`);
  }
  const file = f.nonEmptyString(spec.file, 'a file name, relative to the config file');
  if (!file.ok) {
    problems.push(`${at}.file: ${file.message}`);
    return null;
  }
  const order = spec.order === undefined ? { ok: true as const, value: 'sequential' as RowOrder } : f.oneOf(spec.order, ROW_ORDERS, (w) => didYouMean(w, ROW_ORDERS));
  if (!order.ok) problems.push(`${at}.order: ${order.message}`);
  const rows = spec.rows === undefined ? { ok: true as const, value: DEFAULT_MAX_ROWS } : f.integer(spec.rows, 1, 10_000_000);
  if (!rows.ok) problems.push(`${at}.rows: ${rows.message}`);
  const path = resolve(configPath ? dirname(configPath) : '.', file.value);
  const read = readDataFile(path, file.value, rows.ok ? rows.value : DEFAULT_MAX_ROWS);
  if (!read.ok) {
    problems.push(`${at}.file: ${read.message.startsWith('"') ? read.message : `${f.show(file.value)}: ${read.message}`}`);
    return null;
  }
  return { file: file.value, order: order.ok ? order.value : 'sequential', columns: read.table.columns, rows: read.table.rows };
}
