/**
 * A line chart as a Mermaid `xychart-beta` block, which GitHub draws from a ```mermaid fence in a PR
 * comment or job summary, plus a one-line caption saying which colour is which line and what the
 * chart leaves out. Pure: numbers in, text out.
 *
 * The grammar facts this file relies on, and where they come from (mermaid-js/mermaid, read at
 * packages/mermaid/src/diagrams/xychart/parser/xychart.jison, xychartDb.ts,
 * chartBuilder/components/axis/{bandAxis,baseAxis}.ts, chartBuilder/components/plot/linePlot.ts,
 * src/Diagram.ts, src/mermaidAPI.ts, src/preprocess.ts, src/utils/sanitizeDirective.ts,
 * src/defaultConfig.ts, src/themes/theme-default.js and docs/syntax/xyChart.md):
 *
 * - Header: the lexer has `"xychart-beta"` in every release since the diagram appeared (10.5); bare
 *   `xychart` only in recent ones (open-webui/open-webui#17117, 2025), and a user reported GitHub on
 *   11.3.0 in late 2024 (docsible/docsible#30), so the header is `xychart-beta`.
 * - `x-axis "title" ["a", "b"]` is a category (band) axis; `x-axis "title" min --> max` a numeric one.
 *   `y-axis "title" min --> max` is numeric only. Both titles may be left out.
 * - `line "name" [1, 2.5]`: data is positional. Point i sits at category i
 *   (`categories.map((c, i) => [c, data[i]])`), so lines measured at different x must first be put
 *   on one shared list of categories. On a numeric x axis the points are spread evenly between min
 *   and max by a formula that changed between releases (`(max - min + 1) / n`, later
 *   `(max - min) / (n - 1)`), so the x position would depend on GitHub's release: we always use
 *   categories, and say so in the caption when the x values are not evenly spaced.
 * - A number is `[+-]?(?:\d+(?:\.\d+)?|\.\d+)`: no exponent, no NaN, no Infinity, and no null or
 *   gap. A `line` needs at least one number. A line is a path only, without point markers
 *   (linePlot.ts), so a single point draws nothing: we need two.
 * - Categories go to a d3 `scaleBand`, whose domain drops duplicates: two equal labels would put two
 *   points on one spot, so labels must be distinct. Every category gets a label (BaseAxis draws every
 *   tick value, without thinning), so many categories overlap into an unreadable bar of text: then
 *   we hide them (`xyChart.xAxis.showLabel`, a documented AxisConfig key) and put the range in the
 *   axis title.
 * - Text: a quoted string is `"[^"]*"`, with no escape for `"`; an unquoted word is a run of tokens
 *   glued together with the spaces dropped, and words like `title`, `line`, `bar` lex as keywords.
 *   So every text is quoted. `""` produces no string token and fails to parse, so an empty title is
 *   left out rather than written. `"` followed by a backtick opens a markdown string.
 * - Entity codes: every diagram's text goes through `encodeEntities` (Diagram.fromText), which turns
 *   `#quot;` or `#35;` into a placeholder that `decodeEntities` turns into `&quot;` / `&#35;` in the
 *   finished SVG (mermaidAPI cleanUpSvgCode). That is how `"` `#` `&` `<` `>` `%` and the backtick are
 *   written here: `"` has no other escape; a literal `#word;` would itself become an entity; `&` `<`
 *   `>` pass through DOMPurify in xychartDb's textSanitizer, which (as we read it) escapes them; `%%` starts a
 *   comment and `%%{` a directive (preprocess scans the whole text); a backtick could close the
 *   markdown fence.
 * - Colours: plot i takes colour i of `themeVariables.xyChart.plotColorPalette`, a comma-separated
 *   string (xychartDb getPlotColorFromPalette). The default theme's palette starts with #ECECFF,
 *   near-white on GitHub's white page, so we set it with an `%%{init: ...}%%` directive, which
 *   preprocess reads for every diagram; sanitizeDirective keeps keys found anywhere in the default
 *   config, which include `xyChart`, `plotColorPalette`, `xAxis` and `showLabel`. GitHub honours init
 *   directives (faucet-hq/faucet-stream#338 themes its GitHub-rendered diagrams with one), and
 *   public actions post xychart-beta blocks with a plotColorPalette (in front matter) to PR comments.
 * - Legend: none, except in the release the docs mark `v<MERMAID_RELEASE_VERSION>+` (unreleased when
 *   read). A named line (`line "name" [...]`) parses in every release (grammar `LINE text plotData`)
 *   and feeds that legend once GitHub has it; until then the caption names each line's colour.
 *
 * test/report/charts-parse.test.ts runs every chart the report emits through mermaid's own parser (the
 * mermaid package, in Node with jsdom) and checks what it read: titles, labels and line names as written,
 * one value per category, the init directive kept. Drawing the SVG needs a browser's layout, so the
 * colours and the hidden labels themselves are not seen there.
 */

import { significant } from './format.js';

export interface XySeries {
  /** The line's name, in the caption (and in the legend of Mermaid releases that draw one). */
  name: string;
  /** One value per x; null (or a non-finite number) where nothing was measured. */
  values: readonly (number | null)[];
  /** This line's own x values, when the lines were measured at different x; else the chart's `x`. */
  x?: readonly number[];
}

export interface XyChartInput {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Shared x values: numbers (merged across lines and sorted) or labels (kept in this order). */
  x?: readonly number[] | readonly string[];
  series: readonly XySeries[];
  /** Bottom of the y axis; default 0 when no value is negative. Widened to include every value. */
  yMin?: number;
  /** Top of the y axis; default the highest value. Widened to include every value. */
  yMax?: number;
  /** At most this many points per line; longer lines are bucketed (default 60). */
  maxPoints?: number;
}

export interface XyChart {
  /** The whole ```mermaid fenced block, or null when no line could be drawn (see the caption). */
  block: string | null;
  /** Plain text for one line under the chart (escape it for markdown where it lands). */
  caption: string;
}

/**
 * Line colours, in plot order: the Okabe–Ito palette, which stays distinguishable with the common
 * colour-vision deficiencies and is visible on both GitHub's light and dark backgrounds.
 */
export const LINE_COLOURS = [
  { name: 'blue', hex: '#0072B2' },
  { name: 'orange', hex: '#E69F00' },
  { name: 'green', hex: '#009E73' },
  { name: 'vermillion', hex: '#D55E00' },
  { name: 'sky blue', hex: '#56B4E9' },
  { name: 'pink', hex: '#CC79A7' },
] as const;

export const DEFAULT_MAX_POINTS = 60;

/**
 * Significant digits of the plotted values. Four, one more than the tables (format.ts): a zoomed y
 * axis (RSS from 150 to 155 MB) would show a staircase of 1 MB steps at three.
 */
const VALUE_DIGITS = 4;

/**
 * When the x labels, laid side by side, would be wider than this many pixels they are hidden. The
 * chart is 700 px wide by default and the y axis takes some of it; a label is about 8 px a
 * character at the default 14 px font, plus a gap.
 */
const LABEL_ROOM_PX = 560;
const LABEL_PX_PER_CHAR = 8;
const LABEL_GAP_PX = 8;

/** How many left-out x values the caption lists by name before it only counts the rest. */
const LISTED_GAPS = 5;

type Key = number | string;

interface Aligned {
  numeric: boolean;
  keys: Key[];
  /** rows[s][i]: the value of series s at keys[i], null where it has none. */
  rows: (number | null)[][];
}

interface Bucket {
  key: Key;
  size: number;
  values: (number | null)[];
}

function fail(message: string): never {
  throw new Error(`xychart: ${message}`);
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function validate(input: XyChartInput): number {
  const { series } = input;
  if (series.length === 0) fail('no series to draw; expected at least one');
  if (series.length > LINE_COLOURS.length) {
    fail(
      `${series.length} series, but only ${LINE_COLOURS.length} line colours can be told apart; ` +
        'split them over several charts',
    );
  }
  const seen = new Set<string>();
  for (const s of series) {
    const name = flatten(s.name);
    if (name === '') fail(`a series has an empty name ${JSON.stringify(s.name)}; every line needs one`);
    if (seen.has(name)) fail(`two series are named "${name}"; the caption could not tell them apart`);
    seen.add(name);
  }
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    fail(`maxPoints is ${maxPoints}; expected a whole number of at least 2`);
  }
  for (const [key, value] of [['yMin', input.yMin], ['yMax', input.yMax]] as const) {
    if (value !== undefined && !Number.isFinite(value)) fail(`${key} is ${value}; expected a finite number`);
  }
  if (input.yMin !== undefined && input.yMax !== undefined && !(input.yMin < input.yMax)) {
    fail(`yMin ${input.yMin} is not below yMax ${input.yMax}`);
  }
  return maxPoints;
}

/** Every line on one list of x values: numbers merged and sorted, labels kept in their order. */
function align(input: XyChartInput): Aligned {
  const chartX = input.x;
  if (chartX !== undefined && chartX.some((v) => typeof v === 'string')) {
    if (chartX.some((v) => typeof v !== 'string')) fail('x mixes numbers and labels; expected one or the other');
    const labels = (chartX as readonly string[]).map(flatten);
    if (labels.some((l) => l === '')) fail('an x label is empty; expected text');
    // Equal labels would share one spot on the axis (see the header): flattened, they must differ.
    if (new Set(labels).size !== labels.length) fail('x has a label twice; expected distinct labels');
    const rows = input.series.map((s) => {
      if (s.x !== undefined) {
        fail(`series "${s.name}" has its own x, but the chart's x are labels; own x need a numeric chart x`);
      }
      if (s.values.length !== labels.length) {
        fail(`series "${s.name}" has ${s.values.length} values but the chart has ${labels.length} x values`);
      }
      return s.values.map(finiteOrNull);
    });
    return { numeric: false, keys: labels, rows };
  }

  const byX = input.series.map((s) => {
    const xs = s.x ?? (chartX as readonly number[] | undefined);
    if (xs === undefined) fail(`series "${s.name}" has no x values; give the chart's x or the series' own x`);
    if (s.values.length !== xs.length) {
      fail(`series "${s.name}" has ${s.values.length} values but ${xs.length} x values`);
    }
    const map = new Map<number, number | null>();
    xs.forEach((x, i) => {
      if (!Number.isFinite(x)) fail(`series "${s.name}" has x ${x} at position ${i}; expected a finite number`);
      if (map.has(x)) fail(`series "${s.name}" has x ${x} twice; expected one value per x`);
      map.set(x, finiteOrNull(s.values[i] ?? null));
    });
    return map;
  });
  const keys = [...new Set(byX.flatMap((map) => [...map.keys()]))].sort((a, b) => a - b);
  return { numeric: true, keys, rows: byX.map((map) => keys.map((k) => map.get(k) ?? null)) };
}

/**
 * At most `maxPoints` buckets of consecutive x values, each line's point the highest value in the
 * bucket, labelled by the bucket's first x. The highest, because every metric charted here (p99
 * latency, RSS, open file descriptors) is worse when higher, and a mean would flatten the one
 * spike the chart is there to show, while the maximum keeps every peak at its full height. A
 * min/max pair per bucket would keep the dips too, but a positional line through alternating
 * minima and maxima draws a zigzag that reads as noise. Buckets are the same for every line, so
 * the lines stay aligned; missing values are skipped within a bucket.
 */
function bucket(aligned: Aligned, maxPoints: number): { size: number; buckets: Bucket[] } {
  const n = aligned.keys.length;
  const size = Math.max(1, Math.ceil(n / maxPoints));
  const buckets: Bucket[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    const values = aligned.rows.map((row) => {
      let best: number | null = null;
      for (let i = start; i < end; i++) {
        const v = row[i] ?? null;
        if (v !== null && (best === null || v > best)) best = v;
      }
      return best;
    });
    buckets.push({ key: aligned.keys[start] as Key, size: end - start, values });
  }
  return { size, buckets };
}

/** A number the xychart lexer accepts: plain decimals, `digits` significant digits, never `-0`. */
export function chartNumber(value: number, digits = VALUE_DIGITS): string {
  let text = significant(value, digits, false);
  // significant() prints whole numbers from 1e21 on with String(), which switches to exponent form.
  if (text.includes('e')) text = BigInt(Math.round(value)).toString();
  return text === '-0' ? '0' : text;
}

const ENTITY: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '%': '#37;',
  '`': '#96;',
};

/** One line of text: line breaks, tabs and other control characters become single spaces. */
function flatten(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** A quoted xychart string that shows `text` as written (see the entity codes in the header). */
export function chartText(text: string): string {
  return `"${flatten(text).replace(/["#&<>%`]/g, (c) => ENTITY[c] ?? c)}"`;
}

/** Labels for numeric x: three significant digits, more where two x would otherwise read the same. */
function numberLabels(keys: readonly number[]): string[] {
  for (let digits = 3; digits < 17; digits++) {
    const labels = keys.map((k) => chartNumber(k, digits));
    if (new Set(labels).size === labels.length) return labels;
  }
  return keys.map((k) => chartNumber(k, 17));
}

/** True when numeric x are evenly spaced, to within 1% of a step (well under a pixel). */
function evenlySpaced(keys: readonly number[]): boolean {
  if (keys.length < 3) return true;
  const first = keys[0] as number;
  const step = ((keys[keys.length - 1] as number) - first) / (keys.length - 1);
  return keys.every((k, i) => Math.abs(k - (first + i * step)) <= 0.01 * step);
}

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function gapsSentence(gaps: { label: string; missing: string[] }[], size: number): string {
  if (gaps.length === 0) return '';
  const where = size > 1 ? 'the buckets from x =' : 'x =';
  const listed = gaps.slice(0, LISTED_GAPS).map((g) => `${g.label} (${listNames(g.missing)})`);
  const more = gaps.length > LISTED_GAPS ? ` and ${gaps.length - LISTED_GAPS} more` : '';
  return `Left out for lack of a value: ${where} ${listed.join(', ')}${more}.`;
}

/**
 * The chart, or no chart and the reason. Lines measured at different x are merged onto the sorted
 * union of their x; xychart has no gap in a line and no null, and any stand-in value (carrying the
 * last value forward, interpolating, zero) would draw a measurement that was never made, so an x
 * where some line has no value is left out of every line, and the caption lists it.
 */
export function renderXyChart(input: XyChartInput): XyChart {
  const maxPoints = validate(input);
  const names = input.series.map((s) => flatten(s.name));
  const aligned = align(input);
  const { size, buckets } = bucket(aligned, maxPoints);
  const drawn = buckets.filter((b) => b.values.every((v) => v !== null));
  const missed = buckets.filter((b) => !drawn.includes(b));
  const labelOf = (keys: Key[]): string[] => (aligned.numeric ? numberLabels(keys as number[]) : (keys as string[]));
  const missedLabels = labelOf(missed.map((b) => b.key));
  const gaps = missed.map((b, i) => ({
    label: missedLabels[i] as string,
    missing: names.filter((_, s) => b.values[s] === null),
  }));

  if (drawn.length < 2) {
    const what = input.series.length > 1 ? 'every line' : 'the line';
    const reason =
      aligned.keys.length === 0
        ? 'there are no x values'
        : drawn.length === 0
          ? `no x has a value for ${what}`
          : `only x = ${labelOf([(drawn[0] as Bucket).key])[0]} has a value for ${what}, and a line needs two points`;
    return { block: null, caption: `No chart: ${reason}. ${gapsSentence(gaps, size)}`.trim() };
  }

  const keys = drawn.map((b) => b.key);
  const labels = labelOf(keys);

  const values = input.series.map((_, s) => drawn.map((b) => chartNumber(b.values[s] as number)));
  const plotted = values.flat().map(Number);
  const low = Math.min(...plotted);
  const high = Math.max(...plotted);
  const yMin = Math.min(input.yMin !== undefined ? Number(chartNumber(input.yMin)) : low >= 0 ? 0 : low, low);
  let yMax = Math.max(input.yMax !== undefined ? Number(chartNumber(input.yMax)) : high, high);
  if (yMax === yMin) yMax = yMin + 1; // a flat line still needs an axis with some height

  const labelWidth = labels.reduce((sum, l) => sum + l.length * LABEL_PX_PER_CHAR + LABEL_GAP_PX, 0);
  const hideLabels = labelWidth > LABEL_ROOM_PX;
  const range = `${labels[0]} to ${labels[labels.length - 1]}`;
  const xLabel = flatten(input.xLabel);
  const xTitle = !hideLabels ? xLabel : xLabel === '' ? range : `${xLabel}: ${range}`;

  const colours = LINE_COLOURS.slice(0, input.series.length);
  const init: Record<string, unknown> = {
    ...(hideLabels ? { xyChart: { xAxis: { showLabel: false } } } : {}),
    themeVariables: { xyChart: { plotColorPalette: colours.map((c) => c.hex).join(', ') } },
  };
  const titled = (keyword: string, text: string, rest: string): string =>
    [keyword, flatten(text) === '' ? '' : chartText(text), rest].filter((part) => part !== '').join(' ');
  const lines = [
    `%%{init: ${JSON.stringify(init)}}%%`,
    'xychart-beta',
    ...(flatten(input.title) === '' ? [] : [`  title ${chartText(input.title)}`]),
    `  ${titled('x-axis', xTitle, `[${labels.map(chartText).join(', ')}]`)}`,
    `  ${titled('y-axis', input.yLabel, `${chartNumber(yMin)} --> ${chartNumber(yMax)}`)}`,
    ...input.series.map((s, i) => `  line ${chartText(s.name)} [${(values[i] as string[]).join(', ')}]`),
  ];

  const caption = [
    `${input.series.length > 1 ? 'Lines' : 'Line'}: ${names.map((n, i) => `${n} (${colours[i]?.name})`).join(', ')}.`,
    aligned.numeric && !evenlySpaced(keys as number[])
      ? 'Points are evenly spaced along the x axis, whatever the distance between their x values.'
      : '',
    size > 1
      ? `Each point is the highest of up to ${size} consecutive values, so no peak is lost ` +
        `(${aligned.keys.length} x values in ${drawn.length} points, each at its first x).`
      : '',
    gapsSentence(gaps, size),
  ]
    .filter((part) => part !== '')
    .join(' ');

  return { block: ['```mermaid', ...lines, '```'].join('\n'), caption };
}
