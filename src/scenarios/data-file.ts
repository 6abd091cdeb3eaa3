import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

/**
 * A `data` file: rows of values for `{{column}}` templates, CSV (a header line, then rows) or JSON
 * Lines (one object a line). Read once when the config is read, up to a rows limit, so a missing
 * file, a bad line or a missing column stops the run before any service starts.
 */
export interface DataTable {
  columns: string[];
  /** Each row's values in `columns` order. */
  rows: string[][];
}

export type DataResult = { ok: true; table: DataTable } | { ok: false; message: string };

export function readDataFile(path: string, shownAs: string, maxRows: number): DataResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: `${JSON.stringify(shownAs)} cannot be read (${code === 'ENOENT' ? `no such file: ${path}` : (code ?? (e as Error).message)}); paths are relative to the config file` };
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return parseCsv(text, maxRows);
  if (ext === '.jsonl' || ext === '.ndjson') return parseJsonLines(text, maxRows);
  return { ok: false, message: `${JSON.stringify(shownAs)} is neither CSV (.csv) nor JSON Lines (.jsonl, .ndjson)` };
}

/**
 * RFC 4180 CSV: comma-separated, fields in double quotes may hold commas, newlines and doubled
 * quotes (""). The first line names the columns.
 */
export function parseCsv(text: string, maxRows = Infinity): DataResult {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    field = '';
    // Blank lines are skipped, not read as a row of one empty value.
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      if (records.length > maxRows) break;
    } else field += ch;
  }
  if (quoted) return { ok: false, message: `line ${records.length + 1}: a quoted field is not closed` };
  if (field !== '' || record.length > 0) endRecord();
  const [header, ...rows] = records;
  if (!header) return { ok: false, message: 'the file is empty; expected a header line naming the columns, then rows' };
  const columns = header.map((c) => c.trim());
  const dup = columns.find((c, j) => columns.indexOf(c) !== j);
  if (dup !== undefined) return { ok: false, message: `column ${JSON.stringify(dup)} is named twice in the header line` };
  if (columns.some((c) => c === '')) return { ok: false, message: 'the header line has an empty column name' };
  const kept = rows.slice(0, maxRows);
  for (let r = 0; r < kept.length; r++) {
    if (kept[r]!.length !== columns.length) {
      return { ok: false, message: `row ${r + 1} has ${kept[r]!.length} values, but the header names ${columns.length} columns` };
    }
  }
  if (kept.length === 0) return { ok: false, message: 'the file has a header line but no rows' };
  return { ok: true, table: { columns, rows: kept } };
}

/** JSON Lines: one JSON object a line; scalar values become strings, the columns are every key seen. */
export function parseJsonLines(text: string, maxRows = Infinity): DataResult {
  const objects: Record<string, unknown>[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length && objects.length < maxRows; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      return { ok: false, message: `line ${n + 1} is not JSON (${(e as Error).message})` };
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, message: `line ${n + 1} is not a JSON object; write one {"column": value} object a line` };
    objects.push(v as Record<string, unknown>);
  }
  if (objects.length === 0) return { ok: false, message: 'the file has no rows; write one JSON object a line' };
  const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const rows = objects.map((o) => columns.map((c) => (o[c] === undefined || o[c] === null ? '' : typeof o[c] === 'object' ? JSON.stringify(o[c]) : String(o[c]))));
  return { ok: true, table: { columns, rows } };
}
