/**
 * PromQL is built in one module (./metrics.ts), and every label value in it is quoted there: a hostile value
 * (quotes, backslashes, a newline, regex syntax) must select exactly its own series on a real Prometheus, and
 * never a look-alike that an unescaped regex or string would also match.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { counterIncreaseQuery, eventMatchers, type ProportionSli, validateSelector } from './metrics';
import { instantQuery } from '../../test/http';
import { startPrometheus, type StartedEngine } from '../../test/prometheus';

jest.setTimeout(120_000);

const HOSTILE = ['re"fused', 'back\\slash', 'line\nbreak', 'a.b', 'x|y', '(?i)LOUD'];
// What an unescaped regex `a.b`, `x|y` or `(?i)LOUD`, or a string cut short at `re`, would match as well.
const LOOK_ALIKES = ['aXb', 'x', 'y', 'loud', 're', 'back'];
const START = 1_700_000_000;
const STEP = 60;

/** OpenMetrics label value escaping (backslash, double quote, newline), independent of the code under test. */
const openMetricsValue = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function openMetrics(values: string[]): string {
  const lines = ['# TYPE llm_requests counter'];
  values.forEach((value, index) => {
    for (let i = 0; i <= 20; i++) {
      lines.push(`llm_requests_total{outcome="${openMetricsValue(value)}"} ${(index + 1) * i} ${START + i * STEP}`);
    }
  });
  return `${lines.join('\n')}\n# EOF\n`;
}

const sli = (eventValues: string[]): ProportionSli => ({
  kind: 'proportion',
  id: 'refusal_rate',
  title: 'Refusals',
  eventNoun: 'refusals',
  totalNoun: 'requests',
  metric: 'llm_requests_total',
  eventLabel: 'outcome',
  eventValues,
});

let dir: string;
let prometheus: StartedEngine;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aisre-promql-'));
  const file = join(dir, 'hostile.om');
  await writeFile(file, openMetrics([...HOSTILE, ...LOOK_ALIKES]));
  prometheus = await startPrometheus({ openMetricsFile: file, readyTimeoutMs: 90_000 });
}, 200_000);

afterAll(async () => {
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function outcomesSelectedBy(eventValues: string[]): Promise<string[]> {
  const matchers = eventMatchers(sli(eventValues)).join(',');
  // The matchers are also what validateSelector accepts as a user's selector.
  expect(validateSelector(matchers)).toBe(matchers);
  const query = counterIncreaseQuery('llm_requests_total', 'outcome', '', [], 10 * STEP, matchers);
  const rows = await instantQuery(prometheus.url, query, START + 20 * STEP);
  return rows.map((row) => row.metric.outcome).sort();
}

test.each(HOSTILE)('the event value %j selects its own series and nothing else', async (value) => {
  expect(await outcomesSelectedBy([value])).toEqual([value]);
});

test('several hostile event values (a regex of alternatives) select exactly those series', async () => {
  expect(await outcomesSelectedBy(HOSTILE)).toEqual([...HOSTILE].sort());
});
