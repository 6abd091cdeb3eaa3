import { describe, expect, it } from 'vitest';
import { checkLittlesLaw, IN_FLIGHT_MAX_SHARE, IN_FLIGHT_MIN_SHARE } from '../../src/load/index.js';

/** Busy time of `responses` requests of `meanMs` each, on `connections` open for `windowMs`. */
function trial(connections: number, windowMs: number, responses: number, meanMs: number) {
  return { busyMs: responses * meanMs, connectionMs: connections * windowMs };
}

describe("Little's law check", () => {
  it('holds for a correct closed trial: 16 connections, 7.6 ms, 2,100 req/s for 5 s (15.96 in flight)', () => {
    const t = trial(16, 5000, 2100 * 5, 7.6);
    const check = checkLittlesLaw('closed', 16, t.busyMs, t.connectionMs)!;
    expect(check.connections).toBe(16);
    expect(check.inFlight).toBeCloseTo(15.96, 9);
    expect(check.holds).toBe(true);
  });

  it("breaks for autocannon's timing of a service that closes connections: p50 250 ms at 2,100 req/s on 16 connections", () => {
    const t = trial(16, 5000, 2100 * 5, 250);
    const check = checkLittlesLaw('closed', 16, t.busyMs, t.connectionMs)!;
    expect(check.inFlight).toBeCloseTo(525, 9);
    expect(check.holds).toBe(false);
  });

  it('breaks for a closed trial whose latency is too short to fill its connections', () => {
    // 16 connections busy only half the time: latencies timed from a late start (or a stalled client).
    const t = trial(16, 5000, 2100 * 5, 3.8);
    const check = checkLittlesLaw('closed', 16, t.busyMs, t.connectionMs)!;
    expect(check.inFlight).toBeCloseTo(7.98, 9);
    expect(check.holds).toBe(false);
  });

  it('lets a rate trial leave connections idle, but never keep more requests in flight than connections', () => {
    expect(checkLittlesLaw('rate', 16, 0.3 * 16 * 5000, 16 * 5000)).toEqual({ connections: 16, inFlight: 4.8, holds: true });
    expect(checkLittlesLaw('rate', 16, 16 * 5000, 16 * 5000)!.holds).toBe(true);
    expect(checkLittlesLaw('rate', 16, 1.5 * 16 * 5000, 16 * 5000)).toEqual({ connections: 16, inFlight: 24, holds: false });
  });

  it('has its bounds exactly at the documented shares', () => {
    const at = (share: number, kind: 'closed' | 'rate' = 'closed') => checkLittlesLaw(kind, 4, share * 4000, 4000)!.holds;
    expect(IN_FLIGHT_MIN_SHARE).toBe(0.8);
    expect(IN_FLIGHT_MAX_SHARE).toBe(1.01);
    expect(at(0.8)).toBe(true);
    expect(at(0.79)).toBe(false);
    expect(at(1.01)).toBe(true);
    expect(at(1.011)).toBe(false);
    expect(at(1.011, 'rate')).toBe(false);
    expect(at(0.01, 'rate')).toBe(true);
  });

  it('has nothing to check when no connection was opened', () => {
    expect(checkLittlesLaw('closed', 16, 0, 0)).toBeNull();
    expect(checkLittlesLaw('closed', 16, Number.NaN, 1000)).toBeNull();
  });
});
