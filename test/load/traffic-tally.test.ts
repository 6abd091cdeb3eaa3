import { expect, test } from 'vitest';
import { decodeHistogram } from '../../src/load/histogram.js';
import { TrafficTally } from '../../src/load/traffic-tally.js';
import type { TrafficProgram } from '../../src/load/traffic.js';

const program = (unit: string | null): TrafficProgram => ({
  parts: [
    { name: 'read', isExpectedStatus: (s) => s === 200 },
    { name: 'write', isExpectedStatus: (s) => s === 201 },
  ],
  unit,
  start: () => [],
});

test('a mix: the whole is its parts added up, errors named by their request', () => {
  const t = new TrafficTally(program(null));
  for (let i = 0; i < 8; i++) t.parts[0]!.response(200, 1);
  t.parts[0]!.response(500, 1);
  t.parts[1]!.response(201, 10);
  t.parts[1]!.response(201, 12);
  t.parts[1]!.failure('timeout', 0);
  const o = t.outcome(2000, null);
  expect(o.parts!.map((p) => [p.name, p.requests, p.errors, p.successes])).toEqual([['read', 9, 1, 8], ['write', 3, 1, 2]]);
  expect([o.requests, o.errors, o.successes]).toEqual([12, 2, 10]);
  expect(o.statusCounts).toEqual({ '200': 8, '500': 1, '201': 2 });
  expect(o.errorCounts).toEqual({ 'request "read": status 500': 1, 'request "write": timeout': 1 });
  expect(o.throughput).toBe(5);
  expect(decodeHistogram(o.histogram).totalCount).toBe(10);
  expect(o.latencyMs.max).toBeCloseTo(12, 1);
  expect(o.units).toBeUndefined();
});

test('a journey: latency and throughput of completed passes, CPU still per request', () => {
  const t = new TrafficTally(program('journey'));
  t.parts[0]!.response(200, 2);
  t.parts[1]!.response(201, 3);
  t.passCompleted(5);
  t.parts[0]!.response(200, 2);
  t.parts[1]!.failure('capture "id": no $.id in the response body', 3);
  const o = t.outcome(1000, null);
  expect(o.units).toEqual({ name: 'journey', completed: 1 });
  expect(o.throughput).toBe(1);
  expect(o.successes).toBe(3);
  expect(o.latencyMs.p50).toBeCloseTo(5, 2);
  expect(o.errorCounts).toEqual({ 'step "write": capture "id": no $.id in the response body': 1 });
  expect(t.busyMs).toBe(10);
});
