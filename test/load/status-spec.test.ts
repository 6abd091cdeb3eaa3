import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseStatusSpec } from '../../src/load/index.js';

const HINT = 'expected status codes (100-599) and classes (1xx-5xx), comma-separated, e.g. "2xx", "200,201" or "2xx,304"';

function accepted(spec: Parameters<typeof parseStatusSpec>[0]): number[] {
  const ok = parseStatusSpec(spec);
  return [100, 101, 199, 200, 201, 204, 299, 301, 304, 404, 500, 503, 599].filter(ok);
}

describe('parseStatusSpec', () => {
  it('accepts classes, codes, lists and mixes of them', () => {
    expect(accepted('2xx')).toEqual([200, 201, 204, 299]);
    expect(accepted('200')).toEqual([200]);
    expect(accepted(' 200 , 201 ')).toEqual([200, 201]);
    expect(accepted([200, 204])).toEqual([200, 204]);
    expect(accepted('2xx,304')).toEqual([200, 201, 204, 299, 304]);
    expect(accepted('5XX')).toEqual([500, 503, 599]);
    expect(accepted(404)).toEqual([404]);
  });

  it.each([
    ['', '"" is not valid: it is empty'],
    ['ok', '"ok" is not valid: "ok" is neither a status code nor a class'],
    ['200,,201', '"200,,201" is not valid: it has an empty entry'],
    ['600', '"600" is not valid: "600" is neither a status code nor a class'],
    ['6xx', '"6xx" is not valid: "6xx" is neither a status code nor a class'],
    ['2xx;304', '"2xx;304" is not valid: "2xx;304" is neither a status code nor a class'],
    [[], '[] is not valid: the list is empty'],
    [[200, 99], '[200,99] is not valid: 99 is not a status code'],
    [[200.5], '[200.5] is not valid: 200.5 is not a status code'],
  ] as const)('refuses %j with a message naming it', (spec, what) => {
    let caught: unknown;
    try {
      parseStatusSpec(spec as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([`expected status ${what}; ${HINT}`]);
  });
});
