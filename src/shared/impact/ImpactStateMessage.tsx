/**
 * What either face shows when there is no report to show: the reason in words, where to fix it (the panel's
 * options, or the app's Configuration page), and Try again on every error.
 */
import { Alert, Button, LoadingPlaceholder } from '@grafana/ui';
import React from 'react';
import { formatDuration } from '../../core/format';
import { type ImpactView } from './useImpact';

/** Where the data source and options are set: the panel's options, or the app's Configuration page. */
type ImpactFace = 'panel' | 'page';

const WHERE: Record<ImpactFace, string> = {
  panel: 'in the panel options (Data source)',
  page: "in the app's Configuration page (an admin sets it)",
};

export function TryAgain({ onRetry }: { onRetry: () => void }) {
  return (
    <div>
      <Button size="sm" variant="secondary" icon="sync" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}

export function ImpactStateMessage({ view, face }: { view: ImpactView; face: ImpactFace }) {
  const { state, retry } = view;
  switch (state.kind) {
    case 'loading':
      return <LoadingPlaceholder text="Reading the window and its baseline…" />;
    case 'no_datasource':
      return (
        <Alert severity="warning" title="No data source">
          {state.reference
            ? `The data source ${state.reference} was not found.`
            : 'No Prometheus data source is set, and Grafana has none to fall back on.'}{' '}
          Pick a Prometheus data source {WHERE[face]}.
          <TryAgain onRetry={retry} />
        </Alert>
      );
    case 'not_promql':
      return (
        <Alert severity="warning" title="This data source does not speak PromQL">
          &apos;{state.name}&apos; is a {state.type} data source. The impact report runs PromQL: pick a Prometheus data
          source (Prometheus, Mimir, Thanos, Amazon or Azure Managed Prometheus) {WHERE[face]}.
          <TryAgain onRetry={retry} />
        </Alert>
      );
    case 'too_short':
      return (
        <Alert severity="info" title="Window too short">
          The window is {formatDuration(state.seconds)} long. The impact report needs at least 5 minutes: in less, a
          handful of scrapes decides every count.{' '}
          {face === 'panel' ? 'Widen the time range or pick a longer incident.' : 'Edit the window to widen it.'}
        </Alert>
      );
    case 'invalid_options':
      return (
        <Alert severity="warning" title={face === 'panel' ? 'The panel options need a fix' : 'The report cannot run'}>
          {state.message}
          <TryAgain onRetry={retry} />
        </Alert>
      );
    case 'query_error':
      return (
        <Alert
          severity="error"
          title={
            state.status === 401 || state.status === 403
              ? 'No permission to query this data source'
              : 'The query failed'
          }
        >
          {state.status === 401 || state.status === 403
            ? `Grafana refused the query: your role cannot query this data source. Ask an admin for query access to it. (${state.message})`
            : state.message}
          <TryAgain onRetry={retry} />
        </Alert>
      );
    default:
      return null;
  }
}
