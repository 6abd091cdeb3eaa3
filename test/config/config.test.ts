import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { CONFIG_FIELDS, DEFAULTS } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { didYouMean } from '../../src/config/suggest.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const file = (text: string, inputs: Record<string, string> = {}) => loadConfig({ filePath: 'perfgate.yml', fileText: text, inputs });

describe('valid files', () => {
  test('a full file is read with units converted', () => {
    const c = file(`
suite: api
start: node server.js
port: 3000
ready-url: http://127.0.0.1:3000/health
ready-timeout: 90s
env:
  NODE_ENV: production
scenarios:
  - name: list
    path: /api/items
    thresholds: { p99: 15% }
  - name: create
    method: post
    path: /api/items
    body: { name: x }
    headers: { content-type: application/json }
    expect-status: 201
    budgets: { p95: 0.2s }
profile: rate
rate: 250
connections: 8
pairing: simultaneous
warmup: 2
duration: 4s
rounds-per-process: 3
min-rounds: 6
max-rounds: 20
max-duration: 2m
alpha: 0.05
thresholds: { cpu: 3, error-rate: "0.5%" }
budgets: { p99: 500ms, error-rate: 1%, rss: 256MB, throughput: 100 }
gate: [p50, cpu]
`);
    expect(c.suite).toBe('api');
    expect(c.service).toEqual({
      start: 'node server.js',
      cwd: '.',
      env: { NODE_ENV: 'production' },
      port: 3000,
      ready: { url: 'http://127.0.0.1:3000/health', tcpPort: undefined, logPattern: undefined, timeoutMs: 90_000 },
    });
    expect(c.scenarios).toEqual([
      { name: 'list', method: 'GET', url: 'http://127.0.0.1:3000/api/items', headers: {}, body: undefined, expectStatus: '2xx', thresholds: { p99: 0.15 }, budgets: {} },
      {
        name: 'create', method: 'POST', url: 'http://127.0.0.1:3000/api/items', headers: { 'content-type': 'application/json' },
        body: '{"name":"x"}', expectStatus: '201', thresholds: {}, budgets: { p95: 200 },
      },
    ]);
    expect(c.load).toEqual({ profile: 'rate', connections: 8, pairing: 'simultaneous', rate: 250, warmupMs: 2000, trialMs: 4000, requestTimeoutMs: 10_000, roundsPerProcess: 3 });
    expect(c.rounds).toEqual({ min: 6, max: 20, maxDurationMs: 120_000 });
    expect(c.analysis.alpha).toBe(0.05);
    expect(c.analysis.thresholds.cpuPerRequest).toBeCloseTo(0.03, 12);
    expect(c.analysis.thresholds.errorRate).toBeCloseTo(0.005, 12);
    expect(c.analysis.thresholds.p99).toBe(DEFAULTS.thresholds.p99);
    expect(c.analysis.budgets).toEqual({ p99: 500, errorRate: 0.01, peakRss: 256e6, throughput: 100 });
    expect(c.analysis.gated).toEqual(['p50', 'cpuPerRequest']);
  });

  test('a single url makes one scenario named after it', () => {
    const c = loadConfig({ inputs: { url: 'http://localhost:8080/api/items?limit=5', method: 'get' } });
    expect(c.scenarios.map((s) => [s.name, s.method, s.url])).toEqual([['GET /api/items?limit=5', 'GET', 'http://localhost:8080/api/items?limit=5']]);
    expect(c.service).toBeNull();
  });

  test('a file on disk is read by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-config-'));
    const path = join(dir, 'perfgate.yml');
    writeFileSync(path, 'url: http://127.0.0.1:3000/\nsuite: disk\n');
    expect(loadConfig({ filePath: path }).suite).toBe('disk');
  });
});

describe('defaults', () => {
  test('every default comes from DEFAULTS', () => {
    const c = loadConfig({ inputs: { url: 'http://127.0.0.1:3000/', start: 'node s.js' } });
    expect(c.suite).toBe(DEFAULTS.suite);
    expect(c.compare).toBe('artifact');
    expect(c.mode).toBe('gate');
    expect(c.load).toEqual({ profile: 'closed', connections: 16, pairing: 'alternating', rate: null, warmupMs: 1000, trialMs: 2000, requestTimeoutMs: 10_000, roundsPerProcess: 2 });
    expect(c.rounds).toEqual({ min: null, max: 100, maxDurationMs: 180_000 });
    expect(c.analysis).toEqual({
      alpha: 0.01,
      thresholds: DEFAULTS.thresholds,
      gated: ['p50', 'p99', 'throughput', 'errorRate', 'cpuPerRequest'],
      budgets: {},
      noiseK: 3,
    });
    expect(c.gating).toEqual({ failOnRegression: true, requireBaseline: false, acknowledgeLabel: 'perf-regression-accepted', comment: true });
    expect(c.resultsFile).toBe('perfgate-results.json');
    // Without a readiness check, the service is ready when the URL's port accepts connections.
    expect(c.service?.ready).toEqual({ tcpPort: 3000, timeoutMs: 60_000 });
    expect(c.service?.cwd).toBe('.');
  });
});

describe('inputs override the file', () => {
  test('scalars replace, maps merge key by key, empty inputs are ignored', () => {
    const c = file(
      `url: http://127.0.0.1:3000/a
connections: 4
thresholds: { p99: 20%, cpu: 5% }
budgets: { p95: 100ms }
env: { A: "1", B: "2" }
`,
      { connections: '32', thresholds: 'cpu=1%', budgets: 'p99=300ms', env: 'B=3\nC=4', start: 'node x.js', alpha: '' },
    );
    expect(c.load.connections).toBe(32);
    expect(c.analysis.thresholds.p99).toBeCloseTo(0.2, 12);
    expect(c.analysis.thresholds.cpuPerRequest).toBeCloseTo(0.01, 12);
    expect(c.analysis.budgets).toEqual({ p95: 100, p99: 300 });
    expect(c.service?.env).toEqual({ A: '1', B: '3', C: '4' });
    expect(c.analysis.alpha).toBe(0.01);
  });

  test('input url sets the origin of the file scenarios', () => {
    const c = file('scenarios:\n  - name: a\n    path: /a\n', { url: 'http://127.0.0.1:4000' });
    expect(c.scenarios[0]!.url).toBe('http://127.0.0.1:4000/a');
  });
});

describe('errors, each with its exact message', () => {
  test.each([
    ['thresholds: { p99: "5 percent" }\nurl: http://127.0.0.1:1/', 'thresholds.p99: "5 percent" is not a percentage; write 5 or "5%"'],
    ['treshold: 5\nurl: http://127.0.0.1:1/', 'unknown field "treshold"; did you mean "thresholds"?'],
    ['url: http://127.0.0.1:1/\nscenarios:\n  - name: a\n    path: /a\n    methd: GET', 'scenarios[0]: unknown field "methd"; did you mean "method"?'],
    ['url: http://127.0.0.1:1/\nconnections: many', 'connections: "many" is not a whole number; write e.g. 10'],
    ['url: http://127.0.0.1:1/\nconnections: 0', 'connections: 0 is out of range; expected 1 to 1000'],
    ['url: http://127.0.0.1:1/\ncompare: artefact', 'compare: "artefact" is not one of artifact, base-ref, variants, none; did you mean "artifact"?'],
    ['url: http://127.0.0.1:1/\nduration: fast', 'duration: "fast" is not a duration; write 5, "5s" or "500ms"'],
    ['url: http://127.0.0.1:1/\nbudgets: { p95: 2 hours }', 'budgets.p95: "2 hours" is not a duration; write 200, "200ms" or "0.5s"'],
    ['url: http://127.0.0.1:1/\nbudgets: { rss: lots }', 'budgets.rss: "lots" is not a size; write 512, "512MB" or "1GiB"'],
    ['url: http://127.0.0.1:1/\nthresholds: { p95: 5 }', 'thresholds.p95: unknown metric "p95"; expected one of p50, p90, p99, throughput, error-rate, cpu, rss; did you mean "p90"?'],
    ['url: http://example.com/api', 'url: "http://example.com/api" is not on this machine; perfgate only sends load to loopback (127.0.0.1, localhost or [::1])'],
    ['url: http://127.0.0.1:1/\nalpha: 0.9', 'alpha: 0.9 is not a number between 0 and 0.5 (exclusive); write e.g. 0.01'],
    ['url: http://127.0.0.1:1/\nfail-on-regression: maybe', 'fail-on-regression: "maybe" is not true or false'],
    ['url: http://127.0.0.1:1/\ngate: [p50, cpuu]', 'gate: "cpuu" is not a metric; expected some of p50, p90, p99, throughput, error-rate, cpu, rss; did you mean "cpu"?'],
    ['url: http://127.0.0.1:1/\nready-log: "(unclosed"', 'ready-log: "(unclosed" is not a valid regular expression (Invalid regular expression: /(unclosed/: Unterminated group)'],
    ['url: http://127.0.0.1:1/\nscenarios:\n  - path: /a', 'scenarios[0].name: nothing is not a scenario name'],
    ['url: http://127.0.0.1:1/\nexpect-status: ok', 'expect-status: "ok" is not a status list; write e.g. "2xx", 200 or "200,204"'],
    ['url: http://127.0.0.1:1/\nscenarios: []', 'scenarios: must list at least one item'],
    ['url: http://127.0.0.1:1/\npairing: together', 'pairing: "together" is not one of simultaneous, alternating'],
    ['url: http://127.0.0.1:1/\nprofile: rate', 'rate: profile "rate" needs a target rate in requests per second; write e.g. rate: 200'],
    ['url: http://127.0.0.1:1/\nmin-rounds: 9\nmax-rounds: 5', 'min-rounds: 9 is more than max-rounds (5)'],
    ['url: http://127.0.0.1:1/\nrounds-per-process: 0', 'rounds-per-process: 0 is out of range; expected 1 to 1000'],
    ['url: http://127.0.0.1:1/\ncompare: base-ref', 'compare: "base-ref" starts the base commit\'s service itself, so it needs a "start" command'],
    ['scenarios:\n  - name: a\n    path: /a', 'scenarios[0].path: "/a" needs a server to send it to; set "url" or "port" at the top level, or give the scenario a full "url"'],
    ['url: http://127.0.0.1:1/\nscenarios:\n  - name: a\n    path: /a\n  - name: a\n    path: /b', 'scenarios[1].name: "a" is used by an earlier scenario; names must be unique'],
    ['suite: "my suite"\nurl: http://127.0.0.1:1/', 'suite: "my suite" is not a suite name; use letters, digits, ".", "_" or "-" (at most 64)'],
    ['', 'url: nothing to measure; set "url" (e.g. http://127.0.0.1:3000/api/items) or list "scenarios" in perfgate.yml'],
    ['url: [1', 'perfgate.yml: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 8'],
  ])('%j', (text, message) => {
    expect(problemsOf(() => file(text))).toEqual([message]);
  });

  test('bad inputs are named as inputs', () => {
    expect(problemsOf(() => loadConfig({ inputs: { url: 'http://127.0.0.1:1/', 'min-rounds': 'ten', thresholds: 'p99=lots' } }))).toEqual([
      'input "min-rounds": "ten" is not a whole number; write e.g. 10',
      'input "thresholds".p99: "lots" is not a percentage; write 5 or "5%"',
    ]);
  });

  test('all problems are reported at once, in one error naming the file', () => {
    let err: ConfigError | undefined;
    try {
      file('url: http://127.0.0.1:1/\nconections: 4\nthresholds: { p99: "5 percent" }\nwarmup: soon\n');
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.problems).toHaveLength(3);
    expect(err?.message).toBe(
      'perfgate config (perfgate.yml) has 3 problems:\n' +
        '  - unknown field "conections"; did you mean "connections"?\n' +
        '  - thresholds.p99: "5 percent" is not a percentage; write 5 or "5%"\n' +
        '  - warmup: "soon" is not a duration; write 5, "5s" or "500ms"',
    );
    expect(err?.exitCode).toBe(2);
  });

  test('an unreadable file is a config problem, not a crash', () => {
    expect(problemsOf(() => loadConfig({ filePath: '/nonexistent/perfgate.yml' }))).toEqual([
      '/nonexistent/perfgate.yml: cannot read the file (ENOENT)',
    ]);
  });
});

test('did-you-mean only suggests plausible typos', () => {
  expect(didYouMean('max_rounds', CONFIG_FIELDS as string[])).toBe('max-rounds');
  expect(didYouMean('zzzzzz', CONFIG_FIELDS as string[])).toBeUndefined();
});
