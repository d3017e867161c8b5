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

describe('App routes', () => {
  test('the default route opens the Incidents page', async () => {
    renderAt('/');
    // Pages are lazy-loaded: give them room on a 2-core machine.
    expect(await screen.findByTestId(testIds.incidents.container, {}, { timeout: 10000 })).toHaveTextContent(
      'ai-incident'
    );
  }, 20000);

  test('the Runbooks route opens the Runbooks page', async () => {
    renderAt('/runbooks');
    expect(await screen.findByTestId(testIds.runbooks.container, {}, { timeout: 10000 })).toHaveTextContent(
      'model rollback'
    );
  }, 20000);
});
