import React from 'react';
import { render, screen } from '@testing-library/react';
import AppConfig, { type AppConfigProps } from './AppConfig';
import { testIds } from '../testIds';

describe('AppConfig', () => {
  test('says what the configuration will hold', () => {
    render(<AppConfig {...({ plugin: { meta: { jsonData: {} } } } as unknown as AppConfigProps)} />);
    expect(screen.getByTestId(testIds.appConfig.container)).toHaveTextContent('Prometheus data source');
  });
});
