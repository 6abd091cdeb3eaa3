import { CONFIG_FIELDS } from './schema.js';

/**
 * Accepts running a pull request's code on pull_request_target (github/untrusted-code.ts). Only an
 * input: the perfgate.yml of an untrusted checkout must not be able to set it.
 */
export const ALLOW_UNTRUSTED_CODE_INPUT = 'allow-untrusted-code';

/**
 * This job measures one shard of the suite (`K/N`, github/shard-mode.ts). Only an input: every job
 * of a matrix shares one perfgate.yml and differs in this alone.
 */
export const SHARD_INPUT = 'shard';

/** Action inputs that are not perfgate.yml fields; the rest mirror the file (see action.yml). */
export const ACTION_ONLY_INPUTS = ['config', 'token', ALLOW_UNTRUSTED_CODE_INPUT, SHARD_INPUT] as const;

/** Inputs that override perfgate.yml fields of the same name. */
export const CONFIG_INPUTS: string[] = CONFIG_FIELDS.filter((f) => f !== 'scenarios' && f !== 'variants' && f !== 'tests');

export const OUTPUTS = {
  verdict: 'verdict',
  regressions: 'regressions',
  resultsFile: 'results-file',
  commentUrl: 'comment-url',
} as const;
