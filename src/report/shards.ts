import type { Results } from '../results/schema.js';
import type { MeasurementNote } from './measurement-notes.js';

/** A suite of hundreds of scenarios still gets a line of a readable length. */
const MAX_NAMED_SCENARIOS = 5;

/**
 * Which runner measured which shard of a run merged from a matrix (`mode: merge`): shards run on
 * different machines, so a reader who sees one scenario behave oddly can tell where it ran.
 */
export function shardNotes(head: Pick<Results, 'shards'>, quote: (text: string) => string): MeasurementNote[] {
  const shards = head.shards ?? [];
  if (shards.length === 0) return [];
  const parts = shards.map((s) => {
    const runner = s.environment.runnerName ? `runner ${quote(s.environment.runnerName)}` : 'an unnamed runner';
    const named = s.scenarios.slice(0, MAX_NAMED_SCENARIOS).map(quote).join(', ');
    const more = s.scenarios.length > MAX_NAMED_SCENARIOS ? ` and ${s.scenarios.length - MAX_NAMED_SCENARIOS} more` : '';
    const what = s.scenarios.length === 0 ? 'no scenario' : `${named}${more}`;
    return `shard ${s.index}/${s.count} on ${runner} (${s.environment.cpuModel.trim() || 'unknown CPU'}, ${s.environment.cores} cores): ${what}`;
  });
  return [{ level: 'info', text: `Measured in ${shards.length} shards, merged into one analysis: ${parts.join('; ')}.` }];
}
