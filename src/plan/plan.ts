/**
 * The plan: which trials run in which order, how many rounds at least and at most, and whether
 * the time budget allows it. Pure: the measuring loop asks it, it never measures.
 */

export interface PlanInput {
  scenarios: string[];
  variants: string[];
  trialMs: number;
  warmupMs: number;
  /** Fixed cost per trial beyond its duration (load engine start, sampling), estimated. */
  trialOverheadMs?: number;
  minRounds: number | null;
  maxRounds: number;
  maxDurationMs: number;
  /**
   * Smallest number of the test's units (processes, or rounds when nothing is restarted) with which
   * it can reach significance at all.
   */
  minRoundsForSignificance: number;
  /** The variants of a round are measured at the same time (pairing: simultaneous). */
  simultaneous?: boolean;
  /**
   * Rounds on one start of the services, after which all are restarted; null when perfgate does
   * not start them (it cannot restart what it did not start, and each round is then a unit).
   */
  roundsPerProcess?: number | null;
  /** Estimated cost of stopping and starting one service, beyond its warmup. */
  restartMs?: number;
}

export interface Plan {
  /** Both multiples of roundsPerProcess when services are restarted: a run ends with whole processes. */
  minRounds: number;
  maxRounds: number;
  /** Estimated duration of one round, and of the warmup of all variants (per start of them). */
  roundMs: number;
  warmupMs: number;
  /** Rounds per start of the services; null when nothing is restarted. */
  roundsPerProcess: number | null;
  /** Estimated duration of one start of every service: restarts, warmups and its rounds. */
  blockMs: number;
  /** Messages for the user about how the plan differs from what was asked. */
  notes: string[];
}

export interface TrialSlot {
  scenario: string;
  variant: string;
}

export function makePlan(input: PlanInput): Plan {
  const notes: string[] = [];
  // Trials one after the other in a round: simultaneous variants share their time slot.
  const trials = input.scenarios.length * (input.simultaneous ? 1 : input.variants.length);
  const roundMs = trials * (input.trialMs + (input.trialOverheadMs ?? 250));
  const warmupMs = input.variants.length * input.warmupMs;
  // The unit of the test is a block of rounds on one start of the services (a process, or a pair);
  // without restarts every round is a block of its own and the warmup is paid once.
  const perProcess = input.roundsPerProcess ?? null;
  const block = perProcess ?? 1;
  const blockMs = block * roundMs + (perProcess !== null ? warmupMs + input.variants.length * (input.restartMs ?? 300) : 0);
  const onceMs = perProcess !== null ? 0 : warmupMs;
  const budgetRounds = Math.max(1, Math.floor((input.maxDurationMs - onceMs) / blockMs)) * block;
  const units = perProcess !== null ? 'processes' : 'rounds';
  const upToBlock = (rounds: number) => Math.ceil(rounds / block) * block;

  const neededRounds = input.minRoundsForSignificance * block;
  let minRounds = input.minRounds !== null ? upToBlock(input.minRounds) : neededRounds;
  if (input.minRounds !== null && input.minRounds < neededRounds) {
    notes.push(
      `min-rounds ${input.minRounds} is too few to ever reach significance for this many gated metrics ` +
        `(at least ${neededRounds} are needed${perProcess !== null ? `: ${input.minRoundsForSignificance} ${units} of ${block} round${block === 1 ? '' : 's'}` : ''}); ` +
        'a regression cannot be confirmed before then',
    );
  }
  const maxAsked = Math.max(block, Math.floor(input.maxRounds / block) * block);
  let maxRounds = Math.min(maxAsked, budgetRounds);
  if (budgetRounds < maxAsked) {
    const restarts = perProcess !== null ? `, restarting the services every ${block} round${block === 1 ? '' : 's'}` : '';
    notes.push(`max-duration ${fmtS(input.maxDurationMs)} allows about ${budgetRounds} rounds of ${fmtS(roundMs)}${restarts} (max-rounds is ${input.maxRounds})`);
  }
  if (maxRounds < minRounds) {
    const limit = budgetRounds < maxAsked ? `the time budget allows ${maxRounds}` : `max-rounds is ${maxAsked}`;
    const fix = budgetRounds < maxAsked ? 'raise max-duration or shorten duration' : 'raise max-rounds';
    notes.push(
      `${limit} but ${minRounds} rounds are needed; measuring ${minRounds} rounds, ` +
        `which takes about ${fmtS(onceMs + (minRounds / block) * blockMs)}: ${fix}`,
    );
    maxRounds = minRounds;
  }
  minRounds = Math.min(minRounds, maxRounds);
  return { minRounds, maxRounds, roundMs, warmupMs, roundsPerProcess: perProcess, blockMs, notes };
}

/**
 * The trials of one round as groups that run at the same time. Alternating pairing: every trial is
 * a group of its own, in roundOrder's order. Simultaneous pairing: one group per scenario with all
 * variants, listed in roundOrder's order so that which load starts a few microseconds first
 * alternates too.
 */
export function roundGroups(round: number, scenarios: string[], variants: string[], simultaneous: boolean): TrialSlot[][] {
  const slots = roundOrder(round, scenarios, variants);
  if (!simultaneous) return slots.map((s) => [s]);
  return scenarios.map((scenario) => slots.filter((s) => s.scenario === scenario));
}

/**
 * The trials of one round, alternating the order of variants from round to round (A B, B A, ...)
 * and from scenario to scenario, so slow drift of the machine falls on both sides equally.
 */
export function roundOrder(round: number, scenarios: string[], variants: string[]): TrialSlot[] {
  const slots: TrialSlot[] = [];
  scenarios.forEach((scenario, s) => {
    const flip = (round + s) % 2 === 1;
    const order = flip ? [...variants].reverse() : variants;
    for (const variant of order) slots.push({ scenario, variant });
  });
  return slots;
}

function fmtS(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

export function formatDuration(ms: number): string {
  // Below ten seconds the tenths matter (a 300 ms warmup must not read "0:00").
  if (ms > 0 && ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
