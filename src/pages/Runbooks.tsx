import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert } from '@grafana/ui';
import { testIds } from '../components/testIds';

/** The built-in runbooks and each incident category's investigation path. */
function Runbooks() {
  return (
    <PluginPage>
      <div data-testid={testIds.runbooks.container}>
        <Alert severity="info" title="Runbooks will be listed here">
          This page will hold the built-in runbooks (model rollback, retrieval quarantine, output distribution alert
          thresholds, injection surface audit checklist) and the investigation path of each incident category. Each
          runbook can be replaced by your own URL or text in the app&apos;s configuration.
        </Alert>
      </div>
    </PluginPage>
  );
}

export default Runbooks;
