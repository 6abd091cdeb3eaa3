import * as f from '../config/fields.js';
import { didYouMean } from '../config/suggest.js';

/**
 * Helpers for a test kind's parseSettings: read a field with a config/fields.ts parser, push
 * "<at>.<field>: <message>" on failure, and report unknown fields with a did-you-mean hint.
 */
export class FieldReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly at: string,
    private readonly problems: string[],
  ) {}

  /** The parsed value, the fallback when the field is absent, or the fallback after pushing a problem. */
  get<T>(name: string, parse: (v: unknown) => f.Parsed<T>, fallback: T): T {
    if (!(name in this.raw) || this.raw[name] === undefined || this.raw[name] === null) return fallback;
    const r = parse(this.raw[name]);
    if (r.ok) return r.value;
    this.problems.push(`${this.at}.${name}: ${r.message}`);
    return fallback;
  }

  /** A map of known keys (budgets), each value parsed by its own rule. */
  map<K extends string>(name: string, keys: readonly K[], parse: (key: K, v: unknown) => f.Parsed<number>): Partial<Record<K, number>> {
    const value = this.raw[name];
    if (value === undefined || value === null) return {};
    const m = f.stringMap(value, { separator: /[\n,]/, what: `e.g. ${keys[0]}=...` });
    if (!m.ok) {
      this.problems.push(`${this.at}.${name}: ${m.message}`);
      return {};
    }
    const out: Partial<Record<K, number>> = {};
    for (const [k, v] of Object.entries(m.value)) {
      if (!(keys as readonly string[]).includes(k)) {
        const hint = didYouMean(k, keys);
        this.problems.push(`${this.at}.${name}: unknown key ${f.show(k)}; expected one of ${keys.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`);
        continue;
      }
      const r = parse(k as K, v);
      if (r.ok) out[k as K] = r.value;
      else this.problems.push(`${this.at}.${name}.${k}: ${r.message}`);
    }
    return out;
  }

  /** Pushes a problem for every field that is neither common nor the kind's. */
  unknownFields(known: readonly string[]): void {
    for (const key of Object.keys(this.raw)) {
      if (known.includes(key)) continue;
      const hint = didYouMean(key, known);
      this.problems.push(`${this.at}: unknown field ${f.show(key)}${hint ? `; did you mean "${hint}"?` : ''}`);
    }
  }

  problem(field: string, message: string): void {
    this.problems.push(`${this.at}.${field}: ${message}`);
  }
}

/** Fields every test entry has, whatever its kind. */
export const COMMON_TEST_FIELDS = ['name', 'kind', 'scenarios'] as const;
