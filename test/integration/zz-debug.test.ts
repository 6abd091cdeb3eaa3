import { expect, it } from 'vitest';
import { startFakeGitHub } from '../support/fake-github.js';
import { fakeSha, pullRequestEvent, runAction } from '../support/run-action.js';
import { seedBaseline } from './harness.js';

it('debug', async () => {
  const fake = await startFakeGitHub();
  seedBaseline(fake, { sha: fakeSha('x'), zip: Buffer.from('PK\u0003\u0004 this is not a zip archive at all') });
  const t0 = Date.now();
  const r = await runAction({ fake, event: pullRequestEvent({ number: 3, headSha: fakeSha('h') }), inputs: { suite: 'api', url: 'http://127.0.0.1:1/', compare: 'artifact', 'max-rounds': 1 }, env: { PERFGATE_RETRY_BASE_MS: '1' }, timeoutMs: 200_000 });
  console.log(Date.now() - t0, r.code, r.stdout.split('\n').filter(l => !l.startsWith('::debug::Headers')).join('\n').slice(0, 5000), r.stderr);
  console.log(fake.requests.map(q => `${q.method} ${q.path} ${q.status}`).join('\n'));
  await fake.close();
  expect(1).toBe(1);
}, 250_000);
