import type { Config } from '../config/config.js';
import type { MeasureDeps, VariantTarget } from '../measure/measure.js';
import type { TestRecord } from '../results/schema.js';
import { COMPARE_KIND, TEST_KINDS } from './registry.js';

/**
 * Measures every test of a kind other than compare, test by test and scenario by scenario, in the
 * order perfgate.yml lists them. Each kind starts and stops the services it needs itself.
 */
export async function measureTests(
  input: { config: Config; variants: VariantTarget[]; signal?: AbortSignal },
  deps: MeasureDeps,
): Promise<TestRecord[]> {
  const { config, variants, signal } = input;
  const records: TestRecord[] = [];
  for (const test of config.tests) {
    if (test.kind === COMPARE_KIND) continue;
    const kind = TEST_KINDS[test.kind]!;
    for (const name of test.scenarios) {
      const scenario = config.scenarios.find((s) => s.name === name)!;
      const runs = await kind.measure({ test, scenario, config, variants, deps, signal });
      records.push({
        test: test.name,
        kind: test.kind,
        scenario: name,
        entry: test.entry,
        variants: Object.fromEntries(Object.entries(runs).map(([variant, r]) => [variant, { runs: r as unknown[] }])),
      });
    }
  }
  return records;
}
