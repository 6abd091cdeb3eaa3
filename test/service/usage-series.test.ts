import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeriesService, ServiceUsage, UsageSample } from '../../src/service/index.js';
import { startService, startUsageSeries } from '../../src/service/index.js';
import { nextSlot } from '../../src/service/usageSeries.js';
import type { TestBox } from './helpers.js';
import { eventually, sleep, useServiceBox } from './helpers.js';

let box: TestBox;
useServiceBox((b) => (box = b));

function expectInOrder(samples: UsageSample[]): void {
  for (let i = 1; i < samples.length; i++) {
    expect(samples[i]?.atMs).toBeGreaterThan(samples[i - 1]?.atMs ?? Infinity);
    expect(samples[i]?.cpuMs).toBeGreaterThanOrEqual(samples[i - 1]?.cpuMs ?? Infinity);
  }
}

describe('usage series of a real service', () => {
  it('samples every 200 ms: 6±1 samples in 1.2 s, in order, CPU never going back', async () => {
    // Busy 20 ms of every 50, so CPU grows between samples.
    const burner = "console.log('ready'); setInterval(() => { const end = Date.now() + 20; while (Date.now() < end); }, 50)";
    const service = await startService(box.spec({ command: `exec node -e "${burner}"`, ready: { logPattern: '^ready$', timeoutMs: 10_000 } }));
    const told: UsageSample[] = [];
    const series = startUsageSeries(service, { everyMs: 200, onSample: (s) => told.push(s) });
    await sleep(1200);
    const samples = await series.stop();

    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(samples.length).toBeLessThanOrEqual(7);
    expect(told).toEqual(samples);
    expectInOrder(samples);
    // Sample i is never taken before its slot on the absolute schedule (later slots only when one was missed).
    samples.forEach((s, i) => expect(s.atMs).toBeGreaterThanOrEqual(i * 200));
    expect(samples[0]?.cpuMs).toBe(0);
    expect(samples.at(-1)?.cpuMs).toBeGreaterThan(0);
    for (const s of samples) {
      expect(s.processes).toBe(1);
      expect(s.fds).toBeGreaterThan(0);
      expect(s.fdsUnreadable).toBe(0);
      expect(s.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    }
    expect(series.serviceExited).toBe(false);
    expect(series.missedReadings).toBe(0);
    // Stopped means stopped: no reading is taken afterwards, and stop() answers the same.
    const count = samples.length;
    await sleep(300);
    expect(told).toHaveLength(count);
    expect(await series.stop()).toHaveLength(count);
    await service.stop();
  });

  it('ends by itself when the service exits mid-series, keeping the samples and saying so', async () => {
    const stopFile = join(box.dir, 'stop');
    const service = await startService(
      box.spec({
        command: `echo ready; while [ ! -e '${stopFile}' ]; do sleep 0.05; done; exit 3`,
        ready: { logPattern: '^ready$', timeoutMs: 10_000 },
      }),
    );
    let taken = 0;
    const series = startUsageSeries(service, { everyMs: 100, onSample: () => taken++ });
    await eventually(() => taken >= 2, 'two samples of the running service');
    writeFileSync(stopFile, '');
    await eventually(() => series.serviceExited, 'the series to notice the exit');
    expect(service.exited).toBe(true);
    const samples = await series.stop();
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples).toHaveLength(taken);
    expectInOrder(samples);
    expect(series.missedReadings).toBe(0);
  });
});

/** A stand-in service that answers the given readings in turn, then reports that it exited. */
function scriptedService(readings: (ServiceUsage | null)[]): SeriesService & { calls: number } {
  const fake = {
    calls: 0,
    get exited() {
      return fake.calls >= readings.length;
    },
    usage: async () => readings[fake.calls++] ?? null,
  };
  return fake;
}

const reading = (cpuMs: number, processes = 2): ServiceUsage => ({ cpuMs, rssBytes: 1000 + cpuMs, processes, fds: 9, fdsUnreadable: 0 });

describe('usage series logic', () => {
  it('slots stay on the absolute schedule: late readings do not drift it, overrunning ones skip slots', () => {
    // Every reading 30 ms late, a thousand times: slot k is still the next, due at k × 200 ms.
    for (let k = 0; k < 1000; k++) expect(nextSlot(k, k * 200 + 30, 200)).toBe(k + 1);
    // Done exactly on the next slot's time: take it now.
    expect(nextSlot(4, 1000, 200)).toBe(5);
    // A reading of slot 0 that ran until 450 ms: slots 1 (200) and 2 (400) are past and skipped.
    expect(nextSlot(0, 450, 200)).toBe(3);
  });

  it('adds up CPU growth only, counts failed readings, and ends when the service is gone', async () => {
    // 100 → 150 → (failed) → 120 (a process left with its CPU) → 170.
    const service = scriptedService([reading(100), reading(150), null, reading(120, 1), reading(170, 1)]);
    const series = startUsageSeries(service, { everyMs: 10 });
    await eventually(() => series.serviceExited, 'the series to end with the service');
    const samples = await series.stop();
    expect(samples.map((s) => s.cpuMs)).toEqual([0, 50, 50, 100]);
    expect(samples.map((s) => s.processes)).toEqual([2, 2, 1, 1]);
    expect(samples.map((s) => s.rssBytes)).toEqual([1100, 1150, 1120, 1170]);
    expect(series.missedReadings).toBe(1);
    expect(service.calls).toBe(5);
  });

  it('fds are null, not 0, when the reading has none', async () => {
    const service = scriptedService([{ cpuMs: 0, rssBytes: 1, processes: 1 }]);
    const series = startUsageSeries(service, { everyMs: 10 });
    await eventually(() => series.serviceExited, 'the series to end');
    expect(await series.stop()).toEqual([{ atMs: expect.any(Number), rssBytes: 1, fds: null, fdsUnreadable: 0, cpuMs: 0, processes: 1 }]);
  });

  it('stop() rejects with the error of onSample, which ended the series', async () => {
    const service = scriptedService([reading(1), reading(2), reading(3)]);
    const series = startUsageSeries(service, {
      everyMs: 10,
      onSample: () => {
        throw new Error('disk full');
      },
    });
    await expect(series.stop()).rejects.toThrow('disk full');
    expect(service.calls).toBe(1);
  });

  it('refuses an interval that is not a usable number of milliseconds', () => {
    const service = scriptedService([]);
    for (const everyMs of [0, -5, 2, Number.NaN, Infinity]) {
      expect(() => startUsageSeries(service, { everyMs })).toThrow(
        `usage series everyMs is ${everyMs}; expected a number of milliseconds of at least 10`,
      );
    }
  });
});
