import { LoadError } from '../errors.js';
import type { LoadTarget } from '../load/index.js';
import type { RunningService } from '../service/index.js';
import type { VariantTarget } from '../measure/measure.js';
import type { KindMeasureInput } from './kind.js';

/** What one run of a test kind gets: its variant, that variant's fresh service (null when it already ran), where to send load, which repeat. */
export interface FreshStart {
  variant: VariantTarget;
  service: RunningService | null;
  target: LoadTarget;
  repeat: number;
}

/**
 * The replication every test kind shares: `repeats` rounds, each running every variant once on a
 * fresh start of its service (the unit is a process, docs/statistics.md), the variants alternating
 * which goes first from one repeat to the next, one service at a time, and each service stopped
 * whatever happens. Runs are collected per variant name, in the order measured.
 */
export async function onFreshStarts<S, R>(input: KindMeasureInput<S>, repeats: number, run: (start: FreshStart) => Promise<R>): Promise<Record<string, R[]>> {
  const { scenario, variants, deps, signal } = input;
  const isExpectedStatus = deps.parseStatusSpec(scenario.expectStatus);
  const runs: Record<string, R[]> = Object.fromEntries(variants.map((v) => [v.name, [] as R[]]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const variant of repeat % 2 === 1 ? [...variants].reverse() : variants) {
      if (signal?.aborted) throw new LoadError('measuring was cancelled');
      const service = variant.service ? await deps.startService(variant.service) : null;
      try {
        const target = { url: variant.urlFor(scenario), method: scenario.method, headers: scenario.headers, body: scenario.body, isExpectedStatus };
        runs[variant.name]!.push(await run({ variant, service, target, repeat }));
      } finally {
        await service?.stop();
      }
    }
  }
  return runs;
}
