import { describe, expect, it } from 'vitest';
import { chartNumber, chartText, renderXyChart } from '../../src/report/xychart.js';
import type { XyChartInput } from '../../src/report/xychart.js';

// The xychart lexer's number (xychart.jison: NUMBER_WITH_DECIMAL) and quoted string (STR: `"[^"]*"`,
// and `""` yields no token): a quick check of the text here; charts-parse.test.ts runs mermaid's own parser.
const NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;
const STRING = /^"[^"]+"$/;

/** The block's lines between the fences, without the two-space indent. */
function body(block: string | null): string[] {
  expect(block).not.toBeNull();
  const lines = (block as string).split('\n');
  expect(lines[0]).toBe('```mermaid');
  expect(lines[lines.length - 1]).toBe('```');
  return lines.slice(1, -1).map((l) => l.trim());
}

/** The numbers of the `line "name" [...]` statement for `name`. */
function lineValues(block: string | null, name: string): number[] {
  const line = body(block).find((l) => l.startsWith(`line "${name}" [`));
  expect(line, `line "${name}"`).toBeDefined();
  const items = (line as string).slice(`line "${name}" [`.length, -1).split(', ');
  for (const item of items) expect(item).toMatch(NUMBER);
  return items.map(Number);
}

/** The category labels of the `x-axis` statement. */
function categories(block: string | null): string[] {
  const axis = body(block).find((l) => l.startsWith('x-axis'));
  const list = (axis as string).slice((axis as string).indexOf('[') + 1, -1);
  const labels = list.match(/"[^"]*"/g) ?? [];
  for (const label of labels) expect(label).toMatch(STRING);
  return labels.map((l) => l.slice(1, -1));
}

const capacity: XyChartInput = {
  title: 'p99 latency',
  xLabel: 'Offered rate (req/s)',
  yLabel: 'p99 (ms)',
  x: [50, 62.5, 78.125],
  series: [
    { name: 'base', values: [1.5, 2, 3.25] },
    { name: 'head', values: [1.25, 2.5, 4] },
  ],
};

describe('renderXyChart', () => {
  it('writes the whole block: palette directive, header, title, category axis, y range from 0, one named line per series', () => {
    const chart = renderXyChart(capacity);
    expect(chart.block).toBe(
      [
        '```mermaid',
        '%%{init: {"themeVariables":{"xyChart":{"plotColorPalette":"#0072B2, #E69F00"}}}}%%',
        'xychart-beta',
        '  title "p99 latency"',
        '  x-axis "Offered rate (req/s)" ["50", "62.5", "78.1"]',
        '  y-axis "p99 (ms)" 0 --> 4',
        '  line "base" [1.5, 2, 3.25]',
        '  line "head" [1.25, 2.5, 4]',
        '```',
      ].join('\n'),
    );
    // Geometric rate steps sit at equal spacing on a category axis: the caption says so.
    expect(chart.caption).toBe(
      'Lines: base (blue), head (orange). ' +
        'Points are evenly spaced along the x axis, whatever the distance between their x values.',
    );
  });

  it('says nothing about spacing for evenly spaced x, and names a single line in the singular', () => {
    const chart = renderXyChart({
      title: 'p99 during the spike',
      xLabel: 'Time (s)',
      yLabel: 'p99 (ms)',
      x: [0, 5, 10, 15],
      series: [{ name: 'head', values: [3, 40.25, 12, 3.5] }],
    });
    expect(body(chart.block)).toEqual([
      '%%{init: {"themeVariables":{"xyChart":{"plotColorPalette":"#0072B2"}}}}%%',
      'xychart-beta',
      'title "p99 during the spike"',
      'x-axis "Time (s)" ["0", "5", "10", "15"]',
      'y-axis "p99 (ms)" 0 --> 40.25',
      'line "head" [3, 40.25, 12, 3.5]',
    ]);
    expect(chart.caption).toBe('Line: head (blue).');
  });

  it('merges lines measured at different x onto their sorted union and draws only the x both measured', () => {
    const chart = renderXyChart({
      title: 'Capacity',
      xLabel: 'req/s',
      yLabel: 'ms',
      series: [
        { name: 'base', x: [98, 50, 62, 78], values: [9, 5, 6, 7] },
        { name: 'head', x: [62, 78, 98, 122], values: [6.5, 7.5, 9.5, 30] },
      ],
    });
    expect(categories(chart.block)).toEqual(['62', '78', '98']);
    expect(lineValues(chart.block, 'base')).toEqual([6, 7, 9]);
    expect(lineValues(chart.block, 'head')).toEqual([6.5, 7.5, 9.5]);
    expect(chart.caption).toBe(
      'Lines: base (blue), head (orange). ' +
        'Points are evenly spaced along the x axis, whatever the distance between their x values. ' +
        'Left out for lack of a value: x = 50 (head), 122 (base).',
    );
  });

  it('leaves out an x where a value is null, NaN or infinite instead of inventing one, and lists it', () => {
    const chart = renderXyChart({
      title: 'RSS',
      xLabel: 'Time (s)',
      yLabel: 'MB',
      x: [0, 1, 2, 3, 4, 5],
      series: [
        { name: 'base', values: [10, null, 12, 13, 14, 15] },
        { name: 'head', values: [10, 11, Number.NaN, 13, Number.POSITIVE_INFINITY, 15.5] },
      ],
    });
    expect(categories(chart.block)).toEqual(['0', '3', '5']);
    expect(lineValues(chart.block, 'base')).toEqual([10, 13, 15]);
    expect(lineValues(chart.block, 'head')).toEqual([10, 13, 15.5]);
    expect(chart.caption).toBe(
      'Lines: base (blue), head (orange). ' +
        'Points are evenly spaced along the x axis, whatever the distance between their x values. ' +
        'Left out for lack of a value: x = 1 (base), 2 (head), 4 (head).',
    );
  });

  it('lists at most five left-out x by name and counts the rest', () => {
    const x = Array.from({ length: 10 }, (_, i) => i);
    const chart = renderXyChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      x,
      series: [
        { name: 'base', values: x.map((i) => (i < 8 ? null : i)) },
        { name: 'head', values: x.map((i) => (i < 8 ? null : i)) },
      ],
    });
    expect(chart.caption).toContain('Left out for lack of a value: x = 0 (base and head), 1 (base and head), ');
    expect(chart.caption).toContain('4 (base and head) and 3 more.');
  });

  it('returns no block, and says why, when fewer than two x have every value', () => {
    expect(renderXyChart({ ...capacity, x: [], series: [{ name: 'base', values: [] }] })).toEqual({
      block: null,
      caption: 'No chart: there are no x values.',
    });
    expect(renderXyChart({ ...capacity, x: [1, 2], series: [{ name: 'base', values: [null, null] }] })).toEqual({
      block: null,
      caption: 'No chart: no x has a value for the line. Left out for lack of a value: x = 1 (base), 2 (base).',
    });
    // A single point: xychart draws a line as a path without markers, so one point shows nothing.
    expect(
      renderXyChart({
        ...capacity,
        x: [50, 62],
        series: [
          { name: 'base', values: [3, 4] },
          { name: 'head', values: [3.5, null] },
        ],
      }),
    ).toEqual({
      block: null,
      caption:
        'No chart: only x = 50 has a value for every line, and a line needs two points. ' +
        'Left out for lack of a value: x = 62 (head).',
    });
  });

  it('quotes every text and writes characters the grammar cannot hold as Mermaid entity codes', () => {
    const chart = renderXyChart({
      title: 'He said "fast" & <slow> #1; 100% %%{init}%% `code`',
      xLabel: 'line\nbreak',
      yLabel: 'title',
      x: ['a, b', '[x]', 'line'],
      series: [
        { name: 'base "main"', values: [1, 2, 3] },
        { name: 'head;\tPR', values: [1, 2, 4] },
      ],
    });
    const lines = body(chart.block);
    expect(lines.slice(2)).toEqual([
      'title "He said #quot;fast#quot; #amp; #lt;slow#gt; #35;1; 100#37; #37;#37;{init}#37;#37; #96;code#96;"',
      'x-axis "line break" ["a, b", "[x]", "line"]',
      'y-axis "title" 0 --> 4',
      'line "base #quot;main#quot;" [1, 2, 3]',
      'line "head; PR" [1, 2, 4]',
    ]);
    // Outside the directive line, no quoted string holds a quote, no backtick can close the fence,
    // and no %% can start a comment or a directive.
    for (const line of lines.slice(1)) {
      expect(line).not.toContain('`');
      expect(line).not.toContain('%%');
      for (const text of line.match(/"[^"]*"/g) ?? []) expect(text).toMatch(STRING);
    }
    expect(chart.caption).toBe('Lines: base "main" (blue), head; PR (orange).');
  });

  it('leaves out an empty title or axis title instead of writing "" (which does not parse)', () => {
    const lines = body(renderXyChart({ ...capacity, title: ' ', xLabel: '', yLabel: '\n' }).block);
    expect(lines.slice(1, 4)).toEqual(['xychart-beta', 'x-axis ["50", "62.5", "78.1"]', 'y-axis 0 --> 4']);
  });

  it('keeps label x in their order and gives them more digits only where two would read the same', () => {
    const labels = renderXyChart({ ...capacity, x: ['warm', 'peak', 'cool'] });
    expect(categories(labels.block)).toEqual(['warm', 'peak', 'cool']);
    expect(labels.caption).toBe('Lines: base (blue), head (orange).');
    const close = renderXyChart({ ...capacity, x: [1000.2, 1000.4, 2000] });
    expect(categories(close.block)).toEqual(['1000.2', '1000.4', '2000']);
  });

  it('downsamples to maxPoints buckets whose point is the highest value in the bucket', () => {
    // 600 one-second samples; in bucket b the highest value is 100 + b, at a position that moves.
    const x = Array.from({ length: 600 }, (_, i) => i);
    const rss = x.map((i) => {
      const b = Math.floor(i / 10);
      return i % 10 === (b * 3) % 10 ? 100 + b : 50 + (i % 7);
    });
    rss[337] = 999; // one spike, the bucket's (and the run's) maximum
    const fds = x.map((i) => 20 + (i % 10));
    const chart = renderXyChart({
      title: 'Soak',
      xLabel: 'Time (s)',
      yLabel: 'RSS (MB) / fds',
      x,
      series: [
        { name: 'rss', values: rss },
        { name: 'fds', values: fds },
      ],
    });
    const expected = Array.from({ length: 60 }, (_, b) => (b === 33 ? 999 : 100 + b));
    expect(lineValues(chart.block, 'rss')).toEqual(expected);
    expect(lineValues(chart.block, 'fds')).toEqual(Array.from({ length: 60 }, () => 29));
    expect(categories(chart.block)).toEqual(Array.from({ length: 60 }, (_, b) => String(b * 10)));
    const lines = body(chart.block);
    // 60 labels side by side would overlap: they are hidden and the range goes into the axis title.
    expect(lines[0]).toBe(
      '%%{init: {"xyChart":{"xAxis":{"showLabel":false}},"themeVariables":{"xyChart":{"plotColorPalette":"#0072B2, #E69F00"}}}}%%',
    );
    expect(lines[3]?.startsWith('x-axis "Time (s): 0 to 590" ["0", "10", ')).toBe(true);
    expect(lines[4]).toBe('y-axis "RSS (MB) / fds" 0 --> 999');
    expect(chart.caption).toBe(
      'Lines: rss (blue), fds (orange). Each point is the highest of up to 10 consecutive values, ' +
        'so no peak is lost (600 x values in 60 points, each at its first x).',
    );
  });

  it('buckets a length that does not divide evenly into at most maxPoints points, the last one shorter', () => {
    const x = Array.from({ length: 7 }, (_, i) => i);
    const chart = renderXyChart({
      title: 't',
      xLabel: 's',
      yLabel: 'ms',
      x,
      series: [{ name: 'p99', values: [1, 5, 2, 2, 8, 3, 6] }],
      maxPoints: 3,
    });
    // ceil(7 / 3) = 3 values a bucket: [1, 5, 2] [2, 8, 3] [6].
    expect(categories(chart.block)).toEqual(['0', '3', '6']);
    expect(lineValues(chart.block, 'p99')).toEqual([5, 8, 6]);
  });

  it('skips missing values inside a bucket and leaves out a bucket only when a line has none in it', () => {
    const chart = renderXyChart({
      title: 't',
      xLabel: 's',
      yLabel: 'ms',
      x: [0, 1, 2, 3, 4, 5],
      series: [
        { name: 'base', values: [1, null, 3, 4, null, 9] },
        { name: 'head', values: [2, 2, null, null, 5, 5] },
      ],
      maxPoints: 3,
    });
    expect(categories(chart.block)).toEqual(['0', '4']);
    expect(lineValues(chart.block, 'base')).toEqual([1, 9]);
    expect(lineValues(chart.block, 'head')).toEqual([2, 5]);
    expect(chart.caption).toContain('Left out for lack of a value: the buckets from x = 2 (head).');
  });

  it('widens a given y range to hold every value, starts below zero for negative data and gives a flat line some height', () => {
    const range = (input: Partial<XyChartInput>): string | undefined =>
      body(renderXyChart({ ...capacity, ...input }).block).find((l) => l.startsWith('y-axis'));
    expect(range({ yMin: 1, yMax: 10 })).toBe('y-axis "p99 (ms)" 1 --> 10');
    expect(range({ yMin: 2, yMax: 3 })).toBe('y-axis "p99 (ms)" 1.25 --> 4');
    expect(range({ series: [{ name: 'd', values: [-2.5, 1, 3] }] })).toBe('y-axis "p99 (ms)" -2.5 --> 3');
    expect(range({ series: [{ name: 'd', values: [0, 0, 0] }] })).toBe('y-axis "p99 (ms)" 0 --> 1');
  });

  it('rejects input it cannot draw honestly, naming the series, the value and what was expected', () => {
    const bad = (input: Partial<XyChartInput>): (() => unknown) => () => renderXyChart({ ...capacity, ...input });
    expect(bad({ series: [{ name: 'base', values: [1, 2, 3] }, { name: 'head', values: [1, 2] }] })).toThrow(
      'xychart: series "head" has 2 values but 3 x values',
    );
    expect(bad({ series: [{ name: 'head', x: [1, 2], values: [1, 2, 3] }] })).toThrow(
      'xychart: series "head" has 3 values but 2 x values',
    );
    expect(bad({ x: ['a', 'b'], series: [{ name: 'base', values: [1] }] })).toThrow(
      'xychart: series "base" has 1 values but the chart has 2 x values',
    );
    expect(bad({ x: undefined })).toThrow(
      'xychart: series "base" has no x values; give the chart\'s x or the series\' own x',
    );
    expect(bad({ series: [{ name: 'base', x: [1, 1], values: [1, 2] }] })).toThrow(
      'xychart: series "base" has x 1 twice; expected one value per x',
    );
    expect(bad({ series: [{ name: 'base', x: [1, Number.NaN], values: [1, 2] }] })).toThrow(
      'xychart: series "base" has x NaN at position 1; expected a finite number',
    );
    expect(bad({ x: ['a', 'a\n'], series: [{ name: 'base', values: [1, 2] }] })).toThrow(
      'xychart: x has a label twice; expected distinct labels',
    );
    expect(bad({ x: ['a', ' '], series: [{ name: 'base', values: [1, 2] }] })).toThrow(
      'xychart: an x label is empty; expected text',
    );
    expect(bad({ series: [{ name: '\t', values: [1, 2, 3] }] })).toThrow(
      'xychart: a series has an empty name "\\t"; every line needs one',
    );
    expect(bad({ series: [] })).toThrow('xychart: no series to draw; expected at least one');
    expect(
      bad({ series: Array.from({ length: 7 }, (_, i) => ({ name: `s${i}`, values: [1, 2, 3] })) }),
    ).toThrow('xychart: 7 series, but only 6 line colours can be told apart; split them over several charts');
    expect(bad({ series: [{ name: 'base', values: [1, 2, 3] }, { name: 'base ', values: [1, 2, 3] }] })).toThrow(
      'xychart: two series are named "base"',
    );
    expect(bad({ maxPoints: 1 })).toThrow('xychart: maxPoints is 1; expected a whole number of at least 2');
    expect(bad({ yMin: 5, yMax: 5 })).toThrow('xychart: yMin 5 is not below yMax 5');
    expect(bad({ yMax: Number.POSITIVE_INFINITY })).toThrow('xychart: yMax is Infinity; expected a finite number');
  });
});

describe('chartNumber', () => {
  it('writes plain decimals with four significant digits, never exponents or -0', () => {
    expect(chartNumber(1234.567)).toBe('1235');
    expect(chartNumber(12_345.67)).toBe('12346');
    expect(chartNumber(0.5)).toBe('0.5');
    expect(chartNumber(152.34)).toBe('152.3');
    expect(chartNumber(-3.14159)).toBe('-3.142');
    expect(chartNumber(1.23456e-7)).toBe('0.0000001235');
    expect(chartNumber(1e21)).toBe('1000000000000000000000');
    expect(chartNumber(-1e-30)).toBe('0');
  });

  it('always produces a number the xychart lexer accepts', () => {
    let seed = 17;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 2000; i++) {
      const value = (random() - 0.3) * 10 ** Math.floor(random() * 50 - 25);
      expect(chartNumber(value), String(value)).toMatch(NUMBER);
    }
  });
});

describe('chartText', () => {
  it('flattens to one line and encodes only the characters that need it', () => {
    expect(chartText('a\r\nb\tc  d')).toBe('"a b c d"');
    expect(chartText('p99 (ms), [x] + y = z; _*.-')).toBe('"p99 (ms), [x] + y = z; _*.-"');
    expect(chartText('"#&<>%`')).toBe('"#quot;#35;#amp;#lt;#gt;#37;#96;"');
  });
});
