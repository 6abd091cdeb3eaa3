import { z } from 'zod';
import type { TestKind } from '../kind.js';
import { analyzeCapacity, settleCapacity, type CapacityAnalysis } from './analyze.js';
import { measureCapacity, type CapacityRun } from './measure.js';
import { capacityMarkdown, capacityTerminal } from './render.js';
import { CAPACITY_FIELDS, parseCapacitySettings, type CapacitySettings } from './settings.js';

const stepSchema = z.object({
  offered: z.number().positive(),
  achieved: z.number().nonnegative(),
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  mean: z.number().nonnegative(),
  requests: z.number().int().nonnegative(),
  errorRate: z.number().min(0).max(1),
  connections: z.number().int().positive(),
  cpuCores: z.number().nonnegative().nullable(),
  rssBytes: z.number().nonnegative().nullable(),
});
const runSchema = z.object({ process: z.number().int().nonnegative().nullable(), steps: z.array(stepSchema) });

/**
 * capacity: how much traffic the service takes before its SLO breaks, and whether the change
 * lowered it. A stepped open-loop arrival rate, repeated on fresh processes, tested on log capacity.
 */
export const capacityKind: TestKind<CapacitySettings, CapacityRun, CapacityAnalysis> = {
  kind: 'capacity',
  description: 'stepped arrival rate up to the SLO: capacity, knee and headroom, base against head',
  fields: CAPACITY_FIELDS,
  parseSettings: parseCapacitySettings,
  parseRun: (value) => {
    const r = runSchema.safeParse(value);
    return r.success ? r.data : null;
  },
  measure: measureCapacity,
  analyze: analyzeCapacity,
  adjust: settleCapacity,
  markdown: capacityMarkdown,
  terminal: capacityTerminal,
  // At worst the ramp climbs every step up to max-rate before the SLO breaks.
  estimateMs: (s) => s.repeats * (s.warmupMs + (Math.floor(Math.log(s.maxRate / s.startRate) / Math.log(s.stepFactor)) + 1) * s.stepMs),
};
