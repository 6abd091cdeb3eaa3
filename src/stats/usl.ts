/**
 * Universal Scalability Law (N. J. Gunther, "Guerrilla Capacity Planning", Springer 2007, ch. 4–6):
 *
 *   X(N) = λN / (1 + σ(N − 1) + κN(N − 1))
 *
 * throughput X at concurrency N, with λ the throughput of one unit of concurrency, σ the
 * contention (the serialised fraction, Amdahl's law) and κ the coherency cost (crosstalk that
 * grows with pairs of requests, which makes throughput fall past a peak). The capacity test
 * measures throughput at stepped arrival rates and gets N from Little's law (rate × mean latency),
 * so N is any positive number, below 1 at light load.
 *
 *   X │          peak X* at N* = √((1 − σ)/κ)
 *     │        .-'''-.
 *     │      .'       '-.        κ > 0: retrograde past N*
 *     │    .'            '--.
 *     │  .'    - - - - - - - - -  κ = 0: levels off towards λ/σ (Amdahl)
 *     │ /
 *     └────────────────────────── N
 */

export interface UslPoint {
  /** Mean number of requests in the service (Little's law: rate × mean latency). */
  concurrency: number;
  /** Completed requests per second at that concurrency. */
  throughput: number;
}

export interface UslParameters {
  lambda: number;
  sigma: number;
  kappa: number;
}

export interface UslFit extends UslParameters {
  /** Residual sum of squares of the throughput: what the fit minimises. */
  rss: number;
  /** 1 − RSS/TSS on throughput; NaN when every throughput is the same. */
  r2: number;
  /** √(RSS/(n − 3)) over the n points; NaN with 3 points or fewer (no degree of freedom left). */
  residualSd: number;
  /** Distinct concurrency values among the points. */
  levels: number;
  /**
   * Concurrency where the fitted throughput is highest: √((1 − σ)/κ) when κ > 0. Infinity when
   * κ = 0: the fitted throughput never falls, it rises towards the ceiling λ/σ (and without limit
   * when σ = 0 too: perfectly linear scaling). 0 when σ = 1 and κ > 0: it only falls.
   */
  peakConcurrency: number;
  /**
   * The fitted throughput at the peak: X(N*); λ/σ when κ = 0 (Infinity when σ = 0 too); its
   * limit λ/(1 − κ) at N → 0 when σ = 1 (Infinity when κ ≥ 1 as well).
   */
  peakThroughput: number;
  soundness: { sound: boolean; reason: string };
}

/** Fewer levels than this leave no check on three parameters. */
export const USL_MIN_LEVELS = 4;
/** The fit must explain at least this share of the variation in throughput. */
export const USL_MIN_R2 = 0.9;
/** Within the measured range the fitted throughput must reach this share of the predicted peak. */
export const USL_MIN_REACH = 0.9;

/** X(N) for the given parameters. */
export function uslThroughput(p: UslParameters, concurrency: number): number {
  return (p.lambda * concurrency) / (1 + p.sigma * (concurrency - 1) + p.kappa * concurrency * (concurrency - 1));
}

/**
 * Least-squares fit of the USL to measured throughput, with λ > 0, 0 ≤ σ ≤ 1 and κ ≥ 0.
 *
 * σ is bounded by 1 as well: σ > 1 would make throughput fall from the first request on, and for
 * N < 1 the denominator would reach 0 (a pole at N = 1 − 1/σ), so the curve would not be a
 * throughput. At σ = 1 the fitted throughput is flat (κ = 0) or falling: the service was
 * saturated before the first step.
 *
 * Method. For fixed (σ, κ) the model is λ·g(N) with g = N/(1 + σ(N−1) + κN(N−1)), so the best λ
 * is linear least squares in closed form, λ = Σ X g / Σ g², and only (σ, κ) are searched
 * (variable projection; Golub & Pereyra 1973). κ is searched as q = κ·S² with S the largest
 * concurrency (at least 1), so that q ≈ 1 means a coherency cost as large as the linear term at
 * the top of the range. The residual over (σ, q) can have several valleys, so the search starts
 * from a log grid (σ from 1e-5 to 1; q from 1e-6 to 1e3, or further, up to the κ that would put
 * the peak at a thirtieth of the smallest concurrency; each with 0), refines the three best local
 * minima of the grid by Nelder–Mead (restarted until a restart no longer improves), puts the
 * result exactly on an edge (σ = 0, κ = 0, σ = 1) when that is no worse, and keeps the best.
 * Deterministic: no randomness. Points where the denominator is not positive (large κ with N < 1)
 * count as an infinite residual.
 *
 * Soundness: the fit is called sound only when all of these hold, and `reason` says which failed.
 * - At least 4 distinct concurrency levels: three parameters need one more level to be checked.
 * - R² ≥ 0.9 on throughput: below that the USL shape does not describe the data.
 * - The peak is not below the measured range (N* ≥ N_min): otherwise throughput fell over the
 *   whole range, the rising part that determines λ and σ was never measured (σ = 1 is the
 *   extreme: N* = 0), and the test started past the service's peak.
 * - The peak is within reach above: the highest fitted throughput over [N_min, N_max] is at
 *   least 90% of the predicted peak throughput. Past that, the peak and its concurrency rest on
 *   curvature the data barely show, which the USL form only guesses. A peak is flat on top, so
 *   for the pure coherency shape this still allows N* up to about 1.6 × N_max. The rule rejects
 *   linear scaling (σ = κ = 0: no saturation reached) and a ceiling λ/σ the data do not approach,
 *   and accepts a plateau (κ = 0, or κ so small that N* is far out) that the data do reach. It is
 *   written on throughput rather than on N* because N* moves a long way with tiny changes of κ
 *   (κ = 0 and κ = 1e-9 are the same data) while the peak throughput does not.
 *   The concurrency at the peak is reported as the fit gives it; when it lies beyond N_max the
 *   report should say "beyond the measured range" rather than quote it.
 */
export function fitUsl(points: readonly UslPoint[]): UslFit {
  const fn = 'fitUsl';
  if (points.length === 0) throw new RangeError(`${fn}: points is empty; expected at least one {concurrency, throughput}`);
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.concurrency) && p.concurrency > 0)) {
      throw new RangeError(`${fn}: points[${i}].concurrency is ${p.concurrency}; expected a positive finite number`);
    }
    if (!(Number.isFinite(p.throughput) && p.throughput >= 0)) {
      throw new RangeError(`${fn}: points[${i}].throughput is ${p.throughput}; expected a finite number ≥ 0`);
    }
  });
  const ns = Float64Array.from(points, (p) => p.concurrency);
  const xs = Float64Array.from(points, (p) => p.throughput);
  if (xs.every((v) => v === 0)) throw new RangeError(`${fn}: every throughput is 0; there is nothing to fit`);

  const nMin = Math.min(...ns);
  const nMax = Math.max(...ns);
  const scale = Math.max(nMax, 1);
  const kappaOf = (q: number): number => q / (scale * scale);
  const objective = (sigma: number, q: number): number => profile(ns, xs, sigma, kappaOf(q)).rss;
  // q up to (30·S/N_min)²: κ large enough to put the peak at a thirtieth of the smallest level.
  const qTop = Math.max(1e3, ((30 * scale) / nMin) ** 2);
  const qGrid = [0, ...Array.from({ length: Math.ceil(4 * Math.log10(qTop / 1e-6)) + 1 }, (_, i) => 10 ** (-6 + i / 4))];
  // Residuals below 1e-10 of the throughput are rounding, not misfit (exact data fit to that).
  const noise = 1e-20 * xs.reduce((a, b) => a + b * b, 0);
  const best = minimise(objective, qGrid, noise);
  const sigma = best.sigma;
  const kappa = kappaOf(best.q);
  const { lambda, rss } = profile(ns, xs, sigma, kappa);

  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const tss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  const r2 = tss > 0 ? 1 - rss / tss : NaN;
  const residualSd = n > 3 ? Math.sqrt(rss / (n - 3)) : NaN;
  const levels = new Set(ns).size;
  const params = { lambda, sigma, kappa };
  const { peakConcurrency, peakThroughput } = peak(params);
  const soundness = judge(params, { r2, levels, nMin, nMax, peakConcurrency, peakThroughput });
  return { lambda, sigma, kappa, rss, r2, residualSd, levels, peakConcurrency, peakThroughput, soundness };
}

/** Best λ for fixed (σ, κ) in closed form, and the residual sum of squares it leaves. */
function profile(ns: Float64Array, xs: Float64Array, sigma: number, kappa: number): { lambda: number; rss: number } {
  let sxg = 0;
  let sgg = 0;
  const g = new Float64Array(ns.length);
  for (let i = 0; i < ns.length; i++) {
    const n = ns[i] as number;
    const d = 1 + sigma * (n - 1) + kappa * n * (n - 1);
    if (!(d > 0)) return { lambda: NaN, rss: Infinity };
    const gi = n / d;
    g[i] = gi;
    sxg += (xs[i] as number) * gi;
    sgg += gi * gi;
  }
  const lambda = sxg / sgg;
  let rss = 0;
  for (let i = 0; i < ns.length; i++) rss += ((xs[i] as number) - lambda * (g[i] as number)) ** 2;
  return { lambda, rss };
}

interface Candidate {
  sigma: number;
  q: number;
  f: number;
}

const SIGMA_GRID = [0, ...Array.from({ length: 21 }, (_, i) => 10 ** (-5 + i / 4))];

function minimise(f: (sigma: number, q: number) => number, qGrid: readonly number[], noise: number): Candidate {
  const values = SIGMA_GRID.map((s) => qGrid.map((q) => f(s, q)));
  const at = (i: number, j: number): number => values[i]?.[j] ?? Infinity;
  const minima: Candidate[] = [];
  for (let i = 0; i < SIGMA_GRID.length; i++) {
    for (let j = 0; j < qGrid.length; j++) {
      const v = at(i, j);
      if (!Number.isFinite(v)) continue;
      let lowest = true;
      for (let di = -1; di <= 1 && lowest; di++) for (let dj = -1; dj <= 1; dj++) if ((di || dj) && at(i + di, j + dj) < v) lowest = false;
      if (lowest) minima.push({ sigma: SIGMA_GRID[i] as number, q: qGrid[j] as number, f: v });
    }
  }
  minima.sort((a, b) => a.f - b.f);
  let best: Candidate = minima[0] ?? { sigma: 0, q: 0, f: f(0, 0) };
  // Three starts, not one: in 800 random curves checked against SciPy the best grid minimum alone
  // always led to the optimum, but a second valley costs nothing to rule out (a fit is ~10 ms).
  for (const start of minima.slice(0, 3)) {
    const c = onEdges(f, nelderMeadWithRestarts(f, start), noise);
    if (c.f < best.f) best = c;
  }
  return best;
}

/**
 * The search coordinates only approach an edge (σ = 0 is u = 0, reached in the limit); put the
 * result on the edge when that is no worse, so "no contention" or "no coherency cost" reads as an
 * exact 0 rather than 1e-18, and σ = 1 as exactly 1.
 */
function onEdges(f: (sigma: number, q: number) => number, c: Candidate, noise: number): Candidate {
  let best = c;
  for (const [sigma, q] of [
    [0, c.q],
    [c.sigma, 0],
    [0, 0],
    [1, c.q],
  ] as const) {
    const v = f(sigma, q);
    // "No worse" up to rounding: on an edge the exact value is the minimum, but the residual
    // computed there can come out a few ulps above the one at σ = 1e-19.
    if (v <= c.f * (1 + 1e-12) + noise && v <= best.f * (1 + 1e-12) + noise) best = { sigma, q, f: v };
  }
  return best;
}

/** Nelder–Mead restarted from its own result until a restart no longer improves it. */
function nelderMeadWithRestarts(f: (sigma: number, q: number) => number, start: Candidate): Candidate {
  let best = start;
  for (let restart = 0; restart < 20; restart++) {
    const next = nelderMead(f, best);
    if (!(next.f < best.f)) break;
    best = next;
  }
  return best;
}

/**
 * Nelder & Mead (1965) simplex search, standard coefficients (reflect 1, expand 2, contract ½,
 * shrink ½), over unconstrained (u, v) with σ = sin²u and q = v²: every point is inside the box
 * 0 ≤ σ ≤ 1, q ≥ 0, and the simplex never flattens against an edge the way it does when trial
 * points are projected onto the box (it then cannot leave the edge even when the minimum is just
 * inside). Stops when the simplex is smaller than 1e-12 (relative) in both coordinates, or after
 * 5000 steps.
 */
function nelderMead(f: (sigma: number, q: number) => number, start: Candidate): Candidate {
  type Vertex = { u: number; v: number; f: number };
  const make = (u: number, v: number): Vertex => ({ u, v, f: f(Math.sin(u) ** 2, v * v) });
  const u0 = Math.asin(Math.sqrt(start.sigma));
  const v0 = Math.sqrt(start.q);
  let simplex: Vertex[] = [make(u0, v0), make(u0 + Math.max(0.1 * u0, 0.01), v0), make(u0, v0 + Math.max(0.1 * v0, 0.001))];
  for (let iter = 0; iter < 5000; iter++) {
    simplex.sort((a, b) => a.f - b.f);
    const [b, m, w] = simplex as [Vertex, Vertex, Vertex];
    const spreadU = Math.max(Math.abs(m.u - b.u), Math.abs(w.u - b.u));
    const spreadV = Math.max(Math.abs(m.v - b.v), Math.abs(w.v - b.v));
    if (spreadU <= 1e-12 * (Math.abs(b.u) + 1e-9) && spreadV <= 1e-12 * (Math.abs(b.v) + 1e-9)) break;
    const cu = (b.u + m.u) / 2;
    const cv = (b.v + m.v) / 2;
    const r = make(cu + (cu - w.u), cv + (cv - w.v));
    if (r.f < b.f) {
      const e = make(cu + 2 * (cu - w.u), cv + 2 * (cv - w.v));
      simplex = [b, m, e.f < r.f ? e : r];
    } else if (r.f < m.f) {
      simplex = [b, m, r];
    } else {
      const outside = r.f < w.f;
      const c = outside ? make(cu + 0.5 * (r.u - cu), cv + 0.5 * (r.v - cv)) : make(cu + 0.5 * (w.u - cu), cv + 0.5 * (w.v - cv));
      if (c.f < (outside ? r.f : w.f)) {
        simplex = [b, m, c];
      } else {
        simplex = [b, make(b.u + 0.5 * (m.u - b.u), b.v + 0.5 * (m.v - b.v)), make(b.u + 0.5 * (w.u - b.u), b.v + 0.5 * (w.v - b.v))];
      }
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  const best = simplex[0] as Vertex;
  return { sigma: Math.sin(best.u) ** 2, q: best.v * best.v, f: best.f };
}

/** Where the fitted curve peaks, and how high (see UslFit). */
function peak(p: UslParameters): { peakConcurrency: number; peakThroughput: number } {
  if (p.kappa === 0) return { peakConcurrency: Infinity, peakThroughput: p.sigma > 0 ? p.lambda / p.sigma : Infinity };
  const nStar = Math.sqrt((1 - p.sigma) / p.kappa);
  if (nStar > 0) return { peakConcurrency: nStar, peakThroughput: uslThroughput(p, nStar) };
  // σ = 1: X(N) = λ/(1 − κ + κN), falling from its limit at N → 0.
  return { peakConcurrency: 0, peakThroughput: p.kappa < 1 ? p.lambda / (1 - p.kappa) : Infinity };
}

function judge(
  p: UslParameters,
  s: { r2: number; levels: number; nMin: number; nMax: number; peakConcurrency: number; peakThroughput: number },
): { sound: boolean; reason: string } {
  const problems: string[] = [];
  if (s.levels < USL_MIN_LEVELS) {
    problems.push(
      `only ${s.levels} distinct concurrency level${s.levels === 1 ? '' : 's'}; at least ${USL_MIN_LEVELS} are needed to fit three parameters and check them`,
    );
  }
  if (Number.isNaN(s.r2)) {
    problems.push('throughput is the same at every point, so there is no variation for the curve to explain');
  } else if (s.r2 < USL_MIN_R2) {
    problems.push(
      `the curve explains only ${percent(s.r2)} of the variation in throughput (R² = ${Math.floor(1000 * s.r2) / 1000}); at least ${percent(USL_MIN_R2)} is needed`,
    );
  }
  if (s.peakConcurrency < s.nMin) {
    problems.push(
      `throughput fell with concurrency over the whole measured range: the fitted curve peaks at concurrency ${num(s.peakConcurrency)}, below the smallest measured concurrency (${num(s.nMin)}), so the service was past its peak at the first step; start at lower rates`,
    );
  } else {
    const reach = uslThroughput(p, Math.min(s.nMax, s.peakConcurrency)) / s.peakThroughput;
    if (!(reach >= USL_MIN_REACH)) {
      if (s.peakThroughput === Infinity) {
        problems.push('throughput still rises in proportion to concurrency (σ = κ = 0): the measured levels do not reach saturation; raise the rates');
      } else if (s.peakConcurrency === Infinity) {
        problems.push(
          `the fitted ceiling of ${num(s.peakThroughput)}/s is an extrapolation: within the measured concurrency (up to ${num(s.nMax)}) the curve reaches only ${percent(reach)} of it; raise the rates`,
        );
      } else {
        problems.push(
          `the predicted peak (${num(s.peakThroughput)}/s at concurrency ${num(s.peakConcurrency)}) lies beyond the largest measured concurrency (${num(s.nMax)}), where the curve reaches only ${percent(reach)} of it: the peak is an extrapolation; raise the rates`,
        );
      }
    }
  }
  if (problems.length > 0) return { sound: false, reason: problems.map((problem) => `${capitalise(problem)}.`).join(' ') };
  const shape =
    s.peakConcurrency > s.nMax
      ? `throughput levels off towards ${num(s.peakThroughput)}/s within the measured range`
      : `its peak (${num(s.peakThroughput)}/s at concurrency ${num(s.peakConcurrency)}) is within reach of the measured range`;
  return { sound: true, reason: `The curve explains ${percent(s.r2)} of the variation in throughput over ${s.levels} concurrency levels, and ${shape}.` };
}

/** Rounded down to 0.1%, so a share just under a limit never prints as the limit itself. */
function percent(v: number): string {
  return `${Math.floor(1000 * v) / 10}%`;
}

function num(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
