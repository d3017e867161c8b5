/**
 * One time zone everywhere, in real Chromium: the browser runs in New York while the user's Grafana preference
 * is Kolkata (and the other way round). What the SRE types in the Mark-incident form and the time filter is read
 * in the preference, stored as that instant, and shown back as typed with the zone named. On both hosts (Grafana 12
 * and 13 shared modules): the form and the filter are React inputs, and React 19 is the 13 host.
 */
import { incidentsTestIds as T } from '../../src/pages/incidents/testIds';
import { type BrowserHarness, type OpenedPage, startBrowserHarness } from './browser';
import { ensureBuiltPlugin } from './pluginDist';

jest.setTimeout(180_000);

const APP = '/a/aisre-reliability-app';
const utc = (iso: string) => Date.parse(iso);

async function rowIds(opened: OpenedPage): Promise<number[]> {
  return opened.page
    .getByTestId(T.row)
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-incident-id'))));
}

beforeAll(() => ensureBuiltPlugin(), 600_000);

describe.each([12, 13] as const)('on Grafana %i shared modules', (grafana) => {
  describe.each([
    // [browser zone, Grafana preference, the zone's name as shown, typed window, the instants it means]
    [
      'America/New_York',
      'Asia/Kolkata',
      'IST',
      ['2026-11-22 05:00', '2026-11-22 06:00'],
      ['2026-11-21T23:30:00Z', '2026-11-22T00:30:00Z'],
    ],
    [
      'Asia/Kolkata',
      'America/New_York',
      'EST',
      ['2026-11-22 05:00', '2026-11-22 06:00'],
      ['2026-11-22T10:00:00Z', '2026-11-22T11:00:00Z'],
    ],
  ] as const)('browser in %s, Grafana preference %s', (browserTimeZone, userTimeZone, zone, typed, meant) => {
    let harness: BrowserHarness;
    // One incident inside the typed window as the preference reads it, one inside it as the browser would.
    const inPreference = {
      id: 1,
      time: utc(meant[0]),
      timeEnd: utc(meant[1]),
      text: 'in the preference',
      tags: ['ai-incident'],
    };
    const inBrowser = {
      id: 2,
      time: instantIn(browserTimeZone, typed[0]),
      timeEnd: instantIn(browserTimeZone, typed[1]),
      text: 'in the browser zone',
      tags: ['ai-incident'],
    };

    beforeAll(async () => {
      harness = await startBrowserHarness({
        orgRole: 'Editor',
        browserTimeZone,
        userTimeZone,
        annotations: [inPreference, inBrowser],
        grafana,
      });
    });

    afterAll(async () => {
      await harness?.close();
    });

    it('shows each incident’s window in the preference, naming its zone', async () => {
      const opened = await harness.openAppPage({ path: `${APP}/incidents` });
      try {
        const link = opened.page.locator(`[data-testid="${T.row}"][data-incident-id="1"]`);
        await opened.waitFor(link);
        // The Started column names the zone; the description's tooltip (written when the pointer reaches the
        // row) gives the whole window.
        await expect(link.locator('xpath=ancestor::tr').innerText()).resolves.toContain(`${typed[0]} ${zone}`);
        await link.hover();
        await expect(link.getAttribute('title')).resolves.toContain(`${typed[0]} – ${typed[1].slice(11)} ${zone}`);
      } finally {
        await opened.close();
      }
    });

    it('reads a typed time filter in the preference', async () => {
      const query = new URLSearchParams({ from: `${typed[0]}:00`, to: `${typed[1]}:00` });
      const opened = await harness.openAppPage({ path: `${APP}/incidents?${query}` });
      try {
        await opened.waitFor(opened.page.getByTestId(T.row).first());
        await expect(rowIds(opened)).resolves.toEqual([1]);
      } finally {
        await opened.close();
      }
    });

    it('stores a typed Mark-incident window as the instants the preference means, and shows it as typed', async () => {
      const opened = await harness.openAppPage({
        path: `${APP}/incidents`,
        allowConsoleErrors: [/ds\/query|Prometheus/],
      });
      try {
        await opened.waitFor(opened.page.getByTestId(T.row).first());
        await opened.page.getByRole('button', { name: 'Mark incident' }).click();
        const form = opened.page.getByTestId(T.markForm);
        await opened.waitFor(form);
        await expect(form.innerText()).resolves.toContain(`In ${userTimeZone}`);
        await form.locator('#mark-incident-from').fill(`${typed[0]}:00`);
        await form.locator('#mark-incident-to').fill(`${typed[1]}:00`);
        await form.locator('#mark-incident-text').fill('typed in the preference');
        await form.getByRole('button', { name: 'Mark incident' }).click();
        await opened.waitFor(opened.page.getByText('typed in the preference').first());
        const created = harness.grafana.annotations.all().find((a) => a.text === 'typed in the preference');
        expect(created && { time: created.time, timeEnd: created.timeEnd }).toEqual({
          time: utc(meant[0]),
          timeEnd: utc(meant[1]),
        });
        // The incident page it opened shows the window as typed, with the zone.
        await opened.waitFor(opened.page.getByText(`${typed[0]} – ${typed[1].slice(11)} ${zone}`).first());
      } finally {
        await opened.close();
      }
    });
  });
});

/** The instant a wall-clock time "2026-11-22 05:00" names in `zone` (Intl, independent of the code under test). */
function instantIn(zone: string, wall: string): number {
  const asUtc = Date.parse(`${wall.replace(' ', 'T')}:00Z`);
  const shown = new Date(asUtc).toLocaleString('sv-SE', { timeZone: zone }).replace(' ', 'T');
  return asUtc + (asUtc - Date.parse(`${shown}Z`));
}
