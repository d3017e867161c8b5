/**
 * The incident flow in a live Grafana: an `ai-incident` region annotation (made through Grafana's API, with hostile
 * text and someone else's tag) is listed on the Incidents page as text, found by the team filter, opened, classified
 * (the tags written back keep the foreign one), and its impact section can be exported. Skips, saying why, when no
 * Grafana answers /api/health.
 */
import { type Page } from '@playwright/test';
import { incidentsTestIds } from '../src/pages/incidents/testIds';
import { expect, test } from './fixtures';
import { grafanaUnavailable } from './grafana';

test.beforeAll(async () => {
  const reason = await grafanaUnavailable();
  test.skip(reason !== undefined, reason);
});

const HOSTILE = '<img src=x onerror="window.__pwned=1"> e2e incident **bold** [x](javascript:alert(1))';

interface Created {
  id: number;
  team: string;
}

/** Marks the last hour as an incident of a team of its own (so the filter finds exactly it), through the API. */
async function createIncident(page: Page): Promise<Created> {
  const team = `e2e-${Date.now()}`;
  const now = Date.now();
  const response = await page.request.post('/api/annotations', {
    data: { time: now - 3_600_000, timeEnd: now, text: HOSTILE, tags: ['ai-incident', `team:${team}`, 'owner:e2e'] },
  });
  expect(response.ok(), `POST /api/annotations answered ${response.status()}`).toBe(true);
  const { id } = (await response.json()) as { id: number };
  return { id, team };
}

test.describe('incidents', () => {
  let created: Created | undefined;

  test.afterEach(async ({ page }) => {
    if (created) {
      await page.request.delete(`/api/annotations/${created.id}`);
      created = undefined;
    }
  });

  test('list, filter, open, classify: text stays text and foreign tags stay', async ({ gotoPage, page }) => {
    created = await createIncident(page);
    await gotoPage(`/incidents?team=${created.team}`);
    const rows = page.getByTestId(incidentsTestIds.row);
    await expect(rows).toHaveCount(1, { timeout: 30_000 });
    await expect(rows.first().getByText(HOSTILE)).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);

    await rows.first().getByRole('link').click();
    await expect(page.getByTestId(incidentsTestIds.incident.text)).toHaveText(HOSTILE, { timeout: 30_000 });

    const classify = page.getByTestId(incidentsTestIds.incident.classify);
    const category = classify.locator('#incident-classify-category');
    await category.click();
    await category.fill('Undetermined');
    await page.keyboard.press('Enter');
    await classify.getByRole('radio', { name: 'Investigate' }).click();
    await classify.getByRole('button', { name: 'Save classification' }).click();
    await expect(classify.getByText('Saved')).toBeVisible({ timeout: 30_000 });

    const stored = await page.request.get(`/api/annotations/${created.id}`);
    const { tags, text } = (await stored.json()) as { tags: string[]; text: string };
    expect(text).toBe(HOSTILE);
    expect(tags).toEqual(
      expect.arrayContaining([
        'ai-incident',
        `team:${created.team}`,
        'owner:e2e',
        'ai-category:undetermined',
        'ai-severity:investigate',
        'ai-status:classified',
      ])
    );

    // The evidence ends in a report or an explained state, never a crash; with a report, the export is there.
    const impact = page.getByTestId(incidentsTestIds.incident.impact);
    await expect(impact.getByText(/Copy Markdown|Available once the evidence has been read/).first()).toBeVisible({
      timeout: 60_000,
    });
    await expect(page.getByText('An unexpected error happened')).toHaveCount(0);
  });

  test('Mark incident creates the annotation and opens it', async ({ gotoPage, page }) => {
    const team = `e2e-mark-${Date.now()}`;
    await gotoPage('/incidents');
    await page.getByRole('button', { name: 'Mark incident' }).click();
    const form = page.getByTestId(incidentsTestIds.markForm);
    await form.getByLabel('Team').fill(team);
    await form.getByLabel('Description').fill('e2e: marked from the Incidents page');
    await form.getByRole('button', { name: 'Mark incident' }).click();
    await expect(page.getByTestId(incidentsTestIds.incident.container)).toBeVisible({ timeout: 30_000 });
    const id = Number(/incidents\/(\d+)/.exec(page.url())?.[1]);
    expect(id).toBeGreaterThan(0);
    created = { id, team };
    const stored = (await (await page.request.get(`/api/annotations/${id}`)).json()) as {
      tags: string[];
      time: number;
      timeEnd: number;
    };
    expect(stored.tags).toEqual(['ai-incident', 'ai-status:open', `team:${team}`]);
    expect(stored.timeEnd - stored.time).toBeGreaterThan(3_500_000);
  });
});
