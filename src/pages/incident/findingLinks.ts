/**
 * Where a finding is seen on the bundled dashboards: the panel that draws its SLI, opened alone (`viewPanel`) at
 * the incident's window, on the set that reads the app's telemetry convention (each preset's set has its own uids
 * and panel ids), and the dashboard the annotation itself was made on. Read from the bundled dashboards' own JSON,
 * so a renamed or moved panel moves its link with it.
 */
import { type PresetId } from '../../core/settings';
import agentsSecurity from '../../dashboards/agents-security.json';
import modelSlis from '../../dashboards/model-slis.json';
import openlitAgentsSecurity from '../../dashboards/presets/openlit/agents-security.json';
import openlitModelSlis from '../../dashboards/presets/openlit/model-slis.json';
import openlitRetrieval from '../../dashboards/presets/openlit/retrieval.json';
import otelAgentsSecurity from '../../dashboards/presets/otel-genai/agents-security.json';
import otelModelSlis from '../../dashboards/presets/otel-genai/model-slis.json';
import retrieval from '../../dashboards/retrieval.json';
import { dashboardsOf } from '../../shared/bundledDashboards';
import { dashboardPath } from '../incidents/paths';

interface DashboardJson {
  uid: string;
  title: string;
  panels: Array<{ id?: number; type?: string; title?: string }>;
}

// Every bundled dashboard by uid; which of them a preset reads is plugin.json's (dashboardsOf).
const BY_UID = new Map(
  (
    [
      modelSlis,
      retrieval,
      agentsSecurity,
      otelModelSlis,
      otelAgentsSecurity,
      openlitModelSlis,
      openlitRetrieval,
      openlitAgentsSecurity,
    ] as DashboardJson[]
  ).map((dashboard) => [dashboard.uid, dashboard])
);

interface PanelLink {
  href: string;
  /** "Model SLIs › Refusals (share of requests)". */
  label: string;
}

/** The panel of `preset`'s bundled set that draws the SLI titled `sliTitle` (a time series first), at the window. */
export function findingPanelLink(
  sliTitle: string,
  window: { time: number; timeEnd: number },
  preset: PresetId,
  team?: string
): PanelLink | undefined {
  const dashboards = dashboardsOf(preset).flatMap((d) => BY_UID.get(d.uid) ?? []);
  const candidates = dashboards.flatMap((dashboard) =>
    dashboard.panels
      .filter((panel) => panel.id !== undefined && panel.title?.startsWith(sliTitle))
      .map((panel) => ({ dashboard, panel }))
  );
  const found = candidates.find((c) => c.panel.type === 'timeseries') ?? candidates[0];
  if (!found) {
    return undefined;
  }
  return {
    href: `${dashboardPath(found.dashboard.uid, window, team)}&viewPanel=${found.panel.id}`,
    label: `${found.dashboard.title} › ${found.panel.title}`,
  };
}

interface AnnotationPlace {
  dashboardUID: string | null;
  panelId?: number;
}

/** The dashboard the annotation was made on, at the window; none for an organisation-wide annotation. */
export function annotationDashboardPath(
  incident: AnnotationPlace,
  window: { time: number; timeEnd: number }
): string | undefined {
  return incident.dashboardUID ? dashboardPath(incident.dashboardUID, window) : undefined;
}

/**
 * The panel the annotation was made on, opened alone at the window: `/d/<uid>?from=…&to=…&viewPanel=<panel id>`.
 * Grafana's scenes write `viewPanel=panel-<id>` but look a bare id up too (public/app/features/dashboard-scene/
 * utils/utils.ts findVizPanelByKey), and the older dashboards read only the bare id, so the bare id serves both.
 */
export function annotationPanelPath(
  incident: AnnotationPlace,
  window: { time: number; timeEnd: number }
): string | undefined {
  const dashboard = annotationDashboardPath(incident, window);
  return dashboard && incident.panelId ? `${dashboard}&viewPanel=${incident.panelId}` : undefined;
}
