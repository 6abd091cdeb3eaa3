import { ConfigError } from '../errors.js';

const HINT = 'expected status codes (100-599) and classes (1xx-5xx), comma-separated, e.g. "2xx", "200,201" or "2xx,304"';

/**
 * Which HTTP statuses a scenario expects: '2xx', '200', '200,201', '2xx,304', a code, or a list of codes.
 * Anything else is refused with a ConfigError whose single problem names the spec and the bad part.
 */
export function parseStatusSpec(spec: string | number | readonly number[]): (status: number) => boolean {
  const codes = new Set<number>();
  const classes = new Set<number>();
  const show = JSON.stringify(spec);
  const fail = (why: string): never => {
    throw new ConfigError([`expected status ${show} is not valid: ${why}; ${HINT}`], 'expected status');
  };

  // A bare number is what YAML gives for `expect: 200`.
  if (typeof spec === 'number') spec = [spec];
  if (typeof spec === 'string') {
    const parts = spec.split(',').map((p) => p.trim());
    if (parts.every((p) => p === '')) fail('it is empty');
    for (const part of parts) {
      if (part === '') fail('it has an empty entry');
      const cls = /^([1-5])xx$/i.exec(part);
      if (cls) classes.add(Number(cls[1]));
      else if (/^[1-5]\d\d$/.test(part)) codes.add(Number(part));
      else fail(`"${part}" is neither a status code nor a class`);
    }
  } else if (Array.isArray(spec)) {
    if (spec.length === 0) fail('the list is empty');
    for (const code of spec) {
      if (!Number.isInteger(code) || code < 100 || code > 599) fail(`${JSON.stringify(code)} is not a status code`);
      codes.add(code);
    }
  } else {
    fail('it is neither a string nor a list of numbers');
  }

  return (status: number) => codes.has(status) || classes.has(Math.floor(status / 100));
}
