import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Analysis } from '../../src/analyze/types.js';
import { findFreePort } from '../../src/service/index.js';
import { REPO_ROOT, runBuiltCli } from '../helpers/cli.js';
import { mermaidBlocks, parseChart } from '../helpers/mermaid.js';
import { processesMentioning } from '../helpers/processes.js';

/**
 * Same-runner A/B from the CLI on a throwaway git repository made from the example service:
 * commit 1 is the base, commit 2 the head.
 */
const dirs: string[] = [];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
}

async function makeRepo(opts: { gate?: string; baseBuild?: string; onlyCompute?: boolean } = {}): Promise<{ dir: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-ab-'));
  dirs.push(dir);
  const port = await findFreePort();
  cpSync(join(REPO_ROOT, 'examples/service/server.mjs'), join(dir, 'server.mjs'));
  writeFileSync(join(dir, 'build.mjs'), opts.baseBuild ?? "import { writeFileSync } from 'node:fs'; writeFileSync('built.txt', 'ok');\n");
  writeFileSync(
    join(dir, 'perfgate.yml'),
    `suite: ab
start: node server.mjs
port: ${port}
ready-url: http://127.0.0.1:${port}/health
build: node build.mjs
scenarios:
  - name: compute
    path: /api/compute
${opts.onlyCompute ? '' : '  - name: items\n    path: /api/items\n'}connections: 4
rounds-per-process: 1
warmup: 500ms
duration: 500ms
max-duration: 60s
gate: [${opts.gate ?? 'cpu, p50'}]
# Short trials are noisier than the defaults; what default settings detect is measured by npm run bench.
thresholds: { cpu: 5%, p50: 10% }
`,
  );
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return { dir, port };
}

function commitHead(dir: string, edit: (server: string) => string, build?: string): void {
  const path = join(dir, 'server.mjs');
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  if (build !== undefined) writeFileSync(join(dir, 'build.mjs'), build);
  git(dir, 'commit', '-qam', 'head', '--allow-empty');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) {
    // Nothing may outlive a run: no service process, no worktree.
    expect(processesMentioning(dir)).toEqual([]);
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('perfgate run --compare base-ref', { timeout: 180_000 }, () => {
  test('a head that adds 20% CPU work to an endpoint fails, naming that endpoint', async () => {
    // Gated on CPU alone, so the run ends only once CPU per request is decided (a p50 fail would
    // otherwise stop it first). One scenario: that an untouched one stays clear is tested by
    // test/e2e/verdicts.test.ts, and each scenario adds a trial per variant to every round.
    const { dir } = await makeRepo({ gate: 'cpu', onlyCompute: true });
    commitHead(dir, (s) => s.replace("'/api/compute': 400", "'/api/compute': 480"));
    const r = await runBuiltCli(['run', '--compare', 'base-ref', '--base-ref', 'HEAD~1', '--config', 'perfgate.yml', '--json', 'analysis.json', '--markdown', 'report.md'], { cwd: dir });
    expect(r.stderr).toMatch(/building base commit [0-9a-f]{7}: node build.mjs/);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')) as Analysis;
    expect(analysis.verdict).toBe('fail');
    expect(analysis.method).toBe('paired');
    const compute = analysis.scenarios.find((s) => s.name === 'compute')!;
    const cpu = compute.metrics.find((m) => m.metric === 'cpuPerRequest')!;
    expect(cpu.status).toBe('regressed');
    expect(cpu.change!).toBeGreaterThan(0.05);
    expect(r.stdout).toMatch(/compute CPU per request regressed by \+\d+(\.\d)?%/i);
    // The per-round chart of the regression: each round's head / base, as mermaid parses it.
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    const entry = md.slice(md.indexOf('**`compute`**'), md.indexOf('\n</details>', md.indexOf('**`compute`**'))).split('\n**`')[0]!;
    const charts = await Promise.all(mermaidBlocks(entry).map(parseChart));
    const rounds = charts.filter((c) => c.title === 'CPU per request: head / base in each round');
    expect(rounds).toHaveLength(1);
    const { baseline, head } = cpu.samples!;
    expect(rounds[0]!.lines[0]!.values).toEqual(head.map((h, i) => Number((h / baseline[i]!).toPrecision(4))));
    // stdout is a pipe here: the terminal's per-round lines are words, not block characters.
    expect(r.stdout).toMatch(/^ {2}each round, head against base:\n {4}p50 latency +[-+]?\d/m);
    expect(r.stdout).not.toMatch(/[\u2581-\u2588]/);
  });

  test('an identical head never fails, and the test counts fresh processes', async () => {
    // Identical code is pass or inconclusive: whether every interval fits inside its threshold
    // depends on how noisy the machine is, so a test that asked for "pass" could fail on a correct
    // build. What must hold is that two starts of the same code never read as a regression.
    const { dir } = await makeRepo({ onlyCompute: true });
    commitHead(dir, (s) => s);
    const r = await runBuiltCli(['run', '--compare', 'base-ref', '--base-ref', 'HEAD~1', '--config', 'perfgate.yml', '--json', 'analysis.json'], { cwd: dir });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')) as Analysis;
    expect(['pass', 'inconclusive'], r.stdout).toContain(analysis.verdict);
    const cpu = analysis.scenarios[0]!.metrics.find((m) => m.metric === 'cpuPerRequest')!;
    expect(cpu.status).not.toBe('regressed');
    expect(cpu.units?.kind).toBe('process');
    expect(cpu.units!.head).toBeGreaterThanOrEqual(2);
  });

  test('a base commit whose build fails is a clear error naming the base SHA', async () => {
    const { dir } = await makeRepo({ baseBuild: "console.error('syntax trouble in base'); process.exit(4);\n" });
    const baseSha = git(dir, 'rev-parse', 'HEAD');
    commitHead(dir, (s) => s, "console.log('head builds fine');\n");
    const r = await runBuiltCli(['run', '--compare', 'base-ref', '--base-ref', 'HEAD~1', '--config', 'perfgate.yml'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`perfgate: the build of base commit ${baseSha} failed with exit code 4 (command: node build.mjs)`);
    expect(r.stderr).toContain('syntax trouble in base');
  });

  test('a shallow clone without the base commit says to set fetch-depth', async () => {
    const { dir: origin } = await makeRepo();
    commitHead(origin, (s) => s);
    const clone = mkdtempSync(join(tmpdir(), 'perfgate-shallow-'));
    dirs.push(clone);
    rmSync(clone, { recursive: true });
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin}`, clone]);
    // The base cannot be fetched either (as when the remote is unreachable or needs credentials).
    git(clone, 'remote', 'set-url', 'origin', join(clone, 'no-such-remote'));
    const r = await runBuiltCli(['run', '--compare', 'base-ref', '--base-ref', 'main~1', '--config', 'perfgate.yml'], { cwd: clone });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'perfgate: the base commit main~1 is not in this clone, which is shallow, and could not be fetched; set `fetch-depth: 0` on actions/checkout (or a depth that reaches the base commit) so perfgate can check it out',
    );
  });
});
