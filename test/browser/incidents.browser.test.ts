/**
 * The built app's Incidents and Incident pages in real Chromium (dist/module.js loaded as Grafana loads it), against
 * the fake Grafana's annotations API (Grafana's documented semantics, seeded per test) and a real Prometheus holding
 * simulated telemetry whose ground truth says what each incident shifted:
 * - the list shows every `ai-incident` region, newest first, hostile text as text; filters narrow it; a row opens
 *   the incident;
 * - the incident page pages on exactly the SLIs the truth shifted, suggests the truth's category first, and its
 *   impact section copies exactly what `aisre impact` prints for the same window and selector;
 * - classifying PATCHes tags that keep the foreign tags and the text; a concurrent edit is shown and nothing is
 *   lost; a 403 says why and keeps the chosen values.
 * dist/ is rebuilt first when src/ is newer (see ensureBuiltPlugin).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { SLI_DEFINITIONS } from '../../src/core/metrics';
import { type CategoryId, categoryById } from '../../src/core/taxonomy';
import { runAisre } from '../aisre';
import { rfc3339 } from '../../src/core/format';
import { type StartedEngine, startPrometheus } from '../prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../simulateFixture';
import { findWindow, type TruthIncident, toUnixSeconds } from '../truth';
import { type AnnotationSeed } from './annotationStore';
import { type BrowserHarness, type OpenedPage, startBrowserHarness } from './browser';
import { ensureBuiltPlugin } from './pluginDist';

jest.setTimeout(180_000);

const APP = '/a/aisre-reliability-app';
/** Annotation text an attacker (or a careless paste) could write: HTML, a table-breaking pipe, a script link. */
const HOSTILE_TEXT = '<img src=x onerror=alert(1)> | pipes | [link](javascript:alert(1))';
const TITLE_BY_SLI = new Map(SLI_DEFINITIONS.map((d) => [d.id, d.title]));
const HOUR = 3600;
/** Seven hours hold two incidents (infrastructure at +2h, data-retrieval at +5h) and each one's preceding hour. */
const SIMULATED_HOURS = 7;
/** The incident the page tests open: the simulator's data-retrieval incident on /search (team `search`). */
const TARGET_CATEGORY = 'data-retrieval';

const ids = { infrastructure: 1, target: 2, resolved: 3, deploy: 4, point: 5 };
/** The testids of src/pages/incidents/testIds.ts (repeated here: a renamed id must fail this test, not follow it). */
const T = {
  incidents: 'data-testid incidents-container',
  table: 'data-testid incidents-table',
  row: 'data-testid incidents-row',
  summary: 'data-testid incidents-summary',
  incident: 'data-testid incident-container',
  text: 'data-testid incident-text',
  tags: 'data-testid incident-tags',
  evidence: 'data-testid incident-evidence',
  suggestions: 'data-testid incident-suggestions',
  classify: 'data-testid incident-classify',
  conflict: 'data-testid incident-conflict',
  impact: 'data-testid incident-impact',
};

let fixture: SimulatedFixture;
let prometheus: StartedEngine;
let harness: BrowserHarness;
let target: TruthIncident;
let targetTeam: string;
let targetWindow: { from: number; to: number };
let infraWindow: { from: number; to: number };
let cliMarkdown: string;

/** The team label of the simulated segment serving `endpoint` (the truth file lists the segments). */
function teamOf(endpoint: string): string {
  const segments = (fixture.truth.segments ?? []) as Array<{ team: string; endpoint: string }>;
  const team = segments.find((s) => s.endpoint === endpoint)?.team;
  if (!team) {
    throw new Error(`the truth file has no segment for ${endpoint}: ${JSON.stringify(segments)}`);
  }
  return team;
}

function windowOf(incident: TruthIncident): { from: number; to: number } {
  const w = findWindow(fixture.truth, `incident:${incident.id}`);
  return { from: toUnixSeconds(w.from), to: toUnixSeconds(w.to) };
}

/** The annotations every test starts from (ids fixed, so assertions name them). */
function seed(): AnnotationSeed[] {
  const start = DEFAULT_SIMULATION.from;
  return [
    {
      id: ids.infrastructure,
      time: infraWindow.from * 1000,
      timeEnd: infraWindow.to * 1000,
      text: 'Provider timeouts on /chat',
      tags: [
        'ai-incident',
        'team:assistants',
        'ai-category:infrastructure',
        'ai-status:classified',
        'ai-severity:page',
      ],
      dashboardUID: 'aisre-model-slis',
      panelId: 4,
    },
    {
      // Organisation-wide (no dashboard), unclassified, with tags someone else wrote.
      id: ids.target,
      time: targetWindow.from * 1000,
      timeEnd: targetWindow.to * 1000,
      text: HOSTILE_TEXT,
      tags: ['ai-incident', `team:${targetTeam}`, 'owner:alice', 'postmortem'],
    },
    {
      // After the target and clear of its baseline hour, so the target's report leaves nothing out.
      id: ids.resolved,
      time: (start + 6 * HOUR + 15 * 60) * 1000,
      timeEnd: (start + 6 * HOUR + 45 * 60) * 1000,
      text: 'Agent loop on /agent',
      tags: ['ai-incident', 'team:automation', 'ai-category:agentic-coordination', 'ai-status:resolved'],
    },
    // Not incidents: another tag, and an ai-incident point (an incident is a window).
    {
      id: ids.deploy,
      time: (start + 6 * HOUR) * 1000,
      timeEnd: (start + 6 * HOUR + 600) * 1000,
      text: 'deploy v2',
      tags: ['deploy'],
    },
    { id: ids.point, time: (start + 6 * HOUR + 50 * 60) * 1000, text: 'a point, not a window', tags: ['ai-incident'] },
  ];
}

function incidentPath(id: number, window: { from: number; to: number }): string {
  return `${APP}/incidents/${id}?from=${window.from * 1000}&to=${window.to * 1000}`;
}

/** The table row of an incident (its description link carries the row's test id and the incident's id). */
function rowOf(opened: OpenedPage, id: number) {
  return opened.page.locator('tr', {
    has: opened.page.locator(`[data-testid="${T.row}"][data-incident-id="${id}"]`),
  });
}

async function rowIds(opened: OpenedPage): Promise<number[]> {
  return opened.page
    .getByTestId(T.row)
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-incident-id'))));
}

async function assertNoHostileMarkup(opened: OpenedPage): Promise<void> {
  await expect(opened.page.locator('img[src="x"]').count()).resolves.toBe(0);
  await expect(opened.page.locator('a[href^="javascript:" i]').count()).resolves.toBe(0);
  await expect(opened.page.locator('[onerror]').count()).resolves.toBe(0);
  expect(opened.dialogs).toEqual([]);
}

/** Opens the target incident's page and waits until its evidence (and so its suggestions) are shown. */
async function openTarget(allowConsoleErrors: RegExp[] = []): Promise<OpenedPage> {
  const opened = await harness.openAppPage({ path: incidentPath(ids.target, targetWindow), allowConsoleErrors });
  await opened.waitFor(opened.page.getByTestId(T.suggestions), 120_000);
  return opened;
}

function storedTarget() {
  const stored = harness.grafana.annotations.all().find((a) => a.id === ids.target);
  if (!stored) {
    throw new Error('the target annotation is gone from the fake store');
  }
  return stored;
}

/** Picks a RadioButtonGroup option inside `scope` (Grafana's radio input lies, transparent, over its label). */
async function pickRadio(opened: OpenedPage, scope: string, label: string): Promise<void> {
  await opened.page.getByTestId(scope).getByRole('radio', { name: label, exact: true }).click();
}

/** Opens the target incident, takes the first suggested category and picks severity Page (nothing saved yet). */
async function openTargetChoosingPage(allowConsoleErrors: RegExp[] = []): Promise<OpenedPage> {
  const opened = await openTarget(allowConsoleErrors);
  await opened.page
    .getByTestId(T.suggestions)
    .getByRole('button', { name: /^Choose / })
    .first()
    .click();
  await pickRadio(opened, T.classify, 'Page');
  return opened;
}

beforeAll(async () => {
  const [, simulated] = await Promise.all([
    ensureBuiltPlugin(),
    simulateFixture({
      ...DEFAULT_SIMULATION,
      to: DEFAULT_SIMULATION.from + SIMULATED_HOURS * HOUR,
      formats: ['openmetrics'],
    }),
  ]);
  fixture = simulated;
  prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 90_000 });
  const end = DEFAULT_SIMULATION.from + SIMULATED_HOURS * HOUR;
  const inRange = fixture.truth.incidents.filter((i) => toUnixSeconds(i.to) <= end);
  const found = inRange.find((i) => i.category === TARGET_CATEGORY);
  const infrastructure = inRange.find((i) => i.category === 'infrastructure');
  if (!found || !infrastructure) {
    throw new Error(`the simulation's first ${SIMULATED_HOURS} hours lack an incident: ${JSON.stringify(inRange)}`);
  }
  target = found;
  targetTeam = teamOf(target.endpoint);
  targetWindow = windowOf(target);
  infraWindow = windowOf(infrastructure);
  // The incident page reports on the incident's team (team:<name> -> the `team` label), not split further.
  const cli = await runAisre([
    'impact',
    '--prometheus',
    prometheus.url,
    '--from',
    rfc3339(targetWindow.from),
    '--to',
    rfc3339(targetWindow.to),
    '--selector',
    `team="${targetTeam}"`,
  ]);
  if (cli.code !== 0) {
    throw new Error(`aisre impact exited ${cli.code}: ${cli.stderr}`);
  }
  cliMarkdown = cli.stdout;
  harness = await startBrowserHarness({ prometheusUrl: prometheus.url, orgRole: 'Editor' });
}, 600_000);

beforeEach(() => {
  harness.grafana.annotations.reset(seed());
  harness.grafana.clearFaults();
  harness.grafana.setOrgRole('Editor');
  harness.grafana.requests.length = 0;
});

afterAll(async () => {
  await harness?.close();
  await prometheus?.stop();
  await fixture?.cleanup();
});

describe('the Incidents page', () => {
  it('lists every ai-incident region newest first, hostile text as text, filters narrow it, a row opens it', async () => {
    const opened = await harness.openAppPage({ path: `${APP}/incidents` });
    try {
      await opened.waitFor(opened.page.getByTestId(T.row).first());
      // Newest first; the deploy annotation and the ai-incident point are not incidents.
      await expect(rowIds(opened)).resolves.toEqual([ids.resolved, ids.target, ids.infrastructure]);
      await expect(opened.page.getByTestId(T.summary).innerText()).resolves.toMatch(/^3 incidents/);
      const targetRow = rowOf(opened, ids.target);
      const cells = await targetRow.locator('td').allInnerTexts();
      expect(cells).toContain(HOSTILE_TEXT);
      expect(cells).toContain(targetTeam);
      expect(cells).toContain('Unclassified');
      expect(cells).toContain('open');
      const infraCells = await rowOf(opened, ids.infrastructure).locator('td').allInnerTexts();
      expect(infraCells).toEqual(expect.arrayContaining(['Infrastructure', 'classified', 'page', 'assistants']));
      await assertNoHostileMarkup(opened);
      // Every incident in the organisation: tagged ai-incident, no dashboard filter, a limit past Grafana's 100.
      const list = harness.grafana.requests.filter((r) => r.method === 'GET' && r.path === '/api/annotations');
      expect(list.length).toBeGreaterThan(0);
      expect(list[0].query.tags).toEqual(['ai-incident']);
      expect(list[0].query.dashboardUID).toBeUndefined();
      expect(Number(list[0].query.limit[0])).toBeGreaterThan(100);
      expect(existsSync(await opened.screenshot('incidents-list'))).toBe(true);

      // Status: only the resolved one.
      await pickRadio(opened, T.incidents, 'Resolved');
      await opened.waitFor(opened.page.getByText('1 of 3 incidents match'));
      await expect(rowIds(opened)).resolves.toEqual([ids.resolved]);
      await expect(opened.page.evaluate(() => window.aisreHost!.currentPath())).resolves.toContain('status=resolved');
      await opened.page.getByTestId(T.summary).getByRole('button', { name: 'Clear filters' }).click();
      await opened.waitFor(opened.page.getByTestId(T.summary).getByText(/^3 incidents/));
      await expect(rowIds(opened)).resolves.toHaveLength(3);

      // Category: Infrastructure, then Unclassified.
      const category = opened.page.locator('#incidents-filter-category');
      await category.click();
      await opened.page.getByRole('option', { name: 'Infrastructure', exact: true }).click();
      await opened.waitFor(opened.page.getByText('1 of 3 incidents match'));
      await expect(rowIds(opened)).resolves.toEqual([ids.infrastructure]);
      await category.click();
      await category.fill('Unclass');
      await opened.page.getByRole('option', { name: 'Unclassified', exact: true }).click();
      await opened.waitFor(opened.page.getByText('1 of 3 incidents match'));
      await expect(rowIds(opened)).resolves.toEqual([ids.target]);
      await expect(opened.page.evaluate(() => window.aisreHost!.currentPath())).resolves.toContain(
        'category=unclassified'
      );

      // Open it: the incident page, its text shown as text.
      await targetRow.getByRole('link').click();
      const text = opened.page.getByTestId(T.text);
      await opened.waitFor(text);
      await expect(text.innerText()).resolves.toBe(HOSTILE_TEXT);
      await expect(opened.page.evaluate(() => window.aisreHost!.currentPath())).resolves.toBe(
        incidentPath(ids.target, targetWindow)
      );
      await assertNoHostileMarkup(opened);
    } finally {
      await opened.close();
    }
  });

  it('sorts by a column either way, searches the text, and is readable at 800 and 1600 px', async () => {
    const opened = await harness.openAppPage({ path: `${APP}/incidents` });
    try {
      await opened.waitFor(opened.page.getByTestId(T.row).first());
      const byText = [...seed()]
        .filter((a) => a.tags?.includes('ai-incident') && a.timeEnd !== undefined)
        .sort((a, b) => (a.text ?? '').localeCompare(b.text ?? ''))
        .map((a) => a.id);
      const sortButton = opened.page.getByRole('button', { name: 'Sort column Description' });
      await sortButton.click();
      await opened.waitFor(opened.page.locator('th[aria-sort="ascending"]', { hasText: 'Description' }));
      await expect(rowIds(opened)).resolves.toEqual(byText);
      await sortButton.click();
      await opened.waitFor(opened.page.locator('th[aria-sort="descending"]', { hasText: 'Description' }));
      await expect(rowIds(opened)).resolves.toEqual([...byText].reverse());

      // The search looks in the description and the tags; the URL keeps it.
      await opened.page.locator('#incidents-search').fill('agent loop');
      await opened.waitFor(opened.page.getByText('1 of 3 incidents match'));
      await expect(rowIds(opened)).resolves.toEqual([ids.resolved]);
      await opened.page.locator('#incidents-search').fill('postmortem');
      await opened.waitFor(opened.page.getByText('1 of 3 incidents match'));
      await expect(rowIds(opened)).resolves.toEqual([ids.target]);
      await expect(opened.page.evaluate(() => window.aisreHost!.currentPath())).resolves.toContain('q=postmortem');
      await opened.page.getByTestId(T.summary).getByRole('button', { name: 'Clear filters' }).click();
      await opened.waitFor(opened.page.getByTestId(T.summary).getByText(/^3 incidents/));

      // A quick range for incidents: none of the simulated ones is in the last 24 hours.
      await pickRadio(opened, T.incidents, 'Last 24 hours');
      await opened.waitFor(opened.page.getByText('No incident in this time range'));
      await expect(opened.page.evaluate(() => window.aisreHost!.currentPath())).resolves.toContain('from=now-24h');
      await pickRadio(opened, T.incidents, 'Any time');
      await opened.waitFor(opened.page.getByTestId(T.summary).getByText(/^3 incidents/));

      // The range picker's pane stays on screen (1400 px wide): its title and its Apply button are inside the viewport.
      await opened.page.getByTestId('data-testid TimePicker Open Button').click();
      for (const part of [opened.page.getByText('Absolute time range'), opened.page.getByText('Apply time range')]) {
        await opened.waitFor(part);
        const box = (await part.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(1400);
      }
      await opened.page.keyboard.press('Escape');

      for (const width of [800, 1600]) {
        await opened.page.setViewportSize({ width, height: 1000 });
        // The description is the widest column, never squeezed to a sliver, and words are not broken.
        const description = await rowOf(opened, ids.infrastructure).locator('td').first().boundingBox();
        expect(description!.width).toBeGreaterThan(width === 800 ? 150 : 300);
        // No sideways scrolling, of the page or inside the table's own scroll container (InteractiveTable's).
        const overflow = await opened.page.evaluate((table) => {
          const page = document.scrollingElement!;
          const container = document.querySelector(`[data-testid="${table}"]`)!.firstElementChild!;
          return { page: page.scrollWidth - page.clientWidth, table: container.scrollWidth - container.clientWidth };
        }, T.table);
        expect(overflow).toEqual({ page: 0, table: 0 });
        // The filters and the table fit the page's width.
        for (const part of [
          opened.page.getByRole('search', { name: 'Filter incidents' }),
          opened.page.getByTestId(T.table),
        ]) {
          const box = (await part.boundingBox())!;
          expect(box.x + box.width).toBeLessThanOrEqual(width);
        }
        expect(existsSync(await opened.screenshot(`incidents-list-${width}`))).toBe(true);
      }
    } finally {
      await opened.close();
    }
  });

  it('offers Try again when the incidents cannot be read, and lists them when Grafana answers again', async () => {
    harness.grafana.addFault({
      method: 'GET',
      path: /^\/api\/annotations$/,
      respond: { status: 500, body: { message: 'database is locked' } },
      times: 1,
    });
    const opened = await harness.openAppPage({
      path: `${APP}/incidents`,
      allowConsoleErrors: [/500/, /database is locked/],
    });
    try {
      const alert = opened.page.getByRole('alert').filter({ hasText: 'The incidents could not be read' });
      await opened.waitFor(alert);
      await expect(alert.innerText()).resolves.toContain(
        'Grafana answered 500 for the incident annotations: database is locked'
      );
      await alert.getByRole('button', { name: 'Try again' }).click();
      await opened.waitFor(opened.page.getByTestId(T.summary).getByText(/^3 incidents/));
    } finally {
      await opened.close();
    }
  });

  it('can be used from the keyboard: filters, table and the Mark incident form in order, every group named', async () => {
    const opened = await harness.openAppPage({ path: `${APP}/incidents` });
    try {
      await opened.waitFor(opened.page.getByTestId(T.row).first());
      const page = opened.page;
      // Every radio group has a name: Status, Severity, When.
      for (const name of ['Status', 'Severity', 'When']) {
        await expect(page.getByRole('radiogroup', { name }).count()).resolves.toBe(1);
      }
      /** What has the focus, in a word: an id, a radio's label, a button's or link's text. */
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) {
            return '';
          }
          if (el.getAttribute('data-testid') === 'data-testid incidents-row') {
            return 'row link';
          }
          const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
          return el.id || label || el.getAttribute('aria-label') || (el.textContent ?? '').trim().slice(0, 40);
        });
      await page.locator('#incidents-search').focus();
      const order: string[] = [await focused()];
      for (let i = 0; i < 60 && !order.includes('row link'); i++) {
        await page.keyboard.press('Tab');
        order.push(await focused());
      }
      const at = (name: string) => order.findIndex((f) => f === name || f.startsWith(name));
      // The filters in reading order, then the table's sort buttons, then the rows' links.
      expect(at('incidents-search')).toBe(0);
      expect(at('incidents-filter-team')).toBeGreaterThan(at('incidents-search'));
      expect(at('incidents-filter-category')).toBeGreaterThan(at('incidents-filter-team'));
      expect(at('Sort column Description')).toBeGreaterThan(at('incidents-filter-category'));
      expect(at('Sort column Severity')).toBeGreaterThan(at('Sort column Description'));
      expect(at('row link')).toBeGreaterThan(at('Sort column Severity'));

      // The Mark incident form opens from the keyboard and tabs through its fields in order.
      await page.getByRole('button', { name: 'Mark incident' }).focus();
      await page.keyboard.press('Enter');
      await opened.waitFor(page.locator('#mark-incident-from'));
      await page.locator('#mark-incident-from').focus();
      const formOrder: string[] = [await focused()];
      for (let i = 0; i < 12 && !formOrder.includes('mark-incident-category'); i++) {
        await page.keyboard.press('Tab');
        formOrder.push(await focused());
      }
      const ids = [
        'mark-incident-from',
        'mark-incident-to',
        'mark-incident-ongoing',
        'mark-incident-team',
        'mark-incident-text',
      ];
      expect(ids.map((id) => formOrder.indexOf(id))).toEqual([0, 1, 2, 3, 4]);
      expect(formOrder).toContain('mark-incident-category');
      await page.keyboard.press('Escape');
      await page.locator('#mark-incident-from').waitFor({ state: 'detached' });
    } finally {
      await opened.close();
    }
  });
});

describe('the Incident page', () => {
  it('shows the truth’s shifted SLIs as Page, the truth’s category first, and exports what `aisre impact` prints', async () => {
    const opened = await openTarget();
    try {
      const { page } = opened;
      await expect(page.getByTestId(T.text).innerText()).resolves.toBe(HOSTILE_TEXT);
      await expect(page.getByTestId(T.tags).locator('li').allInnerTexts()).resolves.toEqual([
        'ai-incident',
        `team:${targetTeam}`,
        'owner:alice',
        'postmortem',
      ]);

      // Evidence: the findings that page are exactly the SLIs the simulator shifted.
      const findings = await page
        .getByTestId(T.evidence)
        .getByTestId('impact-finding')
        .evaluateAll((rows) =>
          rows.map((row) => ({
            verdict: row.getAttribute('data-verdict'),
            shown: row.querySelector('[data-testid="impact-verdict"]')?.textContent ?? '',
            title: ((row as HTMLElement).innerText.split('\n').find((l) => l.includes(':')) ?? '').split(':')[0].trim(),
          }))
        );
      const paged = findings.filter((f) => f.verdict === 'page');
      expect(paged.map((f) => f.title).sort()).toEqual(target.expectedShifts.map((s) => TITLE_BY_SLI.get(s)).sort());
      paged.forEach((f) => expect(f.shown).toBe('Page'));

      // Suggestions: the truth's category first, each with a reason; undetermined always offered.
      const suggestions = page.getByTestId(T.suggestions).locator('li');
      const categories = await suggestions.evaluateAll((items) => items.map((i) => i.getAttribute('data-category')));
      expect(categories[0]).toBe(target.category);
      expect(categories).toContain('undetermined');
      expect(categories).not.toContain('prompt');
      await expect(suggestions.first().innerText()).resolves.toMatch(/points to /);

      // The Markdown preview and the copied impact section are exactly the CLI's.
      await page.getByTestId(T.evidence).getByText('Markdown', { exact: true }).click();
      const source = page.getByTestId('impact-markdown-source');
      await opened.waitFor(source);
      expect(await source.textContent()).toBe(cliMarkdown);
      await page.getByTestId(T.impact).getByRole('button', { name: 'Copy Markdown' }).click();
      await opened.waitFor(page.getByTestId(T.impact).getByRole('button', { name: 'Copied' }));
      const copied = await opened.clipboardWrites();
      expect(copied).toEqual([cliMarkdown]);
      await expect(opened.readClipboard()).resolves.toBe(cliMarkdown);
      // Download .md: the same bytes, named after the window.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(T.impact).getByRole('button', { name: 'Download Markdown (.md)' }).click(),
      ]);
      const compact = (t: number) => rfc3339(t).replace(/[-:]/g, '').replace(/00Z$/, 'Z');
      expect(download.suggestedFilename()).toBe(`impact-${compact(targetWindow.from)}-${compact(targetWindow.to)}.md`);
      await expect(readFile((await download.path())!, 'utf8')).resolves.toBe(cliMarkdown);
      for (const fragment of ['<img', 'onerror', 'javascript:']) {
        expect(copied[0]).not.toContain(fragment);
      }
      // Queries went through Grafana's ds/query; nothing was written.
      expect(harness.grafana.requests.some((r) => r.path === '/api/ds/query')).toBe(true);
      expect(
        harness.grafana.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/annotations'))
      ).toEqual([]);
      expect(existsSync(await opened.screenshot('incident-page'))).toBe(true);
      await assertNoHostileMarkup(opened);
    } finally {
      await opened.close();
    }
  });

  it('classifies by PATCHing tags that keep every foreign tag and the text', async () => {
    const opened = await openTargetChoosingPage();
    try {
      const { page } = opened;
      await page.getByTestId(T.classify).getByRole('button', { name: 'Save classification' }).click();
      await opened.waitFor(page.getByTestId(T.classify).getByText('Saved', { exact: true }));

      const expected = [
        'ai-incident',
        `team:${targetTeam}`,
        'owner:alice',
        'postmortem',
        `ai-category:${target.category}`,
        'ai-severity:page',
        'ai-status:classified',
      ].sort();
      const patches = harness.grafana.requests.filter(
        (r) => r.method !== 'GET' && r.path.startsWith('/api/annotations')
      );
      expect(patches.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        `PATCH /api/annotations/${ids.target} 200`,
      ]);
      expect(Object.keys(patches[0].body as object)).toEqual(['tags']);
      const stored = storedTarget();
      expect([...stored.tags].sort()).toEqual(expected);
      expect(stored.text).toBe(HOSTILE_TEXT);
      expect([stored.time, stored.timeEnd]).toEqual([targetWindow.from * 1000, targetWindow.to * 1000]);
      // The page shows what was written.
      await expect(
        page
          .getByTestId(T.tags)
          .locator('li')
          .allInnerTexts()
          .then((t) => t.sort())
      ).resolves.toEqual(expected);
      await assertNoHostileMarkup(opened);
    } finally {
      await opened.close();
    }
  });

  it('surfaces a concurrent edit without writing, and saves a merge that loses nothing', async () => {
    const opened = await openTargetChoosingPage();
    try {
      const { page } = opened;
      const classify = page.getByTestId(T.classify);
      // Bob classifies it too, between our load and our save.
      const bobs = [...storedTarget().tags, 'ai-severity:investigate', 'reviewed-by:bob'];
      expect(harness.grafana.annotations.patch(ids.target, { tags: bobs }).status).toBe(200);
      await classify.getByRole('button', { name: 'Save classification' }).click();

      const conflict = page.getByTestId(T.conflict);
      await opened.waitFor(conflict);
      await expect(conflict.getByRole('list', { name: 'Their tags' }).locator('li').allInnerTexts()).resolves.toEqual(
        bobs
      );
      await expect(conflict.getByRole('list', { name: 'Your tags' }).innerText()).resolves.toContain(
        `ai-category:${target.category}`
      );
      // Nothing was written: the store still holds Bob's version.
      expect(harness.grafana.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
      expect(storedTarget().tags).toEqual(bobs);
      expect(existsSync(await opened.screenshot('incident-conflict'))).toBe(true);

      // Both set a severity: keep ours; everything else of both sides survives.
      await conflict.getByRole('radio', { name: 'Yours: page', exact: true }).click();
      await conflict.getByRole('button', { name: 'Save merged' }).click();
      await opened.waitFor(classify.getByText('Saved', { exact: true }));
      expect([...storedTarget().tags].sort()).toEqual(
        [
          'ai-incident',
          `team:${targetTeam}`,
          'owner:alice',
          'postmortem',
          'reviewed-by:bob',
          `ai-category:${target.category}`,
          'ai-severity:page',
          'ai-status:classified',
        ].sort()
      );
      expect(storedTarget().text).toBe(HOSTILE_TEXT);
      expect(harness.grafana.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([200]);
    } finally {
      await opened.close();
    }
  });

  it('says why a 403 on save refused it, keeps the chosen values and writes nothing', async () => {
    const opened = await openTargetChoosingPage([/status of 403/]);
    try {
      const { page } = opened;
      const classify = page.getByTestId(T.classify);
      // The user's role is taken away after the page loaded: Grafana answers 403 to the PATCH.
      harness.grafana.setOrgRole('Viewer');
      const before = storedTarget();
      await classify.getByRole('button', { name: 'Save classification' }).click();

      await opened.waitFor(classify.getByText('No permission to change annotations'));
      const patches = harness.grafana.requests.filter((r) => r.method === 'PATCH');
      expect(patches.map((r) => r.status)).toEqual([403]);
      expect(storedTarget()).toEqual(before);
      // The choices are still in the form.
      await expect(page.locator('#incident-classify-category').inputValue()).resolves.toBe(
        categoryById(target.category as CategoryId)?.title
      );
      await expect(classify.getByRole('radio', { name: 'Page', exact: true }).isChecked()).resolves.toBe(true);
      await expect(classify.getByRole('radio', { name: 'Classified', exact: true }).isChecked()).resolves.toBe(true);
      await expect(classify.innerText()).resolves.toContain(`ai-category:${target.category}`);
      expect(existsSync(await opened.screenshot('incident-forbidden'))).toBe(true);
    } finally {
      await opened.close();
    }
  });
});
