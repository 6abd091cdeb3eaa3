import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { CAPACITY_DEFAULTS } from '../../src/tests/capacity/settings.js';
import { RUN_HELP } from '../../src/cli/help.js';
import { selectTests } from '../../src/tests/parse.js';
import { TEST_KINDS } from '../../src/tests/registry.js';

const head = `url: http://127.0.0.1:3000
scenarios:
  - { name: items, path: /api/items }
  - { name: compute, path: /api/compute }
`;

function problems(yaml: string): string[] {
  try {
    loadConfig({ fileText: head + yaml });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('the tests list', () => {
  it('is the compare test over every scenario when absent', () => {
    expect(loadConfig({ fileText: head }).tests).toEqual([{ name: 'compare', kind: 'compare', scenarios: ['items', 'compute'], settings: null, entry: {} }]);
  });

  it('parses a capacity test with its defaults, named after its kind, on every scenario unless it lists some', () => {
    const c = loadConfig({ fileText: `${head}tests:\n  - kind: capacity\n    scenarios: [items]\n    budgets: { p99: 250ms, capacity: 150 }\n    traffic: 40\n  - kind: compare\n` });
    expect(c.tests.map((t) => [t.name, t.kind, t.scenarios])).toEqual([['capacity', 'capacity', ['items']], ['compare', 'compare', ['items', 'compute']]]);
    expect(c.tests[0]!.settings).toEqual({
      startRate: CAPACITY_DEFAULTS.startRate, stepFactor: 1.25, stepMs: 2000, warmupMs: 1000, maxRate: 10_000, repeats: 5, connections: null,
      budgets: { p50: undefined, p95: undefined, p99: 250, errorRate: 0.01, capacity: 150 }, threshold: 0.1, traffic: 40,
    });
  });

  it('reports every problem at once, each naming the entry, the field, the value and what to write', () => {
    expect(problems(`tests:
  - kind: capacty
  - kind: capacity
    step-factr: 2
    step-factor: 0.9
    repeats: 1
    budgets: { p99: fast, latency: 3 }
    scenarios: [itms]
  - kind: capacity
  - 5
`)).toEqual([
      'tests[0].kind: "capacty" is not one of compare, capacity, spike, soak; did you mean "capacity"?',
      'tests[1].scenarios: no scenario is named "itms"; the scenarios are "items", "compute"; did you mean "items"?',
      'tests[1]: unknown field "step-factr"; did you mean "step-factor"?',
      'tests[1].budgets.p99: "fast" is not a duration; write 200, "200ms" or "0.5s"',
      'tests[1].budgets: unknown key "latency"; expected one of p50, p95, p99, error-rate, capacity',
      'tests[1].step-factor: 0.9 is not a step factor; write a number above 1 and at most 4, e.g. 1.25',
      'tests[1].repeats: 1 is out of range; expected 2 to 100',
      'tests[2].name: "capacity" is used by an earlier test; give each test its own name (it defaults to its kind)',
      'tests[3]: expected a mapping of fields, e.g. "kind: capacity"',
    ]);
  });

  it('refuses max-rate below start-rate, and a tests list given as an action input', () => {
    expect(problems('tests:\n  - { kind: capacity, start-rate: 100, max-rate: 50 }\n')).toEqual(['tests[0].max-rate: 50 req/s is below start-rate (100 req/s)']);
    expect(() => loadConfig({ fileText: head, inputs: { tests: 'capacity' } })).toThrow('input "tests": tests can only be given in the config file (perfgate.yml)');
  });

  it('selects tests by name for --test, with a did-you-mean for an unknown one', () => {
    const c = loadConfig({ fileText: `${head}tests:\n  - kind: compare\n  - { kind: capacity, name: ramp }\n` });
    expect(selectTests(c.tests, ['ramp']).map((t) => t.name)).toEqual(['ramp']);
    expect(() => selectTests(c.tests, ['rmp'])).toThrow('--test: no test is named "rmp"; the tests are "compare", "ramp"; did you mean "ramp"?');
  });

  it('lists every kind in perfgate run --help', () => {
    for (const kind of Object.values(TEST_KINDS)) expect(RUN_HELP).toContain(`  ${kind.kind.padEnd(10)} ${kind.description}`);
    expect(RUN_HELP).toContain('--test NAME');
  });
});
