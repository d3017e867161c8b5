import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import App from './App';
import { testIds } from '../testIds';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: ({ children }: { children: React.ReactNode }) => <>{children}</>,
}));

const props = {
  basename: 'a/aisre-reliability-app',
  meta: { jsonData: {} },
  query: {},
  path: '',
} as unknown as AppRootProps;

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App {...props} />
    </MemoryRouter>
  );
}

// The pages are lazy chunks: loading their modules (Grafana UI and all) takes seconds on a busy machine. Load
// them once here, so each test measures the route and React.lazy resolves from the module registry.
beforeAll(() => Promise.all([import('../../pages/Incidents'), import('../../pages/Runbooks')]), 60_000);

const WAIT = { timeout: 10_000 };

describe('App routes', () => {
  test('the default route opens the Incidents page', async () => {
    renderAt('/');
    expect(await screen.findByTestId(testIds.incidents.container, {}, WAIT)).toHaveTextContent('ai-incident');
  });

  test('the Runbooks route opens the Runbooks page', async () => {
    renderAt('/runbooks');
    expect(await screen.findByTestId(testIds.runbooks.container, {}, WAIT)).toHaveTextContent('model rollback');
  });
});
