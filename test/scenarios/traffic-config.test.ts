import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { freshPassState } from '../../src/load/traffic.js';
import { scenarioKind } from '../../src/scenarios/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-traffic-'));
writeFileSync(join(dir, 'users.csv'), 'user,id\nann,1\nbob,2\n');
writeFileSync(join(dir, 'q.jsonl'), '{"q":"red shoes"}\n{"q":"blue"}\n');
const load = (yaml: string) => loadConfig({ filePath: join(dir, 'perfgate.yml'), fileText: yaml });
const problems = (yaml: string): string[] => {
  try {
    load(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

test('a mix, a journey and a data-only scenario parse, inheriting top-level defaults', () => {
  const c = load(`
url: http://127.0.0.1:3000
headers: { x-app: perf }
scenarios:
  - name: shop
    seed: 7
    data: { file: q.jsonl, order: random }
    mix:
      - { name: list, path: /api/items, weight: 70 }
      - { name: search, path: "/api/search?q={{q}}", weight: 25 }
      - { name: create, method: post, path: /api/items, body: { name: x }, weight: 5 }
  - name: checkout
    journey:
      - { name: login, method: POST, path: /login, body: '{"user":"{{user}}"}', capture: { token: $.token } }
      - { name: create, method: POST, path: /orders, headers: { authorization: "Bearer {{token}}" }, capture: { id: $.id } }
      - { name: get, path: "/orders/{{id}}", headers: { authorization: "Bearer {{token}}" } }
    data: users.csv
  - name: user
    path: /users/{{id}}
    data: users.csv
`);
  const [shop, checkout, user] = c.scenarios;
  expect(shop!.url).toBe('http://127.0.0.1:3000/');
  expect(shop!.traffic!.kind).toBe('mix');
  expect(shop!.traffic!.seed).toBe(7);
  expect(shop!.traffic!.requests.map((r) => [r.name, r.method, r.weight])).toEqual([['list', 'GET', 70], ['search', 'GET', 25], ['create', 'POST', 5]]);
  expect(shop!.traffic!.data).toMatchObject({ file: 'q.jsonl', order: 'random', columns: ['q'] });
  expect(checkout!.traffic!.kind).toBe('journey');
  expect(checkout!.traffic!.data!.rows).toEqual([['ann', '1'], ['bob', '2']]);
  expect(user!.traffic!.kind).toBe('mix');
  expect(user!.traffic!.requests.map((r) => r.name)).toEqual(['user']);

  // The programs render what the config says: the top-level header, the data, the captures.
  const mix = scenarioKind(shop!.traffic!).program(shop!.traffic!, () => () => true).start()[0]!;
  const sent = Array.from({ length: 400 }, () => mix.prepare(freshPassState())!);
  expect(sent[0]!.headers['x-app']).toBe('perf');
  const paths = new Set(sent.map((r) => r.path));
  expect(paths).toEqual(new Set(['/api/items', '/api/search?q=red%20shoes', '/api/search?q=blue']));
  expect(sent.find((r) => r.method === 'POST')!.body).toBe('{"name":"x"}');

  const steps = scenarioKind(checkout!.traffic!).program(checkout!.traffic!, () => () => true).start();
  const state = freshPassState();
  expect(steps[0]!.prepare(state)!.body).toBe('{"user":"ann"}');
  steps[0]!.onResponse!(state, '{"token":"T"}', {});
  expect(steps[1]!.prepare(state)!.headers.authorization).toBe('Bearer T');
  steps[1]!.onResponse!(state, '{"nope":1}', {});
  expect(state.failure).toBe('capture "id": no $.id in the response body');
  state.broken = true;
  expect(steps[2]!.prepare(state)).toBeNull();
  // The next pass takes the next row.
  expect(steps[0]!.prepare(freshPassState())!.body).toBe('{"user":"bob"}');
});

test('every problem at once: missing file, missing column, capture order, bad path, did-you-mean', () => {
  const p = problems(`
url: http://127.0.0.1:3000
scenarios:
  - name: a
    data: nothere.csv
    path: /x/{{id}}
  - name: b
    data: { file: users.csv, ordr: random }
    mix:
      - { name: one, path: "/q?u={{usr}}", wieght: 2 }
      - { name: one, path: /y, weight: -1 }
  - name: c
    journey:
      - { name: get, path: "/orders/{{id}}" }
      - { name: create, path: /orders, capture: { id: "$.items[*]" } }
  - name: d
    mix: []
    journey: [{ name: x, path: /x }]
`);
  expect(p).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^scenarios\[0\]\.data\.file: "nothere.csv" cannot be read \(no such file: .*nothere.csv\); paths are relative to the config file$/),
      'scenarios[1].data: unknown field "ordr"; did you mean "order"?',
      'scenarios[1].mix[0]: unknown field "wieght"; did you mean "weight"?',
      'scenarios[1].mix[1].weight: -1 is not a positive number of shares; write e.g. 70 for 70 of every 100 requests when the weights add up to 100',
      'scenarios[1].mix[1].name: "one" is used by an earlier request; names must be unique within the scenario',
      expect.stringContaining('scenarios[2].journey[1].capture.id: "$.items[*]" is not a JSON path perfgate reads at "[*]"'),
      'scenarios[3]: give either "mix" or "journey", not both',
    ]),
  );
  expect(p.length).toBeGreaterThanOrEqual(7);
});

test('a template without a source names the field and what would give it a value', () => {
  const p = problems(`
url: http://127.0.0.1:3000
scenarios:
  - name: b
    data: users.csv
    mix:
      - { name: one, path: "/q?u={{usr}}" }
  - name: c
    journey:
      - { name: get, path: "/orders/{{id}}" }
      - { name: create, path: /orders, capture: { id: $.id } }
      - { name: again, path: "/orders/{{idd}}" }
`);
  expect(p).toEqual([
    'scenarios[0].mix[0].path: {{usr}} has no value; the data file\'s columns are "user", "id"',
    'scenarios[1].journey[0].path: {{id}} has no value; it is captured by step "create", which runs later',
    'scenarios[1].journey[2].path: {{idd}} has no value; it is neither a column of the data file nor captured by an earlier step (known: id); did you mean "id"?',
  ]);
});

test('load tests of other kinds refuse mix and journey scenarios', () => {
  const p = problems(`
url: http://127.0.0.1:3000
scenarios:
  - { name: shop, mix: [{ name: a, path: /a }] }
tests:
  - kind: capacity
`);
  expect(p).toEqual([expect.stringContaining('test "capacity" (kind capacity) runs on scenario "shop", a mix')]);
});

test('a data-only scenario with a full url takes its path and query from it', () => {
  const c = load(`
scenarios:
  - { name: user, url: "http://127.0.0.1:3000/users/{{id}}?full=1", data: users.csv }
`);
  const s = c.scenarios[0]!;
  expect(s.url).toBe('http://127.0.0.1:3000/');
  const step = scenarioKind(s.traffic!).program(s.traffic!, () => () => true).start()[0]!;
  expect(step.prepare(freshPassState())!.path).toBe('/users/1?full=1');
  expect(step.prepare(freshPassState())!.path).toBe('/users/2?full=1');
});
