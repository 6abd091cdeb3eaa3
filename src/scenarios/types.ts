import type { Capture } from './capture.js';
import type { RowOrder } from './sequence.js';
import type { Template } from './template.js';

/**
 * A scenario that is more than one request repeated: a weighted mix of requests, a journey of
 * steps, or one request filled from a data file. Parsed once from perfgate.yml (scenarios/parse.ts)
 * and turned into a load program per trial by its kind (scenarios/registry.ts).
 */
export interface Traffic {
  /** The scenario kind that owns it: "mix" or "journey" (registry.ts). */
  kind: string;
  requests: TrafficRequest[];
  /** Seeds the order of a mix's requests and the random order of data rows; the same every trial. */
  seed: number;
  data: DataSource | null;
}

export interface TrafficRequest {
  /** Unique within the scenario; names its row in the per-request table and its part in the results. */
  name: string;
  method: string;
  /** Path and query on the scenario's origin, e.g. "/api/items/{{id}}". */
  path: Template;
  headers: { name: string; value: Template }[];
  body: Template | null;
  expectStatus: string;
  /** Share of a mix's requests, relative to the other weights; 1 for journey steps. */
  weight: number;
  /** Journey steps: values taken from the response for later steps. */
  captures: Capture[];
}

export interface DataSource {
  /** As written in perfgate.yml, relative to the config file. */
  file: string;
  order: RowOrder;
  columns: string[];
  rows: string[][];
}
