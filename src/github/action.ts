import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { ALLOW_UNTRUSTED_CODE_INPUT, CONFIG_INPUTS, SHARD_INPUT } from '../config/inputs.js';
import { loadConfig } from '../config/load.js';
import { ConfigError, PerfgateError } from '../errors.js';
import { git } from '../baseref/git.js';
import { httpStatusOf } from './comment.js';
import { readEvent, type EventInfo } from './context.js';
import { runReportMode } from './report-mode.js';
import { runMergeMode } from './merge-mode.js';
import { runShardMode } from './shard-mode.js';
import { parseShard, type ShardSpec } from '../plan/shards.js';
import { readCheckoutFacts } from './checkout-facts.js';
import { checksCodeTrust, codeDirectories, decideCodeTrust, parseAllowUntrustedCode } from './untrusted-code.js';
import type { ActionDeps } from './mode.js';
import { runGateMode } from './gate-mode.js';

/**
 * The action: measure, compare, report and gate, by event. A trusted push to the default branch
 * stores the baseline; a pull request is compared with it (or with its base commit) and gated.
 */
export async function runAction(deps: ActionDeps): Promise<void> {
  const { core } = deps;
  try {
    // Not passed to core.setSecret: the runner masks `github.token` and `secrets.*` already, and
    // setSecret would print the token itself in an ::add-mask:: line to our stdout.
    const token = core.getInput('token');
    const inputs = Object.fromEntries(CONFIG_INPUTS.map((name) => [name, core.getInput(name)]));
    const configPath = core.getInput('config');
    const workspace = deps.env.GITHUB_WORKSPACE ?? process.cwd();
    const config = loadActionConfig(configPath ? resolve(workspace, configPath) : undefined, inputs);
    const allowUntrustedCode = parseAllowUntrustedCode(core.getInput(ALLOW_UNTRUSTED_CODE_INPUT));
    const event = readEvent(deps.env, deps.eventName, deps.payload);

    const shard = shardInput(core.getInput(SHARD_INPUT), config.mode);
    if (config.mode === 'report') {
      await runReportMode({ deps, config, event, token, workspace });
      return;
    }
    if (config.mode === 'merge') {
      // Runs no code of the checkout: it only downloads, analyses and reports.
      await runMergeMode({ deps, config, event, token, workspace });
      return;
    }
    // Before anything is built or started: a pull_request_target job must not run a pull request's code.
    const dirs = codeDirectories(workspace, {
      compare: config.compare,
      serviceCwd: config.service?.cwd ?? null,
      headCwd: config.variants.head.cwd,
      baseCwd: config.variants.base.cwd,
    });
    await refuseUntrustedCode(deps, event, dirs, allowUntrustedCode);
    if (shard) await runShardMode({ deps, config, event, token, workspace }, shard);
    else await runGateMode({ deps, config, event, token, workspace });
  } catch (e) {
    if (e instanceof PerfgateError) core.setFailed(e.message);
    else core.setFailed(`perfgate failed unexpectedly: ${(e as Error).stack ?? String(e)}`);
  }
}

/** The `shard` input: null when empty; K/N in gate mode only (report and merge measure nothing). */
function shardInput(value: string, mode: Config['mode']): ShardSpec | null {
  if (value.trim() === '') return null;
  const r = parseShard(value);
  if (!r.ok) throw new ConfigError([`input "shard": ${r.message}`], 'action inputs');
  if (mode !== 'gate') {
    throw new ConfigError([`input "shard": ${JSON.stringify(value)} is for the matrix jobs that measure; the job with mode: ${mode} measures nothing, so leave shard out there`], 'action inputs');
  }
  return r.value;
}

/**
 * On pull_request_target, stops the run unless every directory whose code runs holds a commit of
 * the base branch (github/untrusted-code.ts decides); with allow-untrusted-code it runs and says
 * so every time.
 */
async function refuseUntrustedCode(deps: ActionDeps, event: EventInfo, dirs: readonly string[], allowUntrustedCode: boolean): Promise<void> {
  if (!checksCodeTrust(event.eventName)) return;
  for (const workspace of dirs) {
    const decision = decideCodeTrust(await checkoutFacts(deps, event, workspace, allowUntrustedCode));
    if (!decision.run) throw new PerfgateError(decision.error);
    if (decision.warning) {
      // One warning says it all: the run goes ahead on the user's say-so.
      deps.core.warning(decision.warning);
      return;
    }
  }
}

function checkoutFacts(deps: ActionDeps, event: EventInfo, workspace: string, allowUntrustedCode: boolean) {
  return readCheckoutFacts(
    { event, workspace, allowUntrustedCode },
    {
      git,
      branchTip: async (branch) => {
        try {
          const { data } = await deps.rest.request('GET /repos/{owner}/{repo}/branches/{branch}', { owner: event.owner, repo: event.repo, branch });
          return String((data as { commit?: { sha?: unknown } }).commit?.sha ?? '');
        } catch (e) {
          const status = httpStatusOf(e);
          throw new Error(`GET branches/${branch}${status === null ? '' : ` answered HTTP ${status}`}: ${(e as Error).message}`);
        }
      },
    },
  );
}

/**
 * The configuration, checked as one that measures; `mode: report` measures nothing (its results
 * come from the pull request's run), so it may leave out url and scenarios.
 */
function loadActionConfig(filePath: string | undefined, inputs: Record<string, string>): Config {
  try {
    return loadConfig({ filePath, inputs, purpose: 'measure' });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    let forReport: Config;
    try {
      forReport = loadConfig({ filePath, inputs, purpose: 'analyze' });
    } catch {
      throw e;
    }
    if (forReport.mode === 'report') return forReport;
    throw e;
  }
}
