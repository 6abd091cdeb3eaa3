import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { ResultsFileError } from '../errors.js';
import type { LatencySummary } from '../results/schema.js';

/**
 * Latency histograms hold microseconds from 1 µs to 60 s at 3 significant digits (0.1% resolution),
 * about 70 KB each whatever the number of requests, so memory stays flat as a run grows.
 *
 * The pure-JS implementation, not WebAssembly: WASM records faster (about 18 ns against 95 ns a
 * value, measured on the 2-core machine), but at 30,000 responses a second that difference is
 * 0.2% of one core, below the noise of any trial; WASM histograms live in a linear memory that
 * never shrinks and must each be destroy()ed, and the two kinds cannot be add()ed to each other.
 */
export const LATENCY_RANGE_US = { lowest: 1, highest: 60_000_000, significantDigits: 3 } as const;

export function createLatencyHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LATENCY_RANGE_US.lowest,
    highestTrackableValue: LATENCY_RANGE_US.highest,
    numberOfSignificantValueDigits: LATENCY_RANGE_US.significantDigits,
    bitBucketSize: 32,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Milliseconds (float) to the histogram's microseconds, clamped into its range. */
export function toRecordableMicros(ms: number): number {
  const us = Math.round(ms * 1000);
  if (us < LATENCY_RANGE_US.lowest) return LATENCY_RANGE_US.lowest;
  if (us > LATENCY_RANGE_US.highest) return LATENCY_RANGE_US.highest;
  return us;
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  try {
    return hdr.decodeFromCompressedBase64(encoded, 32, false);
  } catch (err) {
    const shown = encoded.length > 40 ? `${encoded.slice(0, 40)}...` : encoded;
    throw new ResultsFileError(
      `latency histogram "${shown}" cannot be decoded (${(err as Error).message}); ` +
        'expected an HdrHistogram in compressed base64 as perfgate writes it',
    );
  }
}

/** One histogram holding every value of the given encoded histograms (e.g. all trials of a variant). */
export function mergeHistograms(encoded: readonly string[]): Histogram {
  const merged = createLatencyHistogram();
  // A histogram written by another perfgate version may have a wider range; grow rather than fail.
  merged.autoResize = true;
  for (const one of encoded) merged.add(decodeHistogram(one));
  return merged;
}

/**
 * Percentiles, max and mean in milliseconds; all zero for an empty histogram. Every figure comes
 * from the buckets (max as the 100th percentile, the top of its bucket, not the exact value seen),
 * so a summary recomputed from the encoded histogram is identical and max is never below p99.
 */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const ms = (us: number) => us / 1000;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.getValueAtPercentile(100)),
    mean: ms(meanMicros(histogram)),
  };
}

/**
 * hdr-histogram-js's own mean, to the last bit (the same terms summed in the same order), without
 * its iterator: about 0.2 ms instead of 1.6 ms on this machine, which counts when it runs for every
 * interval of a trial (interval-sampler.ts) on the core the service shares.
 */
function meanMicros(histogram: Histogram): number {
  if (!(histogram instanceof hdr.JsHistogram)) return histogram.mean;
  let total = 0;
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count > 0) total += histogram.medianEquivalentValue(histogram.valueFromIndex(i)) * count;
  }
  return total / histogram.totalCount;
}
