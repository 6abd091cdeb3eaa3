/**
 * Errors a user can act on. Each carries the CLI exit code it maps to; they are thrown by the core
 * and caught once at the edge (cli.ts, main.ts), where they become an exit code or core.setFailed.
 */
export const EXIT = {
  pass: 0,
  regression: 1,
  usage: 2,
  runtime: 3,
} as const;

export class PerfgateError extends Error {
  readonly exitCode: number = EXIT.runtime;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command line (unknown command or flag, missing argument). */
export class UsageError extends PerfgateError {
  override readonly exitCode = EXIT.usage;
}

/** Every problem found in the configuration, reported together. */
export class ConfigError extends PerfgateError {
  override readonly exitCode = EXIT.usage;
  constructor(readonly problems: string[], source = 'configuration') {
    super(
      `${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

/** The user's service failed to start, become ready, or stay up. */
export class ServiceError extends PerfgateError {
  constructor(
    message: string,
    readonly details: { exitCode?: number | null; signal?: string | null; logTail?: string } = {},
  ) {
    super(message);
  }
}

/** Load generation failed (no request could be made, the target is not loopback, ...). */
export class LoadError extends PerfgateError {}

/** A results or baseline file the user named could not be read or is not valid: fix the input. */
export class ResultsFileError extends PerfgateError {
  override readonly exitCode = EXIT.usage;
}

/** Shard results that do not make one suite together (missing, duplicated, or from other configs). */
export class ShardMergeError extends PerfgateError {
  override readonly exitCode = EXIT.usage;
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `cannot merge the shards: ${problems[0]}`
        : `cannot merge the shards (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}
