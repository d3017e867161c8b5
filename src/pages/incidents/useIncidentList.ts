/**
 * Loads every incident for the list, with its loading and error states. The first rows come as soon as Grafana's
 * first page arrives (`partial` while loading); the rest follow as listIncidents reads them in parallel.
 */
import { useRef, useState } from 'react';
import { useAsyncRetry, useUnmount } from 'react-use';
import { GrafanaApiError } from '../../shared/grafanaApi';
import { listIncidents, type IncidentList } from '../../shared/annotations';
import { logger } from '../../shared/logger';

export type IncidentListState =
  | { kind: 'loading'; partial?: IncidentList }
  | { kind: 'error'; error: GrafanaApiError }
  | { kind: 'ready'; list: IncidentList };

/** The incidents overlapping `range` (every incident when undefined); `reload` reads them again. */
export function useIncidentList(range: { from: number; to: number } | undefined): {
  state: IncidentListState;
  reload: () => void;
} {
  const from = range?.from;
  const to = range?.to;
  // Progress belongs to one listing: a newer one (another range, Try again) cancels the older and ignores its pages.
  const listing = useRef(new AbortController());
  const [progress, setProgress] = useState<IncidentList>();
  useUnmount(() => listing.current.abort());

  const result = useAsyncRetry(async () => {
    listing.current.abort();
    const current = new AbortController();
    listing.current = current;
    setProgress(undefined);
    try {
      return await listIncidents({
        from,
        to,
        signal: current.signal,
        onProgress: (list) => !current.signal.aborted && setProgress(list),
      });
    } catch (error) {
      logger.warn('incidents: list failed', { error: String(error) });
      throw error;
    }
  }, [from, to]);

  let state: IncidentListState;
  if (result.error) {
    const { error } = result;
    state = {
      kind: 'error',
      error: error instanceof GrafanaApiError ? error : new GrafanaApiError(error.message, undefined, 'server'),
    };
  } else if (result.loading || !result.value) {
    state = { kind: 'loading', partial: progress };
  } else {
    state = { kind: 'ready', list: result.value };
  }
  return { state, reload: result.retry };
}
