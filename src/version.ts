import { readFileSync } from 'node:fs';

declare const PERFGATE_VERSION: string | undefined;

/** Injected by the build; read from package.json when running from source (tests). */
export const VERSION: string =
  typeof PERFGATE_VERSION === 'string'
    ? PERFGATE_VERSION
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
