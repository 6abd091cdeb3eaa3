export type { IntervalOptions, IntervalSample, LoadOptions, LoadOutcome, LoadProfile, LoadTarget, PartOutcome, RatePiece } from './types.js';
export type { PassState, PreparedRequest, TrafficProgram, TrafficStep } from './traffic.js';
export type { ConnectionMode } from './connection-probe.js';
export { checkLittlesLaw, IN_FLIGHT_MAX_SHARE, IN_FLIGHT_MIN_SHARE, type LittlesLawCheck } from './littles-law.js';
export { runLoad, DEFAULT_TIMEOUT_MS, MIN_INTERVAL_MS } from './run-load.js';
export { checkRateSchedule, RateCurve } from './rate-schedule.js';
export { parseStatusSpec } from './status-spec.js';
export { assertLoopbackUrl, isLoopbackHost } from './loopback.js';
export {
  LATENCY_RANGE_US,
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  summarizeLatency,
} from './histogram.js';
export { OVERLOAD_SHARE } from './trial-tally.js';
