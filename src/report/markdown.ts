/**
 * The few GitHub-flavoured markdown constructs the report uses, built so that user-supplied text
 * (scenario names, commands, notes) can never break a table or leak markup.
 */

/** Inline code that survives any content: the fence is longer than any backtick run inside. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // A space on both sides keeps a leading or trailing backtick apart from the fence; the
  // CommonMark rule strips exactly one such space from each side again.
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A table cell: a `|` would end the cell even inside inline code, so it is escaped (GFM turns
 * `\|` back into `|` inside code spans too); a line break would end the table.
 */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export type Align = 'left' | 'right' | 'center';

export interface Column {
  title: string;
  align?: Align;
}

const DELIMITER: Record<Align, string> = { left: ':--', right: '--:', center: ':-:' };

/** A GFM table; every row must have one cell per column. */
export function table(columns: Column[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new Error(`table row has ${row.length} cells, expected ${columns.length}: ${row.join(' | ')}`);
    }
  }
  return [
    line(columns.map((c) => c.title)),
    `|${columns.map((c) => DELIMITER[c.align ?? 'left']).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/**
 * A collapsed section. The blank line after `<summary>` and before `</details>` is what makes
 * GitHub parse the body as markdown instead of raw HTML.
 */
export function details(summary: string, body: string): string {
  return `<details>\n<summary>${escapeHtml(summary)}</summary>\n\n${body.trim()}\n\n</details>`;
}

/** Plain text that must not turn into markup (emphasis, code, links, HTML) wherever it lands. */
export function text(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>#~&!]/g, (c) => `\\${c}`);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A fenced code block whose fence cannot be closed by the content. */
export function codeBlock(text: string, language = ''): string {
  const longestRun = Math.max(2, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}
