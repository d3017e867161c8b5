import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { NEVER, of, throwError } from 'rxjs';
import { testIds } from '../components/testIds';
import { RUNBOOKS } from '../core/runbooks';
import { CATEGORIES } from '../core/taxonomy';
import Runbooks from './Runbooks';

const backendFetch = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backendFetch }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <>{children}</>,
}));

function settingsAnswer(jsonData: unknown) {
  backendFetch.mockImplementation(({ url }) => {
    if (url === '/api/plugins/aisre-reliability-app/settings') {
      return of({ ok: true, status: 200, data: { enabled: true, pinned: true, jsonData } });
    }
    throw new Error(`unexpected request ${url}`);
  });
}

/** Shows the router's hash, so a test can read where an in-page link went. */
function HashProbe() {
  return <output data-testid="router-hash">{useLocation().hash}</output>;
}
const currentHash = () => screen.getByTestId('router-hash').textContent;

async function renderPage(path = '/runbooks') {
  const result = render(
    <MemoryRouter initialEntries={[path]}>
      <Runbooks />
      <HashProbe />
    </MemoryRouter>
  );
  await screen.findByTestId('runbook model-rollback');
  return result;
}

beforeEach(() => {
  backendFetch.mockReset();
});

describe('Runbooks page', () => {
  test('shows the four built-in runbooks with their anchors, rendered from Markdown', async () => {
    settingsAnswer({});
    await renderPage();
    expect(screen.getByTestId(testIds.runbooks.container)).toHaveTextContent('model rollback');
    for (const runbook of RUNBOOKS) {
      const section = document.getElementById(`runbook-${runbook.id}`);
      expect(section).not.toBeNull();
      expect(within(section!).getByRole('heading', { level: 2 })).toHaveTextContent(runbook.title);
      expect(within(section!).getByText('Built in')).toBeInTheDocument();
    }
    // Markdown became HTML: code blocks and the audit's checklist items.
    const rollback = document.getElementById('runbook-model-rollback')!;
    expect(rollback.querySelector('pre code')?.textContent).toContain('llm_requests_total{outcome="refused"');
    const audit = document.getElementById('runbook-injection-surface-audit')!;
    expect(audit.querySelectorAll('input[type="checkbox"]').length).toBeGreaterThanOrEqual(15);
    expect(audit).toHaveTextContent('AML.T0070');
  });

  test("shows every category's investigation path under #category-<id>, linking to its runbook", async () => {
    settingsAnswer({});
    await renderPage();
    for (const category of CATEGORIES) {
      const section = document.getElementById(`category-${category.id}`);
      expect(section).not.toBeNull();
      const steps = within(section!)
        .getAllByRole('listitem')
        .map((li) => li.textContent);
      for (const step of category.investigationPath) {
        expect(steps).toContain(step);
      }
      if (category.runbook) {
        const link = within(section!).getByRole('link', {
          name: RUNBOOKS.find((r) => r.id === category.runbook)!.title,
        });
        // A link within this page (the router resolves it against the current route).
        const target = new URL(link.getAttribute('href')!, 'http://grafana.example/runbooks');
        expect(target.pathname).toBe('/runbooks');
        expect(target.hash).toBe(`#runbook-${category.runbook}`);
        expect(document.getElementById(target.hash.slice(1))).not.toBeNull();
      } else {
        expect(section).toHaveTextContent('No built-in runbook applies');
      }
    }
  });

  test("a team's Markdown replaces the built-in runbook, sanitised: hostile HTML is not rendered", async () => {
    settingsAnswer({
      runbooks: {
        'retrieval-quarantine': {
          markdown:
            '## Our quarantine\n\nCall the on-call **data** team.\n\n<img src=x onerror="window.__pwned=1">\n\n<script>window.__pwned=2</script>\n\n[click](javascript:window.__pwned=3)\n\n<a href="javascript:alert(1)" onclick="alert(1)">raw</a>',
        },
      },
    });
    await renderPage();
    const section = document.getElementById('runbook-retrieval-quarantine')!;
    expect(within(section).getByText("Your team's runbook")).toBeInTheDocument();
    expect(within(section).getByRole('heading', { name: 'Our quarantine' })).toBeInTheDocument();
    expect(section.querySelector('strong')).toHaveTextContent('data');
    expect(section.querySelector('script')).toBeNull();
    expect(section.querySelector('[onerror]')).toBeNull();
    expect(section.querySelector('[onclick]')).toBeNull();
    for (const a of Array.from(section.querySelectorAll('a'))) {
      expect(a.getAttribute('href') ?? '').not.toMatch(/javascript:/i);
    }
    // The built-in text of that runbook is gone; the others are still built in.
    expect(section).not.toHaveTextContent('Index alias rollback');
    expect(within(document.getElementById('runbook-model-rollback')!).getByText('Built in')).toBeInTheDocument();
  });

  test("a team's URL is a link that opens outside Grafana; the built-in text stays one click away", async () => {
    settingsAnswer({ runbooks: { 'model-rollback': { url: 'https://wiki.example.com/runbooks/rollback' } } });
    await renderPage();
    const section = document.getElementById('runbook-model-rollback')!;
    const link = within(section).getByRole('link', { name: /wiki\.example\.com\/runbooks\/rollback/ });
    expect(link).toHaveAttribute('href', 'https://wiki.example.com/runbooks/rollback');
    expect(link).toHaveAttribute('target', '_blank');
    // noreferrer implies noopener: the wiki page gets no handle on Grafana's window.
    expect(link.getAttribute('rel')).toMatch(/noreferrer/);
    expect(section).not.toHaveTextContent('Index alias rollback');
    expect(within(section).getByText('The built-in runbook')).toBeInTheDocument();
  });

  test('a javascript: URL stored in settings is never rendered as a link: the built-in runbook shows', async () => {
    settingsAnswer({ runbooks: { 'model-rollback': { url: 'javascript:alert(document.cookie)' } } });
    await renderPage();
    const section = document.getElementById('runbook-model-rollback')!;
    expect(within(section).getByText('Built in')).toBeInTheDocument();
    expect(section.innerHTML).not.toMatch(/javascript:/i);
  });

  test('says which names the configuration remaps, since the PromQL uses the defaults', async () => {
    settingsAnswer({
      metricNames: { rag_retrieval_duration_seconds: 'db_client_operation_duration_seconds' },
      labelNames: { model: 'gen_ai_request_model' },
    });
    await renderPage();
    expect(
      screen.getByText(
        /rag_retrieval_duration_seconds → db_client_operation_duration_seconds, label model → gen_ai_request_model/
      )
    ).toBeInTheDocument();
  });

  test('shows loading while the settings are read', async () => {
    backendFetch.mockReturnValue(NEVER);
    render(
      <MemoryRouter>
        <Runbooks />
      </MemoryRouter>
    );
    expect(screen.getByText(/Loading your team's runbooks/)).toBeInTheDocument();
    expect(screen.queryByTestId('runbook model-rollback')).toBeNull();
  });

  test('when the settings cannot be read, says so and shows the built-in runbooks', async () => {
    backendFetch.mockReturnValue(throwError(() => ({ status: 500, data: { message: 'database is locked' } })));
    await renderPage();
    expect(screen.getByText("Could not read the app's configuration")).toBeInTheDocument();
    expect(screen.getByText(/Grafana answered 500 \(database is locked\)/)).toBeInTheDocument();
    expect(within(document.getElementById('runbook-model-rollback')!).getByText('Built in')).toBeInTheDocument();
  });

  test('a deep link scrolls to its anchor; in-page links set the hash and scroll without leaving the page', async () => {
    settingsAnswer({});
    const scrolled: string[] = [];
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this.id);
    };
    try {
      await renderPage('/runbooks#runbook-injection-surface-audit');
      expect(scrolled).toEqual(['runbook-injection-surface-audit']);

      const security = document.getElementById('category-security-surface')!;
      const link = within(security).getByRole('link', { name: 'Injection surface audit checklist' });
      const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
      await act(async () => {
        link.dispatchEvent(click);
      });
      // Handled here (Grafana's global link handler skips prevented clicks), routed as a hash.
      expect(click.defaultPrevented).toBe(true);
      expect(currentHash()).toBe('#runbook-injection-surface-audit');

      const nav = screen.getByRole('navigation', { name: 'On this page' });
      fireEvent.click(within(nav).getByRole('link', { name: 'Data and retrieval' }));
      expect(currentHash()).toBe('#category-data-retrieval');
      expect(scrolled).toContain('category-data-retrieval');
    } finally {
      Element.prototype.scrollIntoView = original;
    }
  });
});
