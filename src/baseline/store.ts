import type { Results } from '../results/schema.js';

/** Where a baseline came from, for the report's provenance line. */
export interface BaselineProvenance {
  commit: string | null;
  runUrl: string | null;
  createdAt: string;
  artifactId?: number;
}

export interface BaselineLookup {
  results: Results | null;
  /** Why there is no baseline (shown in the verdict), when results is null. */
  reason?: string;
  provenance?: BaselineProvenance | null;
  /** Candidates that were passed over, and why (shown as notes and warnings). */
  rejected: string[];
}

/**
 * A place baselines are kept: workflow artifacts in the action, a file for the CLI. Chosen once at
 * the edge and passed in, so the pipeline never branches on where it runs.
 */
export interface BaselineStore {
  load(): Promise<BaselineLookup>;
  save(results: Results): Promise<void>;
}
