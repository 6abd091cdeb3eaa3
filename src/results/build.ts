import { medianOf } from '../analyze/median.js';
import { trustedLatency } from '../analyze/metrics.js';
import type { Measurement } from '../measure/measure.js';
import { VERSION } from '../version.js';
import { loadSettingChanges, type LoadSettings } from './load-settings.js';
import { MAX_HISTORY, SCHEMA_VERSION, type Environment, type GitInfo, type HistoryEntry, type Results, type ShardRecord } from './schema.js';

export interface ResultsMeta {
  suite: string;
  createdAt: string;
  git: GitInfo;
  environment: Environment;
  configHash: string;
  variants: { name: string; commit: string | null }[];
  /** The load each scenario is measured under, by scenario name (loadSettingsByScenario). */
  loadSettings?: Record<string, LoadSettings>;
  /** Set when this run measured one shard of a suite split over a matrix. */
  shard?: ShardRecord;
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
    scenarios: m.scenarios.map((s) => {
      const loadSettings = meta.loadSettings?.[s.name];
      return loadSettings ? { ...s, loadSettings } : s;
    }),
    history: [],
  };
  if (meta.shard) results.shard = meta.shard;
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
 *
 * A scenario whose load settings changed since the previous baseline starts a fresh history: the
 * earlier medians were measured under another load, and their spread (history.ts) or their mean
 * (run-level.ts) would judge the new runs against the wrong level. It is dropped from every
 * earlier entry, and an entry left with no scenario is dropped. The entries keep no settings of
 * their own: each was the baseline of the next run once, so every entry that survives this was
 * measured under the settings of the previous baseline. A previous baseline from before settings
 * were recorded keeps its history, since no change can be seen (scenariosWithChangedLoad).
 */
export function withHistory(current: Results, previous: Results | null): Results {
  if (!previous) return current;
  const restarted = scenariosWithChangedLoad(previous, current);
  const history = [summarize(previous), ...previous.history]
    .map((entry) => withoutScenarios(entry, restarted))
    .filter((entry): entry is HistoryEntry => entry !== null)
    .slice(0, MAX_HISTORY);
  return { ...current, history };
}

/**
 * Names of the scenarios whose recorded settings differ from the previous baseline's, and of those
 * the previous baseline did not measure at all: what the history holds of such a scenario is older
 * than the gap, and no record says under which load it was measured.
 */
export function scenariosWithChangedLoad(previous: Results, current: Results): Set<string> {
  const changed = new Set<string>();
  for (const s of current.scenarios) {
    if (!s.loadSettings) continue;
    const before = previous.scenarios.find((p) => p.name === s.name);
    if (!before || (before.loadSettings && loadSettingChanges(before.loadSettings, s.loadSettings).length > 0)) changed.add(s.name);
  }
  return changed;
}

/** The entry without the given scenarios; null when that leaves it with none. */
function withoutScenarios(entry: HistoryEntry, names: ReadonlySet<string>): HistoryEntry | null {
  if (!Object.keys(entry.scenarios).some((name) => names.has(name))) return entry;
  const scenarios = Object.fromEntries(Object.entries(entry.scenarios).filter(([name]) => !names.has(name)));
  return Object.keys(scenarios).length > 0 ? { ...entry, scenarios } : null;
}
