import { describe, expect, it } from 'vitest';
import { analyzeResults } from '../../src/pipeline.js';
import { holm } from '../../src/stats/index.js';
import { parseResults } from '../../src/results/file.js';
import type { Results, TestRecord } from '../../src/results/schema.js';
import { analyzeTests, combinedVerdict } from '../../src/tests/analyze.js';
import type { CapacityAnalysis } from '../../src/tests/capacity/analyze.js';
import type { CapacityRun } from '../../src/tests/capacity/measure.js';
import { options, results, trials } from '../analyze/builders.js';

/** A ramp of a service saturating at `cap` req/s: steps ×1.25 from 100; the first above cap delivers at most cap, and under 95% of its rate. */
function ramp(cap: number): CapacityRun {
  const steps = [];
  for (let r = 100; ; r *= 1.25) {
    const over = r > cap;
    steps.push({ offered: r, achieved: over ? Math.min(cap, 0.9 * r) : r, p50: 10, p95: 15, p99: over ? 300 : 20, mean: 10, requests: 100, errorRate: 0, connections: 16, cpuCores: null, rssBytes: null });
    if (over) break;
  }
  return { process: 0, steps };
}

function record(name: string, variants: Record<string, number[]>, entry: Record<string, unknown> = {}): TestRecord {
  return {
    test: name,
    kind: 'capacity',
    scenario: 'items',
    entry: { kind: 'capacity', name, 'start-rate': 100, ...entry },
    variants: Object.fromEntries(Object.entries(variants).map(([v, caps]) => [v, { runs: caps.map(ramp) }])),
  };
}

function withTests(r: Results, tests: TestRecord[], variants = r.variants): Results {
  return { ...r, variants, tests };
}

const paired = (tests: TestRecord[]) =>
  withTests(results({}), tests, [{ name: 'base', commit: null }, { name: 'head', commit: null }]);

describe('the tests of a results file', () => {
  it('compares base and head of the same run (paired), with the settings kept in the record', () => {
    const [a] = analyzeTests({ baseline: null, head: paired([record('cap', { base: [200, 202, 198, 201, 199], head: [150, 151, 149, 152, 150] })]), alpha: 0.01 });
    const cap = a as CapacityAnalysis;
    expect(cap.method).toBe('paired');
    expect(cap.status).toBe('regressed');
    expect(cap.settings.startRate).toBe(100);
  });

  it('compares the head with the same test of a stored baseline (Welch), and says when the baseline has none', () => {
    const head = withTests(results({}), [record('cap', { head: [150, 151, 149] })]);
    const base = withTests(results({}), [record('cap', { head: [200, 202, 198] })]);
    expect((analyzeTests({ baseline: base, head, alpha: 0.01 })[0] as CapacityAnalysis).method).toBe('independent');
    const none = analyzeTests({ baseline: withTests(results({}), []), head, alpha: 0.01 })[0] as CapacityAnalysis;
    expect(none.verdict).toBe('no-baseline');
    expect(none.noBaselineReason).toBe('the baseline has no capacity test "cap" of items');
    const other = withTests(results({}), [record('cap', { head: [200, 202, 198] }, { 'start-rate': 50, budgets: { p99: '100ms' } })]);
    const changed = analyzeTests({ baseline: other, head, alpha: 0.01 })[0] as CapacityAnalysis;
    expect(changed.verdict).toBe('no-baseline');
    expect(changed.noBaselineReason).toBe('the baseline\'s capacity test "cap" was configured differently (budgets, start-rate 50 → 100)');
  });

  it('applies Holm across the tests', () => {
    const head = paired([
      record('one', { base: [200, 200.5, 199.5, 200, 201], head: [170, 172, 168, 171, 169] }),
      record('two', { base: [200, 210, 190, 205, 195], head: [175, 170, 180, 160, 190] }),
    ]);
    const [one, two] = analyzeTests({ baseline: null, head, alpha: 0.01 });
    expect([one!.pAdjusted, two!.pAdjusted]).toEqual(holm([one!.p!, two!.p!]));
    // Holm: the smaller p of two is doubled.
    expect(Math.min(one!.pAdjusted!, two!.pAdjusted!)).toBeCloseTo(2 * Math.min(one!.p!, two!.p!), 15);
  });

  it('gives one verdict over the compare test and the others', () => {
    expect(combinedVerdict('pass', [{ verdict: 'fail' } as CapacityAnalysis])).toBe('fail');
    expect(combinedVerdict('pass', [{ verdict: 'inconclusive' } as CapacityAnalysis])).toBe('inconclusive');
    expect(combinedVerdict('no-baseline', [{ verdict: 'pass' } as CapacityAnalysis])).toBe('no-baseline');
    expect(combinedVerdict(null, [{ verdict: 'pass' } as CapacityAnalysis])).toBe('pass');
    // A run without a compare test is judged by its tests alone.
    const a = analyzeResults(null, paired([record('cap', { base: [200, 201, 199], head: [200, 200.5, 199.5] })]), options());
    expect(a.verdict).toBe('pass');
    expect(a.scenarios).toEqual([]);
  });

  it('reads a version 1 file as version 2 without tests, and refuses a record whose runs are not its kind', () => {
    const v1 = { ...results({ s: { head: trials([{}, {}]) } }), schemaVersion: 1 };
    delete (v1 as { tests?: unknown }).tests;
    const read = parseResults(JSON.parse(JSON.stringify(v1)), 'old.json');
    expect(read.schemaVersion).toBe(2);
    expect(read.tests).toBeUndefined();
    const bad = withTests(results({}), [{ ...record('cap', { head: [150, 151] }), variants: { head: { runs: [{ steps: 'no' }] } } }]);
    const base = withTests(results({}), [record('cap', { head: [200, 201] })]);
    const [a] = analyzeTests({ baseline: bad, head: base, alpha: 0.01 });
    expect(a!.verdict).toBe('no-baseline');
    expect((a as CapacityAnalysis).noBaselineReason).toBe('the baseline\'s capacity test "cap" of items is not readable by this perfgate');
  });
});
