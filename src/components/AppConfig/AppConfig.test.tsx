import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { config } from '@grafana/runtime';
import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { NEVER, of, throwError } from 'rxjs';
import { testIds } from '../testIds';
import AppConfig, { type AppConfigProps } from './AppConfig';

const backendFetch = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backendFetch }),
  // The real picker needs Grafana's data source service; this one offers one Prometheus and one Loki.
  DataSourcePicker: ({ current, onChange, disabled, filter }: any) => {
    const all = [
      { uid: 'prom-uid', name: 'Prometheus', type: 'prometheus' },
      { uid: 'loki-uid', name: 'Loki', type: 'loki' },
    ];
    const options = all.filter((ds) => !filter || filter(ds));
    return (
      <select
        aria-label="Data source"
        disabled={disabled}
        value={current ?? ''}
        onChange={(e) => onChange(all.find((ds) => ds.uid === e.currentTarget.value))}
      >
        <option value="">default</option>
        {options.map((ds) => (
          <option key={ds.uid} value={ds.uid}>
            {ds.name}
          </option>
        ))}
      </select>
    );
  },
}));

const URL = '/api/plugins/aisre-reliability-app/settings';

const STORED = {
  datasourceUid: 'prom-uid',
  metricNames: { llm_requests_total: 'chat_requests_total' },
  thresholds: { page: 0.4 },
  // Written by a newer version or by provisioning: a save must keep it.
  futureSetting: { keep: true },
};

interface Backend {
  stored?: unknown;
  get?: () => unknown;
  post?: () => unknown;
}

function grafana({ stored = STORED, get, post }: Backend = {}) {
  backendFetch.mockImplementation(({ url, method }) => {
    if (url !== URL) {
      throw new Error(`unexpected request ${url}`);
    }
    if (method === 'GET') {
      return get ? get() : of({ ok: true, status: 200, data: { enabled: true, pinned: false, jsonData: stored } });
    }
    return post ? post() : of({ ok: true, status: 200, data: { message: 'Plugin settings updated' } });
  });
}

const posts = () => backendFetch.mock.calls.map(([request]) => request).filter((r) => r.method === 'POST');

function setRole(
  user: { orgRole: string; isGrafanaAdmin?: boolean; permissions?: Record<string, boolean> } | undefined
) {
  (config as any).bootData = user
    ? { ...config.bootData, user: { isSignedIn: true, isGrafanaAdmin: false, ...user } }
    : { ...config.bootData, user: undefined };
}

/** Meta as Grafana cached it at page load: older than what is stored. */
const props = {
  plugin: {
    meta: {
      id: 'aisre-reliability-app',
      enabled: true,
      pinned: false,
      jsonData: { metricNames: { llm_requests_total: 'stale_requests_total' } },
    },
  },
  query: {},
} as unknown as AppConfigProps;

async function renderConfig() {
  const result = render(
    <MemoryRouter>
      <AppConfig {...props} />
    </MemoryRouter>
  );
  await waitFor(() => expect(screen.queryByText(/Loading the app's settings/)).toBeNull());
  return result;
}

const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const type = (id: string, value: string) => fireEvent.change(input(id), { target: { value } });
const save = async () => {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
  });
};

beforeEach(() => {
  backendFetch.mockReset();
  setRole({ orgRole: 'Admin' });
});

describe('AppConfig', () => {
  test('shows what is stored now, not the meta Grafana cached at page load', async () => {
    grafana();
    await renderConfig();
    expect(screen.getByTestId(testIds.appConfig.container)).toBeInTheDocument();
    expect(screen.getByLabelText('Data source')).toHaveValue('prom-uid');
    expect(input('aisre-config-metric-llm_requests_total')).toHaveValue('chat_requests_total');
    expect(input('aisre-config-metric-rag_retrievals_total')).toHaveValue('');
    expect(input('aisre-config-metric-rag_retrievals_total')).toHaveAttribute('placeholder', 'rag_retrievals_total');
    // Relative thresholds are typed as percentages; stored as fractions (0.4).
    expect(input('aisre-config-threshold-page')).toHaveValue('40');
    expect(input('aisre-config-threshold-investigate')).toHaveAttribute('placeholder', '5');
    // Only PromQL data sources are offered.
    expect(screen.queryByRole('option', { name: 'Loki' })).toBeNull();
  });

  test('saves {enabled, pinned, jsonData}: the changes, no blank fields, and keys it does not know kept', async () => {
    grafana();
    await renderConfig();
    type('aisre-config-metric-llm_requests_total', '');
    type('aisre-config-metric-rag_retrieval_duration_seconds', 'db_client_operation_duration_seconds');
    type('aisre-config-label-model', 'gen_ai_request_model');
    type('aisre-config-threshold-minVolume', '500');
    fireEvent.click(screen.getAllByRole('radio', { name: 'Link (URL)' })[0]);
    type('aisre-config-runbook-model-rollback-url', 'https://wiki.example.com/rollback');
    await save();

    expect(posts()).toHaveLength(1);
    expect(posts()[0]).toMatchObject({ url: URL, method: 'POST', showErrorAlert: false });
    expect(posts()[0].data).toEqual({
      enabled: true,
      pinned: false,
      jsonData: {
        futureSetting: { keep: true },
        datasourceUid: 'prom-uid',
        metricNames: { rag_retrieval_duration_seconds: 'db_client_operation_duration_seconds' },
        labelNames: { model: 'gen_ai_request_model' },
        thresholds: { page: 0.4, minVolume: 500 },
        runbooks: { 'model-rollback': { url: 'https://wiki.example.com/rollback' } },
      },
    });
    expect(posts()[0].data).not.toHaveProperty('secureJsonData');
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
  });

  test('validates before saving, with a message per field, and sends nothing while anything is invalid', async () => {
    grafana();
    await renderConfig();
    fireEvent.click(screen.getAllByRole('radio', { name: 'Link (URL)' })[1]);
    type('aisre-config-runbook-retrieval-quarantine-url', 'javascript:alert(document.cookie)');
    type('aisre-config-threshold-investigate', '50');
    type('aisre-config-threshold-fdr', 'five');
    type('aisre-config-label-team', 'team-name');
    type('aisre-config-metric-agent_steps', 'agent_steps_bucket');
    await save();

    expect(posts()).toHaveLength(0);
    expect(screen.getByText('Not saved: fix the highlighted fields')).toBeInTheDocument();
    expect(screen.getByText('The runbook link must be an absolute http:// or https:// URL.')).toBeInTheDocument();
    expect(
      screen.getByText(/The page relative regression \(40%\) must be above the investigate relative regression \(50%\)/)
    ).toBeInTheDocument();
    expect(screen.getByText(/'five' is not a percentage/)).toBeInTheDocument();
    expect(screen.getByText(/'team-name' is not a valid Prometheus label name/)).toBeInTheDocument();
    expect(screen.getByText(/base name: the app adds _bucket itself \(agent_steps\)/)).toBeInTheDocument();
    // Nothing the user typed is lost.
    expect(input('aisre-config-runbook-retrieval-quarantine-url')).toHaveValue('javascript:alert(document.cookie)');
    expect(input('aisre-config-threshold-fdr')).toHaveValue('five');

    // Fixed, it saves.
    type('aisre-config-runbook-retrieval-quarantine-url', 'https://wiki.example.com/quarantine');
    type('aisre-config-threshold-investigate', '10');
    type('aisre-config-threshold-fdr', '5 %');
    type('aisre-config-label-team', 'owner_team');
    type('aisre-config-metric-agent_steps', 'agent_steps');
    await save();
    expect(posts()).toHaveLength(1);
    // Typed as percentages, saved as the fractions the core reads.
    expect(posts()[0].data.jsonData.thresholds).toMatchObject({ investigate: 0.1, fdr: 0.05, page: 0.4 });
  });

  test('a 403 on save says why, and keeps the input', async () => {
    grafana({ post: () => throwError(() => ({ status: 403, data: { message: 'Permission denied' } })) });
    await renderConfig();
    type('aisre-config-threshold-minVolume', '250');
    await save();
    expect(await screen.findByText('Not saved: permission denied')).toBeInTheDocument();
    expect(screen.getByText(/only organisation administrators can change the app’s settings/)).toBeInTheDocument();
    expect(input('aisre-config-threshold-minVolume')).toHaveValue('250');
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeEnabled();
  });

  test('a 500 on save names the status and the server message, and keeps the input', async () => {
    grafana({ post: () => throwError(() => ({ status: 500, data: { message: 'database is locked' } })) });
    await renderConfig();
    type('aisre-config-label-endpoint', 'route');
    await save();
    expect(
      await screen.findByText(/Grafana answered 500 \(database is locked\): the settings were not saved/)
    ).toBeInTheDocument();
    expect(input('aisre-config-label-endpoint')).toHaveValue('route');
  });

  test('a save that never answers times out with a message, and keeps the input', async () => {
    grafana({ post: () => NEVER });
    await renderConfig();
    jest.useFakeTimers();
    try {
      type('aisre-config-label-service', 'job');
      fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
      expect(screen.getByRole('button', { name: /Saving/ })).toBeDisabled();
      await act(async () => {
        jest.advanceTimersByTime(15_001);
      });
    } finally {
      jest.useRealTimers();
    }
    expect(await screen.findByText(/did not answer within 15 s, so the settings were not saved/)).toBeInTheDocument();
    expect(input('aisre-config-label-service')).toHaveValue('job');
  });

  test('a non-admin sees the settings read-only, with a clear message and no save', async () => {
    setRole({ orgRole: 'Viewer' });
    grafana();
    await renderConfig();
    expect(screen.getByText('Read-only: only administrators can change these settings')).toBeInTheDocument();
    expect(input('aisre-config-metric-llm_requests_total')).toHaveValue('chat_requests_total');
    expect(input('aisre-config-metric-llm_requests_total')).toBeDisabled();
    expect(screen.getByLabelText('Data source')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save settings' })).toBeNull();
  });

  test('an Editor with the plugins:write permission (RBAC) may edit', async () => {
    setRole({ orgRole: 'Editor', permissions: { 'plugins:write': true } });
    grafana();
    await renderConfig();
    expect(screen.queryByText(/Read-only/)).toBeNull();
    expect(input('aisre-config-metric-llm_requests_total')).toBeEnabled();
  });

  test('when the stored settings cannot be read, shows those of page load and says so', async () => {
    grafana({ get: () => throwError(() => ({ status: 502, statusText: 'Bad Gateway' })) });
    await renderConfig();
    expect(screen.getByText('Showing the settings as of page load')).toBeInTheDocument();
    expect(input('aisre-config-metric-llm_requests_total')).toHaveValue('stale_requests_total');
  });

  test('shows loading until the stored settings answer', async () => {
    grafana({ get: () => NEVER });
    render(
      <MemoryRouter>
        <AppConfig {...props} />
      </MemoryRouter>
    );
    expect(screen.getByText(/Loading the app's settings/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Save settings' })).toBeNull());
  });
});
