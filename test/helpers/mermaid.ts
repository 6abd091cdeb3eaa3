import { JSDOM } from 'jsdom';
import type { Mermaid } from 'mermaid';

/**
 * Mermaid's own parser, in Node, for the charts the report emits: GitHub draws a ```mermaid block
 * with the same parser and shows an error box when it fails. Mermaid needs a DOM (DOMPurify sanitises
 * every text), so jsdom stands in for the browser; rendering itself needs SVG layout jsdom lacks, so
 * the tests check what the parser produces: the diagram's type, the init directive it accepted, and
 * the chart data (title, axes, categories, every line's points) with the entity codes decoded the
 * way mermaid decodes them into the finished SVG.
 */

let loaded: Promise<{ mermaid: Mermaid; window: JSDOM['window'] }> | null = null;

function load(): Promise<{ mermaid: Mermaid; window: JSDOM['window'] }> {
  loaded ??= (async () => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    const g = globalThis as Record<string, unknown>;
    g.window ??= dom.window;
    g.document ??= dom.window.document;
    const { default: mermaid } = await import('mermaid');
    return { mermaid, window: dom.window };
  })();
  return loaded;
}

export interface ParsedChart {
  /** The config of the `%%{init: ...}%%` directive, as mermaid kept it. */
  config: Record<string, unknown>;
  title: string;
  xTitle: string;
  yTitle: string;
  yMin: number;
  yMax: number;
  categories: string[];
  lines: { title: string; values: number[] }[];
}

interface XyData {
  xAxis: { type: string; title: string; categories?: string[] };
  yAxis: { type: string; title: string; min: number; max: number };
  plots: { type: string; title: string; data: [string, number | null][] }[];
}

/**
 * What a text shows once drawn: mermaid's placeholders (from `#quot;`, `#35;`) become `&quot;`,
 * `&#35;` in the SVG (mermaidAPI decodeEntities), and the browser shows those as `"` and `#`.
 */
function shown(text: string, window: JSDOM['window']): string {
  const html = text.replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';');
  const area = window.document.createElement('textarea');
  area.innerHTML = html;
  return area.value;
}

/** Every ```mermaid block of a markdown text, without its fences. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1] as string);
}

/**
 * Parses one chart (with or without its fences) and returns what mermaid read. Throws with the
 * parser's message on bad markup, and on a chart that parses but draws wrong: a line whose points
 * do not match the categories one to one (mermaid pads with nothing and draws a broken path), or
 * fewer than two points.
 */
export async function parseChart(block: string): Promise<ParsedChart> {
  const { mermaid, window } = await load();
  const source = block.replace(/^```mermaid\n/, '').replace(/\n```$/, '');
  const result = await mermaid.parse(source);
  if (result.diagramType !== 'xychart') {
    throw new Error(`not an xychart: ${JSON.stringify(result)}`);
  }
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
  const db = diagram.db as unknown as { getXYChartData(): XyData; getDiagramTitle(): string };
  const data = db.getXYChartData();
  const categories = (data.xAxis.categories ?? []).map((c) => shown(c, window));
  if (data.xAxis.type !== 'band') throw new Error(`x axis is ${data.xAxis.type}; perfgate draws category axes only`);
  if (categories.length < 2) throw new Error(`${categories.length} categories; a line needs two points`);
  const lines = data.plots.map((p) => {
    if (p.type !== 'line') throw new Error(`a ${p.type} plot; perfgate draws lines only`);
    const values = p.data.map(([, v]) => v);
    if (p.data.length !== categories.length || values.some((v) => v === null || v === undefined)) {
      throw new Error(`line "${p.title}" has ${values.filter((v) => v !== null && v !== undefined).length} values for ${categories.length} categories`);
    }
    return { title: shown(p.title, window), values: values as number[] };
  });
  if (lines.length === 0) throw new Error('no line');
  return {
    config: result.config as Record<string, unknown>,
    title: shown(db.getDiagramTitle(), window),
    xTitle: shown(data.xAxis.title, window),
    yTitle: shown(data.yAxis.title, window),
    yMin: data.yAxis.min,
    yMax: data.yAxis.max,
    categories,
    lines,
  };
}
