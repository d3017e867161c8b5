import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { config } from '@grafana/runtime';
import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { of } from 'rxjs';
import { FakeAnnotationsBackend, type FetchOptions } from '../../../test/fixtures/annotationsBackend';
import { FIXTURE_WINDOW, fakeVector, grafanaFrames } from '../../../test/fixtures/prometheusAnswers';
import { incidentsTestIds } from '../incidents/testIds';
import IncidentPage from './IncidentPage';

let backend: FakeAnnotationsBackend;
const PROMETHEUS = { uid: 'prom-uid', type: 'prometheus', name: 'Prometheus' };

/** Grafana: the annotations API, the app's settings, and the fixture Prometheus behind /api/ds/query. */
function grafanaFetch(options: FetchOptions) {
  if (options.url === '/api/ds/query') {
    const data = options.data as { queries: Array<{ expr: string }>; to: string };
    const frames = grafanaFrames(fakeVector(data.queries[0].expr, Number(data.to) / 1000));
    return of({ ok: true, status: 200, data: { results: { A: { status: 200, frames } } } });
  }
  if (options.url.startsWith('/api/plugins/')) {
    return of({
      ok: true,
      status: 200,
      data: { enabled: true, pinned: true, jsonData: { datasourceUid: PROMETHEUS.uid } },
    });
  }
  return backend.fetch(options);
}

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: grafanaFetch }),
  getDataSourceSrv: () => ({
    getInstanceSettings: (ref: string | null) => (ref === 'prom-uid' || ref === null ? PROMETHEUS : undefined),
    getList: () => [PROMETHEUS],
  }),
  getAppEvents: () => ({ publish: jest.fn() }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <>{children}</>,
}));

const WAIT = { timeout: 15_000 };
jest.setTimeout(40_000);

const originalUser = config.bootData.user;
function setUser(permissions: Record<string, boolean>) {
  config.bootData.user = { ...originalUser, isSignedIn: true, orgRole: 'Editor', permissions } as typeof originalUser;
}
afterAll(() => {
  config.bootData.user = originalUser;
});
beforeEach(() => setUser({ 'annotations:create': true, 'annotations:write': true }));

const HOSTILE = '<img src=x onerror="window.pwned=1"> timeouts on /chat **after** [deploy](javascript:alert(1))';
const INCIDENT = {
  id: 7,
  time: FIXTURE_WINDOW.from * 1000,
  timeEnd: FIXTURE_WINDOW.to * 1000,
  text: HOSTILE,
  tags: ['ai-incident', 'team:search', 'owner:alice', 'jira:OPS-1'],
};

function renderPage(id = 7) {
  return render(
    <MemoryRouter initialEntries={[`/incidents/${id}?from=${INCIDENT.time}&to=${INCIDENT.timeEnd}`]}>
      <Routes>
        <Route path="incidents/:id" element={<IncidentPage />} />
      </Routes>
    </MemoryRouter>
  );
}

const patches = () => backend.requests.filter((r) => r.method === 'PATCH');

async function openWithEvidence() {
  renderPage();
  await screen.findByTestId(incidentsTestIds.incident.suggestions, {}, WAIT);
}

describe('Incident page', () => {
  test('shows the incident (its text as text), the evidence, ranked suggestions with reasons, and links', async () => {
    backend = new FakeAnnotationsBackend([INCIDENT]);
    const { container } = renderPage();
    expect(await screen.findByTestId(incidentsTestIds.incident.text, {}, WAIT)).toHaveTextContent(HOSTILE);
    await screen.findByTestId(incidentsTestIds.incident.suggestions, {}, WAIT);
    expect(container.querySelector('img[src="x"], a[href^="javascript"]')).toBeNull();
    // Evidence: the core's sentences (errors and latency regressed in the fixture).
    const evidence = screen.getByTestId(incidentsTestIds.incident.evidence);
    expect(within(evidence).getAllByTestId('impact-finding').length).toBeGreaterThan(0);
    expect(evidence).toHaveTextContent(/Errors: .* Page\./);
    expect(evidence).toHaveTextContent('team="search"');
    expect(screen.getByTestId(incidentsTestIds.incident.changes)).toHaveTextContent(
      'No model, prompt or provider-model change'
    );
    // Suggestions: ranked, each with a reason, undetermined among them, prompt not (no prompt change).
    const items = within(screen.getByTestId(incidentsTestIds.incident.suggestions)).getAllByRole('listitem');
    const categories = items.map((item) => item.getAttribute('data-category'));
    expect(categories[0]).toBe('infrastructure');
    expect(categories).toContain('undetermined');
    expect(categories).not.toContain('prompt');
    // The reason in words with the category's title, and a relative strength, not a score.
    expect(items[0]).toHaveTextContent(/points to Infrastructure/);
    expect(items[0]).not.toHaveTextContent(/->|score/);
    expect(within(items[0]).getByTestId('suggestion-strength')).toHaveTextContent('strongest fit');
    // Impact section: the panel's export buttons.
    expect(
      within(screen.getByTestId(incidentsTestIds.incident.impact)).getByRole('button', { name: /copy markdown/i })
    ).toBeInTheDocument();
    // Links: the dashboards at the window, pinned to the team.
    const links = within(screen.getByTestId(incidentsTestIds.incident.links)).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      `/d/aisre-model-slis?from=${INCIDENT.time}&to=${INCIDENT.timeEnd}&var-team=search`,
      `/d/aisre-retrieval?from=${INCIDENT.time}&to=${INCIDENT.timeEnd}&var-team=search`,
      `/d/aisre-agents-security?from=${INCIDENT.time}&to=${INCIDENT.timeEnd}&var-team=search`,
    ]);
  });

  test('classify: the chosen category, severity and status are written and every foreign tag stays', async () => {
    backend = new FakeAnnotationsBackend([INCIDENT]);
    await openWithEvidence();
    fireEvent.click(screen.getByRole('button', { name: 'Choose Infrastructure' }));
    const classify = screen.getByTestId(incidentsTestIds.incident.classify);
    fireEvent.click(within(classify).getByRole('radio', { name: 'Page' }));
    await act(async () => {
      fireEvent.click(within(classify).getByRole('button', { name: 'Save classification' }));
    });
    expect(await within(classify).findByText('Saved', {}, WAIT)).toBeInTheDocument();
    expect(patches()).toHaveLength(1);
    const stored = backend.store.all()[0];
    expect(stored.tags).toEqual(
      expect.arrayContaining([
        'ai-incident',
        'team:search',
        'owner:alice',
        'jira:OPS-1',
        'ai-category:infrastructure',
        'ai-severity:page',
        'ai-status:classified',
      ])
    );
    expect(stored.tags).toHaveLength(7);
    expect(stored.text).toBe(HOSTILE);
    // Infrastructure implies no built-in runbook: its investigation path.
    const path = within(screen.getByTestId(incidentsTestIds.incident.links)).getByRole('link', {
      name: /Investigation path: Infrastructure/,
    });
    expect(path).toHaveAttribute('href', '/a/aisre-reliability-app/runbooks#category-infrastructure');
  });

  test('undetermined is a choice like any other', async () => {
    backend = new FakeAnnotationsBackend([INCIDENT]);
    await openWithEvidence();
    fireEvent.click(screen.getByRole('button', { name: 'Choose Undetermined' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save classification' }));
    });
    await waitFor(() => expect(backend.store.all()[0].tags).toContain('ai-category:undetermined'), WAIT);
    // The runbook the category implies.
    expect(
      within(screen.getByTestId(incidentsTestIds.incident.links)).getByRole('link', {
        name: /Runbook: Output distribution alert thresholds/,
      })
    ).toHaveAttribute('href', '/a/aisre-reliability-app/runbooks#runbook-output-distribution-thresholds');
  });

  test('a concurrent edit: nothing is written, both versions are shown, and the merge keeps both', async () => {
    backend = new FakeAnnotationsBackend([INCIDENT]);
    await openWithEvidence();
    // Someone else, meanwhile: a severity and a tag of their own.
    backend.store.patch(7, { tags: [...INCIDENT.tags, 'ai-severity:investigate', 'owner:bob'] });
    fireEvent.click(screen.getByRole('button', { name: 'Choose Infrastructure' }));
    const classify = screen.getByTestId(incidentsTestIds.incident.classify);
    fireEvent.click(within(classify).getByRole('radio', { name: 'Page' }));
    await act(async () => {
      fireEvent.click(within(classify).getByRole('button', { name: 'Save classification' }));
    });
    const conflict = await screen.findByTestId(incidentsTestIds.incident.conflict, {}, WAIT);
    expect(patches()).toHaveLength(0);
    expect(within(conflict).getByRole('list', { name: 'Their tags' })).toHaveTextContent('owner:bob');
    expect(within(conflict).getByRole('list', { name: 'Your tags' })).toHaveTextContent('ai-severity:page');
    // The user's form is untouched while they decide.
    expect(within(classify).getByRole('radio', { name: 'Page' })).toBeChecked();
    fireEvent.click(within(conflict).getByRole('radio', { name: 'Yours: page' }));
    await act(async () => {
      fireEvent.click(within(conflict).getByRole('button', { name: 'Save merged' }));
    });
    await waitFor(() => expect(patches()).toHaveLength(1), WAIT);
    expect(backend.store.all()[0].tags).toEqual(
      expect.arrayContaining([
        'owner:alice',
        'owner:bob',
        'jira:OPS-1',
        'team:search',
        'ai-category:infrastructure',
        'ai-severity:page',
      ])
    );
    expect(backend.store.all()[0].tags).not.toContain('ai-severity:investigate');
  });

  test('403 on save: a permission message, the choices kept, the form read-only', async () => {
    backend = new FakeAnnotationsBackend([INCIDENT]);
    backend.fail('PATCH', 403);
    await openWithEvidence();
    fireEvent.click(screen.getByRole('button', { name: 'Choose Infrastructure' }));
    const classify = screen.getByTestId(incidentsTestIds.incident.classify);
    fireEvent.click(within(classify).getByRole('radio', { name: 'Resolved' }));
    await act(async () => {
      fireEvent.click(within(classify).getByRole('button', { name: 'Save classification' }));
    });
    expect(await within(classify).findByText('No permission to change annotations', {}, WAIT)).toBeInTheDocument();
    expect(within(classify).getByRole('radio', { name: 'Resolved' })).toBeChecked();
    expect(within(classify).getByRole('button', { name: 'Save classification' })).toBeDisabled();
    expect(backend.store.all()[0].tags).toEqual(INCIDENT.tags);
  });

  test('without annotations:write in Grafana’s boot data, the page is read-only from the start', async () => {
    setUser({ 'annotations:read': true });
    backend = new FakeAnnotationsBackend([INCIDENT]);
    await openWithEvidence();
    const classify = screen.getByTestId(incidentsTestIds.incident.classify);
    expect(within(classify).getByText('Read-only')).toBeInTheDocument();
    expect(within(classify).getByRole('button', { name: 'Save classification' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Choose Infrastructure' })).toBeDisabled();
  });

  test('an annotation that does not exist', async () => {
    backend = new FakeAnnotationsBackend([]);
    renderPage(42);
    expect(await screen.findByText('Incident not found', {}, WAIT)).toBeInTheDocument();
  });
});
