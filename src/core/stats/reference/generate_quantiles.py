#!/usr/bin/python3
"""Reference quantiles for histogramQuantile, computed by a real Prometheus (the apt package, 2.42).

Writes a handful of classic histograms (cumulative `le` series) to an OpenMetrics file, backfills them
with `promtool tsdb create-blocks-from openmetrics`, starts `prometheus` on 127.0.0.1 with a temp data
dir, asks it for histogram_quantile(q, …) at the samples' timestamp, and writes prometheus-quantiles.ts
next to this file. Run from the repository root:
    /usr/bin/python3 src/core/stats/reference/generate_quantiles.py
Needs /usr/bin/prometheus and /usr/bin/promtool; touches nothing outside a temp dir and that one file.
"""
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'prometheus-quantiles.ts')
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
SAMPLE_TIME = 1_700_000_000  # seconds; the queries run at exactly this instant
QUANTILES = ['0', '0.01', '0.25', '0.5', '0.95', '0.99', '0.999', '1', '-0.5', '1.5', 'NaN']
INF = '+Inf'

# (name, what it pins, [(le label value, cumulative count), ...] in the order the TS test passes them)
CASES = [
    ('latency', 'typical latency buckets (seconds)',
     [('0.005', 3), ('0.01', 10), ('0.025', 40), ('0.05', 120), ('0.1', 400), ('0.25', 900), ('0.5', 1300),
      ('1', 1450), ('2.5', 1490), ('5', 1497), ('10', 1499), (INF, 1500)]),
    ('latency_unsorted', 'the same histogram, buckets passed in no particular order',
     [('1', 1450), (INF, 1500), ('0.05', 120), ('10', 1499), ('0.005', 3), ('0.25', 900), ('2.5', 1490),
      ('0.1', 400), ('0.01', 10), ('5', 1497), ('0.5', 1300), ('0.025', 40)]),
    ('similarity', 'cosine similarity 0..1, mass near the top',
     [('0.1', 0), ('0.2', 1), ('0.3', 1), ('0.4', 2), ('0.5', 5), ('0.6', 11), ('0.7', 30), ('0.8', 120),
      ('0.9', 610), ('0.95', 905), ('1', 1000), (INF, 1000)]),
    ('all_in_first_bucket', 'every observation in the lowest bucket',
     [('0.1', 50), ('0.5', 50), ('1', 50), (INF, 50)]),
    ('all_in_inf_bucket', 'every observation above the highest finite bound',
     [('0.1', 0), ('1', 0), (INF, 20)]),
    ('first_bucket_le_zero', 'lowest bucket le=0: its rank gives 0, no interpolation',
     [('0', 5), ('1', 10), ('2', 20), (INF, 20)]),
    ('first_bucket_le_zero_empty', 'empty lowest bucket le=0: q=0 gives 0, not 0/0',
     [('0', 0), ('1', 10), (INF, 10)]),
    ('negative_bounds', 'negative upper bounds',
     [('-10', 2), ('-5', 6), ('0', 10), ('5', 18), (INF, 20)]),
    ('first_bucket_negative_empty', 'empty lowest bucket with a negative bound',
     [('-1', 0), ('1', 10), (INF, 10)]),
    ('first_bucket_empty', 'empty lowest bucket: q=0 gives 0/0',
     [('1', 0), ('2', 10), (INF, 10)]),
    ('non_monotonic', 'cumulative counts that decrease (ensureMonotonic)',
     [('0.1', 10), ('0.5', 8), ('1', 15), ('2', 12), (INF, 20)]),
    ('duplicate_le', 'le="1" and le="1.0" are one bucket (coalesced by adding)',
     [('0.5', 2), ('1', 4), ('1.0', 6), ('2', 15), (INF, 20)]),
    ('rank_on_boundary', 'empty middle bucket; ranks that land exactly on a cumulative count',
     [('1', 5), ('2', 5), ('3', 10), (INF, 10)]),
    ('non_integer', 'non-integer counts, as increase() extrapolates',
     [('0.25', 1.5), ('0.5', 7.25), ('1', 12.125), (INF, 13.875)]),
    ('extrapolated', 'counts with many significant digits',
     [('0.1', 0.33333333333333337), ('0.2', 12.345678901234567), ('0.4', 98.76543210987654),
      (INF, 100.00000000000001)]),
    ('float_noise', 'a later cumulative count one rounding error below an earlier one',
     [('1', 0.30000000000000004), ('2', 0.3), (INF, 1)]),
    ('huge_counts', 'counts near 1e12',
     [('0.5', 123456789012), ('1', 654321098765), ('2', 987654321098), (INF, 1000000000000)]),
    ('exponential', 'powers-of-two buckets (agent steps)',
     [('1', 40), ('2', 95), ('4', 180), ('8', 230), ('16', 248), ('32', 250), (INF, 250)]),
    ('two_buckets', 'a single finite bucket and +Inf',
     [('1', 3), (INF, 7)]),
    ('empty', 'no observations at all',
     [('0.1', 0), ('1', 0), (INF, 0)]),
    ('no_inf_bucket', 'no +Inf bucket',
     [('1', 5), ('2', 10)]),
    ('only_inf_bucket', 'only the +Inf bucket (fewer than 2 buckets)',
     [(INF, 10)]),
]


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def metric(name):
    return f'aisre_ref_{name}_bucket'


def write_openmetrics(path):
    with open(path, 'w') as f:
        for name, _, buckets in CASES:
            for le, count in buckets:
                f.write(f'{metric(name)}{{le="{le}"}} {float(count)!r} {SAMPLE_TIME}\n')
        f.write('# EOF\n')


def query(port, expr):
    url = f'http://127.0.0.1:{port}/api/v1/query?' + urllib.parse.urlencode({'query': expr, 'time': SAMPLE_TIME})
    with urllib.request.urlopen(url, timeout=10) as res:
        body = json.load(res)
    if body['status'] != 'success':
        sys.exit(f'query failed: {expr}: {body}')
    return body['data']['result']


def wait_ready(port, proc):
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit('prometheus exited early; see its log above')
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port}/-/ready', timeout=1) as res:
                if res.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit('prometheus did not become ready')


def ts_number(x):
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    # Same double either way; whole numbers read better without '.0'.
    return str(int(x)) if x.is_integer() and abs(x) < 2**53 else repr(float(x))


def ts_string(s):
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


def main():
    version_line = subprocess.run(['prometheus', '--version'], capture_output=True, text=True).stdout.splitlines()[0]
    version = version_line.split('version ')[1].split(' ')[0]  # 'prometheus, version 2.42.0+ds (branch: …'
    tmp = tempfile.mkdtemp(prefix='aisre-quantiles-')
    proc = None
    try:
        om = os.path.join(tmp, 'histograms.om')
        data = os.path.join(tmp, 'data')
        write_openmetrics(om)
        subprocess.run(['promtool', 'tsdb', 'create-blocks-from', 'openmetrics', om, data], check=True,
                       stdout=subprocess.DEVNULL)
        config = os.path.join(tmp, 'prometheus.yml')
        with open(config, 'w') as f:
            f.write('global:\n  evaluation_interval: 1m\n')
        port = free_port()
        log = open(os.path.join(tmp, 'prometheus.log'), 'w')
        proc = subprocess.Popen(['prometheus', f'--config.file={config}', f'--storage.tsdb.path={data}',
                                 f'--web.listen-address=127.0.0.1:{port}', '--storage.tsdb.retention.time=100y'],
                                stdout=log, stderr=subprocess.STDOUT)
        wait_ready(port, proc)

        # Every case's series must have been loaded, or an absent result would look like "no answer".
        loaded = {row['metric']['__name__'] for row in query(port, '{__name__=~"aisre_ref_.*"}')}
        missing = [name for name, _, _ in CASES if metric(name) not in loaded]
        if missing:
            sys.exit(f'series not loaded: {missing}')

        out_cases = []
        for name, note, buckets in CASES:
            results = []
            for q in QUANTILES:
                rows = query(port, f'histogram_quantile({q}, {metric(name)})')
                if len(rows) != 1:
                    sys.exit(f'{name} q={q}: expected one result, got {rows}')
                results.append((float(q), float(rows[0]['value'][1])))
            out_cases.append((name, note, buckets, results))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    lines = [
        '/**',
        f' * histogram_quantile results from a real Prometheus {version}, GENERATED by',
        ' * generate_quantiles.py — do not edit; re-run it:',
        ' *   /usr/bin/python3 src/core/stats/reference/generate_quantiles.py',
        ' * Each case is one classic histogram (its `le` series as loaded, in the order listed) and what',
        ' * Prometheus answered for histogram_quantile(q, <those series>).',
        ' */',
        '',
        'export interface PrometheusQuantileCase {',
        '  name: string;',
        '  note: string;',
        '  /** The le label value as written to Prometheus, its parsed upper bound, and the cumulative count. */',
        '  buckets: Array<{ leLabel: string; le: number; count: number }>;',
        '  quantiles: Array<{ q: number; expected: number }>;',
        '}',
        '',
        'export const prometheusQuantileCases: PrometheusQuantileCase[] = [',
    ]
    for name, note, buckets, results in out_cases:
        bucket_text = ', '.join(
            f'{{ leLabel: {ts_string(le)}, le: {ts_number(float(le))}, count: {ts_number(float(c))} }}'
            for le, c in buckets)
        result_text = ', '.join(f'{{ q: {ts_number(q)}, expected: {ts_number(v)} }}' for q, v in results)
        lines.append(f'  {{ name: {ts_string(name)}, note: {ts_string(note)}, buckets: [{bucket_text}], '
                     f'quantiles: [{result_text}] }},')
    lines += ['];', '']
    with open(OUT, 'w') as f:
        f.write('\n'.join(lines))
    subprocess.run(['npx', 'prettier', '--write', OUT], cwd=REPO, check=False, stdout=subprocess.DEVNULL)
    print(f'wrote {os.path.relpath(OUT, REPO)}')


if __name__ == '__main__':
    main()
