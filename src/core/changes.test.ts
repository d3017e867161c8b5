/**
 * How readChangeEvents turns build appearances into change events, on a MetricsSource that evaluates its
 * queries over a build timeline in memory. (The PromQL itself runs on a real Prometheus and VictoriaMetrics
 * in suggest.integration.test.ts.)
 */
import { type BuildInfo, readChangeEvents } from './changes';
import { SelectorError } from './metrics';
import { type MetricsSource, type SampleRow } from './source';

const STEP = 60;
const T0 = 1_800_000_000 - (1_800_000_000 % 3600);
const CHAT = { team: 'assistants', service: 'chat-api', endpoint: '/chat' };
const SEARCH = { team: 'search', service: 'search-api', endpoint: '/search' };

const A: BuildInfo = { model: 'gpt-4o', response_model: 'gpt-4o-2024-08-06', prompt_version: 'v12' };
const B: BuildInfo = { ...A, response_model: 'gpt-4o-2024-11-20' };
const C: BuildInfo = { ...A, prompt_version: 'v13' };

/** One build of one segment with samples every step from `from` to `to` (inclusive). */
interface Run {
  segment: Record<string, string>;
  build: BuildInfo;
  from: number;
  to: number;
}

/** How long an engine still returns a series after its last sample. */
const LOOKBACK = 300;

/**
 * Evaluates the four query shapes readChangeEvents sends: count/min/max over a subquery of appearances,
 * and the newest sample per build. Presence follows the engines: a sample at or up to LOOKBACK before t.
 */
function timelineSource(runs: Run[], asked: string[] = []): MetricsSource {
  const present = (run: Run, t: number) => run.from <= t && t <= run.to + LOOKBACK && lastSample(run, t) !== null;
  const lastSample = (run: Run, t: number) => {
    const last = Math.min(run.to, run.from + Math.floor((t - run.from) / STEP) * STEP);
    return last >= run.from && t - last <= LOOKBACK ? last : null;
  };
  const key = (run: Run) => JSON.stringify([run.segment, run.build]);
  const labelsOf = (run: Run) => ({ ...run.segment, ...run.build });
  return {
    async instantQuery(expr: string, time: number): Promise<SampleRow[]> {
      asked.push(expr);
      if (expr.startsWith('max by')) {
        return runs.flatMap((run) => {
          const last = lastSample(run, time);
          return last === null ? [] : [{ labels: labelsOf(run), value: last }];
        });
      }
      const [, range, step] = /\[(\d+)s:(\d+)s\]\)$/.exec(expr)!.map(Number);
      const offset = Number(/offset (\d+)s/.exec(expr)![1]);
      const points: number[] = [];
      for (let t = Math.ceil((time - range) / step) * step; t <= time; t += step) {
        if (t > time - range) {
          points.push(t);
        }
      }
      // Builds are keyed by labels: two runs of the same build are one series, as on an engine.
      const builds = new Map<string, Run[]>();
      runs.forEach((run) => builds.set(key(run), [...(builds.get(key(run)) ?? []), run]));
      const rows: SampleRow[] = [];
      for (const same of builds.values()) {
        const isPresent = (t: number) => same.some((run) => present(run, t));
        const appearances = points.filter((t) => isPresent(t) && !isPresent(t - offset));
        if (appearances.length === 0) {
          continue;
        }
        const value = expr.startsWith('count_over_time')
          ? appearances.length
          : expr.startsWith('min_over_time')
            ? Math.min(...appearances)
            : Math.max(...appearances);
        rows.push({ labels: labelsOf(same[0]), value });
      }
      return rows;
    },
  };
}

const window = { from: T0 + 3600, to: T0 + 7200 };

describe('readChangeEvents', () => {
  test('a change in the window: before is the build running when the range started', async () => {
    const source = timelineSource([
      { segment: CHAT, build: A, from: T0 - 7200, to: T0 + 4200 },
      { segment: CHAT, build: B, from: T0 + 4260, to: T0 + 9000 },
    ]);
    expect(await readChangeEvents(source, { window })).toEqual([
      { time: T0 + 4260, segment: CHAT, before: A, after: B, changed: ['response_model'] },
    ]);
  });

  test('a remapped build-info metric is the one queried, and a bad name is refused', async () => {
    const runs: Run[] = [{ segment: CHAT, build: A, from: T0 - 3600, to: T0 + 9000 }];
    const asked: string[] = [];
    await readChangeEvents(timelineSource(runs, asked), { window, metric: 'openlit_build_info' });
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((query) => query.includes('openlit_build_info{') && !query.includes('llm_build_info'))).toBe(
      true
    );
    await expect(readChangeEvents(timelineSource(runs), { window, metric: 'build info' })).rejects.toThrow(
      /not a metric name/
    );
  });

  test('rollbacks back and forth: every appearance is found, also when a build appears more than twice', async () => {
    // A -> B -> A -> B -> A -> B: B appears three times, so first and last alone would miss one.
    const flips = [T0 + 600, T0 + 1800, T0 + 3000, T0 + 4200, T0 + 5400];
    const runs: Run[] = [{ segment: CHAT, build: A, from: T0 - 3600, to: flips[0] - STEP }];
    flips.forEach((at, i) =>
      runs.push({ segment: CHAT, build: i % 2 === 0 ? B : A, from: at, to: (flips[i + 1] ?? T0 + 9000) - STEP })
    );
    const asked: string[] = [];
    const events = await readChangeEvents(timelineSource(runs, asked), { window, lookbackSeconds: 3600 });
    expect(events.map((e) => [e.time, e.before, e.after])).toEqual([
      [flips[0], A, B],
      [flips[1], B, A],
      [flips[2], A, B],
      [flips[3], B, A],
      [flips[4], A, B],
    ]);
    // The halves were queried: more than the three first queries and the one for the start.
    expect(asked.length).toBeGreaterThan(4);
  });

  test('a segment that appears for the first time has no before, and every label counts as changed', async () => {
    const source = timelineSource([
      { segment: CHAT, build: A, from: T0 - 7200, to: T0 + 9000 },
      { segment: SEARCH, build: C, from: T0 + 5000 - (5000 % STEP), to: T0 + 9000 },
    ]);
    expect(await readChangeEvents(source, { window })).toEqual([
      {
        time: T0 + 5000 - (5000 % STEP),
        segment: SEARCH,
        before: null,
        after: C,
        changed: ['model', 'response_model', 'prompt_version'],
      },
    ]);
  });

  test('segments are followed apart; a build seen again after a scrape gap is not a change', async () => {
    const source = timelineSource([
      { segment: CHAT, build: A, from: T0 - 7200, to: T0 + 4000 },
      // Gap longer than the lookback, then the same build again.
      { segment: CHAT, build: A, from: T0 + 4800, to: T0 + 9000 },
      { segment: SEARCH, build: A, from: T0 - 7200, to: T0 + 6000 },
      { segment: SEARCH, build: C, from: T0 + 6060, to: T0 + 9000 },
    ]);
    expect(await readChangeEvents(source, { window })).toEqual([
      { time: T0 + 6060, segment: SEARCH, before: A, after: C, changed: ['prompt_version'] },
    ]);
  });

  test('the build running at the start is the one with the newest sample, not one still in the lookback', async () => {
    const source = timelineSource([
      // A stopped just before the range starts and is still visible through the lookback; B replaced it.
      { segment: CHAT, build: A, from: T0 - 7200, to: T0 - 120 },
      { segment: CHAT, build: B, from: T0 - 60, to: T0 + 4800 },
      { segment: CHAT, build: C, from: T0 + 4860, to: T0 + 9000 },
    ]);
    const [event] = await readChangeEvents(source, { window });
    expect(event).toMatchObject({
      time: T0 + 4860,
      before: B,
      after: C,
      changed: ['response_model', 'prompt_version'],
    });
  });

  test('changes before the lookback are not reported', async () => {
    const source = timelineSource([
      { segment: CHAT, build: A, from: T0 - 7200, to: T0 - 1860 },
      { segment: CHAT, build: B, from: T0 - 1800, to: T0 + 9000 },
    ]);
    expect(await readChangeEvents(source, { window, lookbackSeconds: 3600 })).toEqual([]);
    expect(await readChangeEvents(source, { window, lookbackSeconds: 7200 })).toHaveLength(1);
  });

  test('the selector is checked and carried into every query', async () => {
    const asked: string[] = [];
    await readChangeEvents(timelineSource([], asked), { window, selector: 'endpoint="/chat"' });
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((expr) => expr.includes('llm_build_info{endpoint="/chat"}'))).toBe(true);
    await expect(readChangeEvents(timelineSource([]), { window, selector: 'endpoint=/chat' })).rejects.toThrow(
      SelectorError
    );
    await expect(readChangeEvents(timelineSource([]), { window: { from: 10, to: 5 } })).rejects.toThrow(/window/);
  });
});
