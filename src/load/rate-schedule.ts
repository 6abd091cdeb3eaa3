import { LoadError } from '../errors.js';
import type { RatePiece } from './types.js';

/**
 * A rate that changes over the window, piecewise constant: piece j asks for `rate` requests a
 * second from `fromMs` (an offset from the window's start) until the next piece begins; the last
 * piece lasts for the rest of the window.
 *
 * Arrivals are absolute and evenly spaced within each piece: the k-th arrival of the whole profile
 * (k = 0, 1, 2, ...) is due when the cumulative count ∫rate reaches k. A spike therefore starts
 * sending faster at the moment it begins, whatever the connections are doing, and a queue built up
 * during the spike is still there when the rate drops back: nothing is forgiven at a boundary.
 *
 *     count ▲                      ╱ k-th arrival: where the curve reaches k
 *           │                 ╱‾‾‾   (slope = rate of the piece)
 *           │              ╱
 *           │       ____╱          pieces: 100/s, 400/s, 100/s
 *           │ _____‾
 *           └──────────────────────▶ ms
 */
export class RateCurve {
  private readonly fromMs: Float64Array;
  private readonly rate: Float64Array;
  /** Arrivals before each piece: the cumulative count at its fromMs. */
  private readonly countBefore: Float64Array;

  /** `pieces` must have passed checkRateSchedule. */
  constructor(pieces: readonly RatePiece[]) {
    const n = pieces.length;
    this.fromMs = Float64Array.from(pieces, (p) => p.fromMs);
    this.rate = Float64Array.from(pieces, (p) => p.rate);
    this.countBefore = new Float64Array(n);
    for (let j = 1; j < n; j++) {
      this.countBefore[j] = this.countBefore[j - 1]! + (this.rate[j - 1]! * (this.fromMs[j]! - this.fromMs[j - 1]!)) / 1000;
    }
  }

  /** Index of the piece arrival `k` falls in, searching forward from `hint` (arrivals only move forward). */
  pieceOfArrival(k: number, hint = 0): number {
    let j = Math.min(Math.max(hint, 0), this.fromMs.length - 1);
    while (j > 0 && this.countBefore[j]! > k) j--;
    while (j + 1 < this.fromMs.length && this.countBefore[j + 1]! <= k) j++;
    return j;
  }

  /** When arrival `k` is due, milliseconds from the window's start. */
  arrivalMs(k: number, piece = this.pieceOfArrival(k)): number {
    return this.fromMs[piece]! + ((k - this.countBefore[piece]!) * 1000) / this.rate[piece]!;
  }

  /** Arrivals due in [0, ms): the cumulative count ∫rate from the window's start. */
  countAt(ms: number): number {
    let j = 0;
    while (j + 1 < this.fromMs.length && this.fromMs[j + 1]! <= ms) j++;
    return this.countBefore[j]! + (this.rate[j]! * (ms - this.fromMs[j]!)) / 1000;
  }

  /** Mean rate asked for over [fromMs, toMs) in requests a second; the rate at fromMs when the span is empty. */
  meanRate(fromMs: number, toMs: number): number {
    if (!(toMs > fromMs)) return this.rate[this.pieceAt(fromMs)]!;
    return ((this.countAt(toMs) - this.countAt(fromMs)) * 1000) / (toMs - fromMs);
  }

  private pieceAt(ms: number): number {
    let j = 0;
    while (j + 1 < this.fromMs.length && this.fromMs[j + 1]! <= ms) j++;
    return j;
  }
}

/**
 * Throws a LoadError naming the first bad piece of a rate profile's schedule. `rate` is the
 * profile's own rate, which must be the schedule's first: one figure cannot say two things.
 */
export function checkRateSchedule(rate: number, schedule: readonly RatePiece[]): void {
  if (!Array.isArray(schedule) || schedule.length === 0) {
    throw new LoadError('load profile schedule is empty; expected at least one { fromMs, rate } piece, the first at fromMs 0');
  }
  schedule.forEach((piece, i) => {
    const at = `load profile schedule[${i}]`;
    if (!Number.isFinite(piece.rate) || piece.rate <= 0) {
      throw new LoadError(`${at}.rate is ${piece.rate}; expected a positive number of requests per second`);
    }
    if (!Number.isFinite(piece.fromMs)) {
      throw new LoadError(`${at}.fromMs is ${piece.fromMs}; expected milliseconds from the window's start`);
    }
    if (i === 0) {
      if (piece.fromMs !== 0) throw new LoadError(`${at}.fromMs is ${piece.fromMs}; expected 0: the schedule starts with the window`);
      return;
    }
    const before = schedule[i - 1]!.fromMs;
    if (!(piece.fromMs > before)) {
      throw new LoadError(
        `${at}.fromMs is ${piece.fromMs}, not after schedule[${i - 1}].fromMs (${before}); expected increasing offsets from the window's start`,
      );
    }
  });
  if (schedule[0]!.rate !== rate) {
    throw new LoadError(
      `load profile rate is ${rate} but schedule[0].rate is ${schedule[0]!.rate}; expected the same figure: rate is the rate the window starts with`,
    );
  }
}
