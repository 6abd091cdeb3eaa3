import { expect, test } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { renderComment } from '../../src/report/index.js';
import { MIN_PART_SUCCESSES } from '../../src/scenarios/parts.js';
import { options, results, trials } from '../analyze/builders.js';
import { artifactContext } from '../report/fixtures.js';

// Paired A/B over 10 rounds: the write request of a mix 30% slower, everything else the same.
const rounds = (p50: number, requests: number, slower = 1) =>
  trials(Array.from({ length: 10 }, (_, i) => ({ p50: p50 * slower * (1 + (i % 5) * 0.001), requests, cpuMsPerRequest: null, peakRssBytes: null })));

function run(writeRequests: number) {
  const head = results({
    shop: { base: rounds(1, 10_000), head: rounds(1, 10_000) },
    'shop › list': { base: rounds(0.8, 9_000), head: rounds(0.8, 9_000) },
    'shop › write': { base: rounds(5, writeRequests), head: rounds(5, writeRequests, 1.3) },
  });
  for (const s of head.scenarios.slice(1)) s.partOf = 'shop';
  return analyze({ baseline: null, head, options: options({ gated: ['p50'] }) });
}

test('a request of a mix with enough answers a trial is gated and fails the run, by its own name', () => {
  const a = run(MIN_PART_SUCCESSES);
  const write = a.scenarios.find((s) => s.name === 'shop › write')!;
  expect(write.partOf).toBe('shop');
  expect(write.metrics.find((m) => m.metric === 'p50')).toMatchObject({ gated: true, status: 'regressed' });
  expect(a.verdict).toBe('fail');
  const comment = renderComment(a, artifactContext());
  expect(comment).toContain('Per request (2) · ❌ 1 regressed');
  expect(comment).toMatch(/\| write \| 5\.01 ms → 6\.51 ms \(\+30\.0%\) \|[^\n]*\| ❌ regressed \|/);
  // The parts have no table of their own in the comment: only their scenario's per-request table.
  expect(comment).not.toContain('#### `shop › write`');
});

test('a request with fewer answers a trial is shown, not gated', () => {
  const a = run(MIN_PART_SUCCESSES - 1);
  const p50 = a.scenarios.find((s) => s.name === 'shop › write')!.metrics.find((m) => m.metric === 'p50')!;
  expect(p50.gated).toBe(false);
  expect(p50.status).toBe('regressed');
  expect(a.verdict).toBe('pass');
});

test('a journey shows its CPU per completed journey beside the compared side', () => {
  const journey = (cpu: number) => rounds(10, 3_000).map((t) => ({ ...t, journeys: 1_000, cpuMsPerJourney: cpu * (1 + t.round * 0.01) }));
  const head = results({ checkout: { base: journey(0.4), head: journey(0.5) } });
  const a = analyze({ baseline: null, head, options: options({ gated: ['p50'] }) });
  // Medians of 10 rounds at +0%..+9%: (1.04 + 1.05) / 2 of each.
  expect(a.scenarios[0]!.cpuPerJourney!.baseline).toBeCloseTo(0.4 * 1.045, 9);
  expect(a.scenarios[0]!.cpuPerJourney!.head).toBeCloseTo(0.5 * 1.045, 9);
  expect(renderComment(a, artifactContext())).toContain('CPU per completed journey: 0.522 ms (baseline 0.418 ms); shown, not tested.');
});
