import { parseStatusSpec, runLoad } from '../load/index.js';
import { startService, startUsageSampler, startUsageSeries } from '../service/index.js';
import type { MeasureDeps } from './measure.js';

/** The real service and load implementations, chosen once at the edge. */
export function realMeasureDeps(log: (line: string) => void): MeasureDeps {
  return {
    startService: (spec) => startService(spec),
    runLoad,
    sampleUsage: (service) => startUsageSampler(service, { intervalMs: 200 }),
    sampleSeries: (service, options) => startUsageSeries(service, options),
    parseStatusSpec,
    now: () => Date.now(),
    log,
  };
}
