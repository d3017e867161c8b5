import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { config } from '@grafana/runtime';
import React from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { FakeAnnotationsBackend, type FetchOptions } from '../../../test/fixtures/annotationsBackend';
import { type AnnotationSeed } from '../../../test/browser/annotationStore';
import { incidentWindowLabel } from '../../shared/time';
import Incidents, { readIncidentsAhead } from '../Incidents';
import { incidentsTestIds } from './testIds';

let backend: FakeAnnotationsBackend;

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: (options: FetchOptions) => backend.fetch(options) }),
  PluginPage: ({ children, actions }: { children: React.ReactNode; actions?: React.ReactNode }) => (
    <>
      {actions}
      {children}
    </>
  ),
}));

const HOUR = 3_600_000;
const T0 = 1_795_000_000_000;
const BASE = '/a/aisre-reliability-app/incidents';
const WAIT = { timeout: 10_000 };
const originalUser = config.bootData.user;

function setUser(permissions: Record<string, boolean> | undefined, orgRole = 'Editor') {
  config.bootData.user = { ...originalUser, isSignedIn: true, orgRole, permissions } as typeof originalUser;
}

beforeEach(() => setUser({ 'annotations:create': true, 'annotations:write': true, 'annotations:read': true }));
afterAll(() => {
  config.bootData.user = originalUser;
});

function incident(i: number, tags: string[] = [], text = `incident ${i}`): AnnotationSeed {
  return { id: i, time: T0 + i * 2 * HOUR, timeEnd: T0 + i * 2 * HOUR + HOUR, text, tags: ['ai-incident', ...tags] };
}

/** The window as the page writes it, in the user's zone. */
const windowOf = (seed: AnnotationSeed) =>
  incidentWindowLabel({ time: seed.time!, timeEnd: seed.timeEnd!, tags: seed.tags ?? [] });

function Probe() {
  const location = useLocation();
  return <div data-testid="location">{`${location.pathname}${location.search}`}</div>;
}

function renderList(search = '') {
  return render(
    <MemoryRouter initialEntries={[`${BASE}${search}`]}>
      <Routes>
        <Route
          path={BASE}
          element={
            <>
              <Incidents />
              <Probe />
            </>
          }
        />
        <Route path={`${BASE}/:id`} element={<Probe />} />
      </Routes>
    </MemoryRouter>
  );
}

const rows = () => screen.getAllByTestId(incidentsTestIds.row);
const rowIds = () => rows().map((row) => Number(row.getAttribute('data-incident-id')));

// Renders of Grafana UI are slow on a 2-core machine.
jest.setTimeout(30_000);

describe('Incidents list', () => {
  test('lists every incident newest first, past Grafana’s limit of 100, 50 to a page', async () => {
    backend = new FakeAnnotationsBackend(Array.from({ length: 130 }, (_, i) => incident(i + 1, ['team:search'])));
    renderList();
    expect(await screen.findByTestId(incidentsTestIds.summary, {}, WAIT)).toHaveTextContent(
      '130 incidents, page 1 of 3'
    );
    expect(rowIds()).toEqual(Array.from({ length: 50 }, (_, i) => 130 - i));
    fireEvent.click(screen.getByLabelText('next page'));
    expect(await screen.findByTestId(incidentsTestIds.summary)).toHaveTextContent('page 2 of 3');
    expect(rowIds()[0]).toBe(80);
    expect(screen.getByTestId('location')).toHaveTextContent('page=2');
    // Each row: description (the link), start, duration, team, category, status, severity.
    const cells = within(rows()[0].closest('tr')!)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect([cells[0], ...cells.slice(2)]).toEqual(['incident 80', '1 h', 'search', 'Unclassified', 'open', '—']);
  });

  test('past the first page: its rows are drawn first, then the rest is read and the whole list shown', async () => {
    backend = new FakeAnnotationsBackend(Array.from({ length: 600 }, (_, i) => incident(i + 1)));
    renderList();
    // The first page alone while the rest is read, then all of it: the page lets the rest be read once drawn.
    expect(await screen.findByText(/^Showing the newest 500 while the rest is read/, {}, WAIT)).toBeInTheDocument();
    expect(await screen.findByTestId(incidentsTestIds.summary, {}, WAIT)).toHaveTextContent(
      '600 incidents, page 1 of 12'
    );
    expect(rowIds()[0]).toBe(600);
    expect(backend.requests[0].search.get('limit')).toBe('500');
  });

  test('the list the route read ahead is the one the page shows: nothing is asked for twice', async () => {
    backend = new FakeAnnotationsBackend([incident(1), incident(2)]);
    await readIncidentsAhead(new URLSearchParams());
    expect(backend.requests).toHaveLength(1);
    renderList();
    await waitFor(() => expect(rowIds()).toEqual([2, 1]), WAIT);
    expect(backend.requests).toHaveLength(1);
  });

  test('a list read ahead for a page that opens much later is not shown: the page reads its own', async () => {
    backend = new FakeAnnotationsBackend([incident(1)]);
    await readIncidentsAhead(new URLSearchParams());
    backend.store.reset([incident(1), incident(2)]);
    const later = Date.now() + 60_000;
    const now = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      renderList();
      await waitFor(() => expect(rowIds()).toEqual([2, 1]), WAIT);
    } finally {
      now.mockRestore();
    }
    expect(backend.requests).toHaveLength(2);
  });

  test('a list read ahead for another time filter is not shown: the page reads its own', async () => {
    backend = new FakeAnnotationsBackend([incident(1), incident(2)]);
    await readIncidentsAhead(new URLSearchParams({ from: String(T0 + 3.5 * HOUR), to: String(T0 + 4.5 * HOUR) }));
    renderList();
    await waitFor(() => expect(rowIds()).toEqual([2, 1]), WAIT);
    expect(backend.requests.at(-1)?.search.has('from')).toBe(false);
  });

  test('filters from the URL by team, category, status and severity, and changing one updates the URL', async () => {
    backend = new FakeAnnotationsBackend([
      incident(1, ['team:search', 'ai-category:infrastructure', 'ai-status:classified', 'ai-severity:page']),
      incident(2, ['team:search', 'ai-category:data-retrieval', 'ai-status:resolved', 'ai-severity:investigate']),
      incident(3, ['team:chat', 'ai-category:infrastructure', 'ai-status:classified', 'ai-severity:page']),
      incident(4, ['team:search']),
    ]);
    renderList('?team=search&category=infrastructure');
    await waitFor(() => expect(rowIds()).toEqual([1]), WAIT);
    expect(screen.getByTestId(incidentsTestIds.summary)).toHaveTextContent('1 of 4 incidents match');
    fireEvent.click(screen.getByRole('button', { name: /clear filters/i }));
    await waitFor(() => expect(rowIds()).toEqual([4, 3, 2, 1]));
    fireEvent.click(screen.getByRole('radio', { name: 'Open' }));
    await waitFor(() => expect(rowIds()).toEqual([4]));
    expect(screen.getByTestId('location')).toHaveTextContent('status=open');
  });

  test('severity and unclassified filters', async () => {
    backend = new FakeAnnotationsBackend([
      incident(1, ['ai-category:infrastructure', 'ai-severity:page']),
      incident(2, ['ai-category:prompt', 'ai-severity:investigate']),
      incident(3),
    ]);
    renderList('?severity=investigate');
    await waitFor(() => expect(rowIds()).toEqual([2]), WAIT);
    fireEvent.click(screen.getByRole('radio', { name: 'None' }));
    await waitFor(() => expect(rowIds()).toEqual([3]));
    expect(screen.getByTestId('location')).toHaveTextContent('severity=none');
  });

  test('the time filter in the URL is the range Grafana is asked for', async () => {
    backend = new FakeAnnotationsBackend([incident(1), incident(2), incident(3)]);
    renderList(`?from=${T0 + 3.5 * HOUR}&to=${T0 + 4.5 * HOUR}`);
    await waitFor(() => expect(rowIds()).toEqual([2]), WAIT);
    expect(backend.requests[0].search.get('from')).toBe(String(T0 + 3.5 * HOUR));
    expect(backend.requests[0].search.get('to')).toBe(String(T0 + 4.5 * HOUR));
  });

  test('a relative time filter is read once: the answer, a search typed, neither asks Grafana again', async () => {
    backend = new FakeAnnotationsBackend([incident(1), incident(2), incident(3)]);
    // now-3650d: T0's incidents, whatever today is.
    renderList('?from=now-3650d&to=now');
    expect(await screen.findByTestId(incidentsTestIds.summary, {}, WAIT)).toHaveTextContent('3 incidents');
    fireEvent.change(screen.getByPlaceholderText(/^Description, team/), { target: { value: 'incident 2' } });
    expect(await screen.findByTestId(incidentsTestIds.summary, {}, WAIT)).toHaveTextContent('1 of 3 incidents match');
    // The range's page and the ongoing incidents: nothing more (`now` read at each render was a new range each time).
    expect(backend.requests.map((r) => r.search.getAll('tags').join('+'))).toEqual([
      'ai-incident',
      'ai-incident+ai-ongoing',
    ]);
  });

  test('hostile text is shown as text', async () => {
    const hostile =
      '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>**bold** [x](javascript:alert(1))';
    backend = new FakeAnnotationsBackend([incident(1, [], hostile)]);
    const { container } = renderList();
    await waitFor(() => expect(rows()).toHaveLength(1), WAIT);
    expect(within(rows()[0]).getByText(hostile)).toBeInTheDocument();
    expect(container.querySelector('img, script, strong')).toBeNull();
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
  });

  test('a row’s tooltip, its full text and window, is written when the pointer or focus reaches it', async () => {
    const long = `${'x'.repeat(300)} the end`;
    backend = new FakeAnnotationsBackend([incident(1, [], long), incident(2)]);
    renderList();
    await waitFor(() => expect(rows()).toHaveLength(2), WAIT);
    const [second, first] = rows();
    expect(first).not.toHaveAttribute('title');
    fireEvent.mouseEnter(first);
    expect(first).toHaveAttribute('title', `${long}\n${windowOf(incident(1))}`);
    expect(second).not.toHaveAttribute('title');
    fireEvent.focus(second);
    expect(second).toHaveAttribute('title', `incident 2\n${windowOf(incident(2))}`);
  });

  test('empty, and an error with its message', async () => {
    backend = new FakeAnnotationsBackend([]);
    const { unmount } = renderList();
    expect(await screen.findByText('No incidents yet', {}, WAIT)).toBeInTheDocument();
    unmount();
    backend = new FakeAnnotationsBackend([incident(1)]);
    backend.fail('GET', 500, undefined, 1);
    renderList();
    expect(await screen.findByText('The incidents could not be read', {}, WAIT)).toBeInTheDocument();
    expect(
      screen.getByText(/Grafana answered 500 for the incident annotations: Internal Server Error/)
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(rowIds()).toEqual([1]), WAIT);
  });

  test('Mark incident creates the region annotation with its tags and opens it', async () => {
    backend = new FakeAnnotationsBackend([]);
    renderList();
    await screen.findByText('No incidents yet', {}, WAIT);
    fireEvent.click(screen.getByRole('button', { name: /mark incident/i }));
    const form = await screen.findByTestId(incidentsTestIds.markForm);
    fireEvent.change(within(form).getByLabelText(/^From/), { target: { value: '2026-11-20 14:00:00' } });
    fireEvent.change(within(form).getByLabelText(/^To/), { target: { value: '2026-11-20 17:00:00' } });
    fireEvent.change(within(form).getByLabelText(/^Team/), { target: { value: 'search' } });
    fireEvent.change(within(form).getByLabelText(/^Description/), { target: { value: 'refusals up on /chat' } });
    await act(async () => {
      fireEvent.click(within(form).getByRole('button', { name: 'Mark incident' }));
    });
    await waitFor(
      () => expect(screen.getByTestId('location')).toHaveTextContent(/incidents\/1\?from=\d+&to=\d+/),
      WAIT
    );
    expect(backend.store.all()).toEqual([
      expect.objectContaining({
        time: Date.UTC(2026, 10, 20, 14),
        timeEnd: Date.UTC(2026, 10, 20, 17),
        text: 'refusals up on /chat',
        tags: ['ai-incident', 'ai-status:open', 'team:search'],
        dashboardUID: '',
      }),
    ]);
  });

  test('the form says what is wrong and sends nothing', async () => {
    backend = new FakeAnnotationsBackend([]);
    renderList();
    await screen.findByText('No incidents yet', {}, WAIT);
    fireEvent.click(screen.getByRole('button', { name: /mark incident/i }));
    const form = await screen.findByTestId(incidentsTestIds.markForm);
    fireEvent.change(within(form).getByLabelText(/^To/), { target: { value: 'yesterday-ish' } });
    fireEvent.change(within(form).getByLabelText(/^Team/), { target: { value: 'search team' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Mark incident' }));
    expect(await within(form).findByText(/Not a time/)).toBeInTheDocument();
    expect(within(form).getByText(/A team is one word/)).toBeInTheDocument();
    expect(within(form).getByText(/needs a description/)).toBeInTheDocument();
    expect(backend.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  test('403 on Mark incident: a permission message, the input kept, the page read-only', async () => {
    backend = new FakeAnnotationsBackend([]);
    backend.fail('POST', 403);
    renderList();
    await screen.findByText('No incidents yet', {}, WAIT);
    fireEvent.click(screen.getByRole('button', { name: /mark incident/i }));
    const form = await screen.findByTestId(incidentsTestIds.markForm);
    fireEvent.change(within(form).getByLabelText(/^Description/), {
      target: { value: 'latency up, provider status page green' },
    });
    await act(async () => {
      fireEvent.click(within(form).getByRole('button', { name: 'Mark incident' }));
    });
    expect(await within(form).findByText('No permission to create annotations')).toBeInTheDocument();
    expect(within(form).getByLabelText(/^Description/)).toHaveValue('latency up, provider status page green');
    expect(screen.getByText('Read-only')).toBeInTheDocument();
    // Closing and reopening keeps the draft too.
    fireEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: /mark incident/i })).toHaveAttribute('aria-disabled', 'true');
    expect(backend.store.size).toBe(0);
  });

  test('without annotation permissions in Grafana’s boot data, the page is read-only', async () => {
    setUser({ 'annotations:read': true }, 'Viewer');
    backend = new FakeAnnotationsBackend([incident(1)]);
    renderList();
    await waitFor(() => expect(rows()).toHaveLength(1), WAIT);
    expect(screen.getByText('Read-only')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /mark incident/i })).toHaveAttribute('aria-disabled', 'true');
  });
});
