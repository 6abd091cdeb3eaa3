import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { buildResults, withHistory } from '../../src/results/build.js';
import { parseResultsText } from '../../src/results/file.js';
import { loadSettingChanges, loadSettingsByScenario, type LoadSettings } from '../../src/results/load-settings.js';
import type { Results } from '../../src/results/schema.js';
import { historyEntry, results, trials } from '../analyze/builders.js';

const YAML = (load: string) => `
url: http://127.0.0.1:3001/unused
${load}
headers:
  Authorization: Bearer s3cr3t-token
scenarios:
  - name: items
    path: /api/items?page=2
  - name: orders
    method: post
    url: http://127.0.0.1:4242/api/orders
    headers:
      X-Trace: "1"
    body: { "sku": "hunter2" }
    expect-status: 201
`;

function settingsOf(load: string): Record<string, LoadSettings> {
  return loadSettingsByScenario(loadConfig({ fileText: YAML(load), filePath: 'perfgate.yml' }));
}

/** Results of one scenario 'api' whose head trials carry the given settings (none: an older file). */
function withSettings(settings: Partial<LoadSettings> | null, extra: Parameters<typeof results>[1] = {}): Results {
  const r = results({ api: { head: trials([{ p50: 10 }, { p50: 11 }]) } }, extra);
  if (settings === null) return r;
  const base = settingsOf('connections: 16').items!;
  return { ...r, scenarios: r.scenarios.map((s) => ({ ...s, loadSettings: { ...base, ...settings } })) };
}

describe('recorded load settings', () => {
  it('are taken from the config per scenario: load, path with query, lower-cased headers, status', () => {
    const s = settingsOf('profile: rate\nrate: 300\nconnections: 8\nduration: 1s\nrequest-timeout: 4s\nwarmup: 1s');
    expect(Object.keys(s)).toEqual(['items', 'orders']);
    expect(s.items).toMatchObject({
      profile: 'rate', connections: 8, rate: 300, durationMs: 1000, requestTimeoutMs: 4000,
      method: 'GET', path: '/api/items?page=2', body: null, expectStatus: '2xx',
    });
    expect(Object.keys(s.items!.headers)).toEqual(['authorization']);
    expect(s.orders).toMatchObject({ method: 'POST', path: '/api/orders', expectStatus: '201' });
    expect(Object.keys(s.orders!.headers)).toEqual(['authorization', 'x-trace']);
    // Warmup and the port are not load settings (load-settings.ts says why).
    expect(JSON.stringify(s)).not.toMatch(/warmup|3001|4242/);
  });

  it('keep header values and the body as digests, never in clear', () => {
    const s = settingsOf('connections: 16');
    const text = JSON.stringify(s);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('hunter2');
    expect(s.items!.headers.authorization).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(s.orders!.body).toMatch(/^sha256:[0-9a-f]{16}$/);
    // A different token is a different digest.
    const other = loadSettingsByScenario(loadConfig({ fileText: YAML('connections: 16').replace('s3cr3t-token', 'other'), filePath: 'perfgate.yml' }));
    expect(other.items!.headers.authorization).not.toBe(s.items!.headers.authorization);
  });

  it('a closed loop records no rate', () => {
    expect(settingsOf('connections: 16').items).toMatchObject({ profile: 'closed', connections: 16, rate: null, durationMs: 2000, requestTimeoutMs: 10_000 });
  });

  it('differ by the settings that changed, named as in perfgate.yml, with both values', () => {
    const closed = settingsOf('connections: 16').items!;
    const rate = settingsOf('profile: rate\nrate: 300\nconnections: 16\nduration: 1s').items!;
    expect(loadSettingChanges(closed, rate)).toEqual([
      { setting: 'profile', baseline: 'closed', head: 'rate' },
      { setting: 'rate', baseline: null, head: 300 },
      { setting: 'duration', baseline: 2000, head: 1000 },
    ]);
    expect(loadSettingChanges(closed, { ...closed })).toEqual([]);
    // Headers compare by name and value, not by the order they were written in.
    const reordered = { ...closed, headers: Object.fromEntries(Object.entries({ b: '2', a: '1' })) };
    expect(loadSettingChanges({ ...closed, headers: { a: '1', b: '2' } }, reordered)).toEqual([]);
    expect(loadSettingChanges({ ...closed, headers: { a: '1' } }, { ...closed, headers: { a: '2' } })).toEqual([
      { setting: 'headers', baseline: { a: '1' }, head: { a: '2' } },
    ]);
  });

  it('go into the results file by scenario name and survive its validation', () => {
    const loadSettings = settingsOf('connections: 4');
    const measured = results({ items: { head: trials([{ p50: 1 }]) }, unknown: { head: trials([{ p50: 1 }]) } });
    const built = buildResults(
      { suite: 's', createdAt: 'now', git: measured.git, environment: measured.environment, configHash: 'h', variants: measured.variants, loadSettings },
      { scenarios: measured.scenarios, rounds: 1, disturbedRounds: 0 },
    );
    const read = parseResultsText(JSON.stringify(built), 'results.json');
    expect(read.scenarios[0]!.loadSettings).toEqual(loadSettings.items);
    expect(read.scenarios[1]!.loadSettings).toBeUndefined();
    // A file from before settings were recorded is still valid.
    expect(parseResultsText(JSON.stringify(measured), 'old.json').scenarios[0]!.loadSettings).toBeUndefined();
  });
});

describe('withHistory: a trusted push that changes a scenario\'s load starts its history afresh', () => {
  const earlier = [historyEntry({ api: { p50: 9 }, other: { p50: 5 } }), historyEntry({ api: { p50: 9.5 } })];

  it('keeps the history when the settings are the same', () => {
    const previous = withSettings({}, { history: earlier });
    const next = withHistory(withSettings({}), previous);
    expect(next.history).toHaveLength(3);
    expect(next.history[0]!.scenarios.api!.p50).toBeCloseTo(10.5, 10);
    expect(next.history.slice(1)).toEqual(earlier);
  });

  it('drops the scenario from the previous baseline and every older entry when they differ', () => {
    const previous = withSettings({ connections: 16 }, { history: earlier });
    const next = withHistory(withSettings({ connections: 4 }), previous);
    // Only the entry that also held another scenario survives, without this one.
    expect(next.history).toEqual([{ ...earlier[0]!, scenarios: { other: { p50: 5 } } }]);
  });

  it('keeps the history of a previous baseline that recorded no settings: no change can be seen', () => {
    const next = withHistory(withSettings({ connections: 4 }), withSettings(null, { history: earlier }));
    expect(next.history).toHaveLength(3);
  });

  it('drops a scenario the previous baseline did not measure: its older medians have no known load', () => {
    const previous = results({ other: { head: trials([{ p50: 5 }]) } }, { history: earlier });
    const next = withHistory(withSettings({}), previous);
    expect(next.history.map((e) => Object.keys(e.scenarios))).toEqual([['other'], ['other']]);
  });
});
