#!/usr/bin/python3
"""Reference values for src/core/stats/dispersion.ts and the shift statistics the report tests.

Independent of the TypeScript: the dispersion is statsmodels' robust.scale.mad (centre 0), squared; tail
probabilities are SciPy's t.sf / norm.sf; Benjamini–Yekutieli is statsmodels' multipletests(method='fdr_by');
the rate shift is checked against statsmodels' proportions_ztest (pooled); the quantile's standard error is
computed from its definition (√(q(1−q)/n) / f, f the share per unit width of the bucket holding the rank).

Run with Debian's Python, from the repository root:
    /usr/bin/python3 src/core/stats/reference/generate_dispersion.py
It writes dispersion-reference.ts next to itself.
"""
import json
import math
import os

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.robust.scale import mad
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.tsa.stattools import acf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'dispersion-reference.ts')
MAD_EFFICIENCY = 0.3675
MIN_PAIRS = 12

rng = np.random.default_rng(11)


def dispersion(z):
    z = [v for v in z if math.isfinite(v)]
    if len(z) < MIN_PAIRS:
        return None
    phi = float(mad(np.array(z), center=0.0)) ** 2
    # Effective number of pairs for a variance of an AR(1) series: n (1 − ρ²)/(1 + ρ²), ρ the lag-1 autocorrelation.
    rho = float(acf(np.array(z), nlags=1, fft=False)[1])
    # Only a positive autocorrelation beyond independent noise's band (2/sqrt(n)) is a drift.
    rho2 = min(rho ** 2, 1.0) if rho > 2 / math.sqrt(len(z)) else 0.0
    effective = len(z) * (1 - rho2) / (1 + rho2)
    return {'phi': max(1.0, phi), 'pairs': len(z), 'effectivePairs': effective,
            'degreesOfFreedom': max(1, math.floor(MAD_EFFICIENCY * effective))}


def ar1(rho, sd, n):
    # A slow drift through the pairs, as against a baseline a day or a week back: each z carries most of the last.
    x = [rng.normal(0, sd)]
    for _ in range(n - 1):
        x.append(rho * x[-1] + math.sqrt(1 - rho * rho) * rng.normal(0, sd))
    return np.array(x)


DISPERSION_CASES = []
for note, z in [
    ('independent requests (unit normal, 168 pairs)', rng.normal(0, 1, 168)),
    ('over-dispersed, variance x4 (168 pairs)', rng.normal(0, 2, 168)),
    ('variance x4 with 10 unannotated incidents at z = 40', np.concatenate([rng.normal(0, 2, 158), np.full(10, 40.0)])),
    ('under-dispersed is floored at 1 (24 pairs)', rng.normal(0, 0.5, 24)),
    ('exactly the minimum, 12 pairs', rng.normal(0, 3, 12)),
    ('too few, 11 pairs', rng.normal(0, 3, 11)),
    ('autocorrelated, AR(1) rho = 0.7, variance x4 (168 pairs)', ar1(0.7, 2, 168)),
    ('anti-correlated neighbours, as against the preceding hour (168 pairs)', np.diff(rng.normal(0, 2, 169))),
]:
    z = [float(v) for v in z]
    DISPERSION_CASES.append({'note': note, 'zScores': z, 'expected': dispersion(z)})

P_CASES = []
for z, df in [(0.0, None), (1.959963984540054, None), (-3.0, None), (12.0, None), (30.0, None),
              (2.0, 10), (-4.5, 61), (8.0, 4), (30.0, 61), (0.3, 1)]:
    p = 2 * stats.norm.sf(abs(z)) if df is None else min(1.0, 2 * stats.t.sf(abs(z), df))
    P_CASES.append({'z': z, 'degreesOfFreedom': df, 'pValue': float(p)})

BY_CASES = []
for note, p in [
    ('five', [0.001, 0.008, 0.039, 0.041, 0.9]),
    ('ties and a one', [0.01, 0.01, 0.02, 1.0]),
    ('forty uniform', list(rng.uniform(0, 1, 40))),
    ('thirty-six, a few small', list(np.concatenate([[1e-12, 3e-6, 2e-4], rng.uniform(0, 1, 33)]))),
]:
    q = multipletests(p, method='fdr_by')[1]
    BY_CASES.append({'note': note, 'pValues': [float(v) for v in p], 'qValues': [float(v) for v in q]})

# Rate shifts: difference / √(sampling variance) must be statsmodels' pooled z.
RATE_CASES = []
for kw, nw, kb, nb in [(800, 10000, 300, 10000), (22000, 200000, 20000, 200000), (5, 180, 2, 200), (0, 500, 3, 600)]:
    z, _ = proportions_ztest([kw, kb], [nw, nb])
    pooled = (kw + kb) / (nw + nb)
    RATE_CASES.append({
        'windowEvents': kw, 'windowTotal': nw, 'baselineEvents': kb, 'baselineTotal': nb,
        'difference': kw / nw - kb / nb, 'samplingVariance': pooled * (1 - pooled) * (1 / nw + 1 / nb), 'z': float(z),
    })

# Quantile standard errors from the definition, on cumulative buckets (le, count).
def quantile_se(q, les, cumulative):
    n = cumulative[-1]
    rank = q * n
    b = next(i for i, c in enumerate(cumulative) if c >= rank)
    if b == len(les) - 1:
        return None
    start = 0.0 if b == 0 else les[b - 1]
    in_bucket = cumulative[b] - (0 if b == 0 else cumulative[b - 1])
    density = in_bucket / n / (les[b] - start)
    return math.sqrt(q * (1 - q) / n) / density


LES = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 12, 20, 30, math.inf]
SE_CASES = []
for note, q, cumulative in [
    ('p95 in a 2–3 s bucket', 0.95, [10, 40, 300, 1500, 5200, 8900, 9600, 9900, 9960, 9990, 9998, 10000, 10000]),
    ('p95 in a wide 5–8 s bucket', 0.95, [10, 40, 300, 1500, 5200, 8000, 9000, 9400, 9960, 9990, 9998, 10000, 10000]),
    ('p50 in the first bucket', 0.5, [6000, 8000, 9000, 9500, 9700, 9800, 9900, 9950, 9990, 9995, 9998, 10000, 10000]),
    ('p99 beyond the last finite bound', 0.99, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9800, 10000]),
]:
    se = quantile_se(q, LES, cumulative)
    SE_CASES.append({'note': note, 'q': q, 'le': ['+Inf' if math.isinf(x) else x for x in LES], 'cumulative': cumulative,
                     'standardError': se})


def ts(name, value):
    return f'export const {name} = {json.dumps(value, indent=2)} as const;\n'


with open(OUT, 'w') as out:
    out.write('/**\n * Reference values for src/core/stats/dispersion.ts and the shift statistics, GENERATED by\n'
              ' * generate_dispersion.py — do not edit; re-run it:\n'
              ' *   /usr/bin/python3 src/core/stats/reference/generate_dispersion.py\n'
              f' * statsmodels {statsmodels.__version__} (robust.scale.mad, tsa acf, multipletests fdr_by, proportions_ztest),\n'
              f' * SciPy {scipy.__version__} (t.sf, norm.sf).\n */\n\n')
    out.write(ts('dispersionReferences', DISPERSION_CASES) + '\n')
    out.write(ts('pValueReferences', P_CASES) + '\n')
    out.write(ts('benjaminiYekutieliReferences', BY_CASES) + '\n')
    out.write(ts('rateShiftReferences', RATE_CASES) + '\n')
    out.write(ts('quantileErrorReferences', SE_CASES))
print(f'wrote {OUT}')
