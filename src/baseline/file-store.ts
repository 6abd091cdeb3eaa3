import { existsSync } from 'node:fs';
import { readResultsFile, writeResultsFile } from '../results/file.js';
import type { Results } from '../results/schema.js';
import type { BaselineLookup, BaselineStore } from './store.js';

/** The CLI's store: a results file on disk. A missing or invalid file is "no baseline", with the reason. */
export class FileStore implements BaselineStore {
  constructor(private readonly path: string) {}

  async load(): Promise<BaselineLookup> {
    if (!existsSync(this.path)) return { results: null, reason: `baseline file ${this.path} does not exist`, rejected: [] };
    try {
      const results = readResultsFile(this.path);
      return { results, provenance: { commit: results.git.sha, runUrl: null, createdAt: results.createdAt }, rejected: [] };
    } catch (e) {
      const reason = (e as Error).message;
      return { results: null, reason, rejected: [reason] };
    }
  }

  async save(results: Results): Promise<void> {
    writeResultsFile(this.path, results);
  }
}
