import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { loadConfig } from '../../src/config/load.js';
import { suiteConfigHash } from '../../src/pipeline.js';
import { findFreePort } from '../../src/service/index.js';
import { parseResultsText } from '../../src/results/file.js';
import type { Results } from '../../src/results/schema.js';
import { results, spread, trials } from '../analyze/builders.js';
import { git } from '../helpers/pull-request-repo.js';

// The CLI's side of sharding, in process: --shard's validation and one real shard of a tiny
// suite, merge, and compare of a merged file.

const dir = mkdtempSync(join(tmpdir(), 'perfgate-cli-merge-'));

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: dir, color: false });
  return { code, stdout, stderr };
}

const cpu = (factor: number) => ({ head: trials(spread(0.05 * factor, 10, 0.01).map((c) => ({ cpuMsPerRequest: c }))) });

function shardFile(index: number, names: string[], factor: number, hash = 'h1'): string {
  const r = results(Object.fromEntries(names.map((n) => [n, cpu(n === 'b' ? factor : 1)])));
  const env = { ...r.environment, runnerName: `runner-${index}` };
  const shard: Results = {
    ...r,
    configHash: hash,
    shard: { index, count: 2, runId: null, attempt: null, configHash: hash, scenarios: names, environment: env, createdAt: r.createdAt },
  };
  const file = `shard-${index}-${hash}.json`;
  writeFileSync(join(dir, file), JSON.stringify(shard));
  return file;
}

describe('perfgate run --shard', () => {
  it.each(['3/2', '0/2', 'half'])('refuses %j with the flag, the value and K/N', async (value) => {
    const r = await cli(['run', '--shard', value, '--url', 'http://127.0.0.1:9/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^perfgate: perfgate run: --shard "${value}" is not a shard.*expected K/N with 1 ≤ K ≤ N`));
  });

  it('measures only its share of the suite, records it, and gives no verdict', { timeout: 60_000 }, async () => {
    const port = await findFreePort();
    const server = join(fileURLToPath(new URL('../..', import.meta.url)), 'examples', 'service', 'server.mjs');
    const yml = [
      `start: node ${server}`, `port: ${port}`, `ready-url: http://127.0.0.1:${port}/health`, 'warmup: 100ms', 'duration: 150ms',
      'connections: 2', 'min-rounds: 1', 'max-rounds: 1', 'rounds-per-process: 1',
      'scenarios:', '  - { name: items, path: /api/items }', '  - { name: compute, path: /api/compute }', '',
    ].join('\n');
    writeFileSync(join(dir, 'two.yml'), yml);
    const r = await cli(['run', '--config', join(dir, 'two.yml'), '--shard', '2/2', '--output', 'two-2.json']);
    expect(r.stderr).not.toContain('perfgate: ');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('shard 2/2 measured items; merge every shard with perfgate merge');
    const file = parseResultsText(readFileSync(join(dir, 'two-2.json'), 'utf8'), 'two-2.json');
    // Equal costs go out by name: compute to shard 1, items to shard 2.
    expect(file.scenarios.map((s) => s.name)).toEqual(['items']);
    expect(file.scenarios[0]!.variants.head!.trials).toHaveLength(1);
    const hash = suiteConfigHash(loadConfig({ fileText: yml }));
    expect(file.shard).toMatchObject({ index: 2, count: 2, scenarios: ['items'], configHash: hash, attempt: null });
    expect(file.configHash).toBe(hash);
    expect(file.analysis).toBeUndefined();
  });

  it('in base-ref mode builds the base and measures base and head of its share, paired, on its own', { timeout: 60_000 }, async () => {
    const repo = mkdtempSync(join(tmpdir(), 'perfgate-shard-base-ref-'));
    const port = await findFreePort();
    copyFileSync(join(fileURLToPath(new URL('../..', import.meta.url)), 'examples', 'service', 'server.mjs'), join(repo, 'server.mjs'));
    writeFileSync(join(repo, 'perfgate.yml'), [
      'start: node server.mjs', `port: ${port}`, `ready-url: http://127.0.0.1:${port}/health`, 'warmup: 100ms', 'duration: 150ms',
      'connections: 2', 'min-rounds: 1', 'max-rounds: 1', 'rounds-per-process: 1',
      'scenarios:', '  - { name: items, path: /api/items }', '  - { name: compute, path: /api/compute }', '',
    ].join('\n'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'commit', '-qm', 'head', '--allow-empty');
    const head = git(repo, 'rev-parse', 'HEAD');
    let stderr = '';
    const code = await runCli(['run', '--config', join(repo, 'perfgate.yml'), '--compare', 'base-ref', '--base-ref', 'HEAD~1', '--shard', '1/2', '--output', join(repo, 'shard-1.json')], {
      stdout: () => {}, stderr: (t) => (stderr += t), env: {}, cwd: repo, color: false,
    });
    expect(code, stderr).toBe(0);
    const file = parseResultsText(readFileSync(join(repo, 'shard-1.json'), 'utf8'), 'shard-1.json');
    expect(file.scenarios.map((s) => s.name)).toEqual(['compute']);
    expect(file.variants).toEqual([{ name: 'base', commit: base }, { name: 'head', commit: head }]);
    const [b, h] = [file.scenarios[0]!.variants.base!.trials, file.scenarios[0]!.variants.head!.trials];
    expect([b.length, h.length]).toEqual([1, 1]);
    // Paired within the shard: the base and head trials of a round are one pair.
    expect(b[0]!.round).toBe(h[0]!.round);
    expect(file.shard).toMatchObject({ index: 1, count: 2, scenarios: ['compute'] });
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    rmSync(repo, { recursive: true, force: true });
  });

  it('refuses a baseline beside --shard: a shard gives no verdict', async () => {
    const r = await cli(['run', '--shard', '1/2', '--url', 'http://127.0.0.1:9/', '--baseline', 'base.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shard measures one share of the suite only');
  });
});

describe('perfgate merge', () => {
  it('writes one file of every shard that compare analyses as one job; a lone shard is refused', async () => {
    const one = shardFile(1, ['a', 'c'], 1.1);
    const two = shardFile(2, ['b'], 1.1);
    writeFileSync(join(dir, 'base.json'), JSON.stringify(results({ a: cpu(1), b: cpu(1), c: cpu(1) })));
    writeFileSync(join(dir, 'order.yml'), 'url: http://127.0.0.1:3000\nscenarios:\n  - { name: c, path: /c }\n  - { name: b, path: /b }\n  - { name: a, path: /a }\n');

    const merged = await cli(['merge', two, one, '--output', 'merged.json', '--config', 'order.yml']);
    expect(merged).toMatchObject({ code: 0, stdout: '' });
    expect(merged.stderr).toBe(`merged 2 shards (3 scenarios) into ${join(dir, 'merged.json')}\n`);
    const file = parseResultsText(readFileSync(join(dir, 'merged.json'), 'utf8'), 'merged.json');
    expect(file.scenarios.map((s) => s.name)).toEqual(['c', 'b', 'a']);
    expect(file.shards?.map((s) => s.environment.runnerName)).toEqual(['runner-1', 'runner-2']);

    const compared = await cli(['compare', 'base.json', 'merged.json', '--json', 'analysis.json']);
    expect(compared.code).toBe(1);
    const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')) as { verdict: string; scenarios: { name: string; metrics: { metric: string; status: string }[] }[] };
    expect(analysis.verdict).toBe('fail');
    const status = (name: string) => analysis.scenarios.find((s) => s.name === name)!.metrics.find((m) => m.metric === 'cpuPerRequest')!.status;
    expect(status('b')).toBe('regressed');
    expect(status('a')).not.toBe('regressed');

    const lone = await cli(['compare', 'base.json', two]);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain(`${two} holds shard 2/2 of suite "default" only; merge every shard first`);
  });

  it('names the shard whose config hash differs and writes nothing', async () => {
    const one = shardFile(1, ['a'], 1);
    const other = shardFile(2, ['b'], 1, 'h2');
    const r = await cli(['merge', one, other, '--output', 'never.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `perfgate: cannot merge the shards: shard 2/2 (${other}) was measured with config hash h2, shard 1/2 (${one}) with h1: ` +
        'the shard jobs ran different configurations (perfgate.yml or the inputs differ between them)\n',
    );
    expect(() => readFileSync(join(dir, 'never.json'))).toThrow();
  });

  it('needs --output and at least one file', async () => {
    expect((await cli(['merge', 'x.json'])).stderr).toContain('perfgate merge: --output FILE is required');
    expect((await cli(['merge', '--output', 'm.json'])).stderr).toContain('perfgate merge: expected the results file of every shard');
  });
});
