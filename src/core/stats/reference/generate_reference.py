#!/usr/bin/python3
"""Reference values for src/core/stats (proportions and histogram shift statistics).

An implementation independent of the TypeScript one: each expected value is computed from its
definition with Python's decimal module at 60 significant digits, and cross-checked against
SciPy/NumPy (binomtest Wilson interval, norm.sf, chi2_contingency, jensenshannon). Tail
probabilities come from SciPy (norm.sf, chi2.sf) at the exactly computed z / statistic.

Run with Debian's Python (it has scipy and numpy), from the repository root:
    /usr/bin/python3 src/core/stats/reference/generate_reference.py
It writes reference-values.ts next to itself (a TS module, not JSON: the build ships every src/**/*.json).
"""
import decimal
import math
import os
import subprocess
import sys
import warnings
from decimal import Decimal as D

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

decimal.getcontext().prec = 60

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'reference-values.ts')
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))

Z_95 = float(stats.norm.ppf(0.975))
Z_99 = float(stats.norm.ppf(0.995))
PSI_SHARE_FLOOR = D('1e-4')


def close(a, b, rel, what):
    """Cross-check between the exact value and SciPy/NumPy's floating-point one."""
    a, b = float(a), float(b)
    if a == b or (math.isnan(a) and math.isnan(b)):
        return
    if abs(a - b) > rel * max(abs(a), abs(b)):
        sys.exit(f'cross-check failed for {what}: exact {a!r} vs scipy/numpy {b!r}')


# ---------------------------------------------------------------- Wilson score interval

def wilson_exact(k, n, z):
    k, n, z = D(k), D(n), D(z)
    p = k / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * ((p * (1 - p) / n + z2n / (4 * n)).sqrt()) / (1 + z2n)
    return centre - half, centre + half


WILSON_CASES = [
    # (events, total, z, note)
    (0, 10, Z_95, 'no events'),
    (10, 10, Z_95, 'all events'),
    (1, 10, Z_95, 'small n'),
    (5, 10, Z_95, 'half'),
    (0, 1, Z_95, 'n = 1, no event'),
    (1, 1, Z_95, 'n = 1, one event'),
    (81, 1000, Z_95, 'refusals 8.1%'),
    (9755, 120431, Z_95, 'refusals at volume'),
    (1, 1_000_000_000, Z_95, 'one event in a billion'),
    (0, 1_000_000_000, Z_95, 'no event in a billion'),
    (999_999_999, 1_000_000_000, Z_95, 'all but one in a billion'),
    (32_000_000_000, 1_000_000_000_000, Z_95, 'huge n'),
    (12.5, 37.25, Z_95, 'non-integer counts (increase() extrapolation)'),
    (0.3, 0.9, Z_95, 'fractional total below 1'),
    (2.7, 2.7, Z_95, 'non-integer, all events'),
    (37, 200, Z_99, '99% interval'),
]


def wilson_case(k, n, z, note):
    lo, hi = wilson_exact(k, n, z)
    if k == 0:
        lo = D(0)
    if k == n:
        hi = D(1)
    if float(k).is_integer() and float(n).is_integer() and z in (Z_95, Z_99):
        level = 0.95 if z == Z_95 else 0.99
        with warnings.catch_warnings():
            # binomtest also computes a p-value we do not use; at n = 1e12 its pmf underflows noisily.
            warnings.simplefilter('ignore', RuntimeWarning)
            ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method='wilson')
        # SciPy's centre − half-width loses digits for tiny rates; 1e-9 still catches a wrong formula.
        if k > 0:
            close(lo, ci.low, 1e-9, f'wilson lower {k}/{n}')
        close(hi, ci.high, 1e-12, f'wilson upper {k}/{n}')
    return {'note': note, 'events': k, 'total': n, 'z': z, 'lower': lo, 'upper': hi}


# ---------------------------------------------------------------- two-proportion z-test

def z_exact(wk, wn, bk, bn):
    wk, wn, bk, bn = D(wk), D(wn), D(bk), D(bn)
    pooled = (wk + bk) / (wn + bn)
    se = (pooled * (1 - pooled) * (1 / wn + 1 / bn)).sqrt()
    return (wk / wn - bk / bn) / se


Z_TEST_CASES = [
    # (window events, window total, baseline events, baseline total, note)
    (81, 1000, 30, 1000, 'refusals 8.1% vs 3.0%'),
    (30, 1000, 81, 1000, 'improvement: negative z'),
    (9755, 120431, 3613, 120431, 'postmortem example at volume'),
    (31, 1000, 30, 1000, 'no real difference'),
    (12.5, 400.75, 8.25, 390.5, 'non-integer counts'),
    (1, 2, 0, 3, 'tiny n'),
    (200, 1000, 100, 1000, 'p around 1e-10'),
    (250, 1000, 100, 1000, 'p around 1e-18'),
    (260, 1000, 100, 1000, 'p around 1e-20'),
    (3000, 10000, 1000, 10000, 'p around 1e-273'),
    (8_100_000, 100_000_000, 3_000_000, 100_000_000, 'p underflows to 0'),
    (5, 1_000_000_000, 2, 1_000_000_000, 'rare events in a billion'),
]


def z_test_case(wk, wn, bk, bn, note):
    z = z_exact(wk, wn, bk, bn)
    p = 2 * stats.norm.sf(abs(float(z)))
    # The same test in floating point through SciPy, as a cross-check of the exact z.
    count = np.array([wk, bk], dtype=float)
    nobs = np.array([wn, bn], dtype=float)
    pooled = count.sum() / nobs.sum()
    z_float = (count[0] / nobs[0] - count[1] / nobs[1]) / math.sqrt(pooled * (1 - pooled) * (1 / nobs[0] + 1 / nobs[1]))
    close(z, z_float, 1e-9, f'z {note}')
    close(p, 2 * stats.norm.sf(abs(z_float)), 1e-6, f'p {note}')
    return {'note': note, 'windowEvents': wk, 'windowTotal': wn, 'baselineEvents': bk, 'baselineTotal': bn,
            'z': z, 'pValue': p}


# ---------------------------------------------------------------- Benjamini–Hochberg

def bh_numpy(p_values):
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    m = finite.size
    if m == 0:
        return q
    order = finite[np.argsort(p[finite], kind='stable')]
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


def bh_by_definition(p_values):
    """q_i = min over p_j ≥ p_i of m·p_j / rank_j, capped at 1: a second, quadratic-time check."""
    finite = sorted(p for p in p_values if not math.isnan(p))
    m = len(finite)
    out = []
    for p in p_values:
        if math.isnan(p):
            out.append(float('nan'))
            continue
        out.append(min(1.0, min(finite[j] * m / (j + 1) for j in range(m) if finite[j] >= p)))
    return out


rng = np.random.default_rng(20240611)
BH_CASES = [
    ([0.01, 0.04, 0.03, 0.005], 'four tests'),
    ([0.02, 0.02, 0.02, 0.5, 0.001], 'ties'),
    ([0.5, float('nan'), 0.01, float('nan'), 0.04], 'untestable findings (NaN)'),
    ([1e-20, 0.3, 1e-300, 0.049, 0.051], 'tiny p-values'),
    ([1.0, 1.0, 0.9], 'all large: capped at 1'),
    ([0.03], 'single test'),
    ([float('nan'), float('nan')], 'nothing testable'),
    ([], 'empty'),
    (list(np.concatenate([rng.uniform(size=40), rng.uniform(size=10) * 1e-4])), '50 mixed'),
]


def bh_case(p_values, note):
    q = bh_numpy(p_values)
    for a, b in zip(q, bh_by_definition(p_values)):
        close(a, b, 1e-15, f'BH {note}')
    return {'note': note, 'pValues': p_values, 'qValues': list(q)}


# ---------------------------------------------------------------- histogram shift statistics

def shares(counts):
    total = sum(D(c) for c in counts)
    return [D(c) / total for c in counts]


def psi_exact(window, baseline):
    a = [max(s, PSI_SHARE_FLOOR) for s in shares(window)]
    b = [max(s, PSI_SHARE_FLOOR) for s in shares(baseline)]
    return sum((x - y) * (x / y).ln() for x, y in zip(a, b))


def psi_numpy(window, baseline):
    a = np.maximum(np.asarray(window, float) / np.sum(window), 1e-4)
    b = np.maximum(np.asarray(baseline, float) / np.sum(baseline), 1e-4)
    return float(np.sum((a - b) * np.log(a / b)))


def ks_exact(window, baseline):
    a, b = shares(window), shares(baseline)
    ca = cb = D(0)
    best = D(0)
    for x, y in zip(a, b):
        ca += x
        cb += y
        best = max(best, abs(ca - cb))
    return best


def ks_numpy(window, baseline):
    a = np.cumsum(window) / np.sum(window)
    b = np.cumsum(baseline) / np.sum(baseline)
    return float(np.max(np.abs(a - b)))


def js_exact(window, baseline):
    a, b = shares(window), shares(baseline)
    total = D(0)
    for x, y in zip(a, b):
        m = (x + y) / 2
        if x > 0:
            total += x * (x / m).ln()
        if y > 0:
            total += y * (y / m).ln()
    divergence = total / 2 / D(2).ln()
    return divergence.sqrt() if divergence > 0 else D(0)


def chi_square_exact(window, baseline):
    cols = [(D(w), D(b)) for w, b in zip(window, baseline) if w > 0 or b > 0]
    wt = sum(w for w, _ in cols)
    bt = sum(b for _, b in cols)
    n = wt + bt
    stat = D(0)
    for w, b in cols:
        for observed, row_total in ((w, wt), (b, bt)):
            expected = row_total * (w + b) / n
            stat += (observed - expected) ** 2 / expected
    return stat, len(cols) - 1


SHIFT_CASES = [
    # (window per-bucket counts, baseline per-bucket counts, note)
    ([30, 200, 350, 300, 90, 25, 5], [50, 300, 400, 200, 40, 8, 2], 'latency shifted up'),
    ([50, 300, 400, 200, 40, 8, 2], [50, 300, 400, 200, 40, 8, 2], 'identical'),
    ([150, 900, 1200, 600, 120, 24, 6], [50, 300, 400, 200, 40, 8, 2], 'same shape, three times the volume'),
    ([0, 10, 20, 0], [5, 10, 20, 5], 'empty buckets in the window only'),
    ([0, 10, 0, 5, 0], [0, 12, 0, 3, 0], 'buckets empty on both sides'),
    ([10, 0], [0, 10], 'disjoint'),
    ([12.5, 30.25, 7.75], [10.5, 35, 4.5], 'non-integer counts'),
    ([2, 99998, 0], [1000, 98990, 10], 'a share below the PSI floor'),
    ([2e9, 3e9, 1.5e9, 5e8], [2.1e9, 2.9e9, 1.5e9, 5e8], 'huge n'),
    ([9000, 1000, 0], [1000, 9000, 0], 'overwhelming shift (tiny p-value)'),
    ([3, 1, 2], [2, 2, 1], 'tiny n'),
    ([17], [40], 'one bucket'),
]


def shift_case(window, baseline, note):
    psi = psi_exact(window, baseline)
    ks = ks_exact(window, baseline)
    js = js_exact(window, baseline)
    stat, dof = chi_square_exact(window, baseline)
    # Near zero, floating point has only absolute precision: cross-check the informative cases.
    if psi > D('1e-12'):
        close(psi, psi_numpy(window, baseline), 1e-9, f'PSI {note}')
    if ks > D('1e-12'):
        close(ks, ks_numpy(window, baseline), 1e-9, f'KS {note}')
    if js > D('1e-6'):
        close(js, jensenshannon(window, baseline, base=2), 1e-7, f'JS {note}')
    if dof > 0:
        p = float(stats.chi2.sf(float(stat), dof))
        table = np.array([[w, b] for w, b in zip(window, baseline) if w > 0 or b > 0], dtype=float).T
        c_stat, c_p, c_dof, _ = stats.chi2_contingency(table, correction=False)
        if c_dof != dof:
            sys.exit(f'chi2_contingency dof {c_dof} != {dof} for {note}')
        if stat > D('1e-9'):
            close(stat, c_stat, 1e-9, f'chi2 {note}')
            close(p, c_p, 1e-6, f'chi2 p {note}')
    else:
        p = 1.0
    return {'note': note, 'window': window, 'baseline': baseline, 'psi': psi, 'ks': ks, 'jensenShannon': js,
            'chiSquare': {'statistic': stat, 'degreesOfFreedom': dof, 'pValue': p}}


# ---------------------------------------------------------------- TypeScript output

def ts_number(x):
    if isinstance(x, D):
        x = float(x)
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    # Same double either way; whole numbers read better without '.0'.
    return str(int(x)) if x.is_integer() and abs(x) < 2**53 else repr(x)


def ts_value(v):
    if isinstance(v, str):
        return "'" + v.replace('\\', '\\\\').replace("'", "\\'") + "'"
    if isinstance(v, dict):
        return '{ ' + ', '.join(f'{k}: {ts_value(x)}' for k, x in v.items()) + ' }'
    if isinstance(v, (list, tuple, np.ndarray)):
        return '[' + ', '.join(ts_value(x) for x in v) + ']'
    return ts_number(v)


def main():
    wilson = [wilson_case(*c) for c in WILSON_CASES]
    z_tests = [z_test_case(*c) for c in Z_TEST_CASES]
    bh = [bh_case(*c) for c in BH_CASES]
    shifts = [shift_case(*c) for c in SHIFT_CASES]

    lines = [
        '/**',
        ' * Reference values for src/core/stats, GENERATED by generate_reference.py — do not edit; re-run it:',
        ' *   /usr/bin/python3 src/core/stats/reference/generate_reference.py',
        ' * Exact values (60-digit decimal arithmetic from the definitions), cross-checked against',
        f' * SciPy {scipy.__version__} / NumPy {np.__version__}; tail probabilities from SciPy norm.sf and chi2.sf.',
        ' */',
        '',
        'export interface WilsonReference {',
        '  note: string;',
        '  events: number;',
        '  total: number;',
        '  z: number;',
        '  lower: number;',
        '  upper: number;',
        '}',
        '',
        'export interface TwoProportionReference {',
        '  note: string;',
        '  windowEvents: number;',
        '  windowTotal: number;',
        '  baselineEvents: number;',
        '  baselineTotal: number;',
        '  z: number;',
        '  pValue: number;',
        '}',
        '',
        'export interface BenjaminiHochbergReference {',
        '  note: string;',
        '  pValues: number[];',
        '  qValues: number[];',
        '}',
        '',
        'export interface ShiftReference {',
        '  note: string;',
        '  window: number[];',
        '  baseline: number[];',
        '  psi: number;',
        '  ks: number;',
        '  jensenShannon: number;',
        '  chiSquare: { statistic: number; degreesOfFreedom: number; pValue: number };',
        '}',
        '',
        f'export const REFERENCE_Z_95 = {ts_number(Z_95)};',
        '',
        f'export const wilsonReferences: WilsonReference[] = {ts_value(wilson)};',
        '',
        f'export const twoProportionReferences: TwoProportionReference[] = {ts_value(z_tests)};',
        '',
        f'export const benjaminiHochbergReferences: BenjaminiHochbergReference[] = {ts_value(bh)};',
        '',
        f'export const shiftReferences: ShiftReference[] = {ts_value(shifts)};',
        '',
    ]
    with open(OUT, 'w') as f:
        f.write('\n'.join(lines))
    # Format like the rest of the tree, so regenerating gives a clean diff.
    subprocess.run(['npx', 'prettier', '--write', OUT], cwd=REPO, check=False, stdout=subprocess.DEVNULL)
    print(f'wrote {os.path.relpath(OUT, REPO)}')


if __name__ == '__main__':
    main()
