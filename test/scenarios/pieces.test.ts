import { describe, expect, test } from 'vitest';
import { applyCaptures, parseCapture } from '../../src/scenarios/capture.js';
import { parseCsv, parseJsonLines } from '../../src/scenarios/data-file.js';
import { parseJsonPath, valueAt } from '../../src/scenarios/json-path.js';
import { rowPicker, weightedPicker } from '../../src/scenarios/sequence.js';
import { malformedPlaceholder, parseTemplate, renderTemplate } from '../../src/scenarios/template.js';

describe('templates', () => {
  test('fills every {{name}} and tells a missing value from an empty one', () => {
    const t = parseTemplate('/users/{{ id }}/orders?q={{q}}&x={{id}}');
    expect(t.names).toEqual(['id', 'q', 'id']);
    expect(renderTemplate(t, { id: '7', q: '' })).toBe('/users/7/orders?q=&x=7');
    expect(renderTemplate(t, { id: '7' })).toBeNull();
    expect(renderTemplate(parseTemplate('plain'), {})).toBe('plain');
    expect(renderTemplate(parseTemplate('{{a}}'), { a: 'a b' }, encodeURI)).toBe('a%20b');
  });

  test('finds malformed placeholders', () => {
    expect(malformedPlaceholder('/x/{{id}}')).toBeNull();
    expect(malformedPlaceholder('/x/{{a b}}')).toBe('{{a b}}');
    expect(malformedPlaceholder('/x/{{id')).toBe('{{id');
  });
});

describe('JSON paths and captures', () => {
  test('reads names, quoted names and indexes', () => {
    const doc = { user: { token: 'abc' }, items: [{ id: 5 }, { id: 6 }], 'x-id': 'q' };
    const at = (p: string) => {
      const r = parseJsonPath(p);
      if (!r.ok) throw new Error(r.message);
      return valueAt(doc, r.steps);
    };
    expect(at('$.user.token')).toBe('abc');
    expect(at('$.items[1].id')).toBe(6);
    expect(at("$['x-id']")).toBe('q');
    expect(at('$.items[2].id')).toBeUndefined();
    expect(at('$.user.token.length')).toBeUndefined();
    expect(at('$')).toEqual(doc);
  });

  test('refuses paths it cannot follow, saying where', () => {
    const r = parseJsonPath('$.items[*].id');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('"[*].id"');
    expect(parseJsonPath('token').ok).toBe(false);
  });

  test('captures from the body and from headers, and names what was missing', () => {
    const caps = ['$.token', 'header:Location', '$.order.id'].map((spec, i) => {
      const c = parseCapture(['token', 'where', 'id'][i]!, spec);
      if (!c.ok) throw new Error(c.message);
      return c.capture;
    });
    const vars: Record<string, string | undefined> = {};
    expect(applyCaptures(caps, '{"token":"t1","order":{"id":42}}', { location: '/orders/42' }, vars)).toBeNull();
    expect(vars).toEqual({ token: 't1', where: '/orders/42', id: '42' });
    expect(applyCaptures(caps, '{"token":"t1"}', { Location: '/x' }, {})).toBe('capture "id": no $.order.id in the response body');
    expect(applyCaptures(caps.slice(1), '{}', {}, {})).toBe('capture "where": no location header in the response');
    expect(applyCaptures(caps.slice(0, 1), 'not json', {}, {})).toBe('capture "token": the response body is not JSON, so $.token is not in it');
    expect(applyCaptures(caps.slice(2), '{"order":{"id":[1]}}', {}, {})).toContain('is a list, not a single value');
  });
});

describe('data files', () => {
  test('CSV with quotes, commas, CRLF and blank lines', () => {
    const r = parseCsv('id,q\r\n1,"a, b"\r\n\r\n2,"say ""hi"""\n');
    expect(r).toEqual({ ok: true, table: { columns: ['id', 'q'], rows: [['1', 'a, b'], ['2', 'say "hi"']] } });
  });

  test('CSV rows limit and shape errors', () => {
    expect(parseCsv('id\n1\n2\n3\n', 2)).toEqual({ ok: true, table: { columns: ['id'], rows: [['1'], ['2']] } });
    expect(parseCsv('a,b\n1\n')).toEqual({ ok: false, message: 'row 1 has 1 values, but the header names 2 columns' });
    expect(parseCsv('a,a\n1,2\n')).toEqual({ ok: false, message: 'column "a" is named twice in the header line' });
    expect(parseCsv('a\n')).toEqual({ ok: false, message: 'the file has a header line but no rows' });
  });

  test('JSON Lines: every key is a column, scalars become strings', () => {
    const r = parseJsonLines('{"id":1,"name":"a"}\n\n{"id":2,"tags":["x"]}\n');
    expect(r).toEqual({ ok: true, table: { columns: ['id', 'name', 'tags'], rows: [['1', 'a', ''], ['2', '', '["x"]']] } });
    expect(parseJsonLines('{"id":1}\n[1]\n')).toEqual({ ok: false, message: 'line 2 is not a JSON object; write one {"column": value} object a line' });
  });
});

describe('seeded sequences', () => {
  test('the same seed gives the same sequence; weights set the shares', () => {
    const draw = (seed: number, n: number) => {
      const pick = weightedPicker([70, 25, 5], seed);
      return Array.from({ length: n }, pick);
    };
    const a = draw(1, 20_000);
    expect(draw(1, 20_000)).toEqual(a);
    expect(draw(2, 50)).not.toEqual(a.slice(0, 50));
    const share = (i: number) => a.filter((x) => x === i).length / a.length;
    // Binomial sd at n = 20,000 is at most 0.0033; 0.015 is over four of them.
    expect(share(0)).toBeCloseTo(0.7, 1);
    expect(Math.abs(share(1) - 0.25)).toBeLessThan(0.015);
    expect(Math.abs(share(2) - 0.05)).toBeLessThan(0.015);
  });

  test('rows in order wrap around; random rows repeat per seed and cover the table', () => {
    const seq = rowPicker(3, 'sequential', 1);
    expect(Array.from({ length: 7 }, seq)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    const r1 = Array.from({ length: 200 }, rowPicker(10, 'random', 9));
    expect(Array.from({ length: 200 }, rowPicker(10, 'random', 9))).toEqual(r1);
    expect(new Set(r1).size).toBe(10);
  });
});
