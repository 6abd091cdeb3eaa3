import { describe, expect, it } from 'vitest';
import { ResultsFileError } from '../../src/errors.js';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  summarizeLatency,
} from '../../src/load/index.js';

function histogramOf(valuesUs: number[]) {
  const h = createLatencyHistogram();
  for (const v of valuesUs) h.recordValue(v);
  return h;
}

describe('latency histogram', () => {
  it('keeps microsecond resolution (0.1%) where whole milliseconds would not', () => {
    const h = histogramOf([20_150, 20_150, 20_150, 20_900]);
    const s = summarizeLatency(h);
    expect(s.p50).toBeCloseTo(20.15, 1);
    expect(Math.abs(s.p50 - 20.15) / 20.15).toBeLessThan(0.001);
    expect(Math.abs(s.max - 20.9) / 20.9).toBeLessThan(0.001);
    expect(s.mean).toBeCloseTo((3 * 20.15 + 20.9) / 4, 1);
  });

  it('round-trips through compressed base64 with the same percentiles and count', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 100 + ((i * 7919) % 250_000));
    const h = histogramOf(values);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(5000);
    for (const p of [50, 90, 95, 99, 99.9]) expect(back.getValueAtPercentile(p)).toBe(h.getValueAtPercentile(p));
    expect(summarizeLatency(back)).toEqual(summarizeLatency(h));
  });

  it('reports max from the buckets, so it is never below p99', () => {
    const s = summarizeLatency(histogramOf([100, 1_600_976]));
    expect(s.max).toBe(s.p99);
    expect(Math.abs(s.max - 1600.976) / 1600.976).toBeLessThan(0.001);
  });

  it("computes the mean hdr-histogram-js's own way, to the last bit", () => {
    // Spread over many buckets, with repeats, up to the top of the range.
    const values = Array.from({ length: 20_000 }, (_, i) => 1 + ((i * 104_729) % 3_000_000) * ((i % 7) + 1));
    for (const h of [histogramOf(values), histogramOf([5]), mergeHistograms([encodeHistogram(histogramOf(values))])]) {
      expect(summarizeLatency(h).mean).toBe(h.mean / 1000);
    }
  });

  it('summarises an empty histogram as zeros', () => {
    expect(summarizeLatency(createLatencyHistogram())).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it('merges trials into one histogram holding every value', () => {
    const fast = encodeHistogram(histogramOf(Array(90).fill(1_000)));
    const slow = encodeHistogram(histogramOf(Array(10).fill(50_000)));
    const merged = mergeHistograms([fast, slow]);
    expect(merged.totalCount).toBe(100);
    expect(summarizeLatency(merged).p50).toBeCloseTo(1, 2);
    expect(summarizeLatency(merged).p95).toBeCloseTo(50, 1);
    expect(mergeHistograms([]).totalCount).toBe(0);
  });

  it('refuses a string that is not an encoded histogram, naming it', () => {
    expect(() => decodeHistogram('not-a-histogram')).toThrow(ResultsFileError);
    expect(() => decodeHistogram('not-a-histogram')).toThrow(/^latency histogram "not-a-histogram" cannot be decoded \(.+\); expected an HdrHistogram in compressed base64 as perfgate writes it$/);
  });
});
