import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { context } from '@actions/github';
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
  const token = core.getInput('token');
  // Tests shorten the waits between retried requests; anything but a number keeps the defaults.
  const retryBase = Number(env.PERFGATE_RETRY_BASE_MS);
  const retryBaseMs = env.PERFGATE_RETRY_BASE_MS && Number.isFinite(retryBase) && retryBase >= 0 ? retryBase : undefined;
  try {
    await runAction({
      core,
      env,
      // The event as @actions/github read it from GITHUB_EVENT_NAME and GITHUB_EVENT_PATH.
      eventName: context.eventName ?? '',
      payload: context.payload,
      rest: createRestClient({
        token,
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
