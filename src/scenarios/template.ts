/**
 * `{{name}}` templates in a request's path, headers and body. A template is split once, when the
 * config is read, into literal text and names; rendering then only joins strings, which matters
 * because it runs for every request on the core the load generator shares with the service.
 */

export interface Template {
  /** Literal pieces; the names go between them: parts[0] name[0] parts[1] ... parts[n]. */
  parts: string[];
  names: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export function parseTemplate(text: string): Template {
  const parts: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    names.push(m[1]!);
    last = m.index! + m[0].length;
  }
  parts.push(text.slice(last));
  return { parts, names };
}

/** A malformed placeholder ("{{ }}", "{{a b}}", an unclosed "{{"), or null when the text has none. */
export function malformedPlaceholder(text: string): string | null {
  const rest = text.replace(PLACEHOLDER, '');
  const at = rest.indexOf('{{');
  if (at === -1) return null;
  const end = rest.indexOf('}}', at);
  return end === -1 ? rest.slice(at, at + 20) : rest.slice(at, end + 2);
}

/**
 * The text with every name replaced by its value; null when a value is missing (a capture that
 * failed earlier in the journey), so the caller can tell it apart from an empty value.
 */
export function renderTemplate(t: Template, values: Readonly<Record<string, string | undefined>>, encode?: (v: string) => string): string | null {
  if (t.names.length === 0) return t.parts[0]!;
  let out = t.parts[0]!;
  for (let i = 0; i < t.names.length; i++) {
    const v = values[t.names[i]!];
    if (v === undefined) return null;
    out += (encode ? encode(v) : v) + t.parts[i + 1]!;
  }
  return out;
}
