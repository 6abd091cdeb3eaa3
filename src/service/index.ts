/** Starting, watching, measuring and stopping the user's service. */
export type { ReadySpec, ServiceSpec } from './spec.js';
export type { RunningService, StartOptions } from './service.js';
export { startService, DEFAULT_STOP_GRACE_MS } from './service.js';
export type { SampledService, ServiceUsage, UsageReadOptions, UsageSampler, UsageWindow, SamplerDeps } from './sampler.js';
export type { CpuReading, ThreadTimes } from './cpuTime.js';
export { cpuBetween } from './cpuTime.js';
export { startUsageSampler } from './sampler.js';
export type { Interference } from './interference.js';
export { computeInterference } from './interference.js';
export type { SignalCleanupOptions } from './registry.js';
export { installSignalCleanup, stopAllServices, liveServiceCount } from './registry.js';
export { findFreePort, acceptsConnections } from './ports.js';
export { isLoopbackHost } from '../load/loopback.js';
export type { TreeUsage, TreeUsageOptions, TreeUsageReader } from './treeUsage.js';
export { defaultTreeUsageReader, procTreeUsage, pidusageTreeUsage, readTreeFds } from './treeUsage.js';
export type { SeriesService, UsageSample, UsageSeries, UsageSeriesOptions } from './usageSeries.js';
export { startUsageSeries, DEFAULT_SERIES_EVERY_MS } from './usageSeries.js';
