import { expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { headPort, variantTarget } from '../../src/measure/variants.js';

const config = loadConfig({
  fileText: `compare: variants
start: node server.js --port {port}
port: 3000
ready-url: http://127.0.0.1:3000/health
env: { MODE: fast }
variants:
  base:
    env: { FLAG: "off" }
scenarios:
  - { name: a, path: /a }
  - { name: other, url: "http://127.0.0.1:9999/x" }
`,
});

test('the base variant moves to its own port: command, PORT, readiness and scenario URLs', () => {
  const base = variantTarget(config, 'base', { root: '/work', commit: 'abcdef1234', port: 4100 }, '/logs');
  expect(base.service).toMatchObject({
    name: 'base',
    description: 'base (commit abcdef1)',
    command: 'node server.js --port 4100',
    cwd: '/work',
    env: { MODE: 'fast', FLAG: 'off' },
    port: 4100,
    ready: { url: 'http://127.0.0.1:4100/health' },
    logFile: '/logs/default-base.log',
  });
  expect(base.urlFor(config.scenarios[0]!)).toBe('http://127.0.0.1:4100/a');
  // A URL on another port is not the head's service: it is left alone.
  expect(base.urlFor(config.scenarios[1]!)).toBe('http://127.0.0.1:9999/x');
});

test('the head keeps the configured port', () => {
  const head = variantTarget(config, 'head', { root: '/work', commit: null, port: null }, '/logs');
  expect(headPort(config)).toBe(3000);
  expect(head.service).toMatchObject({ command: 'node server.js --port 3000', port: 3000, env: { MODE: 'fast' }, ready: { url: 'http://127.0.0.1:3000/health' } });
  expect(head.urlFor(config.scenarios[0]!)).toBe('http://127.0.0.1:3000/a');
});

test('without a top-level start, each variant starts with its own command and the shared service fields', () => {
  const own = loadConfig({
    fileText: `compare: variants
cwd: app
env: { MODE: fast }
ready-url: http://127.0.0.1:3000/health
variants:
  base: { start: "node old.js --port {port}", port: 4100 }
  head: { start: "node new.js", port: 3000, env: { FLAG: "on" } }
scenarios:
  - { name: a, path: /a }
`,
  });
  expect(own.service?.start).toBeNull();
  const base = variantTarget(own, 'base', { root: '/work', commit: null, port: 4100 }, '/logs');
  const head = variantTarget(own, 'head', { root: '/work', commit: null, port: null }, '/logs');
  expect(base.service).toMatchObject({ command: 'node old.js --port 4100', cwd: '/work/app', env: { MODE: 'fast' }, port: 4100, ready: { url: 'http://127.0.0.1:4100/health' } });
  expect(head.service).toMatchObject({ command: 'node new.js', cwd: '/work/app', env: { MODE: 'fast', FLAG: 'on' }, port: 3000, ready: { url: 'http://127.0.0.1:3000/health' } });
  expect(base.urlFor(own.scenarios[0]!)).toBe('http://127.0.0.1:4100/a');
});
