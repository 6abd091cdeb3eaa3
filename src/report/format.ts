/**
 * Numbers in human units. Every renderer (comment, job summary, terminal) goes through these, so a
 * value reads the same everywhere. Precision is three significant digits: the trial-to-trial noise
 * of a CI runner is a few percent, so a fourth digit would only show noise.
 */

const MISSING = '—';

/** Digit groups with a comma, independent of the machine's locale so output is reproducible. */
function group(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `value` with `digits` significant digits, trailing zeros after the point dropped, never in
 * exponent form; integers of more than `digits` digits are rounded to whole numbers and grouped.
 */
export function significant(value: number, digits = 3, grouped = true): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs >= 10 ** digits - 0.5) {
    const whole = String(Math.round(abs));
    return sign + (grouped ? group(whole) : whole);
  }
  let text = abs.toPrecision(digits);
  if (text.includes('e')) text = abs.toFixed(Math.min(20, digits - 1 - Math.floor(Math.log10(abs))));
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return sign + text;
}

/** A whole count with digit groups: "1,960". */
export function count(n: number): string {
  return (n < 0 ? '-' : '') + group(String(Math.round(Math.abs(n))));
}

/** Latency in milliseconds: "1.23 ms", "215 ms", "1.5 s", "8.2 µs". */
export function ms(value: number | null): string {
  if (value === null) return MISSING;
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 0.01) return `${significant(value * 1000)} µs`;
  if (abs >= 999.5) return `${significant(value / 1000)} s`;
  return `${significant(value)} ms`;
}

/** Requests per second: "12,346 req/s", "45.6 req/s". */
export function rate(value: number | null): string {
  if (value === null) return MISSING;
  return `${significant(value)} req/s`;
}

/** Bytes in decimal units (1 MB = 1,000,000 bytes): "52.4 MB", "512 kB", "1.23 GB". */
export function bytes(value: number | null): string {
  if (value === null) return MISSING;
  const abs = Math.abs(value);
  if (abs >= 999.5e6) return `${significant(value / 1e9)} GB`;
  if (abs >= 999.5e3 || abs === 0) return `${significant(value / 1e6)} MB`;
  if (abs >= 999.5) return `${significant(value / 1e3)} kB`;
  return `${significant(value)} B`;
}

/** CPU time of the service per request: "0.052 ms/req". */
export function cpu(value: number | null): string {
  if (value === null) return MISSING;
  return `${significant(value)} ms/req`;
}

/** A ratio 0..1 shown as a share, e.g. an error rate: "0%", "0.12%", "1.5%", "<0.01%". */
export function share(value: number | null): string {
  if (value === null) return MISSING;
  if (value === 0) return '0%';
  const pct = value * 100;
  if (Math.abs(pct) < 0.01) return '<0.01%';
  return `${significant(pct, 2)}%`;
}

/**
 * A relative change (0.042 = +4.2%) with its sign, one decimal ("+4.2%", "-12.0%"), whole numbers
 * from 100% on ("+150%"). A change that rounds to zero reads "0.0%", never "-0.0%".
 */
export function percent(value: number | null, kind: 'relative' | 'absolute' = 'relative'): string {
  if (value === null) return MISSING;
  // An error rate changes by a difference of rates: percentage points, not a percentage of itself.
  if (kind === 'absolute') return percent(value).replace(/%$/, ' pp');
  const pct = value * 100;
  const decimals = Math.abs(pct) >= 99.95 ? 0 : 1;
  const text = Math.abs(pct).toFixed(decimals);
  if (Number(text) === 0) return `${(0).toFixed(decimals)}%`;
  const [whole = '', fraction] = text.split('.');
  return `${pct < 0 ? '-' : '+'}${group(whole)}${fraction === undefined ? '' : `.${fraction}`}%`;
}

/** A threshold (always positive, both directions): "±5%", "±12.5%". */
export function threshold(value: number): string {
  return `±${significant(value * 100)}%`;
}

/** The 95% interval of a change: "+8.1% to +16.0%". */
export function interval(low: number | null, high: number | null, kind: 'relative' | 'absolute' = 'relative'): string {
  if (low === null || high === null) return MISSING;
  return `${percent(low, kind)} to ${percent(high, kind)}`;
}

/**
 * A p-value with two significant digits in plain decimals ("0.15", "0.034", "0.0004"), and
 * "<0.0001" below that: smaller p-values are all "decisive" and their digits mean nothing.
 */
export function pValue(value: number | null): string {
  if (value === null) return MISSING;
  if (value < 0.0001) return '<0.0001';
  return significant(Math.min(1, value), 2);
}

/** "p = 0.0004" or "p < 0.0001": the p-value as a phrase inside a sentence. */
export function pPhrase(value: number): string {
  const text = pValue(value);
  return text.startsWith('<') ? `p < ${text.slice(1)}` : `p = ${text}`;
}

/** A duration in milliseconds: "850 ms", "42 s", "2 min 30 s", "1 h 5 min". */
export function duration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** How long ago, in the largest whole unit: "just now", "5 minutes", "3 hours", "2 days". */
export function age(milliseconds: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

/** A value of an Analysis unit ('ms', 'req/s', 'ratio', 'ms/req', 'bytes'). */
export function value(v: number | null, unit: string): string {
  switch (unit) {
    case 'ms':
      return ms(v);
    case 'req/s':
      return rate(v);
    case 'bytes':
      return bytes(v);
    case 'ms/req':
      return cpu(v);
    case 'ratio':
      return share(v);
    default:
      return v === null ? MISSING : `${significant(v)} ${unit}`.trim();
  }
}

/**
 * A bare number in one fixed unit for a comma-separated list of trial values of one metric (so the
 * list reads without a unit on every item, and without digit-group commas that would blur the
 * list), and the name of that unit.
 */
export function plain(unit: string): { unit: string; format: (v: number) => string } {
  switch (unit) {
    case 'bytes':
      return { unit: 'MB', format: (v) => significant(v / 1e6, 3, false) };
    case 'ratio':
      return { unit: '%', format: (v) => significant(v * 100, 2, false) };
    default:
      return { unit, format: (v) => significant(v, 3, false) };
  }
}

export const formatters = {
  significant,
  count,
  ms,
  rate,
  bytes,
  cpu,
  share,
  percent,
  threshold,
  interval,
  pValue,
  pPhrase,
  duration,
  age,
  value,
  plain,
} as const;
