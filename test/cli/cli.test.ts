import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Analysis } from '../../src/analyze/types.js';
import { SCHEMA_VERSION, type Results, type TrialResult } from '../../src/results/schema.js';
import { runBuiltCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-cli-'));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('perfgate (built CLI)', () => {
  test('--version and --help', async () => {
    expect(await runBuiltCli(['--version'], { cwd: dir })).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await runBuiltCli(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('perfgate compare BASE.json HEAD.json');
    expect((await runBuiltCli(['run', '--help'], { cwd: dir })).stdout).toContain('--baseline FILE');
  });

  test('usage errors exit 2 with a did-you-mean', async () => {
    expect(await runBuiltCli(['bench'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'perfgate: unknown command "bench"; expected run, compare, merge or baseline (see perfgate --help)\n',
    });
    expect(await runBuiltCli(['run', '--max-round', '3'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'perfgate: perfgate run: unknown option --max-round; did you mean --max-rounds? (see perfgate run --help)\n',
    });
  });

  test('a config file with three mistakes prints all three and exits 2', async () => {
    const file = join(dir, 'three-mistakes.yml');
    writeFileSync(file, 'url: http://127.0.0.1:3000/api\nconections: 4\nthresholds:\n  p99: 5 percent\nprofile: fast\n');
    const r = await runBuiltCli(['run', '--config', file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `perfgate: perfgate config (${file}) has 3 problems:\n` +
        '  - unknown field "conections"; did you mean "connections"?\n' +
        '  - thresholds.p99: "5 percent" is not a percentage; write 5 or "5%"\n' +
        '  - profile: "fast" is not one of closed, rate\n',
    );
    expect(r.stdout).toBe('');
  });

  test('a flag overrides the file and is validated like it', async () => {
    const r = await runBuiltCli(['run', '--url', 'http://10.0.0.5/api'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('input "url": "http://10.0.0.5/api" is not on this machine');
  });
});

function trial(round: number, order: number, p50: number, cpu: number): TrialResult {
  return {
    round, order, startedAt: '2026-01-01T00:00:00Z', durationMs: 1000, requests: 1000, errors: 0,
    statusCounts: { 200: 1000 }, errorCounts: {}, throughput: 1000 / p50,
    latencyMs: { p50, p90: p50 * 1.5, p95: p50 * 1.7, p99: p50 * 2, max: p50 * 3, mean: p50 * 1.1 },
    histogram: '', cpuMsPerRequest: cpu, peakRssBytes: 50e6, targetRate: null, overloaded: false, interference: null,
  };
}

function results(variants: Record<string, TrialResult[]>): Results {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'perfgate', version: pkg.version },
    suite: 'cli',
    createdAt: '2026-01-01T00:00:00Z',
    git: { sha: 'abc1234', ref: null, repository: null, runId: null, event: null },
    environment: { os: 'Linux', arch: 'x64', cpuModel: 'cpu', cores: 2, memoryBytes: 1e9, nodeVersion: 'v20', runnerName: null },
    configHash: 'x',
    variants: Object.keys(variants).map((name) => ({ name, commit: null })),
    rounds: 12,
    disturbedRounds: 0,
    scenarios: [{ name: 'items', method: 'GET', path: '/items', variants: Object.fromEntries(Object.entries(variants).map(([k, t]) => [k, { trials: t }])) }],
    history: [],
  };
}

describe('perfgate compare', () => {
  // Deterministic "noise": a fixed pattern of ±1.5% around each level.
  const wobble = [1, 1.01, 0.99, 1.015, 0.985, 1.005, 0.995, 1.012, 0.988, 1.003, 0.997, 1.008];
  const side = (p50: number, cpu: number) => wobble.map((w, i) => trial(i, i, p50 * w, cpu * w));

  test('two files: a 20% CPU and latency regression fails with exit 1 and the analysis as JSON', async () => {
    writeFileSync(join(dir, 'base.json'), JSON.stringify(results({ head: side(10, 0.2) })));
    writeFileSync(join(dir, 'head.json'), JSON.stringify(results({ head: side(12, 0.24) })));
    const r = await runBuiltCli(['compare', 'base.json', 'head.json', '--json', 'analysis.json', '--markdown', 'report.md'], { cwd: dir });
    expect(r.code).toBe(1);
    const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')) as Analysis;
    expect(analysis.verdict).toBe('fail');
    expect(analysis.method).toBe('independent');
    const cpu = analysis.scenarios[0]!.metrics.find((m) => m.metric === 'cpuPerRequest')!;
    expect(cpu.status).toBe('regressed');
    expect(cpu.change).toBeCloseTo(0.2, 6);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('<!-- perfgate:cli -->');
    expect(r.stdout).toContain('Fail');
  });

  test('one file holding base and head is compared as pairs', async () => {
    writeFileSync(join(dir, 'ab.json'), JSON.stringify(results({ base: side(10, 0.2), head: side(10, 0.2) })));
    const r = await runBuiltCli(['compare', 'ab.json', '--json', 'ab-analysis.json'], { cwd: dir });
    expect(r.code).toBe(0);
    const analysis = JSON.parse(readFileSync(join(dir, 'ab-analysis.json'), 'utf8')) as Analysis;
    expect(analysis.method).toBe('paired');
    expect(analysis.verdict).toBe('pass');
  });

  test('a missing or invalid file is a clear error', async () => {
    expect(await runBuiltCli(['compare', 'nope.json', 'head.json'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: `perfgate: cannot read results file ${join(dir, 'nope.json')} (ENOENT)\n`,
    });
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...results({ head: side(1, 1) }), schemaVersion: 3 }));
    expect((await runBuiltCli(['compare', 'future.json', 'head.json'], { cwd: dir })).stderr).toBe(
      `perfgate: ${join(dir, 'future.json')} has schemaVersion 3, newer than this perfgate understands (2); upgrade perfgate\n`,
    );
  });
});
