/** `aisre provision`: Grafana provisioning files that give each team of a teams file its own pinned dashboards. */
import { DashboardSourceError } from '../provisioning/dashboard';
import {
  DEFAULT_DATASOURCE,
  DEFAULT_DATASOURCE_URL,
  DEFAULT_GRAFANA_PROVISIONING_PATH,
  planProvisioning,
} from '../provisioning/plan';
import {
  DEFAULT_ALERTING_DIR,
  DEFAULT_DASHBOARDS_DIR,
  isDirectory,
  readAlerting,
  readDashboards,
  readTeamsFile,
} from '../provisioning/sources';
import { TeamsFileError } from '../provisioning/teams';
import { OutputDirectoryError, writeProvisioning } from '../provisioning/write';
import { type AppSettings } from '../core/settings';
import { parseFlags, UsageError } from './errors';
import { PROFILE_FLAGS, PROFILE_USAGE, profileFromFlags } from './profileFlags';

export const PROVISION_USAGE = `Usage: aisre provision --teams <teams.yaml> --out <dir> [options]

Writes Grafana provisioning files into <dir>: a Prometheus data source, the app enabled, a dashboards
provider, one folder per team with the bundled dashboards pinned to that team, and the Grafana-managed
alert rules. Re-running writes the same bytes and removes what it wrote for teams no longer in the file;
it never touches files it did not write (see .aisre-provision.json in <dir>).

Options:
  --teams <file>              Teams file: teams: [{ name: search, title: Search, services?: [...], endpoints?: [...] }]
  --out <dir>                 Output directory; mount it as Grafana's provisioning directory
  --datasource-url <url>      Prometheus URL as Grafana's server reaches it (default ${DEFAULT_DATASOURCE_URL})
  --datasource-uid <uid>      uid of the data source the dashboards default to (default ${DEFAULT_DATASOURCE.uid})
  --datasource-name <name>    Its name (default '${DEFAULT_DATASOURCE.name}')
  --existing-datasource       Do not write datasources/aisre.yaml: --datasource-uid names one Grafana already has
  --scrape-interval <dur>     Prometheus scrape interval, Grafana's minimum step (default 15s)
  --dashboards <dir>          Dashboards to copy, *.json (default: the package's own, ${DEFAULT_DASHBOARDS_DIR})
  --alerting <dir>            Grafana alerting provisioning files to copy (default: the package's own,
                              ${DEFAULT_ALERTING_DIR})
  --grafana-path <path>       Where Grafana sees <dir> (default ${DEFAULT_GRAFANA_PROVISIONING_PATH})
  --org-id <n>                Grafana organisation (default 1)
  --force                     Overwrite files at generated paths that an earlier run did not write
${PROFILE_USAGE}
                         (written as the app's jsonData, which the panel and the incident page read)
  -h, --help                  Show this help

It prints every file it wrote, left unchanged or removed, and which parts it skipped.

Exit codes: 0 files written, 2 the command line, the teams file, a dashboard or the output directory is wrong
(nothing is written or deleted outside <dir>, nor through a symlink inside it).`;

const DURATION = /^\d+(ms|s|m|h)$/;

interface ProvisionArgs {
  teams: string;
  out: string;
  datasourceUrl?: string;
  datasourceUid: string;
  datasourceName: string;
  scrapeInterval: string;
  dashboards: string;
  alerting: string;
  alertingRequired: boolean;
  grafanaPath: string;
  orgId: number;
  force: boolean;
  appSettings?: AppSettings;
}

function parseProvisionArgs(args: string[]): ProvisionArgs | undefined {
  const values = parseFlags(
    args,
    {
      teams: { type: 'string' },
      out: { type: 'string' },
      'datasource-url': { type: 'string' },
      'datasource-uid': { type: 'string' },
      'datasource-name': { type: 'string' },
      'existing-datasource': { type: 'boolean' },
      'scrape-interval': { type: 'string' },
      dashboards: { type: 'string' },
      alerting: { type: 'string' },
      'grafana-path': { type: 'string' },
      'org-id': { type: 'string' },
      force: { type: 'boolean' },
      ...PROFILE_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    PROVISION_USAGE
  );
  if (values.help) {
    return undefined;
  }
  if (!values.teams || !values.out) {
    throw new UsageError(`--teams and --out are required\n\n${PROVISION_USAGE}`);
  }
  if (values['existing-datasource'] && values['datasource-url'] !== undefined) {
    throw new UsageError('--existing-datasource writes no data source, so --datasource-url has nothing to set');
  }
  const datasourceUid = values['datasource-uid'] ?? DEFAULT_DATASOURCE.uid;
  if (!/^[a-zA-Z0-9_-]{1,40}$/.test(datasourceUid)) {
    throw new UsageError(`--datasource-uid must be 1-40 letters, digits, '-' or '_', not '${datasourceUid}'`);
  }
  const datasourceUrl = values['existing-datasource']
    ? undefined
    : (values['datasource-url'] ?? DEFAULT_DATASOURCE_URL);
  // Credentials in the URL would be written in clear into the provisioning YAML (Grafana keeps secrets in
  // secureJsonData) and echoed here: refuse them without printing them.
  if (datasourceUrl !== undefined && /^https?:\/\/[^/@\s]*@/.test(datasourceUrl)) {
    throw new UsageError(
      `--datasource-url must not carry credentials (they would be written in clear): ` +
        `use ${datasourceUrl.replace(/\/\/[^/@\s]*@/, '//')} and set the data source's auth in Grafana`
    );
  }
  if (datasourceUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(datasourceUrl)) {
    throw new UsageError(`--datasource-url must be an http(s) URL, not '${datasourceUrl}'`);
  }
  const scrapeInterval = values['scrape-interval'] ?? '15s';
  if (!DURATION.test(scrapeInterval)) {
    throw new UsageError(`--scrape-interval must be a duration like 15s or 1m, not '${scrapeInterval}'`);
  }
  const grafanaPath = values['grafana-path'] ?? DEFAULT_GRAFANA_PROVISIONING_PATH;
  if (!grafanaPath.startsWith('/')) {
    throw new UsageError(`--grafana-path must be an absolute path inside the Grafana server, not '${grafanaPath}'`);
  }
  const orgId = Number(values['org-id'] ?? '1');
  if (!Number.isInteger(orgId) || orgId < 1) {
    throw new UsageError(`--org-id must be a positive integer, not '${values['org-id']}'`);
  }
  return {
    teams: values.teams,
    out: values.out,
    datasourceUrl,
    datasourceUid,
    datasourceName:
      values['datasource-name'] ?? (datasourceUid === DEFAULT_DATASOURCE.uid ? DEFAULT_DATASOURCE.name : datasourceUid),
    scrapeInterval,
    dashboards: values.dashboards ?? DEFAULT_DASHBOARDS_DIR,
    alerting: values.alerting ?? DEFAULT_ALERTING_DIR,
    alertingRequired: values.alerting !== undefined,
    grafanaPath,
    orgId,
    force: values.force ?? false,
    appSettings:
      values.preset !== undefined || values.config !== undefined ? profileFromFlags(values).settings : undefined,
  };
}

export async function provisionCommand(args: string[]): Promise<void> {
  const options = parseProvisionArgs(args);
  if (!options) {
    process.stdout.write(`${PROVISION_USAGE}\n`);
    return;
  }
  try {
    if (!isDirectory(options.alerting)) {
      throw new UsageError(
        options.alertingRequired
          ? `--alerting directory ${options.alerting} does not exist`
          : `the package's alert rules (${options.alerting}) are missing: reinstall aisre, or give --alerting <dir>`
      );
    }
    const teams = readTeamsFile(options.teams);
    const dashboards = readDashboards(options.dashboards);
    const alerting = readAlerting(options.alerting);
    const files = planProvisioning({
      teams,
      dashboards,
      alerting,
      datasource: {
        uid: options.datasourceUid,
        name: options.datasourceName,
        url: options.datasourceUrl,
        scrapeInterval: options.scrapeInterval,
      },
      orgId: options.orgId,
      grafanaProvisioningPath: options.grafanaPath,
      appSettings: options.appSettings,
    });
    const result = writeProvisioning(options.out, files, { force: options.force });
    const parts = [
      `dashboards: ${dashboards.length} from ${options.dashboards}, one copy per team`,
      `alert rules: ${alerting.length ? `${alerting.map((a) => a.file).join(', ')} from ${options.alerting}` : `none (${options.alerting} has no *.yaml, *.yml or *.json)`}`,
      options.datasourceUrl === undefined
        ? `data source: skipped (--existing-datasource: dashboards use uid ${options.datasourceUid})`
        : `data source: ${options.datasourceName} at ${options.datasourceUrl}`,
    ];
    const listed = [
      ...result.written.map((path) => `written   ${path}`),
      ...result.unchanged.map((path) => `unchanged ${path}`),
      ...result.removed.map((path) => `removed   ${path}`),
    ];
    process.stdout.write(
      `aisre provision: ${teams.length} team(s) in ${options.out}: ` +
        `${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed\n` +
        [...parts, ...listed].map((line) => `  ${line}\n`).join('')
    );
  } catch (error) {
    if (
      error instanceof TeamsFileError ||
      error instanceof DashboardSourceError ||
      error instanceof OutputDirectoryError
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}
