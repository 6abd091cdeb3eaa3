import { isLoopbackHost } from '../load/loopback.js';

/**
 * Parsers for the value kinds a config field can hold. Each accepts what YAML gives (numbers,
 * booleans) and what an action input gives (always a string), and on failure returns a message
 * that names the bad value and says what to write instead. The field name is added by the caller.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

/** How a value is quoted in messages: strings in double quotes, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A percentage: 5, "5", "5%", "0.5 %". Returned as a fraction (5% -> 0.05). */
export function percent(value: unknown, opts: { max?: number } = {}): Parsed<number> {
  const expected = 'write 5 or "5%"';
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*[+]?\d+(\.\d+)?\s*%?\s*$/.test(value)) n = parseFloat(value.replace('%', ''));
  else return bad(`${show(value)} is not a percentage; ${expected}`);
  if (!Number.isFinite(n) || n < 0) return bad(`${show(value)} is not a percentage; ${expected}`);
  if (opts.max !== undefined && n > opts.max) return bad(`${show(value)} is more than ${opts.max}%`);
  return ok(n / 100);
}

/** A probability written as a plain fraction, e.g. alpha 0.01. */
export function fraction(value: unknown, lo: number, hi: number): Parsed<number> {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= lo || n >= hi) {
    return bad(`${show(value)} is not a number between ${lo} and ${hi} (exclusive); write e.g. 0.01`);
  }
  return ok(n);
}

/** A whole number within bounds. */
export function integer(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) return bad(`${show(value)} is not a whole number; write e.g. ${Math.max(min, 1) * 10}`);
  if (n < min || n > max) {
    return bad(`${show(value)} is out of range; expected ${max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min} to ${max}`}`);
  }
  return ok(n);
}

/** A positive number (rates may be fractional). */
export function positiveNumber(value: unknown, unit: string): Parsed<number> {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return bad(`${show(value)} is not a positive number of ${unit}; write e.g. 100`);
  return ok(n);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * A duration, returned in milliseconds. A bare number is in `bareUnit` (seconds for run lengths,
 * milliseconds for latency budgets), because that is how people write each of them.
 */
export function duration(value: unknown, bareUnit: 's' | 'ms'): Parsed<number> {
  const example = bareUnit === 's' ? 'write 5, "5s" or "500ms"' : 'write 200, "200ms" or "0.5s"';
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return bad(`${show(value)} is not a duration; ${example}`);
    return ok(value * DURATION_UNITS[bareUnit]!);
  }
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/.exec(value);
    if (m) return ok(parseFloat(m[1]!) * DURATION_UNITS[m[2] ?? bareUnit]!);
  }
  return bad(`${show(value)} is not a duration; ${example}`);
}

const BYTE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

/** A size in bytes: a bare number is megabytes ("512" = 512 MB), or "512MB", "1.5GiB". */
export function bytes(value: unknown): Parsed<number> {
  const example = 'write 512, "512MB" or "1GiB"';
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return ok(value * 1e6);
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(value);
    if (m) return ok(parseFloat(m[1]!) * BYTE_UNITS[(m[2] ?? 'mb').toLowerCase()]!);
  }
  return bad(`${show(value)} is not a size; ${example}`);
}

export function boolean(value: unknown): Parsed<boolean> {
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === 'yes') return ok(true);
    if (v === 'false' || v === 'no') return ok(false);
  }
  return bad(`${show(value)} is not true or false`);
}

export function oneOf<T extends string>(value: unknown, choices: readonly T[], suggest?: (w: string) => string | undefined): Parsed<T> {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value.trim())) return ok(value.trim() as T);
  const hint = typeof value === 'string' ? suggest?.(value) : undefined;
  return bad(`${show(value)} is not one of ${choices.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`);
}

export function nonEmptyString(value: unknown, what: string): Parsed<string> {
  if (typeof value === 'number') return ok(String(value));
  if (typeof value === 'string' && value.trim() !== '') return ok(value.trim());
  return bad(`${show(value)} is not ${what}`);
}

/**
 * A string map, from YAML (a mapping) or from an action input ("KEY=value" per line or comma).
 * Values stay strings; the caller parses them per key.
 */
export function stringMap(value: unknown, opts: { separator: RegExp; what: string }): Parsed<Record<string, unknown>> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return ok(value as Record<string, unknown>);
  if (typeof value === 'string') {
    const out: Record<string, unknown> = {};
    for (const part of value.split(opts.separator)) {
      const item = part.trim();
      if (item === '') continue;
      const eq = item.search(/[=:]/);
      if (eq <= 0) return bad(`${show(item)} is not a KEY=VALUE pair; write ${opts.what}`);
      out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
    }
    return ok(out);
  }
  return bad(`${show(value)} is not a mapping; write ${opts.what}`);
}

/** A comma- or space-separated list, or a YAML sequence. */
export function list(value: unknown): Parsed<string[]> {
  if (Array.isArray(value)) return ok(value.map((v) => String(v).trim()).filter(Boolean));
  if (typeof value === 'string') return ok(value.split(/[\s,]+/).filter(Boolean));
  return bad(`${show(value)} is not a list; write e.g. "p50, p99, cpu"`);
}

/** A loopback HTTP URL: perfgate only ever sends load to this machine. */
export function loopbackUrl(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return bad(`${show(value)} is not a URL; write e.g. "http://127.0.0.1:3000/api/items"`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return bad(`${show(value)} is not a URL; write e.g. "http://127.0.0.1:3000/api/items"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad(`${show(value)} is not an http(s) URL`);
  if (!isLoopbackHost(url.hostname)) {
    return bad(`${show(value)} is not on this machine; perfgate only sends load to loopback (127.0.0.1, localhost or [::1])`);
  }
  return ok(url.toString());
}
