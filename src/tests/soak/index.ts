import { z } from 'zod';
import type { TestKind } from '../kind.js';
import { analyzeSoak, type SoakAnalysis, type SoakRun } from './analyze.js';
import { measureSoak } from './measure.js';
import { soakMarkdown, soakTerminal } from './render.js';
import { parseSoakSettings, SOAK_FIELDS, type SoakSettings } from './settings.js';

const runSchema = z.object({
  process: z.number().int().nonnegative().nullable(),
  exited: z.boolean(),
  samples: z.array(z.object({
    atMs: z.number().nonnegative(),
    rssBytes: z.number().nonnegative().nullable(),
    fds: z.number().int().nonnegative().nullable(),
    p99: z.number().nonnegative().nullable(),
    requests: z.number().int().nonnegative(),
    cpuCores: z.number().nonnegative().nullable(),
  })),
});

/** soak: constant load for minutes; Theil–Sen slopes of RSS, open fds and p99 decide whether it leaks. */
export const soakKind: TestKind<SoakSettings, SoakRun, SoakAnalysis> = {
  kind: 'soak',
  description: 'constant load for minutes: RSS, open file descriptors and p99 trends, the leak verdict',
  fields: SOAK_FIELDS,
  parseSettings: parseSoakSettings,
  parseRun: (value) => {
    const r = runSchema.safeParse(value);
    return r.success ? r.data : null;
  },
  measure: measureSoak,
  analyze: analyzeSoak,
  // A soak has no p-value to adjust: its verdict rests on each slope's interval against a limit.
  adjust: (a) => a,
  markdown: soakMarkdown,
  terminal: soakTerminal,
  estimateMs: (s) => s.repeats * s.durationMs,
};
