/**
 * The Incidents page over 10,000 `ai-incident` region annotations served by the fake Grafana's annotations API
 * (Grafana's semantics: newest first, `limit` per request, no offset), in Chromium through the built plugin.
 * Times are taken inside the page (performance.now), from the moment the host is asked to render the app, to the
 * first animation frame after the DOM shows it (a MutationObserver notes the commit, requestAnimationFrame the frame
 * that paints it): the Node side's Playwright round trips, slowed by the fake server sharing its event loop, are
 * left out.
 * - first request sent, first page answered: the first `GET /api/annotations` leaving and its answer complete
 *   (resource timing, same clock): before it, the plugin's settings, module.js and the page's chunks load;
 * - first rows: the first incident row of the table;
 * - full list: every incident read, the summary saying "10,000 incidents" (no longer "while the rest is read") and
 *   the table's rows those of the whole list: from then on it sorts, searches and filters all of them;
 * - sort: a click on Description to the rows sorted by it, over all 10,000;
 * - status/team filter: a click to the filtered rows on screen.
 * References, in the same run: the same page over a window with no incident (the host, the app's chunks and one
 * empty request: the floor under "first rows"), and every page read one after another by bare fetch (no React:
 * the floor under "full list"). Min, median and max of 5 fresh pages each.
 */
import { loadavg } from 'node:os';
import { type Page } from 'playwright-core';

import { readClassification } from '../../src/core/tags';
import { type AnnotationSeed } from './annotationStore';
import { type BrowserHarness, CHROMIUM, startBrowserHarness } from './browser';
import { ensureBuiltPlugin } from './pluginDist';

const RUNS = 5;
const INCIDENTS = 10_000;
const APP_ID = 'aisre-reliability-app';
const APP_PATH = `/a/${APP_ID}/incidents`;
const TIMEOUT_MS = 180_000;

const ROW = 'data-testid incidents-row';
const SUMMARY = 'data-testid incidents-summary';

const TEAMS = ['assistants', 'search', 'automation', 'payments', 'growth'];
const CATEGORIES = [
  undefined,
  'infrastructure',
  'configuration',
  'data-retrieval',
  'model-degradation',
  'agentic-coordination',
  'security-surface',
  'prompt',
  'undetermined',
];
const STATUSES = ['classified', 'resolved'];
const SEVERITIES = [undefined, 'investigate', 'page'];
const FILTER_TEAM = 'payments';

/** 10,000 incidents, one every 4 minutes back from an hour ago, 5 min to 2 h long, with varied tags. */
function incidents(now: number): AnnotationSeed[] {
  return Array.from({ length: INCIDENTS }, (_, i) => {
    const timeEnd = now - 3_600_000 - i * 240_000;
    const duration = (5 + ((i * 7919) % 116)) * 60_000;
    const category = CATEGORIES[i % CATEGORIES.length];
    const tags = ['ai-incident', `team:${TEAMS[i % TEAMS.length]}`];
    if (category) {
      tags.push(`ai-category:${category}`, `ai-status:${STATUSES[i % STATUSES.length]}`);
    }
    const severity = SEVERITIES[i % SEVERITIES.length];
    if (severity) {
      tags.push(`ai-severity:${severity}`);
    }
    if (i % 4 === 0) {
      tags.push(`owner:user${i % 17}`);
    }
    return {
      id: i + 1,
      time: timeEnd - duration,
      timeEnd,
      text: `Incident ${i + 1}: ${category ?? 'unclassified'} on ${TEAMS[i % TEAMS.length]}`,
      tags,
      dashboardUID: i % 3 === 0 ? 'aisre-model-slis' : '',
    };
  });
}

/** What the page should show for a filter: how many match, and the newest of them (its first row). */
function expected(seed: AnnotationSeed[], keep: (tags: string[]) => boolean): { count: number; first: number } {
  const matching = seed
    .filter((a) => keep(a.tags ?? []))
    .sort((a, b) => b.time - a.time || (b.timeEnd ?? 0) - (a.timeEnd ?? 0) || (b.id ?? 0) - (a.id ?? 0));
  return { count: matching.length, first: matching[0].id! };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Waits until the summary and the first row show what `want` says. */
async function waitForFilter(page: Page, want: { count: number; first: number }): Promise<void> {
  await page
    .getByTestId(SUMMARY)
    .getByText(`${fmt(want.count)} of ${fmt(INCIDENTS)} incidents match`)
    .waitFor({ timeout: TIMEOUT_MS });
  await page
    .locator(`[data-testid="${ROW}"][data-incident-id="${want.first}"]`)
    .first()
    .waitFor({ timeout: TIMEOUT_MS });
}

/** What the page watches for, as text for its MutationObserver: a CSS selector and, optionally, a text it must start with. */
interface Sight {
  selector: string;
  startsWith?: string;
}

/**
 * Starts a clock in the page and resolves, for each sight, the ms from now to the first animation frame after the
 * DOM first showed it. The observer is installed before `act` runs, so no commit is missed.
 */
async function timeInPage(
  page: Page,
  sights: Record<string, Sight>,
  act: () => Promise<void>
): Promise<Record<string, number>> {
  await page.evaluate((wanted) => {
    const seen: Record<string, number> = {};
    const start = performance.now();
    // No named function in here: tsx would wrap it in a `__name` helper the page does not have.
    const observer = new MutationObserver(() => {
      for (const [name, sight] of Object.entries(wanted)) {
        if (name in seen) {
          continue;
        }
        const found = [...document.querySelectorAll(sight.selector)].some(
          (el) => !sight.startsWith || (el.textContent ?? '').startsWith(sight.startsWith)
        );
        if (found) {
          seen[name] = -1;
          requestAnimationFrame(() => (seen[name] = performance.now() - start));
        }
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    (window as unknown as { aisreBench: unknown }).aisreBench = { seen, observer };
  }, sights);
  await act();
  const names = Object.keys(sights);
  await page.waitForFunction(
    (wanted) => {
      const { seen } = (window as unknown as { aisreBench: { seen: Record<string, number> } }).aisreBench;
      return wanted.every((name) => (seen[name] ?? -1) >= 0);
    },
    names,
    { timeout: TIMEOUT_MS, polling: 50 }
  );
  return page.evaluate(() => {
    const bench = (window as unknown as { aisreBench: { seen: Record<string, number>; observer: MutationObserver } })
      .aisreBench;
    bench.observer.disconnect();
    return bench.seen;
  });
}

const rowSelector = (id?: number) =>
  id === undefined ? `[data-testid="${ROW}"]` : `[data-testid="${ROW}"][data-incident-id="${id}"]`;
const summarySelector = `[data-testid="${SUMMARY}"]`;

/** A fresh page with the host ready, errors collected. */
async function freshPage(harness: BrowserHarness, path: string) {
  const context = await harness.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${harness.grafana.url}${path}`, { timeout: TIMEOUT_MS });
  await page.waitForFunction(() => window.aisreHostReady !== undefined, undefined, { timeout: TIMEOUT_MS });
  const render = () => page.evaluate((request) => window.aisreHost!.renderAppPage(request), { pluginId: APP_ID, path });
  const close = async () => {
    await context.close();
    if (errors.length > 0) {
      throw new Error(`the page logged errors:\n${errors.join('\n')}`);
    }
  };
  return { page, render, close };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Run {
  /** The first annotation request sent (resource timing): the plugin's settings, module.js and the chunks loaded. */
  firstRequest: number;
  firstRows: number;
  /** The first annotation page's response, in the same clock (resource timing). */
  firstPage: number;
  fullList: number;
  /** Reference: the same page over a window with no incident, to its empty state. */
  emptyPage: number;
  /** Reference: every page fetched one after another by bare fetch, no React. */
  bareFetch: number;
  requests: number;
  sort: number;
  statusFilter: number;
  teamFilter: number;
  truncatedWarning: boolean;
}

type Timed = Omit<Run, 'truncatedWarning'>;

/** The empty-window reference: the host, the app's chunks, one request answered with nothing, the empty state. */
async function emptyPageReference(harness: BrowserHarness): Promise<number> {
  // The seeded incidents end an hour ago or earlier: the last half hour holds none.
  const opened = await freshPage(harness, `${APP_PATH}?from=now-30m&to=now`);
  try {
    const seen = await timeInPage(
      opened.page,
      { empty: { selector: 'span', startsWith: 'No incident in this time range' } },
      opened.render
    );
    return seen.empty;
  } finally {
    await opened.close();
  }
}

/** Grafana's paging done one request after another by bare fetch in the page (no parsing into rows, no React). */
async function bareFetchReference(page: Page): Promise<number> {
  const reference = await page.evaluate(async () => {
    const started = window.performance.now();
    const seen = new Set<number>();
    let to: number | undefined;
    for (;;) {
      const range = to === undefined ? '' : `&from=1&to=${to}`;
      const answer = await fetch(`/api/annotations?tags=ai-incident&type=annotation&limit=500${range}`);
      const items = (await answer.json()) as Array<{ id: number; timeEnd: number }>;
      items.forEach((item) => seen.add(item.id));
      if (items.length < 500) {
        break;
      }
      to = Math.min(...items.map((item) => item.timeEnd));
    }
    return { ms: window.performance.now() - started, count: seen.size };
  });
  if (reference.count !== INCIDENTS) {
    throw new Error(`the reference read ${reference.count} incidents, not ${INCIDENTS}`);
  }
  return reference.ms;
}

interface Expected {
  newest: number;
  /** The third incident by description (the first two are also among the newest, so already on screen). */
  thirdByText: number;
  resolved: { count: number; first: number };
  team: { count: number; first: number };
}

async function oneRun(harness: BrowserHarness, want: Expected): Promise<Run> {
  const emptyPage = await emptyPageReference(harness);
  const opened = await freshPage(harness, APP_PATH);
  const { page } = opened;
  try {
    const requestsBefore = harness.grafana.requests.length;
    const load = await timeInPage(
      page,
      {
        firstRows: { selector: rowSelector() },
        fullList: { selector: summarySelector, startsWith: `${fmt(INCIDENTS)} incidents` },
      },
      async () => {
        await page.evaluate(() => performance.mark('aisre-render'));
        await opened.render();
      }
    );
    // The full list's sight is the summary; its rows must be the whole list's newest (checked, not timed).
    await page.locator(rowSelector(want.newest)).first().waitFor({ timeout: TIMEOUT_MS });
    const { firstRequest, firstPage } = await page.evaluate(() => {
      const [render] = performance.getEntriesByName('aisre-render');
      const requests = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/annotations?')) as PerformanceResourceTiming[];
      return {
        firstRequest: Math.min(...requests.map((e) => e.startTime)) - render.startTime,
        firstPage: Math.min(...requests.map((e) => e.responseEnd)) - render.startTime,
      };
    });
    const requests = harness.grafana.requests
      .slice(requestsBefore)
      .filter((r) => r.method === 'GET' && r.path === '/api/annotations').length;
    const truncatedWarning = await page.getByText(/^Showing the newest/).isVisible();
    const bareFetch = await bareFetchReference(page);

    const sorted = await timeInPage(
      page,
      { sort: { selector: `tbody tr:nth-child(3) ${rowSelector(want.thirdByText)}` } },
      () => page.getByRole('button', { name: 'Sort column Description' }).click()
    );
    await page.getByRole('button', { name: 'Sort column Started' }).click();
    await page.locator(rowSelector(want.newest)).first().waitFor({ timeout: TIMEOUT_MS });

    const status = await timeInPage(
      page,
      { rows: { selector: rowSelector(want.resolved.first) }, summary: filterSight(want.resolved.count) },
      () => page.getByRole('radio', { name: 'Resolved', exact: true }).click()
    );
    await waitForFilter(page, want.resolved);

    const teamInput = page.locator('#incidents-filter-team');
    await teamInput.click();
    await teamInput.fill(FILTER_TEAM);
    const option = page.getByRole('option', { name: FILTER_TEAM, exact: true });
    await option.waitFor({ timeout: TIMEOUT_MS });
    const team = await timeInPage(
      page,
      { rows: { selector: rowSelector(want.team.first) }, summary: filterSight(want.team.count) },
      () => option.click()
    );
    await waitForFilter(page, want.team);
    return {
      firstRequest,
      firstRows: load.firstRows,
      fullList: load.fullList,
      firstPage,
      emptyPage,
      bareFetch,
      requests,
      sort: sorted.sort,
      statusFilter: Math.max(status.rows, status.summary),
      teamFilter: Math.max(team.rows, team.summary),
      truncatedWarning,
    };
  } finally {
    await opened.close();
  }
}

const filterSight = (count: number): Sight => ({
  selector: summarySelector,
  startsWith: `${fmt(count)} of ${fmt(INCIDENTS)} incidents match`,
});

async function run() {
  await ensureBuiltPlugin();
  const seed = incidents(Date.now());
  const status = (tags: string[]) => readClassification(tags).classification;
  const want: Expected = {
    newest: expected(seed, () => true).first,
    thirdByText: [...seed].sort((a, b) => (a.text ?? '').localeCompare(b.text ?? ''))[2].id!,
    resolved: expected(seed, (tags) => status(tags).status === 'resolved'),
    team: expected(seed, (tags) => status(tags).status === 'resolved' && status(tags).team === FILTER_TEAM),
  };
  const harness = await startBrowserHarness({ annotations: seed, orgRole: 'Editor' });
  const loads: number[] = [];
  const runs: Run[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      runs.push(await oneRun(harness, want));
      loads.push(loadavg()[0]);
    }
  } finally {
    await harness.close();
  }
  process.stdout.write(report(runs, want, loads));
}

function report(runs: Run[], want: Expected, loads: number[]): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const row = (label: string, r: Timed) =>
    `| ${label} | ${ms(r.firstRequest)} | ${ms(r.firstPage)} | ${ms(r.firstRows)} | ${ms(r.emptyPage)} | ${(r.firstRows / r.emptyPage).toFixed(2)}x | ` +
    `${ms(r.fullList)} | ${ms(r.bareFetch)} | ${(r.fullList / r.bareFetch).toFixed(2)}x | ${r.requests} | ` +
    `${ms(r.sort)} | ${ms(r.statusFilter)} | ${ms(r.teamFilter)} |`;
  const pick = (f: (values: number[]) => number): Timed => {
    const of = (key: keyof Timed) => f(runs.map((r) => r[key]));
    return {
      firstRequest: of('firstRequest'),
      firstPage: of('firstPage'),
      firstRows: of('firstRows'),
      emptyPage: of('emptyPage'),
      fullList: of('fullList'),
      bareFetch: of('bareFetch'),
      requests: of('requests'),
      sort: of('sort'),
      statusFilter: of('statusFilter'),
      teamFilter: of('teamFilter'),
    };
  };
  return [
    `${fmt(INCIDENTS)} ai-incident regions in the fake annotations API; Incidents page in Chromium, ${RUNS} fresh pages.`,
    `Conditions: node ${process.version}, Chromium (${CHROMIUM}), 1-minute load average after each run ` +
      `${loads.map((l) => l.toFixed(1)).join(', ')} (a shared 2-core machine, busy: compare the ratios).`,
    `Times in the page, from the host's render call to the frame showing it. Sort: Description over all ` +
      `${fmt(INCIDENTS)}. Filters: status=resolved (${fmt(want.resolved.count)} match), then team=${FILTER_TEAM} ` +
      `(${fmt(want.team.count)} match). Ratios per run; the min/median/max rows take each column's own.`,
    '',
    '| run | first request sent | first page answered | first rows | ref: empty window on screen | ratio | full list | ref: bare sequential fetch | ratio | GET /api/annotations | sort -> rows | status filter -> rows | + team filter -> rows |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r, i) => row(String(i + 1), r)),
    row(
      'min',
      pick((v) => Math.min(...v))
    ),
    row('median', pick(median)),
    row(
      'max',
      pick((v) => Math.max(...v))
    ),
    '',
    `"Showing the newest …" warning shown: ${runs.map((r) => (r.truncatedWarning ? 'yes' : 'no')).join(', ')}`,
    '',
  ].join('\n');
}

export const incidentsBenchmark = { name: 'incidents', run };
