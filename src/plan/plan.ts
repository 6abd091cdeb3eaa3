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
  /** Smallest number of rounds with which the test can reach significance at all. */
  minRoundsForSignificance: number;
  /** The variants of a round are measured at the same time (pairing: simultaneous). */
  simultaneous?: boolean;
}

export interface Plan {
  minRounds: number;
  maxRounds: number;
  /** Estimated duration of one round, and of the warmup of all variants. */
  roundMs: number;
  warmupMs: number;
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
  const budgetRounds = Math.max(1, Math.floor((input.maxDurationMs - warmupMs) / roundMs));

  let minRounds = input.minRounds ?? input.minRoundsForSignificance;
  if (input.minRounds !== null && input.minRounds < input.minRoundsForSignificance) {
    notes.push(
      `min-rounds ${input.minRounds} is too few to ever reach significance for this many gated metrics ` +
        `(at least ${input.minRoundsForSignificance} are needed); a regression cannot be confirmed before then`,
    );
  }
  let maxRounds = Math.min(input.maxRounds, budgetRounds);
  if (budgetRounds < input.maxRounds) {
    notes.push(
      `max-duration ${fmtS(input.maxDurationMs)} allows about ${budgetRounds} rounds of ${fmtS(roundMs)} (max-rounds is ${input.maxRounds})`,
    );
  }
  if (maxRounds < minRounds) {
    const limit = budgetRounds < input.maxRounds ? `the time budget allows ${maxRounds}` : `max-rounds is ${maxRounds}`;
    const fix = budgetRounds < input.maxRounds ? 'raise max-duration or shorten duration' : 'raise max-rounds';
    notes.push(
      `${limit} but ${minRounds} rounds are needed; measuring ${minRounds} rounds, ` +
        `which takes about ${fmtS(warmupMs + minRounds * roundMs)}: ${fix}`,
    );
    maxRounds = minRounds;
  }
  minRounds = Math.min(minRounds, maxRounds);
  return { minRounds, maxRounds, roundMs, warmupMs, notes };
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
