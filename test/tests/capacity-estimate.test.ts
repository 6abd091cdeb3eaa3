import { describe, expect, it } from 'vitest';
import { concurrencyOf, estimateCapacity, kneeRate, rampRates, stepBreaks, type CapacityStep } from '../../src/tests/capacity/estimate.js';

/** A step of a service with a fixed service time and a worker limit: flat latency below capacity. */
function step(offered: number, achieved: number, p99: number, errorRate = 0): CapacityStep {
  return { offered, achieved, p50: p99 / 2, p95: p99 * 0.9, p99, mean: p99 / 2, requests: Math.round(achieved * 2), errorRate, connections: 16, cpuCores: null, rssBytes: null };
}

const slo = { p99: 100, errorRate: 0.01 };

describe('capacity from a ramp', () => {
  it('interpolates the p99 limit between the last good and the first broken step, on log rate and log latency', () => {
    const steps = [step(100, 100, 50), step(125, 125, 52), step(156.25, 156, 400)];
    const e = estimateCapacity(steps, slo);
    // log p99 goes from log 52 to log 400; 100 ms is at share ln(100/52)/ln(400/52) = 0.3204 of the way.
    const share = Math.log(100 / 52) / Math.log(400 / 52);
    expect(e.capacity).toBeCloseTo(125 * 1.25 ** share, 9);
    expect(e.bound).toBe('interpolated');
    expect(e.limitedBy).toBe('p99 400 ms > 100 ms');
  });

  it('takes the lowest crossing when several limits break in the same step', () => {
    // Errors 0 → 5% cross 1% at 0.2; p99 52 → 400 crosses at 0.32: the error limit comes first.
    const steps = [step(100, 100, 50), step(125, 125, 52), step(156.25, 156, 400, 0.05)];
    const e = estimateCapacity(steps, slo);
    expect(e.capacity).toBeCloseTo(125 * 1.25 ** 0.2, 9);
    expect(e.limitedBy).toBe('errors 5% > 1%');
  });

  it('is no more than the rate a saturated step delivered, and no less than the last good step', () => {
    // Delivered share 1.0 → 0.8 crosses 0.95 at 0.25 (132 req/s), but the service delivered only 130.
    expect(estimateCapacity([step(100, 100, 50), step(125, 125, 52), step(162.5, 130, 60)], slo).capacity).toBe(130);
    expect(estimateCapacity([step(100, 100, 50), step(125, 125, 52), step(156.25, 120, 60)], slo).capacity).toBe(125);
    expect(estimateCapacity([step(100, 100, 50), step(125, 125, 52), step(156.25, 125, 400)], slo)).toMatchObject({
      capacity: 125, limitedBy: 'delivered 125 of 156 req/s (below 95%)',
    });
  });

  it('interpolates the error rate linearly', () => {
    const steps = [step(100, 100, 10, 0), step(200, 190, 10, 0.05)];
    // Errors 0 → 5% cross 1% at 0.2; delivered share 1 → 0.95 is not below 0.95: only errors broke it.
    expect(estimateCapacity(steps, slo).capacity).toBeCloseTo(100 * 2 ** 0.2, 9);
  });

  it('says "at least" when no step broke the SLO, and "below the start" when the first one did', () => {
    expect(estimateCapacity([step(10, 10, 5), step(20, 20, 5)], slo)).toMatchObject({ capacity: 20, bound: 'at-max', limitedBy: null });
    expect(estimateCapacity([step(10, 5, 500)], slo)).toMatchObject({ capacity: null, bound: 'below-start' });
    expect(estimateCapacity([], slo)).toMatchObject({ capacity: null, bound: 'below-start' });
  });

  it('names each broken limit', () => {
    expect(stepBreaks(step(100, 90, 120, 0.02), { p99: 100, p95: 200, errorRate: 0.01 })).toEqual([
      'delivered 90.0 of 100 req/s (below 95%)',
      'errors 2% > 1%',
      'p99 120 ms > 100 ms',
    ]);
    expect(stepBreaks(step(100, 96, 99, 0.01), slo)).toEqual([]);
  });
});

describe('the knee', () => {
  it('is where p99 reaches twice its unloaded level, interpolated', () => {
    const steps = [step(10, 10, 10), step(20, 20, 11), step(40, 40, 15), step(80, 80, 40)];
    // 20 ms lies between 15 (40 req/s) and 40 (80 req/s): share ln(20/15)/ln(40/15).
    const share = Math.log(20 / 15) / Math.log(40 / 15);
    expect(kneeRate(steps, steps.length)).toBeCloseTo(40 * 2 ** share, 9);
  });
  it('is null when latency never doubled, or with fewer than two steps', () => {
    expect(kneeRate([step(10, 10, 10), step(20, 20, 12)], 2)).toBeNull();
    expect(kneeRate([step(10, 10, 10)], 1)).toBeNull();
  });
});

describe('ramp rates and concurrency', () => {
  it('steps geometrically and ends exactly at max-rate', () => {
    expect(rampRates(100, 1.25, 200)).toEqual([100, 125, 156.25, 195.3125, 200]);
    expect(rampRates(50, 2, 200)).toEqual([50, 100, 200]);
  });
  it("is Little's law: delivered rate × mean latency", () => {
    expect(concurrencyOf({ ...step(100, 200, 10), mean: 25 })).toBe(5);
  });
});
