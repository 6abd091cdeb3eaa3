import { formatJsonPath, parseJsonPath, valueAt, type PathStep } from './json-path.js';

/**
 * A journey step's `capture`: a value taken from its response for later steps' `{{name}}`
 * templates, from a JSON path into the body ("$.token") or from a header ("header:Location").
 */
export type Capture =
  | { name: string; from: 'body'; steps: PathStep[] }
  | { name: string; from: 'header'; header: string };

export function parseCapture(name: string, spec: unknown): { ok: true; capture: Capture } | { ok: false; message: string } {
  if (typeof spec !== 'string' || spec.trim() === '') {
    return { ok: false, message: `${JSON.stringify(spec) ?? String(spec)} is not a capture; write a JSON path into the body ("$.token") or a header ("header:Location")` };
  }
  const header = spec.match(/^\s*header\s*:\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*$/i);
  if (header) return { ok: true, capture: { name, from: 'header', header: header[1]!.toLowerCase() } };
  const path = parseJsonPath(spec.trim());
  if (!path.ok) return { ok: false, message: `${path.message}; or "header:<name>" for a header` };
  return { ok: true, capture: { name, from: 'body', steps: path.steps } };
}

export function describeCapture(c: Capture): string {
  return c.from === 'header' ? `header ${c.header}` : formatJsonPath(c.steps);
}

/**
 * Sets every capture's value into `into`; returns what was missing (for the step's error), or null
 * when all were found. The body is parsed once, and only when some capture reads it.
 */
export function applyCaptures(
  captures: readonly Capture[],
  body: string,
  headers: Readonly<Record<string, unknown>>,
  into: Record<string, string | undefined>,
): string | null {
  let parsed: { ok: true; value: unknown } | { ok: false } | undefined;
  for (const c of captures) {
    if (c.from === 'header') {
      const v = headerValue(headers, c.header);
      if (v === undefined) return `capture "${c.name}": no ${c.header} header in the response`;
      into[c.name] = v;
      continue;
    }
    if (parsed === undefined) {
      try {
        parsed = { ok: true, value: JSON.parse(body) as unknown };
      } catch {
        parsed = { ok: false };
      }
    }
    const where = formatJsonPath(c.steps);
    if (!parsed.ok) return `capture "${c.name}": the response body is not JSON, so ${where} is not in it`;
    const v = valueAt(parsed.value, c.steps);
    if (v === undefined || v === null) return `capture "${c.name}": no ${where} in the response body`;
    if (typeof v === 'object') return `capture "${c.name}": ${where} in the response body is ${Array.isArray(v) ? 'a list' : 'an object'}, not a single value`;
    into[c.name] = String(v);
  }
  return null;
}

function headerValue(headers: Readonly<Record<string, unknown>>, lowerName: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== lowerName) continue;
    if (Array.isArray(v)) return v.length > 0 ? String(v[0]) : undefined;
    return v === undefined ? undefined : String(v);
  }
  return undefined;
}
