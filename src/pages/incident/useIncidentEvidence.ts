/**
 * The evidence for one incident window, read through the app's data source by the shared impact orchestration
 * (the same as the panel and `aisre impact`): the report for the window against the preceding interval of equal
 * length, scoped by the incident's team tag; then the change events (`llm_build_info`) in or just before the
 * window, and the categories the taxonomy suggests from both.
 */
import { useAsyncRetry } from 'react-use';
import { readChangeEvents, type ChangeEvent } from '../../core/changes';
import { profileFromSettings } from '../../core/profile';
import { type AppSettings } from '../../core/settings';
import { CHANGE_LEAD_SECONDS, suggestCategories, type Suggestion } from '../../core/suggest';
import { incidentInterval, type IncidentAnnotation } from '../../shared/annotations';
import { type ImpactReady } from '../../shared/impact/impact';
import { useImpact, type ImpactView } from '../../shared/impact/useImpact';

interface ChangesView {
  loading: boolean;
  changes: ChangeEvent[];
  /** Why the change events are missing, when they could not be read. */
  error?: string;
  retry: () => void;
}

export interface IncidentEvidence {
  impact: ImpactView;
  changes: ChangesView;
  /** Once the report and the changes are read (without the changes when they failed: the page says so). */
  suggestions?: Suggestion[];
}

/** The change events near the report's window, read through the report's own source and scope. */
function useChangeEvents(ready: ImpactReady | undefined, settings: AppSettings | undefined): ChangesView {
  const read = useAsyncRetry(async () => {
    if (!ready || !settings) {
      return undefined;
    }
    const { source, window, selector } = ready.context;
    return readChangeEvents(source, {
      window,
      lookbackSeconds: CHANGE_LEAD_SECONDS,
      selector,
      metric: profileFromSettings(settings).buildInfoMetric,
    });
  }, [ready, settings]);
  return {
    loading: read.loading || (ready !== undefined && read.value === undefined && !read.error),
    changes: read.value ?? [],
    error: read.error?.message,
    retry: read.retry,
  };
}

/** The evidence for `incident`; undefined settings mean "still loading them". */
export function useIncidentEvidence(
  incident: IncidentAnnotation,
  team: string | undefined,
  settings: AppSettings | undefined,
  /** Where an ongoing incident's window ends (Unix ms): fixed by the caller, so the queries do not chase the clock. */
  now: number
): IncidentEvidence {
  const impact = useImpact(
    settings
      ? {
          datasource: settings.datasourceUid,
          window: incidentInterval(incident, now),
          baseline: { mode: 'preceding' },
          // The team tag narrows the scope under the profile's team label (the orchestration's rule).
          selector: '',
          team,
          incident,
        }
      : undefined
  );
  const ready = impact.state.kind === 'ready' ? impact.state : undefined;
  const changes = useChangeEvents(ready, settings);
  const suggestions =
    ready && !ready.noData && !changes.loading ? suggestCategories(ready.report, changes.changes) : undefined;
  return { impact, changes, suggestions };
}
