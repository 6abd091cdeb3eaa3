import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import YAML from 'yaml';
import { ACTION_ONLY_INPUTS, CONFIG_INPUTS, OUTPUTS } from '../../src/config/inputs.js';
import { COMMON_TEST_FIELDS } from '../../src/tests/fields.js';
import { TEST_KINDS } from '../../src/tests/registry.js';
import { CONFIG_FIELDS, DEFAULTS, METRIC_KEYS, VARIANT_FIELDS, SCENARIO_FIELDS } from '../../src/config/schema.js';

const action = YAML.parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};

test('action.yml declares exactly the config inputs plus config and token', () => {
  expect(Object.keys(action.inputs).sort()).toEqual([...CONFIG_INPUTS, ...ACTION_ONLY_INPUTS].sort());
});

test('inputs that mirror file fields declare no default, so they never override the file unasked', () => {
  const withDefault = Object.entries(action.inputs).filter(([, i]) => i.default !== undefined).map(([n]) => n);
  expect(withDefault.sort()).toEqual(['config', 'token']);
});

test('outputs and runtime', () => {
  expect(Object.keys(action.outputs).sort()).toEqual(Object.values(OUTPUTS).sort());
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
});

test('docs/configuration.md documents every field, scenario field and variant field', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]));
  for (const f of [...CONFIG_FIELDS, ...SCENARIO_FIELDS.map((s) => s), ...VARIANT_FIELDS]) {
    expect(documented.has(f), `field ${f} is documented`).toBe(true);
  }
});

test('docs/configuration.md documents every field of every test kind', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]));
  for (const f of [...COMMON_TEST_FIELDS, ...Object.values(TEST_KINDS).flatMap((k) => k.fields)]) {
    expect(documented.has(f), `test field ${f} is documented`).toBe(true);
  }
  for (const kind of Object.keys(TEST_KINDS)) expect(doc).toContain(`(\`kind: ${kind}\`)`);
});

test('the README inputs table lists every input', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const name of Object.keys(action.inputs)) expect(readme, `README lists input ${name}`).toContain(`| \`${name}\` | ${action.inputs[name]!.description.replaceAll('|', '\\|')} |`);
});

test('the default thresholds written in action.yml and docs/configuration.md are the ones in DEFAULTS', () => {
  // Written by hand in three places (the README copies action.yml); this keeps them from drifting
  // when a default changes.
  const text = Object.entries(METRIC_KEYS)
    .map(([key, metric]) => {
      const v = Math.round(DEFAULTS.thresholds[metric] * 1000) / 10;
      return key === 'error-rate' ? `${key} ${v} point` : `${key} ${v}%`;
    })
    .join(', ');
  expect(action.inputs.thresholds!.description).toContain(`Defaults: ${text}.`);
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  expect(doc).toContain(`| \`thresholds\` | map metric → percentage | ${text} |`);
});
