import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { evaluateDefault, inputVariable, parseOutputFile, pullRequestEvent, pushEvent, runAction } from '../support/run-action.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const echo = { entry: fixture('echo-action.mjs'), actionYml: fixture('action.yml') };

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
});
afterEach(async () => {
  await fake.close();
});

/** Alive means running or sleeping; a killed child of an exited parent may linger as a zombie until reaped. */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('runAction', () => {
  it('runs a push like the runner: inputs with action.yml defaults, context, outputs, summary, artifact upload', async () => {
    const event = pushEvent({ sha: 'c'.repeat(40) });
    // What the parent's runner would leak if the suite itself ran in Actions.
    process.env.GITHUB_STEP_SUMMARY_PARENT = 'leaked';

    const result = await runAction({ fake, event, inputs: { suite: 'api', message: 'multi\nline' }, ...echo }).finally(
      () => delete process.env.GITHUB_STEP_SUMMARY_PARENT,
    );

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({
      suite: 'api',
      message: 'multi\nline',
      multi: 'line one\nline two',
      'fail-on-regression': 'true',
      event: 'push',
      sha: 'c'.repeat(40),
      ref: 'refs/heads/main',
      'run-id': String(result.runId),
      repo: 'octo-org/service',
      'default-branch': 'main',
    });
    expect(result.summary).toContain('<h1>perfgate self-test</h1>');
    expect(result.env.INPUT_SUITE).toBe('api');
    expect(result.env.GITHUB_STEP_SUMMARY_PARENT).toBeUndefined();
    // The default ${{ github.token }} became the fake's token.
    expect(result.env['INPUT_GITHUB-TOKEN']).toBe(fake.token);
    const run = fake.state.runById(result.runId);
    expect(run).toMatchObject({ event: 'push', headBranch: 'main', headSha: 'c'.repeat(40) });
    const [artifact] = fake.artifacts('perfgate-baseline-api');
    expect(String(artifact?.id)).toBe(result.outputs['artifact-id']);
    expect(artifact?.workflowRun.id).toBe(result.runId);
    expect(JSON.parse(fake.artifactFiles(artifact?.id ?? 0)['perfgate-results.json']?.toString() ?? '')).toEqual({
      sha: 'c'.repeat(40),
    });
    expect(result.leftoverProcesses).toBe(false);
    expect(result.stdout).not.toContain(fake.token);
  });

  it('runs a fork pull request: registers the fork, the pull request and a run of the fork head', async () => {
    const event = pullRequestEvent({ number: 9, headSha: 'd'.repeat(40), fork: true, labels: ['perf-regression-accepted'] });

    const result = await runAction({ fake, event, ...echo });

    expect(result.code).toBe(0);
    const run = fake.state.runById(result.runId);
    expect(run).toMatchObject({ event: 'pull_request', headBranch: 'feature-9', headSha: 'd'.repeat(40) });
    expect(run?.headRepositoryId).not.toBe(fake.repo.id);
    expect(fake.state.repoById(run?.headRepositoryId ?? 0)).toMatchObject({ owner: 'contributor', fork: true });
    expect(fake.pull(9)?.labels).toEqual(['perf-regression-accepted']);
    expect(result.env).toMatchObject({ GITHUB_REF: 'refs/pull/9/merge', GITHUB_HEAD_REF: 'feature-9', GITHUB_BASE_REF: 'main' });
    const [comment] = fake.comments(9);
    expect(comment?.body).toBe('<!-- perfgate:default -->\nhello');
    expect(result.outputs['comment-url']).toBe(`https://github.com/octo-org/service/pull/9#issuecomment-${comment?.id}`);
    const payload = JSON.parse(await readFile(result.env.GITHUB_EVENT_PATH ?? '', 'utf8')) as { number: number };
    expect(payload.number).toBe(9);
  });

  it('refuses inputs action.yml does not declare', async () => {
    await expect(runAction({ fake, event: pushEvent(), inputs: { sutie: 'x' }, ...echo })).rejects.toThrow(
      /input\(s\) sutie are not declared/,
    );
  });

  it('kills processes the action left behind in its group, and says so', async () => {
    const result = await runAction({ fake, event: pushEvent(), entry: fixture('leaky-action.mjs'), actionYml: fixture('none.yml') });

    const pid = Number(/LEFTOVER (\d+)/.exec(result.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(result.code).toBe(0);
    expect(result.leftoverProcesses).toBe(true);
    await expect.poll(() => processAlive(pid)).toBe(false);
  });

  it('kills an action that outlives its timeout', async () => {
    const result = await runAction({
      fake,
      event: pushEvent(),
      entry: fixture('hanging-action.mjs'),
      actionYml: fixture('none.yml'),
      timeoutMs: 300,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
  });
});

describe('runner conventions', () => {
  it('names input variables as the runner does', () => {
    expect(inputVariable('github-token')).toBe('INPUT_GITHUB-TOKEN');
    expect(inputVariable('fail on regression')).toBe('INPUT_FAIL_ON_REGRESSION');
  });

  it('parses heredoc and single-line outputs', () => {
    const text = 'verdict<<ghadelimiter_1\nfail\nghadelimiter_1\nlines<<EOF\na\n\nb\nEOF\nplain=x=y\n';
    expect(parseOutputFile(text)).toEqual({ verdict: 'fail', lines: 'a\n\nb', plain: 'x=y' });
    expect(() => parseOutputFile('x<<EOF\nno end\n')).toThrow(/lacks its closing delimiter EOF/);
  });

  it('evaluates context lookups in defaults and refuses other expressions', () => {
    expect(evaluateDefault('${{ github.token }}', { 'github.token': 't' })).toBe('t');
    expect(() => evaluateDefault('${{ secrets.X }}', {})).toThrow(/secrets\.X/);
  });
});
