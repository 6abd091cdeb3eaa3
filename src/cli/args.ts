import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_FIELDS } from '../config/schema.js';
import { didYouMean } from '../config/suggest.js';
import { UsageError } from '../errors.js';

/** Flags every config field can be given as, e.g. --min-rounds 10 (same names as the action inputs). */
export const CONFIG_FLAGS = CONFIG_FIELDS.filter((f) => f !== 'scenarios' && f !== 'variants' && f !== 'tests') as string[];

export interface ParsedArgs {
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
}

/** Strict parsing: an unknown flag is a usage error with a did-you-mean hint, never ignored. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  own: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>,
  withConfigFlags: boolean,
): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = { ...own, help: { type: 'boolean', short: 'h' } };
  if (withConfigFlags) for (const f of CONFIG_FLAGS) options[f] ??= { type: 'string' };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(msg);
    if (unknown) {
      const flag = unknown[1]!.replace(/^-+/, '');
      const hint = didYouMean(flag, Object.keys(options));
      throw new UsageError(`perfgate ${command}: unknown option ${unknown[1]}${hint ? `; did you mean --${hint}?` : ''} (see perfgate ${command} --help)`);
    }
    throw new UsageError(`perfgate ${command}: ${msg.replace(/\. To specify.*$/s, '')}`);
  }
}
