import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { Analysis } from '../../src/analyze/types.js';
import { readResultsFile } from '../../src/results/file.js';
import { findFreePort } from '../../src/service/index.js';
import { REPO_ROOT, runBuiltCli } from '../helpers/cli.js';
import { processesMentioning } from '../helpers/processes.js';

/**
 * compare: variants where each variant names its own `start` and there is no top-level one
 * (docs/configuration.md, "Variant fields"): perfgate must start both services itself.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfgate-variant-starts-'));
const SERVER = join(REPO_ROOT, 'test/fixtures/servers/http-server.mjs');

afterAll(() => {
  expect(processesMentioning(dir)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

test('each variant\'s own start command runs alone: both services start on their ports and are compared', { timeout: 120_000 }, async () => {
  const basePort = await findFreePort();
  let headPort = await findFreePort();
  while (headPort === basePort) headPort = await findFreePort();
  // Each command says which one it is in its log before it becomes the server; the server logs
  // the port it listens on (PORT, set by perfgate from the variant's port).
  writeFileSync(
    join(dir, 'perfgate.yml'),
    `suite: own-starts
compare: variants
variants:
  base:
    start: echo "base command" && exec node ${SERVER} --tag ${dir}
    port: ${basePort}
  head:
    start: echo "head command" && exec node ${SERVER} --tag ${dir}
    port: ${headPort}
scenarios:
  - { name: root, url: "http://127.0.0.1:${headPort}/" }
connections: 2
warmup: 200ms
duration: 300ms
min-rounds: 2
max-rounds: 2
gate: [cpu]
`,
  );
  const r = await runBuiltCli(['run', '--config', 'perfgate.yml', '--json', 'analysis.json', '--output', 'results.json'], { cwd: dir });
  const out = r.stdout + r.stderr;
  expect(out).not.toMatch(/ECONNREFUSED/);
  expect(r.stderr).toContain('starting base: echo "base command"');
  expect(r.stderr).toContain('starting head: echo "head command"');

  const logs = (name: string) => readFileSync(join(dir, '.perfgate/logs', `own-starts-${name}.log`), 'utf8');
  expect(logs('base')).toContain('base command');
  expect(logs('base')).toContain(`listening on 127.0.0.1:${basePort}`);
  expect(logs('head')).toContain('head command');
  expect(logs('head')).toContain(`listening on 127.0.0.1:${headPort}`);

  // Both sides were measured as services perfgate started: every request answered, CPU known.
  const results = readResultsFile(join(dir, 'results.json'));
  expect(results.variants.map((v) => v.name).sort()).toEqual(['base', 'head']);
  for (const name of ['base', 'head']) {
    const trials = results.scenarios[0]!.variants[name]!.trials;
    expect(trials).toHaveLength(2);
    for (const t of trials) {
      expect(t.errors).toBe(0);
      expect(t.requests).toBeGreaterThan(0);
      expect(t.cpuMsPerRequest).toBeGreaterThan(0);
    }
  }

  // A paired comparison with a verdict, printed and written, and the exit code that goes with it.
  const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')) as Analysis;
  expect(analysis.method).toBe('paired');
  expect(['pass', 'fail', 'inconclusive']).toContain(analysis.verdict);
  expect(r.code, out).toBe(analysis.verdict === 'fail' ? 1 : 0);
  const title = { pass: 'Pass', fail: 'Fail', inconclusive: 'Inconclusive' }[analysis.verdict as 'pass' | 'fail' | 'inconclusive'];
  expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^. ${title} — .* · perfgate own-starts$`));
});
