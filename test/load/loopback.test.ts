import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { assertLoopbackUrl, runLoad } from '../../src/load/index.js';
import type { LoadTarget } from '../../src/load/index.js';

const target = (url: string): LoadTarget => ({ url, method: 'GET', headers: {}, isExpectedStatus: () => true });

describe('assertLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:3000/a?b=1', 'http://127.0.0.1:3000/a?b=1'],
    ['http://127.8.9.10/', 'http://127.8.9.10/'],
    ['http://localhost:8080/x', 'http://localhost:8080/x'],
    ['http://LOCALHOST:8080/', 'http://localhost:8080/'],
    ['http://[::1]:9000/', 'http://[::1]:9000/'],
    ['http://127.1:3000/', 'http://127.0.0.1:3000/'],
    ['http://2130706433/', 'http://127.0.0.1/'],
    ['https://[::ffff:127.0.0.1]/', 'https://[::ffff:7f00:1]/'],
  ])('accepts %s as %s', (url, href) => {
    expect(assertLoopbackUrl(url).href).toBe(href);
  });

  it.each([
    ['http://10.1.2.3:8080/x', '10.1.2.3'],
    ['http://192.168.1.1/', '192.168.1.1'],
    ['http://example.com/', 'example.com'],
    ['http://[::2]/', '[::2]'],
    ['http://0.0.0.0:3000/', '0.0.0.0'],
    ['http://localhost.example.com/', 'localhost.example.com'],
    ['http://128.0.0.1/', '128.0.0.1'],
  ])('refuses %s, naming the url and the host', (url, host) => {
    expect(() => assertLoopbackUrl(url)).toThrow(
      new LoadError(
        `load target URL "${url}" is not on this machine: host "${host}" is not loopback; ` +
          'expected 127.0.0.0/8, localhost or [::1] (perfgate sends load only to the local machine)',
      ),
    );
  });

  it('refuses what is not an http URL', () => {
    expect(() => assertLoopbackUrl('ftp://127.0.0.1/file')).toThrow(
      new LoadError('load target URL "ftp://127.0.0.1/file" uses protocol "ftp:"; expected http: or https:'),
    );
    expect(() => assertLoopbackUrl('localhost:3000')).toThrow(
      new LoadError('load target URL "localhost:3000" uses protocol "localhost:"; expected http: or https:'),
    );
    expect(() => assertLoopbackUrl('127.0.0.1:3000/health')).toThrow(
      new LoadError(
        'load target URL "127.0.0.1:3000/health" is not a valid URL; expected an absolute URL such as http://127.0.0.1:3000/path',
      ),
    );
  });
});

describe('runLoad refuses a non-loopback target before sending anything', () => {
  it('rejects with a LoadError carrying the exact message', async () => {
    const url = 'http://10.20.30.40:8080/api';
    const run = runLoad(target(url), { kind: 'closed', connections: 1 }, { durationMs: 100 });
    await expect(run).rejects.toBeInstanceOf(LoadError);
    await expect(run).rejects.toThrow(
      new LoadError(
        `load target URL "${url}" is not on this machine: host "10.20.30.40" is not loopback; ` +
          'expected 127.0.0.0/8, localhost or [::1] (perfgate sends load only to the local machine)',
      ),
    );
  });
});
