import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert } from '@grafana/ui';
import { testIds } from '../components/testIds';

/** Every `ai-incident` region annotation, to classify and export. The list arrives with the incidents issue. */
function Incidents() {
  return (
    <PluginPage>
      <div data-testid={testIds.incidents.container}>
        <Alert severity="info" title="Incidents will be listed here">
          This page will list every region annotation tagged <code>ai-incident</code> in your organisation, show the
          evidence in each window (which SLIs shifted, which model or prompt changes fall in it), suggest categories
          from the failure taxonomy and store your classification as tags on the annotation. Until then, the{' '}
          <code>aisre impact</code> command line writes the impact section for any window.
        </Alert>
      </div>
    </PluginPage>
  );
}

export default Incidents;
