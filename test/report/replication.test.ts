import { expect, test } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { processesLine } from '../../src/report/replication.js';
import type { TrialResult } from '../../src/results/schema.js';
import { options, results, trial } from '../analyze/builders.js';

/** Paired rounds, two a pair of processes; pair k's head is `offsets[k]` slower, ±0.5% round noise. */
function paired(offsets: number[], withProcess: boolean) {
  const base: TrialResult[] = [];
  const head: TrialResult[] = [];
  offsets.forEach((o, k) => {
    for (const [j, w] of [0.005, -0.005].entries()) {
      const round = 2 * k + j;
      const p = withProcess ? { process: k } : {};
      base.push({ ...trial({ round, order: 2 * round, cpuMsPerRequest: 0.05, p50: 10 }), ...p });
      head.push({ ...trial({ round, order: 2 * round + 1, cpuMsPerRequest: 0.05 * (1 + o) * (1 + w), p50: 10 * (1 + o) * (1 + w) }), ...p });
    }
  });
  return results({ s: { base, head } });
}

const offsets = [0.02, -0.02, 0.03, -0.03, 0.01, -0.01, 0.025, -0.025, 0.015, -0.015, 0.005, -0.005];

test('names the processes started, what the test counts, and the spread between and within them', () => {
  const line = processesLine(analyze({ baseline: null, head: paired(offsets, true), options: options() }), 2);
  // Offsets of ±0.5–3% between pairs: their sd is √(Σo²/11) = 2.03%, less MSW/2 for the rounds'
  // noise → 1.97%, shown as e^0.0197 − 1 = 2.0%. Within a pair the rounds sit at ±0.5%: the pooled
  // sd with one degree of freedom a pair is 0.005·√2 = 0.71%. Throughput is the same in every trial.
  expect(line).toBe(
    '- **Processes:** a fresh process of each service every 2 rounds: 12 per variant, and the test counts these pairs of ' +
      'base and head processes, not rounds, because two starts of the same code differ by themselves. Spread of the ' +
      'head/base ratio between processes / within one (sd): p50 latency 2.0% / 0.7%, p99 latency 2.0% / 0.7%, ' +
      'throughput 0.0% / 0.0%, CPU per request 2.0% / 0.7%.',
  );
});

test('says plainly when rounds of one process are the units', () => {
  const line = processesLine(analyze({ baseline: null, head: paired(offsets, false), options: options() }), undefined);
  expect(line).toBe(
    '- **Processes:** one process of each service for the whole run (perfgate did not start it, or the file predates ' +
      'restarts), so rounds count as the test\'s units and a difference between two starts of the same code cannot be ' +
      'told from a change.',
  );
});

test('artifact mode counts the processes of each run', () => {
  const run = (n: number, offset: number) =>
    results({ s: { head: Array.from({ length: 2 * n }, (_, i) => ({ ...trial({ round: i, order: i, cpuMsPerRequest: 0.05 * (1 + offset) }), process: i >> 1 })) } });
  const line = processesLine(analyze({ baseline: run(10, 0), head: run(8, 0), options: options() }), 2);
  expect(line).toMatch(/^- \*\*Processes:\*\* a fresh process of each service every 2 rounds: 10 in the baseline run and 8 in this one, and the test counts processes, not trials/);
});

test('nothing to say without a comparison', () => {
  expect(processesLine(analyze({ baseline: null, head: results({ s: { head: [trial()] } }), options: options() }), 2)).toBeNull();
});
