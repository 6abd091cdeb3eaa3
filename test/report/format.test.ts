import { describe, expect, it } from 'vitest';
import { formatters } from '../../src/report/index.js';

const f = formatters;

describe('formatters', () => {
  it('shows latency in ms with three significant digits, µs below 10 µs and s from 1 s', () => {
    expect(f.ms(1.234)).toBe('1.23 ms');
    expect(f.ms(215.4)).toBe('215 ms');
    expect(f.ms(12.0)).toBe('12 ms');
    expect(f.ms(0.456)).toBe('0.456 ms');
    expect(f.ms(0.0042)).toBe('4.2 µs');
    expect(f.ms(999.4)).toBe('999 ms');
    expect(f.ms(999.7)).toBe('1 s');
    expect(f.ms(1534)).toBe('1.53 s');
    expect(f.ms(0)).toBe('0 ms');
    expect(f.ms(null)).toBe('—');
  });

  it('shows rates, CPU per request, bytes and shares in their units', () => {
    expect(f.rate(12_345.6)).toBe('12,346 req/s');
    expect(f.rate(45.67)).toBe('45.7 req/s');
    expect(f.cpu(0.05234)).toBe('0.0523 ms/req');
    expect(f.bytes(52_400_000)).toBe('52.4 MB');
    expect(f.bytes(512_000)).toBe('512 kB');
    expect(f.bytes(16_772_210_688)).toBe('16.8 GB');
    expect(f.share(0)).toBe('0%');
    expect(f.share(0.0012)).toBe('0.12%');
    expect(f.share(0.015)).toBe('1.5%');
    expect(f.share(0.00000001)).toBe('<0.01%');
    expect(f.value(1.5, 'ms')).toBe('1.5 ms');
    expect(f.value(3, 'widgets')).toBe('3 widgets');
    expect(f.count(1_960)).toBe('1,960');
  });

  it('signs relative changes and never prints -0.0%', () => {
    expect(f.percent(0.042)).toBe('+4.2%');
    expect(f.percent(-0.123)).toBe('-12.3%');
    expect(f.percent(0.16)).toBe('+16.0%');
    expect(f.percent(-0.0004)).toBe('0.0%');
    expect(f.percent(1.5)).toBe('+150%');
    expect(f.percent(12.345)).toBe('+1,235%');
    expect(f.interval(0.081, 0.16)).toBe('+8.1% to +16.0%');
    expect(f.threshold(0.05)).toBe('±5%');
    expect(f.threshold(0.125)).toBe('±12.5%');
  });

  it('prints p-values in plain decimals with two significant digits, and <0.0001 below', () => {
    expect(f.pValue(0.15)).toBe('0.15');
    expect(f.pValue(0.0342)).toBe('0.034');
    expect(f.pValue(0.0004)).toBe('0.0004');
    expect(f.pValue(0.00012)).toBe('0.00012');
    expect(f.pValue(3e-6)).toBe('<0.0001');
    expect(f.pValue(1)).toBe('1');
    expect(f.pPhrase(0.0004)).toBe('p = 0.0004');
    expect(f.pPhrase(3e-6)).toBe('p < 0.0001');
  });

  it('describes durations and ages', () => {
    expect(f.duration(850)).toBe('850 ms');
    expect(f.duration(42_000)).toBe('42 s');
    expect(f.duration(150_000)).toBe('2 min 30 s');
    expect(f.duration(3_900_000)).toBe('1 h 5 min');
    expect(f.age(30_000)).toBe('less than a minute');
    expect(f.age(5 * 3_600_000)).toBe('5 hours');
    expect(f.age(3 * 86_400_000 + 3 * 3_600_000)).toBe('3 days');
  });
});

describe('error-rate changes are differences of rates', () => {
  it('shows them in percentage points', () => {
    expect(formatters.percent(0.012, 'absolute')).toBe('+1.2 pp');
    expect(formatters.interval(-0.004, 0.021, 'absolute')).toBe('-0.4 pp to +2.1 pp');
    expect(formatters.percent(0.012)).toBe('+1.2%');
  });
});
