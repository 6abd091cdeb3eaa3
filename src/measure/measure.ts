import type { Config, Scenario } from '../config/config.js';
import { LoadError } from '../errors.js';
import type { LoadOptions, LoadOutcome, LoadProfile, LoadTarget } from '../load/index.js';
import type { RunningService, ServiceSpec, UsageSeries, UsageSeriesOptions } from '../service/index.js';
import { formatDuration, makePlan, roundGroups, type Plan, type TrialSlot } from '../plan/plan.js';
import type { TrafficProgram } from '../load/traffic.js';
import type { ScenarioResult, TrialResult } from '../results/schema.js';
import { partNames, partResults, partsThatAlwaysFailed, partTrials, trafficSummary } from '../scenarios/parts.js';
import { scenarioKind } from '../scenarios/registry.js';

/** One side of the comparison: its service (or none, when it already runs) and where to send load. */
export interface VariantTarget {
  name: string;
  commit: string | null;
  service: ServiceSpec | null;
  /** Rewrites a scenario URL for this variant (base-ref mode moves the base service to another port). */
  urlFor(scenario: Scenario): string;
}

/** What measuring needs from the outside world, passed in so tests can drive it. */
export interface MeasureDeps {
  startService(spec: ServiceSpec): Promise<RunningService>;
  /** A mix or journey comes as `target.traffic` (load/traffic.ts). */
  runLoad(
    target: LoadTarget,
    profile: LoadProfile,
    opts: LoadOptions,
  ): Promise<LoadOutcome>;
  /** Starts sampling CPU and memory; load may start once `ready` resolves (its first reading is taken). */
  sampleUsage(service: RunningService): { ready: Promise<void>; stop(): Promise<UsageWindow | null> };
  /** Samples RSS, open fds and CPU of the service's tree every `everyMs` (a soak test's time series). */
  sampleSeries(service: RunningService, options: UsageSeriesOptions): UsageSeries;
  parseStatusSpec(spec: string): (status: number) => boolean;
  now(): number;
  log(line: string): void;
}

export interface UsageWindow {
  cpuMs: number;
  peakRssBytes: number;
  interference: { otherCpu: number; steal: number } | null;
  /** All cores' time during the window, to take services measured at the same time out of otherCpu. */
  machineMs?: number | null;
}

export interface MeasureInput {
  config: Config;
  variants: VariantTarget[];
  minRoundsForSignificance: number;
  /**
   * A shard's scenarios are measured for the rounds the whole suite's single job would plan (these
   * are its scenarios), not for as many as the time budget allows this shard: N shards then take
   * about 1/N of the single job's time, and every scenario of the merged file has the rounds it
   * would have had in one job.
   */
  roundsAsFor?: string[];
  /** Asked after each round once min rounds are done: true ends measuring early. */
  shouldStop?(scenarios: ScenarioResult[], roundsDone: number): boolean;
  signal?: AbortSignal;
}

export interface Measurement {
  scenarios: ScenarioResult[];
  rounds: number;
  disturbedRounds: number;
  /** How the variants of a round were measured; null with a single variant. */
  pairing: Config['load']['pairing'] | null;
  plan: Plan;
  stoppedEarly: boolean;
  /** Rounds measured on one start of the services; null when no service was restarted. */
  roundsPerProcess: number | null;
}

/** Share of all cores' time used by other processes above which a round is measured again. */
export const INTERFERENCE_LIMIT = 0.3;
/** At most this many rounds are repeated for interference in one run, so a busy runner still ends. */
export const MAX_REPEATED_ROUNDS = 3;

/**
 * Runs rounds of interleaved trials until the stop predicate, the round limit or the time budget
 * ends it. When perfgate starts the services, the replicate is a fresh process: every
 * `roundsPerProcess` rounds every variant's service is stopped, started again and warmed up, and
 * each trial records which start it ran on (docs/statistics.md, "The unit is a process"). A service
 * that was already running is measured as it is, warmed up once. Services are always stopped.
 */
/** The shard's own plan (its round time, its blocks) with the whole suite's number of rounds. */
function roundsOfSuite(own: Plan, suite: Plan): Plan {
  const minRounds = Math.min(suite.minRounds, suite.maxRounds);
  return {
    ...own,
    minRounds,
    maxRounds: suite.maxRounds,
    notes: [...suite.notes, `a shard measures the rounds the whole suite plans (${minRounds === suite.maxRounds ? suite.maxRounds : `${minRounds} to ${suite.maxRounds}`}), in its share of the time`],
  };
}

export async function measure(input: MeasureInput, deps: MeasureDeps): Promise<Measurement> {
  const { config, variants } = input;
  const scenarioNames = config.scenarios.map((s) => s.name);
  const simultaneous = config.load.pairing === 'simultaneous' && variants.length > 1;
  // Restart only when every variant's service is ours to start: with one already running, the
  // pairs would share that one process and a restart would not make them independent.
  const restarting = variants.length > 0 && variants.every((v) => v.service !== null);
  const perProcess = restarting ? config.load.roundsPerProcess : null;
  const planOf = (scenarios: string[]) =>
    makePlan({
      scenarios,
      variants: variants.map((v) => v.name),
      trialMs: config.load.trialMs,
      warmupMs: config.load.warmupMs,
      minRounds: config.rounds.min,
      maxRounds: config.rounds.max,
      maxDurationMs: config.rounds.maxDurationMs,
      minRoundsForSignificance: input.minRoundsForSignificance,
      simultaneous,
      roundsPerProcess: perProcess,
    });
  const plan = input.roundsAsFor ? roundsOfSuite(planOf(scenarioNames), planOf(input.roundsAsFor)) : planOf(scenarioNames);
  for (const note of plan.notes) deps.log(`note: ${note}`);
  for (const s of config.scenarios) {
    if (s.traffic) deps.log(`scenario "${s.name}": ${scenarioKind(s.traffic).summary(s.traffic)}, ${scenarioKind(s.traffic).description}`);
  }
  if (!restarting && variants.some((v) => v.service)) {
    deps.log('note: a variant has no start command, so no service is restarted: rounds, not processes, are the unit of the test');
  }

  // A mix's requests and a journey's steps follow their scenario, as scenarios of their own (scenarios/parts.ts).
  const results: ScenarioResult[] = config.scenarios.flatMap((s) => [
    {
      name: s.name,
      method: s.method,
      path: trafficSummary(s) ?? new URL(s.url).pathname,
      variants: Object.fromEntries(variants.map((v) => [v.name, { trials: [] as TrialResult[] }])),
    },
    ...partResults(s, variants.map((v) => v.name)),
  ]);
  const resultIndex = (name: string) => results.findIndex((r) => r.name === name);

  const running = new Map<string, RunningService>();
  const stopAll = async () => {
    const services = [...running.values()];
    running.clear();
    await Promise.allSettled(services.map((s) => s.stop()));
  };
  const started = deps.now();
  let order = 0;
  let rounds = 0;
  let disturbedRounds = 0;
  let stoppedEarly = false;
  let processIndex = -1;
  try {
    const ctx = trialContext(config, deps, input.signal);
    const loadOnce = (variant: VariantTarget, scenario: Scenario, durationMs: number) => loadTrial(ctx, variant, scenario, durationMs);
    const runGroup = (group: TrialSlot[]) =>
      measureTogether(
        ctx,
        group.map((slot) => {
          const variant = variants.find((v) => v.name === slot.variant)!;
          return { variant, scenario: config.scenarios[scenarioNames.indexOf(slot.scenario)]!, service: running.get(variant.name) };
        }),
      );

    // Starts (or restarts) the services and warms each up: JIT, caches and connection pools settle
    // before anything is recorded, on every process. The order alternates from one start to the
    // next, so neither variant is always the one started, or warmed, first; the variant started
    // first is also measured first (orderRound below).
    const startAndWarm = async (index: number) => {
      const ordered = index % 2 === 1 ? [...variants].reverse() : variants;
      for (const v of ordered) {
        if (!v.service) continue;
        if (index === 0) deps.log(`starting ${v.service.description ?? v.name}: ${v.service.command}`);
        running.set(v.name, await deps.startService(v.service));
      }
      if (config.load.warmupMs <= 0) return;
      for (const v of ordered) {
        if (index === 0) deps.log(`warming up ${v.name} for ${formatDuration(config.load.warmupMs)}${perProcess !== null ? ' after every start' : ''}`);
        const each = Math.max(250, config.load.warmupMs / config.scenarios.length);
        for (const s of config.scenarios) {
          const w = await loadOnce(v, s, each);
          running.get(v.name)?.checkAlive();
          if (w.requests > 0 && w.errors === w.requests) {
            throw new LoadError(
              `every warmup request of scenario "${s.name}" to ${v.name} (${v.urlFor(s)}) failed: ${describeErrors(w.errorCounts)}`,
            );
          }
          const failedParts = partsThatAlwaysFailed(w);
          if (failedParts.length > 0) {
            throw new LoadError(`every warmup request of ${failedParts.join('; and of ')}, in scenario "${s.name}" to ${v.name}, failed`);
          }
        }
      }
    };
    if (perProcess === null) await startAndWarm(0);
    if (perProcess !== null) {
      deps.log(`a fresh process of each service every ${perProcess} round${perProcess === 1 ? '' : 's'}: the test counts processes, not rounds`);
    }

    let repeated = 0;
    for (let round = 0; round < plan.maxRounds; round++) {
      if (input.signal?.aborted) throw new LoadError('measuring was cancelled');
      // A round measured again after interference stays on its processes; the next block restarts.
      if (perProcess !== null && Math.floor(round / perProcess) !== processIndex) {
        await stopAll();
        processIndex = Math.floor(round / perProcess);
        await startAndWarm(processIndex);
      }
      const roundTrials: { scenario: number; variant: string; trial: TrialResult }[] = [];
      // With restarts, the order is set by the round's place in its process, mirrored on every other
      // process: B H H B, then H B B H. Flipping on the run's round number alone would start every
      // process on an even round with two rounds a process, and measure base first on every one.
      const orderRound = perProcess !== null ? round - processIndex * perProcess + processIndex : round;
      for (const group of roundGroups(orderRound, scenarioNames, variants.map((v) => v.name), simultaneous)) {
        const trials = await runGroup(group);
        trials.forEach(({ parts, ...trial }, i) => {
          const onProcess = perProcess !== null ? { process: processIndex } : {};
          const at = { round, order: order++, ...onProcess };
          roundTrials.push({ scenario: resultIndex(group[i]!.scenario), variant: group[i]!.variant, trial: { ...trial, ...at } });
          const names = partNames(config.scenarios[scenarioNames.indexOf(group[i]!.scenario)]!);
          // A scenario of one request (a data file alone) has no parts of its own.
          if (names.length > 0) (parts ?? []).forEach((part, j) => roundTrials.push({ scenario: resultIndex(names[j]!), variant: group[i]!.variant, trial: { ...part, ...at } }));
        });
      }

      const worst = Math.max(0, ...roundTrials.map((t) => t.trial.interference?.otherCpu ?? 0));
      if (worst > INTERFERENCE_LIMIT && repeated < MAX_REPEATED_ROUNDS) {
        repeated++;
        disturbedRounds++;
        deps.log(`round ${round + 1}: other processes used ${Math.round(worst * 100)}% of the CPU; measuring it again`);
        round--;
        continue;
      }
      if (worst > INTERFERENCE_LIMIT) disturbedRounds++;
      for (const t of roundTrials) results[t.scenario]!.variants[t.variant]!.trials.push(t.trial);
      rounds = round + 1;

      // Time per block of rounds (one start of the services, or one round), measured so far.
      const block = perProcess ?? 1;
      const elapsed = deps.now() - started;
      const blocksDone = Math.ceil(rounds / block);
      const perBlock = perProcess !== null ? elapsed / blocksDone : (elapsed - plan.warmupMs) / rounds;
      const left = Math.max(0, ((plan.maxRounds - rounds) / block) * perBlock);
      const which = perProcess !== null ? ` · processes #${processIndex + 1}` : '';
      deps.log(`round ${rounds}/${plan.maxRounds}${which} · ${formatDuration(elapsed)} elapsed · at most ~${formatDuration(left)} left`);

      // Decisions only at the end of a block: the test's unit is a whole process.
      if (rounds % block !== 0) continue;
      if (rounds >= plan.minRounds && input.shouldStop?.(results, rounds)) {
        stoppedEarly = rounds < plan.maxRounds;
        if (stoppedEarly) deps.log(`every gated metric is decided after ${rounds} rounds; stopping early`);
        break;
      }
      if (rounds >= plan.minRounds && elapsed + perBlock > config.rounds.maxDurationMs) {
        deps.log(`time budget of ${formatDuration(config.rounds.maxDurationMs)} reached after ${rounds} rounds`);
        break;
      }
    }
  } finally {
    await stopAll();
  }
  const pairing = variants.length > 1 ? config.load.pairing : null;
  return { scenarios: results, rounds, disturbedRounds, pairing, plan, stoppedEarly, roundsPerProcess: perProcess };
}

/** What a trial needs besides its variant and scenario, worked out once per run. */
export interface TrialContext {
  config: Config;
  deps: MeasureDeps;
  profile: LoadProfile;
  /** The expected-status check of each scenario, by name. */
  expected: Map<string, (status: number) => boolean>;
  /** The load program of each mix or journey scenario, by name (scenarios/). */
  programs: Map<string, TrafficProgram>;
  signal?: AbortSignal;
}

export function trialContext(config: Config, deps: MeasureDeps, signal?: AbortSignal): TrialContext {
  const profile: LoadProfile =
    config.load.profile === 'rate'
      ? { kind: 'rate', rate: config.load.rate!, connections: config.load.connections }
      : { kind: 'closed', connections: config.load.connections };
  const expected = new Map(config.scenarios.map((s) => [s.name, deps.parseStatusSpec(s.expectStatus)]));
  const programs = new Map(
    config.scenarios.flatMap((s) => (s.traffic ? [[s.name, scenarioKind(s.traffic).program(s.traffic, deps.parseStatusSpec)] as const] : [])),
  );
  return { config, deps, profile, expected, programs, signal };
}

/** A variant's scenario as one member of a group of trials; service is absent when it already runs. */
export interface TrialMember {
  variant: VariantTarget;
  scenario: Scenario;
  service: RunningService | undefined;
}

/** One load run of the configured profile (a trial, or a warmup whose outcome is thrown away). */
export function loadTrial(ctx: TrialContext, variant: VariantTarget, scenario: Scenario, durationMs: number): Promise<LoadOutcome> {
  return ctx.deps.runLoad(
    {
      url: variant.urlFor(scenario),
      method: scenario.method,
      headers: scenario.headers,
      body: scenario.body,
      isExpectedStatus: ctx.expected.get(scenario.name)!,
      ...(ctx.programs.has(scenario.name) ? { traffic: ctx.programs.get(scenario.name)! } : {}),
    },
    ctx.profile,
    { durationMs, timeoutMs: ctx.config.load.requestTimeoutMs, signal: ctx.signal },
  );
}

/**
 * One group of trials, all at the same time (a single trial when pairing is alternating): every
 * sampler takes its starting point before any load starts, and stops after all loads ended.
 */
export async function measureTogether(ctx: TrialContext, members: TrialMember[]): Promise<MeasuredTrial[]> {
  const { config, deps } = ctx;
  const samplers = members.map((m) => (m.service ? deps.sampleUsage(m.service) : null));
  await Promise.all(samplers.map((s) => s?.ready));
  const startedAt = new Date(deps.now()).toISOString();
  // Settle every load before failing on one, so no load outlives its group.
  const settled = await Promise.allSettled(members.map((m) => loadTrial(ctx, m.variant, m.scenario, config.load.trialMs)));
  const usages = await Promise.all(samplers.map((s) => (s ? s.stop() : null)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const m of members) m.service?.checkAlive();
  return settled.map((r, i) => {
    const outcome = (r as PromiseFulfilledResult<LoadOutcome>).value;
    const usage = usages[i] ?? null;
    const trial = {
      startedAt,
      durationMs: outcome.durationMs,
      requests: outcome.requests,
      errors: outcome.errors,
      statusCounts: outcome.statusCounts,
      errorCounts: outcome.errorCounts,
      throughput: outcome.throughput,
      latencyMs: outcome.latencyMs,
      histogram: outcome.histogram,
      cpuMsPerRequest: usage && outcome.successes > 0 ? usage.cpuMs / outcome.successes : null,
      peakRssBytes: usage ? usage.peakRssBytes : null,
      targetRate: outcome.targetRate,
      overloaded: outcome.overloaded,
      interference: usage ? othersOnly(usage, usages.filter((_, j) => j !== i)) : null,
      connectionMode: outcome.connectionMode,
      littlesLaw: outcome.littlesLaw,
      ...(outcome.units
        ? { journeys: outcome.units.completed, cpuMsPerJourney: usage && outcome.units.completed > 0 ? usage.cpuMs / outcome.units.completed : null }
        : {}),
    };
    return outcome.parts ? { ...trial, parts: partTrials(trial, outcome) } : trial;
  });
}

/** A trial before its round and order are known; a mix's or journey's also carries its parts' trials. */
export type MeasuredTrial = Omit<TrialResult, 'round' | 'order'> & { parts?: Omit<TrialResult, 'round' | 'order'>[] };

/**
 * A sampler counts every service but its own as "other processes"; services measured at the same
 * time are ours, so their CPU comes out of the neighbours' share again.
 */
function othersOnly(usage: UsageWindow, together: (UsageWindow | null)[]): UsageWindow['interference'] {
  const i = usage.interference;
  if (i === null || together.length === 0) return i;
  if (!usage.machineMs) return i;
  const ours = together.reduce((sum, u) => sum + (u?.cpuMs ?? 0), 0);
  return { otherCpu: Math.max(0, i.otherCpu - ours / usage.machineMs), steal: i.steal };
}

function describeErrors(counts: Record<string, number>): string {
  const parts = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ×${n}`);
  return parts.length ? parts.join(', ') : 'no response';
}
