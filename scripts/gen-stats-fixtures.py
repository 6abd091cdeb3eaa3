#!/usr/bin/env python3
"""Reference values for src/stats, written to test/fixtures/stats/*.json.

    python3 scripts/gen-stats-fixtures.py   # needs numpy and SciPy (made with SciPy 1.17.1)

Every case uses its own fixed seed, so the output is byte-for-byte reproducible. p-values and
statistics come from SciPy (`mannwhitneyu`, `wilcoxon` with their defaults, two-sided); the
Hodges-Lehmann estimates and intervals are computed here by brute force (all differences / Walsh
averages, sorted; critical ranks from exact null distributions counted with Python integers, and
those tables are themselves checked against SciPy's own). Holm is checked by its definition.
Theil-Sen slopes and intervals come from `theilslopes`; Universal Scalability Law fits from
`optimize.least_squares` (bounded, best of many starts, checked against a fine grid).
"""

import itertools
import json
import math
import os
import warnings
from fractions import Fraction

import numpy as np
import scipy
import scipy.special
from scipy import optimize, stats
from scipy.stats._hypotests import _get_wilcoxon_distr
from scipy.stats._mannwhitneyu import _MWU

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'stats')


def values(rng, n, *, ties=False, shift=0.0, sigma=0.05, decimals=6):
    """Log-normal-ish measurements around 10; `ties` rounds them coarsely so values repeat."""
    v = 10.0 * np.exp(shift + sigma * rng.standard_normal(n))
    if ties:
        v = np.round(v * 4) / 4  # quarter steps: many repeats at this spread
    return [float(round(float(a), decimals)) for a in v]


def has_ties(v):
    return len(set(v)) < len(v)


# ---------------------------------------------------------------- Mann-Whitney U

def scipy_mwu_method(x, y):
    # SciPy 1.17 _mwu_choose_method: asymptotic if both > 8 or any ties, else exact.
    if len(x) > 8 and len(y) > 8:
        return 'asymptotic'
    if has_ties(x + y):
        return 'asymptotic'
    return 'exact'


def mwu_cases():
    specs = [
        # (m, n, ties, shift) -- exact region: no ties and min(m, n) <= 8
        (3, 3, False, 0.0), (3, 5, False, 0.1), (4, 4, False, 0.2), (5, 7, False, 0.03),
        (6, 6, False, 0.08), (7, 8, False, 0.0), (8, 8, False, 0.1), (8, 20, False, 0.04),
        (5, 40, False, 0.02), (3, 60, False, 0.1), (8, 60, False, -0.03), (20, 4, False, 0.05),
        # asymptotic: both larger than 8
        (9, 9, False, 0.05), (10, 10, False, 0.0), (10, 10, False, 0.1), (12, 15, False, 0.02),
        (20, 20, False, 0.03), (30, 25, False, -0.02), (40, 60, False, 0.01), (60, 60, False, 0.02),
        # ties force the normal approximation with tie correction, however small
        (3, 4, True, 0.0), (5, 5, True, 0.05), (8, 8, True, 0.1), (10, 12, True, 0.0),
        (25, 25, True, 0.03), (60, 60, True, 0.01), (6, 50, True, 0.05),
    ]
    cases = []
    for i, (m, n, ties, shift) in enumerate(specs):
        seed = 1000 + i
        while True:
            rng = np.random.default_rng(seed)
            x = values(rng, m, ties=ties)
            y = values(rng, n, ties=ties, shift=shift)
            if has_ties(x + y) == ties:
                break
            seed += 100
        cases.append(mwu_case(f'mwu-{m}x{n}{"-ties" if ties else ""}-seed{seed}', x, y))
    # all values equal: zero variance; SciPy gives p = 1
    cases.append(mwu_case('mwu-all-equal', [5.0] * 6, [5.0] * 7))
    # complete separation, the smallest p each branch can give
    cases.append(mwu_case('mwu-separated-5x5', [1.0, 2, 3, 4, 5], [6.0, 7, 8, 9, 10]))
    cases.append(mwu_case('mwu-separated-10x10', [float(i) for i in range(10)], [float(i) for i in range(10, 20)]))
    return cases


def mwu_case(name, x, y):
    res = stats.mannwhitneyu(x, y, alternative='two-sided', method='auto')
    method = scipy_mwu_method(x, y)
    check = stats.mannwhitneyu(x, y, alternative='two-sided', method=method)
    assert check.pvalue == res.pvalue, (name, 'method rule disagrees with SciPy auto')
    return {'name': name, 'x': x, 'y': y, 'u': float(res.statistic), 'p': float(res.pvalue), 'method': method}


# ---------------------------------------------------------------- Wilcoxon signed-rank

def scipy_wilcoxon_method(d):
    # SciPy 1.17 _wilcoxon_nd with method="auto".
    if len(d) > 50:
        return 'asymptotic'
    nz = [v for v in d if v != 0]
    if not has_ties([abs(v) for v in nz]) and len(nz) == len(d):
        return 'exact'
    if len(d) <= 13:
        return 'permutation'
    return 'asymptotic'


def diffs(rng, n, *, ties=False, zeros=0, shift=0.0):
    d = shift + 0.05 * rng.standard_normal(n)
    if ties:
        d = np.round(d * 40) / 40
    d = [float(round(float(a), 6)) for a in d]
    for k in range(zeros):
        d[(k * 7) % n] = 0.0
    return d


def wilcoxon_cases():
    specs = [
        # (n, ties, zeros, shift)
        (3, False, 0, 0.05), (5, False, 0, 0.0), (6, False, 0, 0.06), (8, False, 0, 0.02),
        (10, False, 0, 0.03), (13, False, 0, -0.01), (15, False, 0, 0.02), (20, False, 0, 0.0),
        (30, False, 0, 0.01), (40, False, 0, 0.02), (50, False, 0, -0.015), (51, False, 0, 0.01),
        (60, False, 0, 0.02),
        (5, True, 0, 0.03), (8, True, 0, 0.0), (12, True, 0, 0.04), (13, True, 0, 0.02),
        (4, False, 1, 0.05), (7, False, 2, 0.0), (13, False, 3, 0.03),
        (14, True, 0, 0.01), (20, True, 0, 0.02), (35, True, 2, 0.0), (50, True, 0, 0.01),
        (20, False, 2, 0.02), (55, False, 3, 0.01), (60, True, 4, 0.0), (10, True, 2, 0.02),
        (30, True, 5, 0.01),
    ]
    cases = []
    for i, (n, ties, zeros, shift) in enumerate(specs):
        seed = 2000 + i
        while True:
            rng = np.random.default_rng(seed)
            d = diffs(rng, n, ties=ties, zeros=zeros, shift=shift)
            nz = [abs(v) for v in d if v != 0]
            if has_ties(nz) == ties and d.count(0.0) == zeros:
                break
            seed += 100
        cases.append(wilcoxon_case(f'wilcoxon-n{n}{"-ties" if ties else ""}{f"-zeros{zeros}" if zeros else ""}-seed{seed}', d))
    cases.append(wilcoxon_case('wilcoxon-all-positive-10', [float(i) / 100 for i in range(1, 11)]))
    cases.append(wilcoxon_case('wilcoxon-all-positive-ties-8', [0.01, 0.01, 0.02, 0.03, 0.03, 0.04, 0.05, 0.05]))
    return cases


def wilcoxon_case(name, d):
    res = stats.wilcoxon(d)  # defaults: zero_method="wilcox", correction=False, two-sided, method="auto"
    method = scipy_wilcoxon_method(d)
    explicit = stats.PermutationMethod() if method == 'permutation' else method
    check = stats.wilcoxon(d, method=explicit)
    assert check.pvalue == res.pvalue, (name, 'method rule disagrees with SciPy auto')
    return {'name': name, 'd': d, 'w': float(res.statistic), 'p': float(res.pvalue), 'method': method}


# ---------------------------------------------------------------- exact null distributions (Python integers)

def mwu_counts(m, n):
    """Frequencies of U over all C(m+n, m) arrangements: the coefficients of the Gaussian binomial
    [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), multiplied out with exact integers."""
    size = m * n + 1
    poly = [1] + [0] * (size - 1)
    for i in range(1, m + 1):
        for k in range(size - 1, n + i - 1, -1):  # times (1 - q^(n+i))
            poly[k] -= poly[k - n - i]
        for k in range(i, size):  # divided by (1 - q^i): running sum with stride i
            poly[k] += poly[k - i]
    assert all(c >= 0 for c in poly) and sum(poly) == math.comb(m + n, m)
    return poly


def signed_rank_counts(n):
    counts = [1] + [0] * (n * (n + 1) // 2)
    for r in range(1, n + 1):
        for t in range(len(counts) - 1, r - 1, -1):
            counts[t] += counts[t - r]
    return counts


def check_distributions():
    # against brute-force enumeration ...
    for m, n in [(3, 3), (4, 6), (5, 5)]:
        brute = [0] * (m * n + 1)
        for xs in itertools.combinations(range(m + n), m):
            brute[sum(p - j for j, p in enumerate(xs))] += 1
        assert brute == mwu_counts(m, n)
    for n in [1, 4, 7]:
        brute = [0] * (n * (n + 1) // 2 + 1)
        for signs in itertools.product([0, 1], repeat=n):
            brute[sum(r + 1 for r, s in enumerate(signs) if s)] += 1
        assert brute == signed_rank_counts(n)
    # ... and against SciPy's own tables
    for m, n in [(5, 7), (10, 10), (20, 30)]:
        dist = _MWU(m, n)
        counts = mwu_counts(m, n)
        total = sum(counts)
        for k in range(0, m * n // 2, 7):
            assert math.isclose(dist.cdf(np.asarray([k]))[0], sum(counts[: k + 1]) / total, rel_tol=1e-12)
    for n in [5, 20, 50]:
        assert np.allclose(_get_wilcoxon_distr(n), np.array(signed_rank_counts(n), dtype=float) / 2 ** n, rtol=1e-12, atol=0)


def largest_k(counts, tail):
    """Largest k with P(S <= k - 1) <= tail, in exact rational arithmetic."""
    total = sum(counts)
    below = 0
    k = 0
    while k < len(counts) and Fraction(below + counts[k], total) <= tail:
        below += counts[k]
        k += 1
    return k


# ---------------------------------------------------------------- Hodges-Lehmann

def median(v):
    s = sorted(v)
    h = len(s) // 2
    return s[h] if len(s) % 2 else (s[h - 1] + s[h]) / 2


def interval(sorted_values, k):
    if k < 1:
        return None, None  # written as null: -Infinity / +Infinity
    return sorted_values[k - 1], sorted_values[len(sorted_values) - k]


def hl_case(name, x, y, confidence):
    m, n = len(x), len(y)
    d = sorted(yj - xi for xi in x for yj in y)
    tail = Fraction(1 - Fraction(str(confidence))) / 2
    if m <= 50 and n <= 50:
        k = largest_k(mwu_counts(m, n), tail)
    else:
        z = stats.norm.ppf(float(tail))
        k = math.floor(m * n / 2 + 0.5 + z * math.sqrt(m * n * (m + n + 1) / 12))
    lo, hi = interval(d, k)
    return {'name': name, 'x': x, 'y': y, 'confidence': confidence, 'k': k, 'estimate': median(d), 'ciLow': lo, 'ciHigh': hi}


def hl_paired_case(name, d, confidence):
    n = len(d)
    walsh = sorted((d[i] + d[j]) / 2 for i in range(n) for j in range(i, n))
    tail = Fraction(1 - Fraction(str(confidence))) / 2
    if n <= 50:
        k = largest_k(signed_rank_counts(n), tail)
    else:
        z = stats.norm.ppf(float(tail))
        k = math.floor(len(walsh) / 2 + 0.5 + z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    lo, hi = interval(walsh, k)
    return {'name': name, 'd': d, 'confidence': confidence, 'k': k, 'estimate': median(walsh), 'ciLow': lo, 'ciHigh': hi}


def hl_cases():
    unpaired = []
    for i, (m, n, ties, shift, conf) in enumerate([
        (3, 3, False, 0.05, 0.95), (4, 4, False, 0.05, 0.95), (5, 5, False, 0.05, 0.95), (5, 5, False, 0.0, 0.9),
        (10, 10, False, 0.1, 0.95), (10, 10, True, 0.03, 0.95), (8, 20, False, 0.02, 0.99), (30, 30, False, -0.04, 0.95),
        (50, 50, False, 0.01, 0.95), (51, 60, False, 0.02, 0.95), (60, 60, True, 0.0, 0.9),
    ]):
        rng = np.random.default_rng(3000 + i)
        x = [math.log(v) for v in values(rng, m, ties=ties)]
        y = [math.log(v) for v in values(rng, n, ties=ties, shift=shift)]
        unpaired.append(hl_case(f'hl-{m}x{n}{"-ties" if ties else ""}-{conf}', x, y, conf))
    paired = []
    for i, (n, ties, zeros, shift, conf) in enumerate([
        (3, False, 0, 0.05, 0.95), (5, False, 0, 0.05, 0.95), (6, False, 0, 0.02, 0.95), (6, False, 0, 0.02, 0.9),
        (10, False, 0, 0.03, 0.95), (10, True, 2, 0.01, 0.95), (20, False, 0, 0.0, 0.99), (50, False, 0, 0.02, 0.95),
        (51, False, 0, 0.01, 0.95), (60, True, 3, 0.02, 0.95),
    ]):
        rng = np.random.default_rng(4000 + i)
        d = diffs(rng, n, ties=ties, zeros=zeros, shift=shift)
        paired.append(hl_paired_case(f'hl-paired-n{n}{"-ties" if ties else ""}{f"-zeros{zeros}" if zeros else ""}-{conf}', d, conf))
    return unpaired, paired


# ---------------------------------------------------------------- normal distribution and Holm

def normal_cases():
    xs = [-37.0, -20.0, -9.0, -6.0, -5.5, -3.0, -1.96, -0.674, -0.5, -1e-10, 0.0, 0.3, 0.6745, 1.0, 2.5, 5.0, 5.7, 8.0, 12.0]
    ps = [1e-300, 1e-50, 1e-12, 1e-6, 0.001, 0.0125, 0.025, 0.075, 0.2, 0.5, 0.6, 0.925, 0.95, 0.975, 0.999, 1 - 1e-10]
    return {
        'cdf': [{'x': x, 'cdf': float(scipy.special.ndtr(x)), 'sf': float(scipy.special.ndtr(-x))} for x in xs],
        'quantile': [{'p': p, 'x': float(scipy.special.ndtri(p))} for p in ps],
    }


def holm_reference(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    for rank, i in enumerate(order):
        # definition: max over the j <= rank of min(1, (m - j) * p_(j))
        out[i] = max(min(1.0, (m - j) * p[order[j]]) for j in range(rank + 1))
    return out


def holm_cases():
    cases = [
        [0.01, 0.04, 0.03, 0.005],
        [0.5, 0.5, 0.5],
        [0.001],
        [0.2, 0.0001, 0.03, 0.03, 0.9, 0.04, 0.011],
        [0.4, 0.3, 0.35],
    ]
    rng = np.random.default_rng(5000)
    cases.append([float(round(float(v), 6)) for v in rng.uniform(0, 0.1, 12)])
    return [{'p': p, 'adjusted': holm_reference(p)} for p in cases]


# ---------------------------------------------------------------- Student's t (run-level test)

def student_t_cases():
    ts = [-40.0, -6.0, -2.0, -0.3, 0.0, 0.1, 0.7, 1.5, 2.2281, 3.0, 4.5, 8.0, 15.0, 60.0, 1e4]
    dfs = [1, 2, 3, 4.5, 9, 19, 30, 120]
    return [{'t': t, 'df': df, 'sf': float(scipy.stats.t.sf(t, df))} for df in dfs for t in ts]


# ---------------------------------------------------------------- Clopper-Pearson (benchmark rates)

def clopper_pearson_cases():
    cases = []
    for x, n in [(0, 10), (0, 30), (1, 30), (15, 30), (29, 30), (30, 30), (0, 500), (1, 500), (3, 500),
                 (250, 500), (404, 500), (499, 500), (500, 500), (7, 1000)]:
        high = 1.0 if x == n else float(scipy.stats.beta.ppf(0.95, x + 1, n - x))
        low = 0.0 if x == 0 else float(scipy.stats.beta.ppf(0.05, x, n - x + 1))
        cases.append({'x': x, 'n': n, 'low': low, 'high': high})
    return cases


def t_test_cases():
    """ttest_rel and ttest_ind(equal_var=False) with their confidence_interval(), two-sided."""
    paired, welch = [], []
    for seed, n, shift, sigma, conf in [(61, 2, 0.1, 0.05, 0.95), (62, 3, -0.2, 0.03, 0.95), (63, 5, 0.05, 0.04, 0.95),
                                        (64, 5, 0.0, 0.02, 0.99), (65, 8, -0.02, 0.05, 0.9), (66, 30, 0.01, 0.03, 0.95)]:
        rng = np.random.default_rng(seed)
        d = [float(round(float(v), 9)) for v in shift + sigma * rng.standard_normal(n)]
        r = stats.ttest_rel(d, [0.0] * n)
        ci = r.confidence_interval(confidence_level=conf)
        paired.append({'d': d, 'confidence': conf, 't': float(r.statistic), 'df': float(r.df), 'p': float(r.pvalue),
                       'low': float(ci.low), 'high': float(ci.high)})
    for seed, m, n, shift, sx, sy, conf in [(71, 2, 2, 0.1, 0.05, 0.05, 0.95), (72, 3, 5, -0.2, 0.02, 0.08, 0.95),
                                            (73, 5, 5, 0.05, 0.04, 0.04, 0.99), (74, 10, 4, 0.0, 0.03, 0.01, 0.95),
                                            (75, 20, 20, 0.02, 0.05, 0.05, 0.9)]:
        rng = np.random.default_rng(seed)
        x = [float(round(float(v), 9)) for v in sx * rng.standard_normal(m)]
        y = [float(round(float(v), 9)) for v in shift + sy * rng.standard_normal(n)]
        r = stats.ttest_ind(y, x, equal_var=False)
        ci = r.confidence_interval(confidence_level=conf)
        welch.append({'x': x, 'y': y, 'confidence': conf, 't': float(r.statistic), 'df': float(r.df), 'p': float(r.pvalue),
                      'low': float(ci.low), 'high': float(ci.high)})
    return paired, welch

# ---------------------------------------------------------------- Theil-Sen (soak-test slopes)

def theil_sen_case(name, x, y, confidence=0.95):
    with warnings.catch_warnings():
        # SciPy warns (sqrt of a negative) when ties leave no variance: the bounds are then NaN.
        warnings.simplefilter('ignore', RuntimeWarning)
        res = stats.theilslopes(y, x, alpha=confidence, method='separate')
    bound = lambda v: None if math.isnan(v) else float(v)  # JSON has no NaN
    return {'name': name, 'x': x, 'y': y, 'confidence': confidence, 'slope': float(res.slope),
            'intercept': float(res.intercept), 'low': bound(res.low_slope), 'high': bound(res.high_slope)}


def theil_sen_half_case(n, seed):
    """A confidence where (N − zσ)/2 is exactly k + ½ with k even in SciPy's arithmetic, so NumPy's
    round-half-to-even and Math.round pick different slopes. Found by stepping the confidence through
    neighbouring doubles around the value aiming at that half."""
    nt = n * (n - 1) // 2
    sigma = np.sqrt(1 / 18. * (n * (n - 1) * (2 * n + 5)))
    k = 2 * round((nt - stats.norm.ppf(0.05) * sigma - 1) / 4)  # the even index nearest a 90% bound
    c0 = 1 - 2 * float(scipy.special.ndtr((nt - 2 * k - 1) / sigma))
    up = down = c0
    for _ in range(500):
        for c in (up, down):
            v = (nt - stats.norm.ppf((1 - c) / 2.) * sigma) / 2.
            if v == k + 0.5:
                rng = np.random.default_rng(seed)
                x = [float(i) for i in range(n)]
                y = [float(round(float(v), 6)) for v in 0.5 * np.arange(n) + rng.standard_normal(n)]
                case = theil_sen_case(f'theil-sen-half-to-even-n{n}', x, y, float(c))
                slopes = sorted((y[i] - y[j]) / (x[i] - x[j]) for i in range(n) for j in range(n) if x[i] > x[j])
                assert case['high'] == slopes[k] != slopes[k + 1], 'half-to-even must pick a different slope'
                return case
        up, down = float(np.nextafter(up, 1)), float(np.nextafter(down, 0))
    raise AssertionError(f'no confidence lands on a half for n = {n}')


def theil_sen_cases():
    cases = []
    rng = np.random.default_rng(6000)
    for n in (2, 3, 5):
        x = [float(i) for i in range(n)]
        y = [float(round(float(v), 6)) for v in 2.0 + 0.3 * np.arange(n) + rng.standard_normal(n)]
        cases.append(theil_sen_case(f'theil-sen-n{n}', x, y))
    # unsorted, uneven x (sampling times with jitter), moderate noise
    rng = np.random.default_rng(6001)
    x = [float(round(float(v), 3)) for v in np.sort(rng.uniform(0, 60, 20))[::-1]]
    y = [float(round(100 + 0.8 * t + float(e), 4)) for t, e in zip(x, rng.standard_normal(20) * 3)]
    cases.append(theil_sen_case('theil-sen-n20-unsorted', x, y))
    # ties in x (two samples a second), in y (RSS in whole MB), and in both
    rng = np.random.default_rng(6002)
    x = [float(i // 2) for i in range(24)]
    y = [float(round(50 + 0.2 * t + float(e), 3)) for t, e in zip(x, rng.standard_normal(24))]
    cases.append(theil_sen_case('theil-sen-ties-in-x', x, y))
    x = [float(i) for i in range(30)]
    y = [float(round(64 + 0.1 * t + float(e))) for t, e in zip(x, rng.standard_normal(30))]
    cases.append(theil_sen_case('theil-sen-ties-in-y', x, y))
    x = [float(i // 3) for i in range(30)]
    y = [float(round(64 + 0.3 * t + float(e))) for t, e in zip(x, rng.standard_normal(30))]
    cases.append(theil_sen_case('theil-sen-ties-in-both', x, y))
    # negative slope (p99 recovering), and the same data at 90% and 99%
    rng = np.random.default_rng(6003)
    x = [float(i) for i in range(40)]
    y = [float(round(30 - 0.25 * t + float(e), 4)) for t, e in zip(x, rng.standard_normal(40) * 2)]
    cases.append(theil_sen_case('theil-sen-negative-slope', x, y))
    cases.append(theil_sen_case('theil-sen-negative-slope-90', x, y, 0.9))
    cases.append(theil_sen_case('theil-sen-negative-slope-99', x, y, 0.99))
    # SciPy reads alpha symmetrically: 0.1 is the 90% interval (computed as 0.1, not 1 − 0.9)
    cases.append(theil_sen_case('theil-sen-negative-slope-mirror-0.1', x, y, 0.1))
    # n = 50 with outliers (one slow sample in ten)
    rng = np.random.default_rng(6004)
    x = [float(i) for i in range(50)]
    y = [12 + 0.05 * t + 0.5 * float(e) for t, e in zip(x, rng.standard_normal(50))]
    for i in range(3, 50, 10):
        y[i] += 20
    cases.append(theil_sen_case('theil-sen-n50-outliers', x, [float(round(v, 6)) for v in y]))
    # a 10-minute soak at 1 Hz: RSS in MB, slow leak under a garbage-collector sawtooth
    rng = np.random.default_rng(6005)
    x = [float(i) for i in range(600)]
    y = [80 + 0.004 * t + 3.0 * ((t % 45) / 45) + 0.2 * float(e) for t, e in zip(x, rng.standard_normal(600))]
    cases.append(theil_sen_case('theil-sen-n600-soak-rss', x, [float(round(v, 4)) for v in y]))
    # a flat series: every slope 0, σ² = 0
    cases.append(theil_sen_case('theil-sen-constant-y', [0.0, 1.0, 2.0, 3.0], [5.0, 5.0, 5.0, 5.0]))
    # ties in both take out more than the variance term: σ² < 0 and SciPy's bounds are NaN
    cases.append(theil_sen_case('theil-sen-negative-variance', [0.0, 0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0, 2.0]))
    cases.append(theil_sen_half_case(8, 6006))
    cases.append(theil_sen_half_case(12, 6007))
    return cases


# ---------------------------------------------------------------- Universal Scalability Law (capacity tests)

USL_MIN_LEVELS, USL_MIN_R2, USL_MIN_REACH = 4, 0.9, 0.9  # src/stats/usl.ts


def usl_model(n, lam, sigma, kappa):
    return lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))


def usl_least_squares(n, x):
    """scipy.optimize.least_squares on throughput over (λ, σ, κ) with 0 ≤ σ ≤ 1, κ ≥ 0, from a grid
    of starting points (λ from the closed form at each start); the best residual wins."""
    scale = max(float(n.max()), 1.0)

    def resid(p):
        lam, sigma, kappa = p
        d = 1 + sigma * (n - 1) + kappa * n * (n - 1)
        if np.any(d <= 0):  # a pole inside the data: not a throughput curve
            return np.full(len(x), 1e3 * float(x.max()) + 1)
        return lam * n / d - x

    best = None
    for s0 in (0.0, 1e-3, 0.03, 0.1, 0.3, 0.7, 1.0):
        for q0 in (0.0, 1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0):
            if np.any(1 + s0 * (n - 1) + (q0 / scale ** 2) * n * (n - 1) <= 0):
                continue  # a start with a pole inside the data
            g = usl_model(n, 1.0, s0, q0 / scale ** 2)
            lam0 = float(np.dot(x, g) / np.dot(g, g))
            r = optimize.least_squares(resid, [lam0, s0, q0 / scale ** 2], bounds=([0, 0, 0], [np.inf, 1, np.inf]),
                                       method='trf', x_scale='jac', ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=20000)
            rss = float(np.sum(resid(r.x) ** 2))
            if best is None or rss < best[0]:
                best = (rss, [float(v) for v in r.x])
    rss, (lam, sigma, kappa) = best
    # Brute-force check that the best start found the global minimum: the residual with λ in
    # closed form over a fine (σ, κ) grid may not beat it.
    for sigma_g in np.concatenate(([0.0], np.geomspace(1e-6, 1, 120))):
        for q_g in np.concatenate(([0.0], np.geomspace(1e-7, 1e4, 220))):
            d = 1 + sigma_g * (n - 1) + (q_g / scale ** 2) * n * (n - 1)
            if np.any(d <= 0):
                continue
            g = n / d
            lam_g = np.dot(x, g) / np.dot(g, g)
            rss_g = float(np.sum((x - lam_g * g) ** 2))
            assert rss_g >= rss * (1 - 1e-9) - 1e-18 * float(np.dot(x, x)), ('grid beats least_squares', sigma_g, q_g, rss_g, rss)
    return lam, sigma, kappa, rss


def usl_case(name, n, x, *, sound, well_determined):
    n = np.array(n, dtype=float)
    x = np.array(x, dtype=float)
    lam, sigma, kappa, rss = usl_least_squares(n, x)
    tss = float(np.sum((x - x.mean()) ** 2))
    r2 = 1 - rss / tss
    sd = math.sqrt(rss / (len(x) - 3)) if len(x) > 3 else None
    # the peak and the soundness rule, as documented in src/stats/usl.ts
    if kappa == 0:
        n_star, x_star = math.inf, (lam / sigma if sigma > 0 else math.inf)
    else:
        n_star = math.sqrt((1 - sigma) / kappa)
        x_star = usl_model(n_star, lam, sigma, kappa) if n_star > 0 else (lam / (1 - kappa) if kappa < 1 else math.inf)
    levels = len(set(n.tolist()))
    reach = usl_model(min(n.max(), max(n.min(), n_star)), lam, sigma, kappa) / x_star
    judged = levels >= USL_MIN_LEVELS and r2 >= USL_MIN_R2 and n_star >= n.min() and reach >= USL_MIN_REACH
    assert judged == sound, (name, 'the data do not make the case they were meant for', levels, r2, sigma, reach)
    finite = lambda v: None if math.isinf(v) else float(v)  # JSON has no Infinity
    return {'name': name, 'points': [{'concurrency': float(a), 'throughput': float(b)} for a, b in zip(n, x)],
            'lambda': lam, 'sigma': sigma, 'kappa': kappa, 'rss': rss, 'r2': r2, 'residualSd': sd,
            'peakConcurrency': finite(n_star), 'peakThroughput': finite(x_star), 'sound': sound,
            'wellDetermined': well_determined}


def noisy(rng, values, cv):
    return [float(round(float(v) * (1 + cv * float(e)), 4)) for v, e in zip(values, rng.standard_normal(len(values)))]


def usl_cases():
    cases = []
    n = [1.0, 2, 4, 8, 16, 24, 32, 48, 64]
    cases.append(usl_case('usl-exact', n, [usl_model(v, 1000, 0.05, 0.001) for v in n], sound=True, well_determined=True))
    n = [0.25, 0.5, 1, 2, 3.5, 6, 9, 13]  # Little's law: fractional, below 1 at light load
    cases.append(usl_case('usl-exact-fractional', n, [usl_model(v, 400, 0.1, 0.01) for v in n], sound=True, well_determined=True))
    rng = np.random.default_rng(7000)
    n = [float(round(float(v), 3)) for v in np.geomspace(1, 80, 12)]
    cases.append(usl_case('usl-noisy', n, noisy(rng, [usl_model(v, 1000, 0.05, 0.001) for v in n], 0.02), sound=True, well_determined=True))
    rng = np.random.default_rng(7001)
    n = [float(round(float(v), 3)) for v in np.geomspace(0.3, 30, 10)]
    cases.append(usl_case('usl-heavy-contention', n, noisy(rng, [usl_model(v, 500, 0.3, 0.02) for v in n], 0.03), sound=True, well_determined=True))
    rng = np.random.default_rng(7002)
    n = [float(round(float(v), 3)) for v in np.geomspace(0.5, 400, 10)]
    cases.append(usl_case('usl-amdahl-plateau', n, noisy(rng, [usl_model(v, 300, 0.08, 0) for v in n], 0.01), sound=True, well_determined=False))
    n = [0.5, 1, 2, 3, 5, 8]
    cases.append(usl_case('usl-linear', n, [250 * v for v in n], sound=False, well_determined=False))
    rng = np.random.default_rng(7003)
    cases.append(usl_case('usl-linear-noisy', n, noisy(rng, [250 * v for v in n], 0.01), sound=False, well_determined=False))
    rng = np.random.default_rng(7004)
    n = [1.0, 1, 4, 4, 16, 16]
    cases.append(usl_case('usl-three-levels', n, noisy(rng, [usl_model(v, 1000, 0.05, 0.001) for v in n], 0.02), sound=False, well_determined=False))
    rng = np.random.default_rng(7005)
    n = [float(round(float(v), 3)) for v in np.geomspace(1, 50, 8)]
    cases.append(usl_case('usl-poor-fit', n, noisy(rng, [usl_model(v, 1000, 0.05, 0.001) for v in n], 0.3), sound=False, well_determined=False))
    rng = np.random.default_rng(7006)
    n = [float(v) for v in range(1, 13)]
    cases.append(usl_case('usl-peak-extrapolated', n, noisy(rng, [usl_model(v, 1000, 0.02, 0.0005) for v in n], 0.01), sound=False, well_determined=False))
    # a minimum just inside the edge σ = 0: a simplex projected onto the box flattens against the
    # edge and stops there (perfgate's first version did)
    rng = np.random.default_rng(7014)
    n = [float(round(float(v), 3)) for v in np.geomspace(0.6, 200, 10)]
    cases.append(usl_case('usl-small-contention', n, noisy(rng, [usl_model(v, 1700, 1e-3, 1.8e-4) for v in n], 0.05), sound=True, well_determined=True))
    n = [2.0, 4, 8, 16, 32]
    cases.append(usl_case('usl-falling-from-start', n, [usl_model(v, 800, 1, 0.01) for v in n], sound=False, well_determined=True))
    return cases


# ---------------------------------------------------------------- output

def write(name, payload):
    path = os.path.join(OUT, name)
    body = {'generatedBy': 'scripts/gen-stats-fixtures.py', 'scipy': scipy.__version__, **payload}
    # one case per line: readable diffs, small files
    lines = ['{']
    items = list(body.items())
    for idx, (key, value) in enumerate(items):
        end = ',' if idx < len(items) - 1 else ''
        if isinstance(value, list):
            lines.append(f'  {json.dumps(key)}: [')
            lines.extend(f'    {json.dumps(v, allow_nan=False)}{"," if j < len(value) - 1 else ""}' for j, v in enumerate(value))
            lines.append(f'  ]{end}')
        else:
            lines.append(f'  {json.dumps(key)}: {json.dumps(value, allow_nan=False)}{end}')
    lines.append('}')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    check_distributions()
    mwu = mwu_cases()
    wil = wilcoxon_cases()
    unpaired, paired = hl_cases()
    write('mannwhitneyu.json', {'cases': mwu})
    write('wilcoxon.json', {'cases': wil})
    write('hodges-lehmann.json', {'unpaired': unpaired, 'paired': paired})
    normal = normal_cases()
    write('normal.json', {'cdf': normal['cdf'], 'quantile': normal['quantile']})
    write('holm.json', {'cases': holm_cases()})
    write('student-t.json', {'cases': student_t_cases()})
    write('clopper-pearson.json', {'cases': clopper_pearson_cases()})
    t_paired, t_welch = t_test_cases()
    write('t-test.json', {'paired': t_paired, 'welch': t_welch})
    theil_sen = theil_sen_cases()
    write('theil-sen.json', {'cases': theil_sen})
    usl = usl_cases()
    write('usl.json', {'cases': usl})
    print(f'{len(mwu)} Mann-Whitney, {len(wil)} Wilcoxon, {len(unpaired) + len(paired)} Hodges-Lehmann, '
          f'{len(theil_sen)} Theil-Sen, {len(usl)} USL, {len(t_paired) + len(t_welch)} t-test cases -> {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
