import type { TrafficProgram } from '../load/traffic.js';
import type { Traffic, TrafficRequest } from './types.js';

/**
 * A scenario kind beyond the single repeated request: the field of a scenario that selects it
 * (`mix:`, `journey:`), how its items are checked, and the load program a trial runs. Each kind is
 * one module; config, measure and analyze only ever talk to this interface through registry.ts.
 */
export interface ScenarioKind {
  /** The scenario field that holds its list of requests, and the kind's name. */
  key: string;
  /** One line for the docs and the progress output. */
  description: string;
  /** Fields of a list item beside the common request fields (name, method, path, ...). */
  itemFields: readonly string[];
  /** Parses an item's own fields into the request; problems as "<at>.<field>: ...". */
  parseItem(raw: Record<string, unknown>, at: string, request: TrafficRequest, problems: string[]): void;
  /** Checks the list as a whole: every template name must have a source (a data column, an earlier capture). */
  check(traffic: Traffic, at: string, problems: string[]): void;
  /** The load program of one trial: its parts, and fresh seeded sequences every start(). */
  program(traffic: Traffic, parseStatusSpec: (spec: string) => (status: number) => boolean): TrafficProgram;
  /** What the scenario sends, in a few words ("a mix of 3 requests"), for the report and progress lines. */
  summary(traffic: Traffic): string;
}

/** Data rows as template values, built once per program: a pass only picks one. */
export function rowValues(traffic: Traffic): Record<string, string>[] | null {
  const d = traffic.data;
  if (d === null) return null;
  return d.rows.map((row) => Object.fromEntries(d.columns.map((c, i) => [c, row[i]!])));
}
