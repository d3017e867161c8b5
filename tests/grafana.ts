/**
 * Where the e2e specs find Grafana, and what they open there: the dashboards `aisre provision` writes for
 * provisioning/teams.yaml (the demo stack's provisioning), computed by the generator itself.
 */
import { join } from 'node:path';
import { planProvisioning, DEFAULT_DATASOURCE, DEFAULT_GRAFANA_PROVISIONING_PATH } from '../src/provisioning/plan';
import { DEFAULT_DASHBOARDS_DIR, readDashboards, readTeamsFile } from '../src/provisioning/sources';

export const GRAFANA_URL = (process.env.GRAFANA_URL || 'http://localhost:3000').replace(/\/+$/, '');

let reachability: Promise<string | undefined> | undefined;

/** Why the specs cannot run here (no Grafana answering /api/health), or undefined when they can. */
export function grafanaUnavailable(): Promise<string | undefined> {
  reachability ??= fetch(`${GRAFANA_URL}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
    (response) =>
      response.ok ? undefined : `Grafana at ${GRAFANA_URL} answered /api/health with HTTP ${response.status}`,
    (error: unknown) =>
      `no Grafana reachable at ${GRAFANA_URL} (${error instanceof Error ? error.message : String(error)}); ` +
      'start the demo with `npm run server` or set GRAFANA_URL'
  );
  return reachability;
}

export interface ProvisionedDashboard {
  uid: string;
  title: string;
  /** Titles of the panels that are not rows and whose title has no variable in it (those render interpolated). */
  panelTitles: string[];
}

interface PanelModel {
  type: string;
  title?: string;
  panels?: PanelModel[];
}

const ROOT = join(__dirname, '..');

/** The team dashboards of the demo stack, as the generator writes them for the sample teams file. */
export function provisionedDashboards(): ProvisionedDashboard[] {
  const files = planProvisioning({
    teams: readTeamsFile(join(ROOT, 'provisioning/teams.yaml')),
    dashboards: readDashboards(join(ROOT, DEFAULT_DASHBOARDS_DIR)),
    alerting: [],
    datasource: { ...DEFAULT_DATASOURCE, url: 'http://prometheus:9090', scrapeInterval: '15s' },
    orgId: 1,
    grafanaProvisioningPath: DEFAULT_GRAFANA_PROVISIONING_PATH,
  });
  return [...files.entries()]
    .filter(([path]) => path.startsWith('dashboards/') && path.endsWith('.json'))
    .map(([, text]) => {
      const dashboard = JSON.parse(text) as { uid: string; title: string; panels?: PanelModel[] };
      const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
      return {
        uid: dashboard.uid,
        title: dashboard.title,
        panelTitles: panels
          .filter((panel) => panel.type !== 'row' && panel.title && !panel.title.includes('$'))
          .map((panel) => panel.title as string),
      };
    });
}
