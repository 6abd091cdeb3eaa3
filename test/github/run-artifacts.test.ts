import { describe, expect, test } from 'vitest';
import { isNameConflict, judgeNameConflict } from '../../src/github/run-artifacts.js';

describe('an artifact name already taken on this run', () => {
  const started = new Date('2026-06-01T12:00:00Z');
  const before = new Date('2026-06-01T11:40:00Z');
  const since = new Date('2026-06-01T12:03:00Z');

  test.each([
    ['attempt 1: another job of this run, whatever the times', { attempt: 1, existingCreatedAt: before, attemptStartedAt: null }, 'another-job'],
    ['attempt 1, even with a start time', { attempt: 1, existingCreatedAt: before, attemptStartedAt: started }, 'another-job'],
    ['a re-run, made before this attempt started', { attempt: 2, existingCreatedAt: before, attemptStartedAt: started }, 'earlier-attempt'],
    ['a re-run, made since this attempt started', { attempt: 2, existingCreatedAt: since, attemptStartedAt: started }, 'another-job'],
    ['a re-run, made in the second the attempt started', { attempt: 3, existingCreatedAt: started, attemptStartedAt: started }, 'another-job'],
    ['a re-run whose start cannot be read', { attempt: 2, existingCreatedAt: since, attemptStartedAt: null }, 'earlier-attempt'],
    ['a re-run, the artifact without a creation time', { attempt: 2, existingCreatedAt: null, attemptStartedAt: started }, 'earlier-attempt'],
  ] as const)('%s', (_name, facts, expected) => {
    expect(judgeNameConflict(facts)).toBe(expected);
  });

  test("is told from the artifact client's error by its 409", () => {
    const conflict = new Error(
      'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run',
    );
    expect(isNameConflict(conflict)).toBe(true);
    expect(isNameConflict(new Error('Failed to CreateArtifact: Received non-retryable error: Failed request: (403) Forbidden'))).toBe(false);
    expect(isNameConflict('not an error')).toBe(false);
  });
});
