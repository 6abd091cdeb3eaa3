import { describe, expect, it } from 'vitest';
import { cpuBetween, parseSchedstat, TICK_SLACK_MS_PER_PROCESS } from '../../src/service/cpuTime.js';
import type { CpuReading } from '../../src/service/cpuTime.js';

const reading = (cpuMs: number, ns?: Record<number, number>, reapedMs = 0, processes = 1): CpuReading =>
  ns === undefined
    ? { cpuMs }
    : { cpuMs, threads: { ns: new Map(Object.entries(ns).map(([tid, v]) => [Number(tid), v])), reapedMs, processes } };

describe('CPU between two readings', () => {
  it('sums the threads to the nanosecond when both readings have them', () => {
    // Two threads: 123.456789 ms and 10.000001 ms of run time in the window; ticks say 130.
    const first = reading(1000, { 10: 5_000_000_000, 11: 1_000_000 });
    const last = reading(1130, { 10: 5_123_456_789, 11: 11_000_001 });
    const { ms, precise } = cpuBetween(first, last);
    expect(precise).toBe(true);
    expect(ms).toBeCloseTo(133.45679, 5);
  });

  it('counts a thread born in the window from zero, and the reaped children from ticks', () => {
    const first = reading(500, { 10: 2_000_000_000 }, 100);
    const last = reading(800, { 10: 2_150_000_000, 12: 40_000_000 }, 200);
    // 150 ms + 40 ms of threads, 100 ms more of reaped children.
    expect(cpuBetween(first, last)).toEqual({ ms: 290, precise: true });
  });

  it('falls back to ticks when a thread of the first reading has vanished (its time went with it)', () => {
    const first = reading(500, { 10: 2_000_000_000, 11: 300_000_000 });
    const last = reading(700, { 10: 2_150_000_000 });
    expect(cpuBetween(first, last)).toEqual({ ms: 200, precise: false });
  });

  it('falls back to ticks when a thread went backwards (a reused id)', () => {
    const first = reading(500, { 10: 2_000_000_000, 11: 300_000_000 });
    const last = reading(600, { 10: 2_050_000_000, 11: 1_000_000 });
    expect(cpuBetween(first, last)).toEqual({ ms: 100, precise: false });
  });

  it('falls back to ticks when they disagree beyond rounding (a thread lived and died inside the window)', () => {
    // Threads say 100 ms, ticks 400 ms: 300 ms ran in a thread no reading saw.
    const first = reading(1000, { 10: 0 });
    const last = reading(1400, { 10: 100_000_000 });
    expect(cpuBetween(first, last)).toEqual({ ms: 400, precise: false });
    // Within the rounding slack of one process, the precise value stands.
    const close = reading(1000 + 100 + TICK_SLACK_MS_PER_PROCESS, { 10: 100_000_000 });
    expect(cpuBetween(first, close)).toEqual({ ms: 100, precise: true });
  });

  it('uses ticks when either reading has no thread times, never a negative delta', () => {
    expect(cpuBetween(reading(100), reading(180, { 1: 5 }))).toEqual({ ms: 80, precise: false });
    expect(cpuBetween(reading(100, { 1: 5 }), reading(90))).toEqual({ ms: 0, precise: false });
  });
});

describe('schedstat', () => {
  it('reads the run time in ns, the first of its three fields', () => {
    expect(parseSchedstat('9007199254 140737 3022\n')).toBe(9007199254);
    expect(parseSchedstat('0 0 1')).toBe(0);
  });

  it('is null for anything else', () => {
    expect(parseSchedstat('')).toBeNull();
    expect(parseSchedstat('abc 1 2')).toBeNull();
    expect(parseSchedstat('-5 1 2')).toBeNull();
    expect(parseSchedstat('99999999999999999999 1 2')).toBeNull();
  });
});
