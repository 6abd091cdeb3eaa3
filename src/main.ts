import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { runAction } from './github/action.js';
import { createRestClient } from './github/octokit.js';
import { realMeasureDeps } from './measure/deps.js';
import { findFreePort, installSignalCleanup } from './service/index.js';

/**
 * The action's wiring: real GitHub clients, the artifact store, the runner's clock and log, handed
 * to one implementation (github/action.ts).
 */
export async function run(): Promise<void> {
  const cleanup = installSignalCleanup();
  const env = process.env;
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      core.warning(`could not read the event payload at ${env.GITHUB_EVENT_PATH}: ${(e as Error).message}`);
    }
  }
  const token = core.getInput('token');
  // Tests shorten the waits between retried requests; anything but a number keeps the defaults.
  const retryBase = Number(env.PERFGATE_RETRY_BASE_MS);
  const retryBaseMs = env.PERFGATE_RETRY_BASE_MS && Number.isFinite(retryBase) && retryBase >= 0 ? retryBase : undefined;
  try {
    await runAction({
      core,
      env,
      eventName: env.GITHUB_EVENT_NAME ?? '',
      payload,
      rest: createRestClient({
        token,
        baseUrl: env.GITHUB_API_URL || undefined,
        log: (m) => core.info(m),
        retryAfterBaseValue: retryBaseMs,
      }),
      artifacts: new DefaultArtifactClient(),
      measureDeps: realMeasureDeps((line) => core.info(line)),
      findFreePort,
      now: () => new Date(),
      retryBaseMs,
    });
  } finally {
    cleanup();
  }
  // Exit explicitly: retried HTTP requests and keep-alive sockets can hold Node open, and a gate
  // must never hang a workflow.
  process.exit(process.exitCode ?? 0);
}
