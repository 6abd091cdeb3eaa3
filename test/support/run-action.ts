import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { runnerFreeEnv } from './child-env.js';
import type { ActionEvent } from './events.js';
import { fakeSha, forkOf, repositoryJson } from './events.js';
import type { FakeGitHub } from './fake-github.js';

// Runs the built action (`node dist/index.js`) the way the runner does: inputs
// as INPUT_<NAME> with action.yml defaults filled in, the GITHUB_* variables,
// an event payload file, and the output, state and step summary files.

export { fakeSha, forkOf, pullRequestEvent, pushEvent, workflowRunEvent } from './events.js';
export type { ActionEvent, PullRequestEventInput, PushEventInput, WorkflowRunEventInput } from './events.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunActionOptions {
  fake: FakeGitHub;
  event: ActionEvent;
  /** Action inputs by their action.yml name; numbers and booleans are stringified. */
  inputs?: Record<string, string | number | boolean>;
  /** Extra variables; they win over everything the harness sets; undefined removes one. */
  env?: Record<string, string | undefined>;
  /** Working directory and GITHUB_WORKSPACE; default an empty directory in tmpDir. */
  cwd?: string;
  /** Default 120 s; the process group is killed after it. */
  timeoutMs?: number;
  /** The workflow run; default a new run registered in the fake from the event. */
  runId?: number;
  /** The job's backend id in the runtime token; default 1. A re-run job or another job of the run has its own. */
  jobId?: number;
  /** Default <repo>/dist/index.js. */
  entry?: string;
  /** Default <repo>/action.yml; when missing, only the given inputs are set. */
  actionYml?: string;
}

export interface RunActionResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Processes of the action's process group were still alive after it exited (they were killed). */
  leftoverProcesses: boolean;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The job summary as written to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** Holds event.json, the output/summary/state files, runner-temp and the default workspace. */
  tmpDir: string;
  runId: number;
  /** The environment the action ran with. */
  env: Record<string, string>;
}

interface ActionInputSpec {
  default?: unknown;
  required?: boolean;
}

/** Input specs from action.yml, or undefined when the file does not exist (yet). */
export async function readActionInputs(path: string): Promise<Record<string, ActionInputSpec> | undefined> {
  if (!existsSync(path)) return undefined;
  const doc = parseYaml(await readFile(path, 'utf8')) as { inputs?: Record<string, ActionInputSpec | null> } | null;
  const inputs: Record<string, ActionInputSpec> = {};
  for (const [name, spec] of Object.entries(doc?.inputs ?? {})) inputs[name] = spec ?? {};
  return inputs;
}

/** The runner's variable name for an input: spaces become underscores, upper case, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Evaluates the `${{ ... }}` expressions that appear in input defaults. Only
 * plain context lookups are supported; anything else is an error so a test
 * never silently passes an unevaluated expression to the action.
 */
export function evaluateDefault(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression: string) => {
    const resolved = context[expression];
    if (resolved === undefined) {
      throw new Error(
        `runAction: action.yml default uses \${{ ${expression} }}, which the harness cannot evaluate; known: ${Object.keys(context).join(', ')}`,
      );
    }
    return resolved;
  });
}

/** Parses GITHUB_OUTPUT: `name<<DELIMITER` blocks (what @actions/core writes) and `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter = ''] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] ?? '');
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: output '${name}' lacks its closing delimiter ${delimiter}`);
      outputs[name] = value.join('\n');
      continue;
    }
    const single = /^([^=]+)=(.*)$/.exec(line);
    if (single) outputs[single[1] ?? ''] = single[2] ?? '';
  }
  return outputs;
}

interface EventFacts {
  sha: string;
  ref: string;
  headRef?: string;
  baseRef?: string;
  runHeadBranch: string;
  runHeadSha: string;
  headRepositoryId: number;
}

type Json = Record<string, unknown>;

function eventFacts(event: ActionEvent, fake: FakeGitHub): EventFacts {
  const p = event.payload;
  const defaultRef = `refs/heads/${fake.repo.defaultBranch}`;
  const pr = p.pull_request as Json | undefined;
  if (pr) {
    const head = pr.head as Json;
    const base = pr.base as Json;
    const headRepo = head.repo as Json | undefined;
    const target = event.name === 'pull_request_target';
    return {
      sha: target ? String(base.sha) : String(pr.merge_commit_sha ?? fakeSha(`merge-${String(pr.number)}`)),
      ref: target ? `refs/heads/${String(base.ref)}` : `refs/pull/${String(pr.number)}/merge`,
      headRef: String(head.ref),
      baseRef: String(base.ref),
      runHeadBranch: String(head.ref),
      runHeadSha: String(head.sha),
      headRepositoryId: typeof headRepo?.id === 'number' ? headRepo.id : fake.repo.id,
    };
  }
  const ref = typeof p.ref === 'string' ? p.ref : defaultRef;
  const sha = typeof p.after === 'string' ? p.after : fakeSha(`${event.name}-${Date.now()}`);
  return {
    sha,
    ref,
    runHeadBranch: ref.replace(/^refs\/(heads|tags)\//, ''),
    runHeadSha: sha,
    headRepositoryId: fake.repo.id,
  };
}

/** Makes the fake know the repository, pull request and run the event implies. */
function registerEvent(event: ActionEvent, facts: EventFacts, opts: RunActionOptions): number {
  const { fake } = opts;
  const repository = event.payload.repository as Json | undefined;
  const fullName = `${fake.repo.owner}/${fake.repo.name}`;
  if (repository && repository.full_name !== fullName) {
    throw new Error(`runAction: the event's repository ${String(repository.full_name)} is not the fake's ${fullName}`);
  }
  const pr = event.payload.pull_request as Json | undefined;
  if (pr) {
    const head = pr.head as Json;
    const base = pr.base as Json;
    const headRepo = head.repo as Json | undefined;
    if (facts.headRepositoryId !== fake.repo.id && !fake.state.repoById(facts.headRepositoryId)) {
      const fork = forkOf({ ...fake.repo });
      fake.addRepo({
        id: facts.headRepositoryId,
        owner: String((headRepo?.owner as Json | undefined)?.login ?? fork.owner),
        name: String(headRepo?.name ?? fork.name),
        fork: true,
      });
    }
    const number = Number(pr.number);
    if (!fake.pull(number)) {
      fake.addPull({
        number,
        headSha: String(head.sha),
        headRef: String(head.ref),
        baseRef: String(base.ref),
        baseSha: String(base.sha),
        headRepositoryId: facts.headRepositoryId,
        labels: ((pr.labels as Json[] | undefined) ?? []).map((l) => String(l.name)),
      });
    }
  }
  if (opts.runId !== undefined) {
    if (!fake.state.runById(opts.runId)) throw new Error(`runAction: runId ${opts.runId} is unknown to the fake; call addRun`);
    return opts.runId;
  }
  return fake.addRun({
    event: event.name,
    headBranch: facts.runHeadBranch,
    headSha: facts.runHeadSha,
    headRepositoryId: facts.headRepositoryId,
    status: 'in_progress',
    conclusion: null,
  }).id;
}

export async function runAction(opts: RunActionOptions): Promise<RunActionResult> {
  const { fake, event } = opts;
  const tmpDir = await mkdtemp(join(tmpdir(), 'perfgate-action-'));
  const runnerTemp = join(tmpDir, 'runner-temp');
  const workspace = opts.cwd ?? join(tmpDir, 'workspace');
  await mkdir(runnerTemp, { recursive: true });
  await mkdir(workspace, { recursive: true });
  const files = {
    event: join(tmpDir, 'event.json'),
    output: join(tmpDir, 'github-output'),
    summary: join(tmpDir, 'step-summary.md'),
    state: join(tmpDir, 'github-state'),
    env: join(tmpDir, 'github-env'),
    path: join(tmpDir, 'github-path'),
  };
  const payload = { repository: repositoryJson({ ...fake.repo }), ...event.payload };
  await writeFile(files.event, JSON.stringify(payload, null, 2));
  for (const f of [files.output, files.summary, files.state, files.env, files.path]) await writeFile(f, '');

  const facts = eventFacts(event, fake);
  const runId = registerEvent(event, facts, opts);
  const jobId = opts.jobId ?? 1;
  const repository = `${fake.repo.owner}/${fake.repo.name}`;

  const runnerVars: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__perfgate',
    GITHUB_ACTOR: 'octocat',
    GITHUB_ACTOR_ID: '583231',
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_ID: String(fake.repo.id),
    GITHUB_REPOSITORY_OWNER: fake.repo.owner,
    GITHUB_SHA: facts.sha,
    GITHUB_REF: facts.ref,
    GITHUB_REF_NAME: facts.ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\//, ''),
    GITHUB_REF_TYPE: facts.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_HEAD_REF: facts.headRef ?? '',
    GITHUB_BASE_REF: facts.baseRef ?? '',
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_NUMBER: String(runId % 1000),
    // A re-run (fake.rerun) keeps the run id and counts its attempts.
    GITHUB_RUN_ATTEMPT: String(fake.state.runById(runId)?.runAttempt ?? 1),
    GITHUB_WORKFLOW: 'perf',
    GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/perf.yml@${facts.ref}`,
    GITHUB_JOB: 'perf',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_NAME: 'fake-runner',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(tmpDir, 'tool-cache'),
    ...fake.clientEnv({ runId, jobId }),
  };

  const inputVars: Record<string, string> = {};
  const specs = await readActionInputs(opts.actionYml ?? join(REPO_ROOT, 'action.yml'));
  const given = opts.inputs ?? {};
  if (specs) {
    const unknown = Object.keys(given).filter((name) => !(name in specs));
    if (unknown.length > 0) {
      throw new Error(`runAction: input(s) ${unknown.join(', ')} are not declared in action.yml (declared: ${Object.keys(specs).join(', ')})`);
    }
    const expressionContext: Record<string, string> = {
      'github.token': fake.token,
      'github.workspace': workspace,
      'github.repository': repository,
      'github.sha': facts.sha,
      'github.ref': facts.ref,
      'github.event_name': event.name,
      'github.run_id': String(runId),
      'runner.temp': runnerTemp,
    };
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.default !== undefined && spec.default !== null) {
        inputVars[inputVariable(name)] = evaluateDefault(String(spec.default), expressionContext);
      }
    }
  }
  for (const [name, value] of Object.entries(given)) inputVars[inputVariable(name)] = String(value);

  const env: Record<string, string> = { ...runnerFreeEnv(), ...runnerVars, ...inputVars };
  for (const [name, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const entry = opts.entry ?? join(REPO_ROOT, 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`runAction: ${entry} does not exist; run npm run build first`);

  const child = spawn(process.execPath, [entry], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout can kill whatever it started too.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, opts.timeoutMs ?? 120_000);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, s) => resolve({ code: c, signal: s }));
    },
  ).finally(() => clearTimeout(timer));
  // Anything still in the group would also hold the output pipes open.
  const leftoverProcesses = !timedOut && groupAlive(child.pid);
  if (leftoverProcesses) killGroup(child.pid);
  await closed;

  return {
    code,
    signal,
    timedOut,
    leftoverProcesses,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    tmpDir,
    runId,
    env,
  };
}

/**
 * Whether any live process is still in the group. On Linux it reads /proc, because
 * an orphan that already died can linger as a zombie and still answers kill(0).
 */
function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  if (existsSync('/proc/self/stat')) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited while we looked
      }
      // Fields after the parenthesised command: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pid && state !== 'Z') return true;
    }
    return false;
  }
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
