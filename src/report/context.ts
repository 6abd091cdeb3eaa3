import type { Results } from '../results/schema.js';

/** Where a baseline came from, as the baseline store found it. */
export interface BaselineProvenance {
  commit: string | null;
  runUrl: string | null;
  createdAt: string;
  /** A ready-made description such as "3 days old"; computed from `createdAt` and `now` when absent. */
  ageDescription?: string;
}

/**
 * Everything a renderer needs besides the Analysis: which runs were compared and how. The adapters
 * fill it in; report/ only reads it (no clock, no environment, no GitHub).
 */
export interface ReportContext {
  suite: string;
  /** 'variants': two configured variants side by side (paired, like base-ref, without git). */
  mode: 'artifact' | 'base-ref' | 'variants' | 'local';
  /** Head results; in base-ref mode it holds both variants, 'base' and 'head'. */
  head: Results;
  /** Baseline results in artifact and local mode. */
  baseline: Results | null;
  baselineProvenance?: BaselineProvenance | null;
  commits?: { base: string | null; head: string | null };
  /** CLI command that reproduces this comparison locally. */
  reproduceCommand?: string;
  /** Name of the label that acknowledged a fail. */
  acknowledgedBy?: string | null;
  /** ISO time for age computations; report/ never reads the clock. */
  now?: string;
  /** Warnings to show, e.g. "baseline ignored: it came from a fork". */
  notes?: string[];
}

/** Both sides measured in this run, interleaved: the comparison is paired. */
export function isPairedMode(context: Pick<ReportContext, 'mode'>): boolean {
  return context.mode === 'base-ref' || context.mode === 'variants';
}
