/**
 * The Incidents page over 10,000 `ai-incident` region annotations served by the fake Grafana's annotations API
 * (Grafana's semantics: newest first, `limit` per request, no offset), in Chromium through the built plugin:
 * time to the first rows on screen and to the whole list read (paginated past Grafana's limit), then time
 * from a filter change to the filtered rows on screen. Min, median and max of 5 fresh pages. Times are taken in Node around
 * Playwright's waits (a few ms of round trip included), from the moment the host asks the app to render.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { type Page } from 'playwright-core';

import { readClassification } from '../../src/core/tags';
import { type AnnotationSeed } from './annotationStore';
import { startBrowserHarness } from './browser';
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Run {
  firstRows: number;
  fullList: number;
  /** The reference, same page and run: every page fetched one after another by bare fetch, no React. */
  reference: number;
  requests: number;
  truncatedWarning: boolean;
  statusFilter: number;
  teamFilter: number;
}

async function run() {
  await ensureBuiltPlugin();
  const seed = incidents(Date.now());
  const resolved = expected(seed, (tags) => readClassification(tags).classification.status === 'resolved');
  const team = expected(
    seed,
    (tags) =>
      readClassification(tags).classification.status === 'resolved' &&
      readClassification(tags).classification.team === FILTER_TEAM
  );
  const harness = await startBrowserHarness({ annotations: seed, orgRole: 'Editor' });
  const runs: Run[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await harness.browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      try {
        await page.goto(`${harness.grafana.url}${APP_PATH}`);
        await page.waitForFunction(() => window.aisreHostReady !== undefined, undefined, { timeout: TIMEOUT_MS });
        const requestsBefore = harness.grafana.requests.length;
        const start = performance.now();
        await page.evaluate(
          (path) => window.aisreHost!.renderAppPage({ pluginId: 'aisre-reliability-app', path }),
          APP_PATH
        );
        await page.getByTestId(ROW).first().waitFor({ timeout: TIMEOUT_MS });
        const firstRows = performance.now() - start;
        await page
          .getByTestId(SUMMARY)
          .getByText(new RegExp(`^${fmt(INCIDENTS)} incidents`))
          .waitFor({ timeout: TIMEOUT_MS });
        const fullList = performance.now() - start;
        const requests = harness.grafana.requests
          .slice(requestsBefore)
          .filter((r) => r.method === 'GET' && r.path === '/api/annotations').length;
        const truncatedWarning = await page.getByText(/^Showing the newest/).isVisible();

        // The floor the list is compared with: Grafana's paging done one request after another by bare fetch in the
        // same page (no parsing into rows, no React), the way the list read before it went parallel.
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

        let t = performance.now();
        await page.getByRole('radio', { name: 'Resolved', exact: true }).click();
        await waitForFilter(page, resolved);
        const statusFilter = performance.now() - t;

        const teamInput = page.locator('#incidents-filter-team');
        await teamInput.click();
        await teamInput.fill(FILTER_TEAM);
        const option = page.getByRole('option', { name: FILTER_TEAM, exact: true });
        await option.waitFor({ timeout: TIMEOUT_MS });
        t = performance.now();
        await option.click();
        await waitForFilter(page, team);
        const teamFilter = performance.now() - t;

        if (errors.length > 0) {
          throw new Error(`the page logged errors:\n${errors.join('\n')}`);
        }
        runs.push({
          firstRows,
          fullList,
          reference: reference.ms,
          requests,
          truncatedWarning,
          statusFilter,
          teamFilter,
        });
      } finally {
        await context.close();
      }
    }
  } finally {
    await harness.close();
  }

  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const row = (label: string, r: Omit<Run, 'truncatedWarning'>) =>
    `| ${label} | ${ms(r.firstRows)} | ${ms(r.fullList)} | ${ms(r.reference)} | ${(r.fullList / r.reference).toFixed(2)}x | ${r.requests} | ${ms(r.statusFilter)} | ${ms(r.teamFilter)} |`;
  const summary = (pick: (values: number[]) => number) => ({
    firstRows: pick(runs.map((r) => r.firstRows)),
    fullList: pick(runs.map((r) => r.fullList)),
    reference: pick(runs.map((r) => r.reference)),
    requests: pick(runs.map((r) => r.requests)),
    statusFilter: pick(runs.map((r) => r.statusFilter)),
    teamFilter: pick(runs.map((r) => r.teamFilter)),
  });
  process.stdout.write(
    [
      `${fmt(INCIDENTS)} ai-incident regions in the fake annotations API; Incidents page in Chromium, ${RUNS} fresh pages.`,
      `Conditions: node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (a shared 2-core machine).`,
      `Filters: status=resolved (${fmt(resolved.count)} match), then team=${FILTER_TEAM} (${fmt(team.count)} match).`,
      '',
      '| run | first rows | full list on screen | reference: bare sequential fetch | ratio | GET /api/annotations | status filter -> rows | + team filter -> rows |',
      '|---|---|---|---|---|---|---|---|',
      ...runs.map((r, i) => row(String(i + 1), r)),
      row(
        'min',
        summary((v) => Math.min(...v))
      ),
      row('median', summary(median)),
      row(
        'max',
        summary((v) => Math.max(...v))
      ),
      '',
      `"Showing the newest …" warning shown: ${runs.map((r) => (r.truncatedWarning ? 'yes' : 'no')).join(', ')}`,
      '',
    ].join('\n')
  );
}

export const incidentsBenchmark = { name: 'incidents', run };
