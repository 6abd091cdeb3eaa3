import { z } from 'zod';
import type { TestKind } from '../kind.js';
import { analyzeSpike, settleSpike, type SpikeAnalysis, type SpikeRun } from './analyze.js';
import { measureSpike } from './measure.js';
import { spikeMarkdown, spikeTerminal } from './render.js';
import { parseSpikeSettings, SPIKE_FIELDS, type SpikeSettings } from './settings.js';

const runSchema = z.object({
  process: z.number().int().nonnegative().nullable(),
  phases: z.object({ spikeStartMs: z.number().nonnegative(), spikeEndMs: z.number().nonnegative() }),
  samples: z.array(z.object({
    startMs: z.number().nonnegative(),
    durationMs: z.number().positive(),
    requests: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    successes: z.number().int().nonnegative(),
    p99: z.number().nonnegative().nullable(),
  })),
});

/** spike: a burst of k× the base rate, and how long p99 takes to come back after it. */
export const spikeKind: TestKind<SpikeSettings, SpikeRun, SpikeAnalysis> = {
  kind: 'spike',
  description: 'a burst of k× the base rate: errors and p99 in it, and the time to recover',
  fields: SPIKE_FIELDS,
  parseSettings: parseSpikeSettings,
  parseRun: (value) => {
    const r = runSchema.safeParse(value);
    return r.success ? r.data : null;
  },
  measure: measureSpike,
  analyze: analyzeSpike,
  adjust: settleSpike,
  markdown: spikeMarkdown,
  terminal: spikeTerminal,
  estimateMs: (s) => s.repeats * (s.warmupMs + s.beforeMs + s.spikeMs + s.afterMs + s.settleMs),
};
