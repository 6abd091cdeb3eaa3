import { medianOf } from '../analyze/median.js';
import { trustedLatency } from '../analyze/metrics.js';
import type { Measurement } from '../measure/measure.js';
import { VERSION } from '../version.js';
import { MAX_HISTORY, SCHEMA_VERSION, type Environment, type GitInfo, type HistoryEntry, type Results } from './schema.js';

export interface ResultsMeta {
  suite: string;
  createdAt: string;
  git: GitInfo;
  environment: Environment;
  configHash: string;
  variants: { name: string; commit: string | null }[];
}

export function buildResults(
  meta: ResultsMeta,
  m: Pick<Measurement, 'scenarios' | 'rounds' | 'disturbedRounds'> & Partial<Pick<Measurement, 'pairing' | 'roundsPerProcess'>>,
): Results {
  const results: Results = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    suite: meta.suite,
    createdAt: meta.createdAt,
    git: meta.git,
    environment: meta.environment,
    configHash: meta.configHash,
    variants: meta.variants,
    rounds: m.rounds,
    disturbedRounds: m.disturbedRounds,
    scenarios: m.scenarios,
    history: [],
  };
  if (m.pairing) results.pairing = m.pairing;
  if (m.roundsPerProcess) results.roundsPerProcess = m.roundsPerProcess;
  return results;
}

/** The per-scenario medians of a run's head variant: what history keeps of an earlier run. */
export function summarize(results: Results, variant = 'head'): HistoryEntry {
  const scenarios: HistoryEntry['scenarios'] = {};
  for (const s of results.scenarios) {
    const trials = s.variants[variant]?.trials ?? [];
    const metrics: Record<string, number> = {};
    const put = (name: string, values: (number | null)[]) => {
      const m = medianOf(values.filter((v): v is number => v !== null && Number.isFinite(v)));
      if (m !== null) metrics[name] = m;
    };
    put('p50', trials.map((t) => trustedLatency(t, 'p50')));
    put('p90', trials.map((t) => trustedLatency(t, 'p90')));
    put('p99', trials.map((t) => trustedLatency(t, 'p99')));
    put('throughput', trials.map((t) => t.throughput));
    put('errorRate', trials.map((t) => (t.requests > 0 ? t.errors / t.requests : null)));
    put('cpuPerRequest', trials.map((t) => t.cpuMsPerRequest));
    put('peakRss', trials.map((t) => t.peakRssBytes));
    scenarios[s.name] = metrics;
  }
  return { sha: results.git.sha, runId: results.git.runId, createdAt: results.createdAt, environment: results.environment, scenarios };
}

/**
 * A new baseline carries the previous baseline forward as history (newest first), so run-to-run
 * spread can be estimated from up to MAX_HISTORY earlier trusted runs.
 */
export function withHistory(current: Results, previous: Results | null): Results {
  if (!previous) return current;
  const history = [summarize(previous), ...previous.history].slice(0, MAX_HISTORY);
  return { ...current, history };
}
