import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { pushEvent, pullRequestEvent } from '../support/run-action.js';
import { useBundles, runGate, removeRunDirs } from './harness.js';

let fake: FakeGitHub;
const bundles = useBundles();
beforeAll(async () => { fake = await startFakeGitHub(); });
afterAll(async () => { await fake.close(); removeRunDirs(); });

it('push', async () => {
  const r = await runGate({ fake, bundles, event: pushEvent() });
  console.log(r.code, r.stdout, r.stderr, r.outputs, r.summary.slice(0, 1500));
  console.log(fake.artifacts().map(a => a.name), fake.unhandled().map(u=>u.method+' '+u.url));
  expect(r.code).toBe(0);
  const r2 = await runGate({ fake, bundles, event: pullRequestEvent({ number: 5, headSha: 'a'.repeat(40) }) });
  console.log(r2.code, r2.stdout, r2.stderr, r2.outputs, r2.summary.slice(0, 1500));
  console.log(fake.comments(5).map(c => c.body.slice(0, 300)));
});
