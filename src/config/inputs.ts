import { CONFIG_FIELDS } from './schema.js';

/** Action inputs that are not perfgate.yml fields; the rest mirror the file (see action.yml). */
export const ACTION_ONLY_INPUTS = ['config', 'token'] as const;

/** Inputs that override perfgate.yml fields of the same name. */
export const CONFIG_INPUTS: string[] = CONFIG_FIELDS.filter((f) => f !== 'scenarios' && f !== 'variants');

export const OUTPUTS = {
  verdict: 'verdict',
  regressions: 'regressions',
  resultsFile: 'results-file',
  commentUrl: 'comment-url',
} as const;
