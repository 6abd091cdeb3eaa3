import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ResultsFileError } from '../errors.js';
import { SCHEMA_VERSION, resultsSchema, type Results } from './schema.js';

/** A results file larger than this is refused before parsing: a baseline is data from outside. */
export const MAX_RESULTS_BYTES = 50 * 1024 * 1024;

/** Validates parsed JSON as a results file, with a reason a user can act on when it is not one. */
export function parseResults(data: unknown, source: string): Results {
  if (data && typeof data === 'object' && 'schemaVersion' in data) {
    const v = (data as { schemaVersion: unknown }).schemaVersion;
    if (typeof v === 'number' && v > SCHEMA_VERSION) {
      throw new ResultsFileError(
        `${source} has schemaVersion ${v}, newer than this perfgate understands (${SCHEMA_VERSION}); upgrade perfgate`,
      );
    }
  }
  const r = resultsSchema.safeParse(migrate(data));
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ResultsFileError(`${source} is not a perfgate results file (${first.join('; ')})`);
  }
  return r.data;
}

/**
 * Older versions as the current one. Version 1 differs only in lacking `tests` (other test kinds
 * did not exist), which the current schema allows to be absent: only the number changes.
 */
function migrate(data: unknown): unknown {
  if (data && typeof data === 'object' && (data as { schemaVersion?: unknown }).schemaVersion === 1) {
    return { ...data, schemaVersion: SCHEMA_VERSION };
  }
  return data;
}

export function parseResultsText(text: string, source: string): Results {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ResultsFileError(`${source} is not valid JSON (${(e as Error).message})`);
  }
  return parseResults(data, source);
}

export function readResultsFile(path: string): Results {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new ResultsFileError(`cannot read results file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_RESULTS_BYTES) {
    throw new ResultsFileError(`${path} is ${size} bytes, more than the ${MAX_RESULTS_BYTES} a results file may have`);
  }
  return parseResultsText(readFileSync(path, 'utf8'), path);
}

export function writeResultsFile(path: string, results: Results): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(results, null, 2) + '\n');
}
