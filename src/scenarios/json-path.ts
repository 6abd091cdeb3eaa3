/**
 * The small subset of JSONPath a capture needs: `$`, `.name`, `['name']` and `[index]`, e.g.
 * `$.user.token`, `$.items[0].id`, `$['x-id']`. Filters and wildcards pick more than one value,
 * which a capture cannot use, so they are refused when the config is read.
 */

export type PathStep = string | number;

/** The steps of `path`, or a message saying what is wrong with it. */
export function parseJsonPath(path: string): { ok: true; steps: PathStep[] } | { ok: false; message: string } {
  if (!path.startsWith('$')) return { ok: false, message: `${JSON.stringify(path)} is not a JSON path; start it with "$", e.g. "$.token" or "$.items[0].id"` };
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^\.([A-Za-z_$][A-Za-z0-9_$-]*)/))) steps.push(m[1]!);
    else if ((m = rest.match(/^\[(\d+)\]/))) steps.push(Number(m[1]));
    else if ((m = rest.match(/^\[\s*'([^']*)'\s*\]/) ?? rest.match(/^\[\s*"([^"]*)"\s*\]/))) steps.push(m[1]!);
    else {
      return {
        ok: false,
        message: `${JSON.stringify(path)} is not a JSON path perfgate reads at ${JSON.stringify(rest)}; use ".name", "['name']" or "[0]" steps, e.g. "$.items[0].id"`,
      };
    }
    i += m[0].length;
  }
  return { ok: true, steps };
}

/** The value at `steps`, or undefined when some step is not there. */
export function valueAt(document: unknown, steps: readonly PathStep[]): unknown {
  let at: unknown = document;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(at) || step >= at.length) return undefined;
      at = at[step];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}

/** The steps as a path again, for messages. */
export function formatJsonPath(steps: readonly PathStep[]): string {
  return '$' + steps.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s) ? `.${s}` : `['${s}']`)).join('');
}
