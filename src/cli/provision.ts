/** `aisre provision`: Grafana provisioning files that give each team of a teams file its own pinned dashboards. */
import { assertDashboard, DashboardSourceError } from '../provisioning/dashboard';
import {
  type AlertingFile,
  type BundledDashboard,
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
import { profileArtifacts } from '../alerting/artifacts';
import { recordingsFor } from '../alerting/recordings';
import { type TelemetryProfile } from '../core/profile';
import { type AppSettings } from '../core/settings';
import { parseFlags, UsageError } from './errors';
import { PROFILE_FLAGS, PROFILE_USAGE, profileFromFlags } from './profileFlags';

const PROVISION_USAGE = `Usage: aisre provision --teams <teams.yaml> --out <dir> [options]

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
  --dashboards <dir>          Dashboards to copy, *.json (default: the package's own, ${DEFAULT_DASHBOARDS_DIR};
                              with --preset or --config: generated for that profile)
  --alerting <dir>            Grafana alerting provisioning files to copy (default: the package's own,
                              ${DEFAULT_ALERTING_DIR}; with --preset or --config: generated for that profile)
  --grafana-path <path>       Where Grafana sees <dir> (default ${DEFAULT_GRAFANA_PROVISIONING_PATH})
  --org-id <n>                Grafana organisation (default 1)
  --force                     Overwrite files at generated paths that an earlier run did not write
${PROFILE_USAGE}
                         (written as the app's jsonData, which the panel and the incident page read; the
                         dashboards, the Grafana-managed rules and prometheus/*.yaml, the Prometheus recording
                         and alert rules, are generated for the profile)
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
  dashboards?: string;
  alerting?: string;
  grafanaPath: string;
  orgId: number;
  force: boolean;
  appSettings?: AppSettings;
  profile?: TelemetryProfile;
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
    dashboards: values.dashboards,
    alerting: values.alerting,
    grafanaPath,
    orgId,
    force: values.force ?? false,
    ...(values.preset !== undefined || values.config !== undefined
      ? (({ settings, profile }) => ({ appSettings: settings, profile }))(profileFromFlags(values))
      : {}),
  };
}

/** What is provisioned: the given directories, else the profile's generated files, else the package's own. */
function sources(options: ProvisionArgs): {
  dashboards: BundledDashboard[];
  alerting: AlertingFile[];
  prometheusRules: AlertingFile[];
  from: { dashboards: string; alerting: string };
} {
  const generated = options.profile ? profileArtifacts(recordingsFor(options.profile)) : undefined;
  const profileName = `generated for the ${options.profile?.preset} profile`;
  let dashboards: BundledDashboard[];
  if (options.dashboards !== undefined || !generated) {
    dashboards = readDashboards(options.dashboards ?? DEFAULT_DASHBOARDS_DIR);
  } else {
    dashboards = [...generated.dashboards]
      .filter(([path]) => !path.startsWith('recorded/'))
      .map(([file, text]) => {
        const dashboard: unknown = JSON.parse(text);
        assertDashboard(dashboard, file);
        return { file, dashboard };
      });
  }
  let alerting: AlertingFile[];
  if (options.alerting !== undefined || !generated) {
    const dir = options.alerting ?? DEFAULT_ALERTING_DIR;
    if (!isDirectory(dir)) {
      throw new UsageError(
        options.alerting !== undefined
          ? `--alerting directory ${dir} does not exist`
          : `the package's alert rules (${dir}) are missing: reinstall aisre, or give --alerting <dir>`
      );
    }
    alerting = readAlerting(dir);
  } else {
    alerting = [{ file: 'alert-rules.yaml', content: generated.rules.get('grafana/alert-rules.yaml')! }];
  }
  const prometheusRules = generated
    ? [...generated.rules]
        .filter(([path]) => path.startsWith('prometheus/'))
        .map(([path, content]) => ({ file: path.replace(/^prometheus\//, ''), content }))
    : [];
  return {
    dashboards,
    alerting,
    prometheusRules,
    from: {
      dashboards: options.dashboards ?? (generated ? profileName : DEFAULT_DASHBOARDS_DIR),
      alerting: options.alerting ?? (generated ? profileName : DEFAULT_ALERTING_DIR),
    },
  };
}

export async function provisionCommand(args: string[]): Promise<void> {
  const options = parseProvisionArgs(args);
  if (!options) {
    process.stdout.write(`${PROVISION_USAGE}\n`);
    return;
  }
  try {
    const teams = readTeamsFile(options.teams);
    const { dashboards, alerting, prometheusRules, from } = sources(options);
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
      prometheusRules,
    });
    const result = writeProvisioning(options.out, files, { force: options.force });
    const parts = [
      `dashboards: ${dashboards.length} ${from.dashboards.startsWith('generated') ? from.dashboards : `from ${from.dashboards}`}, one copy per team`,
      `alert rules: ${alerting.length ? `${alerting.map((a) => a.file).join(', ')} ${from.alerting.startsWith('generated') ? from.alerting : `from ${from.alerting}`}` : `none (${from.alerting} has no *.yaml, *.yml or *.json)`}`,
      ...(prometheusRules.length
        ? [
            `prometheus rules: ${prometheusRules.map((r) => `prometheus/${r.file}`).join(', ')} (load them into Prometheus)`,
          ]
        : []),
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
