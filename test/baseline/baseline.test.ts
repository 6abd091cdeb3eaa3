import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FileStore } from '../../src/baseline/file-store.js';
import { judgeArtifact, judgeRunEvent, type ArtifactFacts } from '../../src/baseline/trust.js';
import { ZipError, crc32, readZipEntry, zipEntryNames } from '../../src/baseline/zip.js';
import { createZip } from '../support/zip.js';

describe('trust rules', () => {
  const ctx = { defaultBranch: 'main', repositoryId: 7, now: '2026-06-01T00:00:00Z' };
  const artifact = (over: Partial<ArtifactFacts> = {}, run: Partial<NonNullable<ArtifactFacts['workflowRun']>> = {}): ArtifactFacts => ({
    id: 42,
    name: 'perfgate-baseline-api',
    expired: false,
    expiresAt: '2026-08-01T00:00:00Z',
    createdAt: '2026-05-31T00:00:00Z',
    workflowRun: { id: 9, headBranch: 'main', headSha: 'abc', repositoryId: 7, headRepositoryId: 7, ...run },
    ...over,
  });

  test.each([
    ['trusted', artifact(), { trusted: true }],
    ['expired flag', artifact({ expired: true }), { trusted: false, reason: 'artifact perfgate-baseline-api #42 has expired' }],
    ['expiry date passed', artifact({ expiresAt: '2026-05-01T00:00:00Z' }), { trusted: false, reason: 'artifact perfgate-baseline-api #42 has expired' }],
    ['fork', artifact({}, { headRepositoryId: 99 }), { trusted: false, reason: "artifact perfgate-baseline-api #42 comes from a fork's run (repository 99); a fork can never provide the baseline" }],
    ['other branch', artifact({}, { headBranch: 'feature' }), { trusted: false, reason: 'artifact perfgate-baseline-api #42 was made on branch feature, not the default branch main' }],
    ['no run', artifact({ workflowRun: null }), { trusted: false, reason: 'artifact perfgate-baseline-api #42 has no workflow run to vouch for it' }],
    ['unknown head repository', artifact({}, { headRepositoryId: null }), { trusted: false, reason: 'artifact perfgate-baseline-api #42 does not say which repository its run came from' }],
  ])('%s', (_name, facts, expected) => {
    expect(judgeArtifact(facts, ctx)).toEqual(expected);
  });

  test("an earlier attempt of the run looking (a re-run keeps the run id) is not its baseline; another run's is", () => {
    expect(judgeArtifact(artifact(), { ...ctx, currentRunId: 9 })).toEqual({
      trusted: false,
      reason: 'artifact perfgate-baseline-api #42 was uploaded by an earlier attempt of this workflow run',
    });
    expect(judgeArtifact(artifact(), { ...ctx, currentRunId: 10 })).toEqual({ trusted: true });
    expect(judgeArtifact(artifact(), { ...ctx, currentRunId: null })).toEqual({ trusted: true });
  });

  test('only push, schedule and workflow_dispatch runs make baselines', () => {
    expect(judgeRunEvent(artifact(), 'push')).toEqual({ trusted: true });
    expect(judgeRunEvent(artifact(), 'workflow_dispatch')).toEqual({ trusted: true });
    expect(judgeRunEvent(artifact(), 'pull_request')).toEqual({
      trusted: false,
      reason: 'artifact perfgate-baseline-api #42 was made by a pull_request run; only push, schedule, workflow_dispatch runs make baselines',
    });
  });
});

describe('zip reading', () => {
  test('reads a stored entry and lists names; checks CRC-32', () => {
    const zip = createZip({ 'perfgate-results.json': '{"a":1}', 'other.txt': 'x' });
    expect(zipEntryNames(zip).sort()).toEqual(['other.txt', 'perfgate-results.json']);
    expect(readZipEntry(zip, 'perfgate-results.json', 1000)?.toString()).toBe('{"a":1}');
    expect(readZipEntry(zip, 'missing.json', 1000)).toBeNull();
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  test('refuses an entry larger than the cap before inflating it', () => {
    const zip = createZip({ 'perfgate-results.json': 'x'.repeat(5000) });
    expect(() => readZipEntry(zip, 'perfgate-results.json', 1000)).toThrow(ZipError);
  });

  test('refuses what is not a zip', () => {
    expect(() => zipEntryNames(Buffer.from('not a zip at all, just text'))).toThrow(ZipError);
  });

  test('a damaged entry fails its CRC check', () => {
    const zip = createZip({ 'a.json': 'hello world' });
    const at = zip.indexOf(Buffer.from('hello world'));
    zip[at] = 'j'.charCodeAt(0);
    expect(() => readZipEntry(zip, 'a.json', 1000)).toThrow(ZipError);
  });
});

describe('FileStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-filestore-'));

  test('a missing file is no baseline, with the reason', async () => {
    const path = join(dir, 'nope.json');
    expect(await new FileStore(path).load()).toEqual({ results: null, reason: `baseline file ${path} does not exist`, rejected: [] });
  });

  test('a corrupt file is no baseline, with the reason', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"schemaVersion": 1, "suite": 5');
    const lookup = await new FileStore(path).load();
    expect(lookup.results).toBeNull();
    expect(lookup.reason).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
  });
});
