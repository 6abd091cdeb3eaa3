import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInterceptingProxy, type InterceptingProxy } from '../support/intercepting-proxy.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { REPO_ROOT, fakeSha, pullRequestEvent } from '../support/run-action.js';
import { runCli, runGate, seedBaseline, useBundles, useFakeGitHub } from './harness.js';

// Self-hosted runners behind a proxy reach GitHub only through it (`https_proxy`). Here the API
// is https://api.github.test, a name that resolves nowhere: a request that does not go through
// the local proxy fails, and the proxy records every request it forwards to the fake GitHub.

const API_HOST = 'api.github.test';
const TLS = join(REPO_ROOT, 'test', 'fixtures', 'tls');
const bundles = useBundles();
let fake: FakeGitHub;
useFakeGitHub((f) => (fake = f));
let proxy: InterceptingProxy;
let cwd: string;

beforeEach(async () => {
  proxy = await startInterceptingProxy({
    host: API_HOST,
    cert: readFileSync(join(TLS, `${API_HOST}.crt`)),
    key: readFileSync(join(TLS, `${API_HOST}.key`)),
    upstream: fake.url,
  });
  cwd = mkdtempSync(join(tmpdir(), 'perfgate-proxy-test-'));
});
afterEach(async () => {
  await proxy.close();
  rmSync(cwd, { recursive: true, force: true });
});

/** The runner's proxy settings: only https_proxy, nothing exempt (the harness exempts loopback by default). */
function behindProxy(): Record<string, string | undefined> {
  return {
    GITHUB_API_URL: `https://${API_HOST}`,
    https_proxy: proxy.url,
    HTTPS_PROXY: undefined,
    http_proxy: undefined,
    HTTP_PROXY: undefined,
    no_proxy: undefined,
    NO_PROXY: undefined,
    // The proxy answers for api.github.test with a self-signed certificate made for the tests.
    NODE_EXTRA_CA_CERTS: join(TLS, `${API_HOST}.crt`),
  };
}

const restRequests = () => fake.requests.filter((r) => r.kind === 'rest').map((r) => `${r.method} ${r.path}`);
const proxied = () => proxy.requests.map((r) => `${r.method} ${new URL(r.url, 'https://x').pathname}`);

describe('https_proxy', () => {
  it('carries every REST request of the action: baseline lookup and download, and the comment', async () => {
    const sha = fakeSha('proxied-baseline');
    const artifactId = seedBaseline(fake, { sha });
    const pr = 51;

    const run = await runGate({
      fake,
      bundles,
      event: pullRequestEvent({ number: pr, headSha: fakeSha('pr-51') }),
      inputs: { 'min-rounds': 1, 'max-rounds': 1 },
      env: behindProxy(),
    });

    expect(run.stdout).toContain(`baseline: commit ${sha} from `);
    expect(run.stdout).not.toContain('perfgate failed unexpectedly');
    expect(proxy.connects.filter((c) => c === `${API_HOST}:443`).length).toBeGreaterThan(0);
    expect(proxy.requests.every((r) => r.host === API_HOST)).toBe(true);
    expect(proxied()).toEqual([
      'GET /repos/octo-org/service/actions/artifacts',
      expect.stringMatching(/^GET \/repos\/octo-org\/service\/actions\/runs\/\d+$/),
      `GET /repos/octo-org/service/actions/artifacts/${artifactId}/zip`,
      `GET /repos/octo-org/service/issues/${pr}/comments`,
      `POST /repos/octo-org/service/issues/${pr}/comments`,
    ]);
    // Nothing reached the API around the proxy.
    expect(restRequests()).toEqual(proxied());
    expect(fake.comments(pr)).toHaveLength(1);
    expect(run.outputs['comment-url']).toMatch(new RegExp(`/pull/${pr}#issuecomment-\\d+$`));
  });

  it('carries the CLI\'s baseline fetch', async () => {
    const sha = fakeSha('cli-proxied-baseline');
    const artifactId = seedBaseline(fake, { sha });
    const env = Object.fromEntries(Object.entries(behindProxy()).filter((e): e is [string, string] => e[1] !== undefined));

    const cli = await runCli(bundles.cli, ['baseline', 'fetch', '--repo', 'octo-org/service', '--suite', 'api', '--output', 'base.json'], {
      cwd,
      env: { ...env, GITHUB_TOKEN: fake.token, PERFGATE_RETRY_BASE_MS: '1' },
    });

    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(cwd, 'base.json'), 'utf8')) as { git: { sha: string } }).git.sha).toBe(sha);
    expect(proxied()).toEqual([
      'GET /repos/octo-org/service',
      'GET /repos/octo-org/service/actions/artifacts',
      expect.stringMatching(/^GET \/repos\/octo-org\/service\/actions\/runs\/\d+$/),
      `GET /repos/octo-org/service/actions/artifacts/${artifactId}/zip`,
    ]);
    expect(restRequests()).toEqual(proxied());
  });
});
