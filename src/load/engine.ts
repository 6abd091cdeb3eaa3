import { changingScheduleFor, scheduleFor, skipFirst, type ArrivalSchedule, type PacerClock } from './arrival-pacer.js';
import type { RateCurve } from './rate-schedule.js';
import type { TrafficDriver } from './traffic-engine.js';
import type { TrialTally } from './trial-tally.js';
import type { TrialWindow } from './trial-window.js';
import type { LoadProfile, LoadTarget } from './types.js';

type RateProfile = Extract<LoadProfile, { kind: 'rate' }>;

/**
 * What a load engine is given: it sends `target` with `profile` until `window` closes and counts
 * every answer and failure in `tally`, with the time each request held its connection (for the
 * Little's law check) and, when the window closes, the time of the requests still in flight.
 */
export interface EngineRun {
  url: URL;
  target: LoadTarget;
  profile: LoadProfile;
  timeoutMs: number;
  tally: TrialTally;
  window: TrialWindow;
  clock: PacerClock;
  /** When the load starts (clock ms): the rate profile's schedule begins here. */
  startMs: number;
  /** The connection probe was answered: under the rate profile it stands in for connection 0's first request. */
  probed: boolean;
  /** Called as each of the profile's connections (or request loops) starts sending. */
  connectionStarted(): void;
  /** The rate profile's schedule as a curve (rate-schedule.ts); null without one. */
  curve: RateCurve | null;
  /** A mix or journey: its requests replace `target`'s, and its driver counts their answers instead of `tally`. */
  traffic?: TrafficDriver;
}

/** Resolves once the window has closed and the engine has let go of every connection. */
export type LoadEngine = (run: EngineRun) => Promise<void>;

/**
 * Connection `index`'s slot of the rate profile's schedule. The probe that opened the window was a
 * request like any other, so connection 0 starts at its second slot: the trial sends as many
 * requests as the rate asks for, not one more.
 */
export function rateSchedule(profile: RateProfile, run: EngineRun, index: number): ArrivalSchedule {
  const { startMs, timeoutMs, curve } = run;
  const schedule =
    curve === null
      ? scheduleFor(index, profile.connections, profile.rate, startMs, timeoutMs)
      : changingScheduleFor(index, profile.connections, curve, startMs, timeoutMs);
  return index === 0 && run.probed ? skipFirst(schedule) : schedule;
}
