import * as f from '../config/fields.js';
import { didYouMean } from '../config/suggest.js';
import { COMMON_TEST_FIELDS, FieldReader } from './fields.js';
import type { TestSpec } from './kind.js';
import { COMPARE_KIND, KIND_NAMES, TEST_KINDS } from './registry.js';

/**
 * perfgate.yml's `tests` list. Without one, the run is today's single compare test over every
 * scenario. Every problem is pushed as "tests[i].<field>: ...", so loadConfig reports them with
 * the rest, all at once.
 */
export function parseTests(raw: readonly unknown[] | undefined, scenarioNames: readonly string[], problems: string[]): TestSpec[] {
  if (raw === undefined) return [{ name: COMPARE_KIND, kind: COMPARE_KIND, scenarios: [...scenarioNames], settings: null, entry: {} }];
  if (raw.length === 0) {
    problems.push('tests: must list at least one test; remove it to run the compare test alone');
    return [];
  }
  const specs: TestSpec[] = [];
  const names = new Set<string>();
  raw.forEach((item, i) => {
    const at = `tests[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${at}: expected a mapping of fields, e.g. "kind: capacity"`);
      return;
    }
    const entry = item as Record<string, unknown>;
    const kindR = f.oneOf(entry.kind ?? COMPARE_KIND, KIND_NAMES, (w) => didYouMean(w, KIND_NAMES));
    if (!kindR.ok) {
      problems.push(`${at}.kind: ${kindR.message}`);
      return;
    }
    const kind = kindR.value;
    const nameR = entry.name === undefined ? { ok: true as const, value: kind } : f.nonEmptyString(entry.name, 'a test name');
    if (!nameR.ok) problems.push(`${at}.name: ${nameR.message}`);
    const name = nameR.ok ? nameR.value : kind;
    if (names.has(name)) {
      problems.push(`${at}.name: ${f.show(name)} is used by an earlier test; give each test its own name${entry.name === undefined ? ` (it defaults to its kind)` : ''}`);
    }
    names.add(name);

    let scenarios = [...scenarioNames];
    if (entry.scenarios !== undefined) {
      const l = f.list(entry.scenarios);
      if (!l.ok) problems.push(`${at}.scenarios: ${l.message.replace('"p50, p99, cpu"', '"items, compute"')}`);
      else {
        for (const s of l.value) {
          if (!scenarioNames.includes(s)) {
            const hint = didYouMean(s, scenarioNames);
            problems.push(`${at}.scenarios: no scenario is named ${f.show(s)}; the scenarios are ${scenarioNames.map((n) => `"${n}"`).join(', ') || 'none'}${hint ? `; did you mean "${hint}"?` : ''}`);
          }
        }
        if (l.value.length === 0) problems.push(`${at}.scenarios: must name at least one scenario`);
        scenarios = l.value.filter((s) => scenarioNames.includes(s));
      }
    }

    if (kind === COMPARE_KIND) {
      // The compare test takes its settings from the top level (duration, rounds, thresholds, ...).
      new FieldReader(entry, at, problems).unknownFields(COMMON_TEST_FIELDS);
      specs.push({ name, kind, scenarios, settings: null, entry });
      return;
    }
    const settings: unknown = TEST_KINDS[kind]!.parseSettings(entry, at, problems);
    specs.push({ name, kind, scenarios, settings, entry });
  });
  return specs;
}

/** The tests named by `--test` (comma-separated), in the file's order; an unknown name is an error naming the known ones. */
export function selectTests(tests: readonly TestSpec[], wanted: readonly string[]): TestSpec[] {
  const names = tests.map((t) => t.name);
  const unknown = wanted.filter((w) => !names.includes(w));
  if (unknown.length > 0) {
    const hint = didYouMean(unknown[0]!, names);
    throw new Error(
      `--test: no test is named ${unknown.map((u) => f.show(u)).join(', ')}; the tests are ${names.map((n) => `"${n}"`).join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`,
    );
  }
  return tests.filter((t) => wanted.includes(t.name));
}
