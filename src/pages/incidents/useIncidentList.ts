/** Loads every incident for the list (all pages of Grafana's answer), with its loading and error states. */
import { useCallback, useEffect, useState } from 'react';
import { listIncidents, type IncidentList } from '../../shared/annotations';
import { logger } from '../../shared/logger';

export type IncidentListState =
  { kind: 'loading' } | { kind: 'error'; message: string; status?: number } | { kind: 'ready'; list: IncidentList };

/** The incidents overlapping `range` (every incident when undefined); `reload` reads them again. */
export function useIncidentList(range: { from: number; to: number } | undefined): {
  state: IncidentListState;
  reload: () => void;
} {
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify([range?.from, range?.to, generation]);
  const [state, setState] = useState<{ key: string; state: IncidentListState }>({
    key: '',
    state: { kind: 'loading' },
  });
  const from = range?.from;
  const to = range?.to;

  useEffect(() => {
    let current = true;
    listIncidents({ from, to }).then(
      (list) => current && setState({ key, state: { kind: 'ready', list } }),
      (error: unknown) => {
        logger.warn('incidents: list failed', { error: String(error) });
        if (current) {
          const status = (error as { status?: number }).status;
          setState({
            key,
            state: { kind: 'error', message: error instanceof Error ? error.message : String(error), status },
          });
        }
      }
    );
    return () => {
      current = false;
    };
  }, [from, to, key]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { state: state.key === key ? state.state : { kind: 'loading' }, reload };
}
