/**
 * Everything `aisre provision` writes, as relative path -> file content, computed without touching the disk:
 * the data source, the app, the dashboards provider, one folder of pinned dashboards per team, and the
 * Grafana-managed alert rules. Same input, same bytes, so re-running the generator changes nothing.
 */
import { type AppSettings, jsonDataWithSettings } from '../core/settings';
import { stringify as stringifyYaml } from 'yaml';
import {
  DashboardSourceError,
  dashboardForTeam,
  teamDashboardUid,
  type DashboardJson,
  type DataSourceRef,
} from './dashboard';
import { type Team } from './teams';

export const PLUGIN_ID = 'aisre-reliability-app';
export const DEFAULT_DATASOURCE: DataSourceRef = { uid: 'aisre-prometheus', name: 'AI Reliability Prometheus' };
export const DEFAULT_DATASOURCE_URL = 'http://prometheus:9090';
/** Where Grafana reads provisioning from unless GF_PATHS_PROVISIONING says otherwise. */
export const DEFAULT_GRAFANA_PROVISIONING_PATH = '/etc/grafana/provisioning';

const HEADER = '# Written by `aisre provision` from the teams file; edit that file and re-run, not this one.\n';

export interface BundledDashboard {
  /** File name in the dashboards directory, e.g. model-slis.json; the team copy keeps it. */
  file: string;
  dashboard: DashboardJson;
}

export interface AlertingFile {
  file: string;
  content: string;
}

export interface ProvisioningPlanInput {
  teams: Team[];
  dashboards: BundledDashboard[];
  alerting: AlertingFile[];
  datasource: DataSourceRef & {
    /** The URL Grafana's server reaches Prometheus at; when undefined, no data source file is written. */
    url?: string;
    /** Scrape interval of that Prometheus: Grafana's minimum step and the base of $__rate_interval. */
    scrapeInterval: string;
  };
  orgId: number;
  /** Where Grafana will see the output directory (the dashboards provider needs an absolute path). */
  grafanaProvisioningPath: string;
  /** The app's settings for the provisioned Grafana (`aisre provision --preset/--config`); none: the defaults. */
  appSettings?: AppSettings;
  /** Prometheus recording and alert rule files for the same profile, written under `prometheus/` to load into Prometheus. */
  prometheusRules?: AlertingFile[];
}

/** The files to write, keyed by POSIX path relative to the output directory, in sorted order. */
export function planProvisioning(input: ProvisioningPlanInput): Map<string, string> {
  const files = new Map<string, string>();
  if (input.datasource.url !== undefined) {
    files.set('datasources/aisre.yaml', datasourceFile(input));
  }
  files.set('plugins/aisre.yaml', pluginFile(input));
  files.set('dashboards/aisre.yaml', dashboardProviderFile(input));

  const dashboards = [...input.dashboards].sort((a, b) => a.file.localeCompare(b.file));
  for (const team of input.teams) {
    const uidMap = new Map(
      dashboards.map(({ dashboard }) => [dashboard.uid, teamDashboardUid(dashboard.uid, team.name)])
    );
    for (const { file, dashboard } of dashboards) {
      const copy = dashboardForTeam(dashboard, team, { datasource: input.datasource, uidMap });
      files.set(`dashboards/${team.title}/${file}`, `${JSON.stringify(copy, null, 2)}\n`);
    }
  }
  for (const { file, content } of input.alerting) {
    files.set(`alerting/${file}`, alertingWithDatasource(content, input.datasource.uid));
  }
  for (const { file, content } of input.prometheusRules ?? []) {
    files.set(`prometheus/${file}`, content);
  }
  assertUniqueUids(files);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function datasourceFile(input: ProvisioningPlanInput): string {
  const { uid, name, url, scrapeInterval } = input.datasource;
  return yamlFile({
    apiVersion: 1,
    datasources: [
      {
        name,
        uid,
        type: 'prometheus',
        access: 'proxy',
        orgId: input.orgId,
        url,
        isDefault: false,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: scrapeInterval },
      },
    ],
  });
}

function pluginFile(input: ProvisioningPlanInput): string {
  // The app's settings (preset, names, thresholds) as its jsonData: the panel and the pages read that profile.
  const jsonData = input.appSettings ? jsonDataWithSettings({}, input.appSettings) : {};
  return yamlFile({
    apiVersion: 1,
    apps: [
      {
        type: PLUGIN_ID,
        org_id: input.orgId,
        disabled: false,
        ...(Object.keys(jsonData).length ? { jsonData } : {}),
      },
    ],
  });
}

function dashboardProviderFile(input: ProvisioningPlanInput): string {
  return yamlFile({
    apiVersion: 1,
    providers: [
      {
        name: 'aisre-teams',
        orgId: input.orgId,
        type: 'file',
        // Deleting a team from the teams file removes its folder on disk; let Grafana drop its dashboards too.
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: {
          path: `${input.grafanaProvisioningPath.replace(/\/+$/, '')}/dashboards`,
          foldersFromFilesStructure: true,
        },
      },
    ],
  });
}

/**
 * The alert rule files name the default data source uid; when the dashboards use another one, so must the
 * rules. Replacing the whole token in the text keeps the rule authors' comments and layout.
 */
function alertingWithDatasource(content: string, uid: string): string {
  if (uid === DEFAULT_DATASOURCE.uid) {
    return content;
  }
  return content.replace(new RegExp(`(?<![\\w-])${DEFAULT_DATASOURCE.uid}(?![\\w-])`, 'g'), uid);
}

function yamlFile(document: unknown): string {
  return HEADER + stringifyYaml(document, { lineWidth: 0 });
}

/** Two teams' copies, or a team copy and another dashboard, must never share a uid in one Grafana org. */
function assertUniqueUids(files: Map<string, string>) {
  const seen = new Map<string, string>();
  for (const [path, content] of files) {
    if (!path.endsWith('.json') || !path.startsWith('dashboards/')) {
      continue;
    }
    const { uid } = JSON.parse(content) as { uid: string };
    const other = seen.get(uid);
    if (other) {
      throw new DashboardSourceError(`dashboards ${other} and ${path} would both have uid '${uid}'`);
    }
    seen.set(uid, path);
  }
}
