/**
 * The one hook both faces read the impact report through. It re-runs only when what the report depends on
 * changes (the window, the scope, the options, the app's settings, the data source), so a dashboard refresh over
 * an unchanged window runs no query; while a newer run is under way the last answer stays on screen, marked
 * as refreshing, so the sections the user opened stay open. `retry` runs the same request again.
 */
import { useAsyncRetry } from 'react-use';
import { useAppSettings } from '../settings';
import { dataSourceOf, type ImpactRequest, type ImpactState, precheckImpact, runImpact } from './impact';

export interface ImpactView {
  /** The last answer; `loading` only until the first one. */
  state: ImpactState | { kind: 'loading' };
  /** A run for the current request is under way while `state` shows the previous answer. */
  refreshing: boolean;
  retry: () => void;
}

/** The report for `request`; undefined while the face is still reading what to ask (the incident, its tags). */
export function useImpact(request: ImpactRequest | undefined): ImpactView {
  const app = useAppSettings();
  const settings = app.kind === 'loading' ? undefined : app.settings;
  // Resolved on every render: `${datasource}` follows the dashboard variable (to the real uid, not `${datasource}`).
  const datasource = request && settings ? dataSourceOf(request) : undefined;
  const failure = request && settings ? precheckImpact(request, datasource) : undefined;
  // Everything the run reads, by content: a new request object with the same content runs nothing.
  const key = JSON.stringify([
    request && { ...request, incident: request.incident && [request.incident.id, request.incident.time] },
    settings,
    datasource?.uid,
  ]);
  const run = useAsyncRetry(async (): Promise<ImpactState | undefined> => {
    if (!request || !settings || !datasource || failure || 'problem' in request.baseline) {
      return undefined;
    }
    return runImpact({ ...request, baseline: request.baseline }, datasource, settings);
  }, [key]);

  if (failure) {
    return { state: failure, refreshing: false, retry: run.retry };
  }
  const state: ImpactView['state'] = run.error
    ? { kind: 'query_error', message: run.error.message }
    : (run.value ?? { kind: 'loading' });
  return { state, refreshing: run.loading && state.kind !== 'loading', retry: run.retry };
}
