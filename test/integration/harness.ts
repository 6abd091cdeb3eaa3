import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { REPO_ROOT, runAction, type ActionEvent, type RunActionResult } from '../support/run-action.js';
import { findFreePort } from '../../src/service/index.js';
import { SCHEMA_VERSION, type Results } from '../../src/results/schema.js';
import { parseResultsText } from '../../src/results/file.js';

// Shared pieces of the integration tests: a private copy of the built bundles, action inputs that
// measure the example service briefly, and seeding of baseline artifacts.

export const SUITE = 'api';
export const BASELINE_ARTIFACT = `perfgate-baseline-${SUITE}`;
export const MARKER = `<!-- perfgate:${SUITE} -->`;
const SERVER = join(REPO_ROOT, 'examples', 'service', 'server.mjs');

export interface Bundles {
  index: string;
  cli: string;
}

/**
 * The global setup builds dist/ once per vitest run; other vitest runs in the same checkout
 * rebuild it (delete, then write) at any time. Each test file copies the bundles once, after
 * they have been still for a moment, so a concurrent rebuild cannot pull them away mid-test.
 */
export function useBundles(): Bundles {
  const bundles: Bundles = { index: '', cli: '' };
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'perfgate-bundles-'));
    const sources = [join(REPO_ROOT, 'dist', 'index.js'), join(REPO_ROOT, 'dist', 'cli.js')];
    for (let attempt = 0; ; attempt++) {
      const settled = sources.every((f) => existsSync(f) && Date.now() - statSync(f).mtimeMs > 1000);
      if (settled) {
        try {
          const before = sources.map((f) => statSync(f).mtimeMs);
          copyFileSync(sources[0]!, join(dir, 'index.js'));
          copyFileSync(sources[1]!, join(dir, 'cli.js'));
          if (sources.every((f, i) => statSync(f).mtimeMs === before[i])) break;
        } catch {
          // A rebuild removed them while we copied: wait for it to finish.
        }
      }
      if (attempt > 100) throw new Error('dist/index.js and dist/cli.js never settled; is a build looping?');
      await new Promise((r) => setTimeout(r, 200));
    }
    bundles.index = join(dir, 'index.js');
    bundles.cli = join(dir, 'cli.js');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return bundles;
}

/** Inputs that measure the example service for a few seconds, gated on CPU per request alone. */
export function serviceInputs(port: number, extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return {
    suite: SUITE,
    start: `node ${SERVER}`,
    port,
    url: `http://127.0.0.1:${port}/api/compute`,
    'ready-url': `http://127.0.0.1:${port}/health`,
    'ready-timeout': '20s',
    warmup: '300ms',
    duration: '300ms',
    connections: 4,
    gate: 'cpu',
    'max-rounds': 6,
    ...extra,
  };
}

export interface GateRun {
  fake: FakeGitHub;
  bundles: Bundles;
  event: ActionEvent;
  inputs?: Record<string, string | number | boolean>;
  env?: Record<string, string | undefined>;
  /** An existing run (e.g. one re-run with fake.rerun) instead of a new one, and the job in it. */
  runId?: number;
  jobId?: number;
}

const tmpDirs: string[] = [];

/** Runs the built action against the example service on a free port, with fast HTTP retries. */
export async function runGate(r: GateRun): Promise<RunActionResult> {
  const port = await findFreePort();
  const result = await runAction({
    fake: r.fake,
    event: r.event,
    entry: r.bundles.index,
    inputs: serviceInputs(port, r.inputs),
    env: { PERFGATE_RETRY_BASE_MS: '1', ...r.env },
    ...(r.runId !== undefined ? { runId: r.runId } : {}),
    ...(r.jobId !== undefined ? { jobId: r.jobId } : {}),
  });
  tmpDirs.push(result.tmpDir);
  return result;
}

/** Runs the built action with the given inputs only (no service), e.g. `mode: report`. */
export async function runReport(r: Omit<GateRun, 'inputs'> & { inputs: Record<string, string | number | boolean> }): Promise<RunActionResult> {
  const result = await runAction({
    fake: r.fake,
    event: r.event,
    entry: r.bundles.index,
    inputs: r.inputs,
    env: { PERFGATE_RETRY_BASE_MS: '1', ...r.env },
    ...(r.runId !== undefined ? { runId: r.runId } : {}),
    ...(r.jobId !== undefined ? { jobId: r.jobId } : {}),
  });
  tmpDirs.push(result.tmpDir);
  return result;
}

/** Removes the harness directories of every run so far (call in afterAll, after any scans). */
export function removeRunDirs(): void {
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every regular file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** The results file inside an artifact the fake holds, validated as perfgate reads one. */
export function artifactResults(fake: FakeGitHub, artifactId: number): Results {
  const file = fake.artifactFiles(artifactId)['perfgate-results.json'];
  if (!file) throw new Error(`artifact ${artifactId} holds no perfgate-results.json`);
  return parseResultsText(file.toString('utf8'), `artifact ${artifactId}`);
}

/** A results file a run wrote, validated as perfgate reads one. */
export function readResults(path: string): Results {
  return parseResultsText(readFileSync(path, 'utf8'), path);
}

/** The process group and any service of a run are gone: no process mentions the example server. */
export function serverProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(SERVER)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/**
 * A valid results document with a few trials of made-up but plausible values, for artifacts a
 * test seeds (trusted or not). The sha names it, so a test can tell which one was picked.
 */
export function syntheticResults(sha: string, opts: { createdAt?: string; cpuMs?: number; trials?: number } = {}): Results {
  const trials = Array.from({ length: opts.trials ?? 6 }, (_, i) => ({
    round: i,
    order: i,
    startedAt: new Date(Date.parse('2025-01-01T00:00:00Z') + i * 1000).toISOString(),
    durationMs: 300,
    requests: 1000 + i,
    errors: 0,
    statusCounts: { '200': 1000 + i },
    errorCounts: {},
    throughput: 3300 + i,
    latencyMs: { p50: 1 + i / 100, p90: 1.5, p95: 1.8, p99: 2.5, max: 5, mean: 1.1 },
    histogram: '',
    cpuMsPerRequest: (opts.cpuMs ?? 0.45) * (1 + (i % 3) / 100),
    peakRssBytes: 60_000_000,
    targetRate: null,
    overloaded: false,
    interference: null,
  }));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.1.0' },
    suite: SUITE,
    createdAt: opts.createdAt ?? '2025-01-01T00:00:00Z',
    git: { sha, ref: 'refs/heads/main', repository: 'octo-org/service', runId: '1', event: 'push' },
    environment: { os: 'linux', arch: 'x64', cpuModel: 'fake', cores: 2, memoryBytes: 8e9, nodeVersion: 'v20.0.0', runnerName: null },
    configHash: 'synthetic',
    variants: [{ name: 'head', commit: null }],
    rounds: trials.length,
    disturbedRounds: 0,
    scenarios: [{ name: 'GET /api/compute', method: 'GET', path: '/api/compute', variants: { head: { trials } } }],
    history: [],
  };
}

export interface SeedBaselineInput {
  sha: string;
  /** Run facts; default a trusted push run of the default branch. */
  event?: string;
  headBranch?: string;
  headRepositoryId?: number;
  createdAt?: Date;
  expiresAt?: Date;
  expired?: boolean;
  /** Raw file content instead of a valid results document. */
  content?: string;
  zip?: Buffer;
}

/** Seeds a baseline artifact with the run that made it. */
export function seedBaseline(fake: FakeGitHub, s: SeedBaselineInput): number {
  const created = s.createdAt ?? new Date();
  const run = fake.addRun({
    event: s.event ?? 'push',
    headBranch: s.headBranch ?? fake.repo.defaultBranch,
    headSha: s.sha,
    ...(s.headRepositoryId !== undefined ? { headRepositoryId: s.headRepositoryId } : {}),
    createdAt: created,
  });
  const content = s.zip ? undefined : (s.content ?? JSON.stringify(syntheticResults(s.sha, { createdAt: created.toISOString() })));
  return fake.addArtifact({
    name: BASELINE_ARTIFACT,
    runId: run.id,
    ...(s.zip ? { zip: s.zip } : { content }),
    createdAt: created,
    ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}),
    ...(s.expired !== undefined ? { expired: s.expired } : {}),
  }).id;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundle of the CLI with only the given environment (plus PATH and HOME). */
export function runCli(cli: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Every place a run left a secret: its stdout, stderr, job summary, outputs and every file under
 * its harness directory (event, output and summary files, runner temp, the workspace with the
 * results file). Returns where it was found; empty when nowhere.
 */
export function secretLeaks(result: RunActionResult, secret: string): string[] {
  const found: string[] = [];
  if (result.stdout.includes(secret)) found.push('stdout');
  if (result.stderr.includes(secret)) found.push('stderr');
  if (result.summary.includes(secret)) found.push('summary');
  for (const [name, value] of Object.entries(result.outputs)) if (value.includes(secret)) found.push(`output ${name}`);
  for (const file of filesUnder(result.tmpDir)) {
    if (readFileSync(file).includes(secret)) found.push(file);
  }
  return found;
}

/** Files inside every artifact the fake holds that contain a secret. */
export function artifactLeaks(fake: FakeGitHub, secret: string): string[] {
  const found: string[] = [];
  for (const a of fake.artifacts()) {
    for (const [name, data] of Object.entries(fake.artifactFiles(a.id))) if (data.includes(secret)) found.push(`${a.name}/${name}`);
  }
  return found;
}

/** A fresh fake GitHub for each test, closed after it; the run directories removed after the file. */
export function useFakeGitHub(set: (fake: FakeGitHub) => void): void {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    set(fake);
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(() => {
    removeRunDirs();
  });
}
