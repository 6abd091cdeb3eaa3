import { LoadError } from '../errors.js';
import type { PacerClock } from './arrival-pacer.js';
import { runAutocannon } from './autocannon-engine.js';
import { probeConnectionMode, type ConnectionMode } from './connection-probe.js';
import type { LoadEngine } from './engine.js';
import { IntervalSampler } from './interval-sampler.js';
import { checkLittlesLaw } from './littles-law.js';
import { assertLoopbackUrl } from './loopback.js';
import { requestSpec } from './one-request.js';
import { runPerRequest } from './per-request-engine.js';
import { checkRateSchedule, RateCurve } from './rate-schedule.js';
import { freshPassState } from './traffic.js';
import { trafficDriver } from './traffic-engine.js';
import { TrafficTally } from './traffic-tally.js';
import { TrialTally } from './trial-tally.js';
import { TrialWindow } from './trial-window.js';
import type { LoadOptions, LoadOutcome, LoadProfile, LoadTarget } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Each interval costs a summary of its histogram and an add into the trial's: 0.15-0.7 ms of CPU
 * (10 to 10,000 responses an interval, measured on the 2-core machine), under 1% of a core at this
 * length; shorter intervals would take a visible share of the core the service shares.
 */
export const MIN_INTERVAL_MS = 100;

const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * One trial of load: drive `target` with `profile` for `durationMs` and count what came back.
 *
 * First one probe request asks whether the service keeps connections open (connection-probe.ts
 * says why that matters): if it does, autocannon drives the load; if it closes them, a new
 * connection per request does. The probe's answer is counted like any other, so the service's CPU
 * time is divided by every request it served, but it runs before the window, so that a slow answer
 * does not leave the other connections idle for part of it. A probe still unanswered after
 * `durationMs` is given up uncounted.
 *
 * Then the window [start, start + durationMs): at its end every connection is closed, so no request
 * is sent whose cost the counts do not cover, and answers arriving later are not counted. Every
 * trial ends with the Little's law check of its latency measurement (littles-law.ts).
 *
 * With `options.interval` the window is also cut into intervals, each reported as it ends
 * (interval-sampler.ts) and all of them returned on the outcome; the trial's own counts are the
 * same with or without.
 *
 * Nothing is printed. Warmup is the caller's: it runs a trial and throws the outcome away.
 */
export async function runLoad(target: LoadTarget, profile: LoadProfile, options: LoadOptions): Promise<LoadOutcome> {
  const url = assertLoopbackUrl(target.url);
  checkProfile(profile);
  const { durationMs, timeoutMs = DEFAULT_TIMEOUT_MS, signal, interval } = options;
  checkPositive('durationMs', durationMs);
  checkPositive('timeoutMs', timeoutMs);
  if (interval !== undefined) checkInterval(interval);
  signal?.throwIfAborted();

  const clock = systemClock;
  const curve = profile.kind === 'rate' && profile.schedule !== undefined ? new RateCurve(profile.schedule) : null;
  // A constant rate is its own mean, exactly; a schedule's over [fromMs, toMs) of the window.
  const offeredRate =
    profile.kind === 'closed' ? null : curve === null ? () => profile.rate : (fromMs: number, toMs: number) => curve.meanRate(fromMs, toMs);
  const program = target.traffic ?? null;
  if (program !== null && interval !== undefined) {
    throw new LoadError('load option interval cannot be used with a mix or journey; its answers are counted per request, not per interval');
  }
  const traffic = program === null ? null : new TrafficTally(program);
  const tally = new TrialTally(target.isExpectedStatus);
  // Before the probe: its answer is counted in the trial, so in the first interval too.
  if (interval !== undefined) tally.sampleIntervals();
  const fail = (err: unknown): never => {
    if (signal?.aborted) throw signal.reason;
    if (err instanceof LoadError) throw err;
    throw new LoadError(`load against ${url.href} could not run: ${(err as Error).message ?? String(err)}`);
  };

  let probed: ConnectionMode | null;
  const probeWindow = new TrialWindow(durationMs, clock, signal);
  try {
    if (program === null) probed = await probeConnectionMode(requestSpec(url, target), tally, probeWindow, timeoutMs, clock);
    else {
      // The probe sends the first request of a pass of its own, so the trial's sequence is untouched.
      const state = freshPassState();
      const step = program.start()[0]!;
      const first = step.fixed ?? step.prepare(state)!;
      const probeUrl = new URL(first.path, url);
      const spec = requestSpec(probeUrl, { ...first, url: probeUrl.href, isExpectedStatus: target.isExpectedStatus });
      probed = await probeConnectionMode(spec, traffic!.parts[state.part ?? 0]!, probeWindow, timeoutMs, clock);
    }
  } catch (err) {
    return fail(err);
  } finally {
    probeWindow.close();
  }
  signal?.throwIfAborted();
  const mode = probed ?? 'keep-alive';
  if (program !== null && mode === 'per-request') {
    throw new LoadError(
      `the service at ${url.origin} closes its connection after each answer (HTTP/1.0 or "Connection: close"); a mix or journey needs connections kept open (HTTP keep-alive)`,
    );
  }

  const window = new TrialWindow(durationMs, clock, signal);
  const sampler = interval === undefined ? null : new IntervalSampler(tally, window, clock, interval.ms, offeredRate, interval.onSample);
  const connectionStarts: number[] = [];
  const connectionStarted = () => {
    if (window.open) connectionStarts.push(clock.now());
  };
  const engine: LoadEngine = mode === 'per-request' ? runPerRequest : runAutocannon;
  try {
    const driver =
      program === null
        ? undefined
        : trafficDriver(program.start(), traffic!, program.parts.map((p) => p.isExpectedStatus), program.unit === null ? null : program.parts.length - 1);
    await engine({ url, target, profile, timeoutMs, tally, window, clock, startMs: window.startMs, probed: probed !== null, connectionStarted, curve, traffic: driver });
  } catch (err) {
    window.close();
    return fail(err);
  }
  window.close();
  signal?.throwIfAborted();
  // The caller's own error, as it threw it.
  if (sampler?.failure) throw sampler.failure.error;

  const closedAt = window.closedAtMs!;
  const measuredMs = closedAt - window.startMs;
  const counted = traffic ?? tally;
  const outcome = counted.outcome(measuredMs, offeredRate === null ? null : offeredRate(0, measuredMs));
  const connectionMs = connectionStarts.reduce((sum, started) => sum + (closedAt - started), 0);
  const littlesLaw = checkLittlesLaw(profile.kind, profile.connections, counted.busyMs, connectionMs);
  return { ...outcome, connectionMode: mode, littlesLaw, ...(sampler === null ? {} : { intervals: sampler.samples }) };
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new LoadError(`load option ${name} is ${value}; expected a positive number of milliseconds`);
  }
}

function checkProfile(profile: LoadProfile): void {
  if (!Number.isInteger(profile.connections) || profile.connections < 1) {
    throw new LoadError(`load profile connections is ${profile.connections}; expected a whole number of at least 1`);
  }
  if (profile.kind === 'rate' && (!Number.isFinite(profile.rate) || profile.rate <= 0)) {
    throw new LoadError(`load profile rate is ${profile.rate}; expected a positive number of requests per second`);
  }
  if (profile.kind === 'rate' && profile.schedule !== undefined) checkRateSchedule(profile.rate, profile.schedule);
}

function checkInterval(interval: NonNullable<LoadOptions['interval']>): void {
  if (!Number.isFinite(interval.ms) || interval.ms < MIN_INTERVAL_MS) {
    throw new LoadError(`load option interval.ms is ${interval.ms}; expected at least ${MIN_INTERVAL_MS} milliseconds`);
  }
  if (typeof interval.onSample !== 'function') {
    throw new LoadError(`load option interval.onSample is ${typeof interval.onSample}; expected a function to receive each sample`);
  }
}
