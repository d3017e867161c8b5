import React from 'react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Alert } from '@grafana/ui';
import { testIds } from '../testIds';

export interface AppSettings {}

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/** The app's settings. The settings form arrives with the incidents issue; the defaults apply until then. */
const AppConfig = (_props: AppConfigProps) => (
  <div data-testid={testIds.appConfig.container}>
    <Alert severity="info" title="Configuration will be here">
      Administrators will choose the Prometheus data source, remap metric and label names (for OpenTelemetry GenAI or
      OpenLIT naming), set the investigate and page thresholds and the minimum volume, and replace the built-in runbooks
      with their own URL or text. Until then the defaults of the metrics contract in the README apply.
    </Alert>
  </div>
);

export default AppConfig;
