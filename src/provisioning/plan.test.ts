import { parse as parseYaml } from 'yaml';
import { DashboardSourceError, type DashboardJson } from './dashboard';
import { DEFAULT_GRAFANA_PROVISIONING_PATH, planProvisioning, PLUGIN_ID, type ProvisioningPlanInput } from './plan';
import { fixtureBundle, fixtureDashboard } from './testFixtures';
import pluginJson from '../plugin.json';

function input(overrides: Partial<ProvisioningPlanInput> = {}): ProvisioningPlanInput {
  return {
    teams: [
      { name: 'search', title: 'Search' },
      { name: 'assistants', title: 'Assistants', services: ['chat-api'] },
    ],
    dashboards: fixtureBundle(),
    alerting: [],
    datasource: {
      uid: 'aisre-prometheus',
      name: 'AI Reliability Prometheus',
      url: 'http://prometheus:9090',
      scrapeInterval: '15s',
    },
    orgId: 1,
    grafanaProvisioningPath: DEFAULT_GRAFANA_PROVISIONING_PATH,
    ...overrides,
  };
}

function yamlOf(files: Map<string, string>, path: string): any {
  const text = files.get(path);
  if (text === undefined) {
    throw new Error(`${path} was not planned`);
  }
  return parseYaml(text);
}

function dashboardsIn(files: Map<string, string>, folder: string): DashboardJson[] {
  return [...files.entries()]
    .filter(([path]) => path.startsWith(`dashboards/${folder}/`))
    .map(([, text]) => JSON.parse(text));
}

describe('planProvisioning', () => {
  const files = planProvisioning(input());

  it('writes the data source, app, provider and one folder per team, in sorted order', () => {
    expect([...files.keys()]).toEqual([
      'dashboards/Assistants/agents-security.json',
      'dashboards/Assistants/model-slis.json',
      'dashboards/Assistants/retrieval.json',
      'dashboards/Search/agents-security.json',
      'dashboards/Search/model-slis.json',
      'dashboards/Search/retrieval.json',
      'dashboards/aisre.yaml',
      'datasources/aisre.yaml',
      'plugins/aisre.yaml',
    ]);
  });

  it('writes a data source file with the fields Grafana documents', () => {
    const file = yamlOf(files, 'datasources/aisre.yaml');
    expect(file.apiVersion).toBe(1);
    expect(file.datasources).toHaveLength(1);
    expect(file.datasources[0]).toEqual({
      name: 'AI Reliability Prometheus',
      uid: 'aisre-prometheus',
      type: 'prometheus',
      access: 'proxy',
      orgId: 1,
      url: 'http://prometheus:9090',
      isDefault: false,
      editable: false,
      jsonData: { httpMethod: 'POST', timeInterval: '15s' },
    });
  });

  it("enables this plugin's app", () => {
    const file = yamlOf(files, 'plugins/aisre.yaml');
    expect(file).toEqual({ apiVersion: 1, apps: [{ type: pluginJson.id, org_id: 1, disabled: false }] });
    expect(PLUGIN_ID).toBe(pluginJson.id);
  });

  it('writes a file provider whose path is the dashboards folder, with folders from the file structure', () => {
    const file = yamlOf(files, 'dashboards/aisre.yaml');
    expect(file.apiVersion).toBe(1);
    expect(file.providers).toHaveLength(1);
    const [provider] = file.providers;
    expect(provider).toMatchObject({
      type: 'file',
      orgId: 1,
      options: { path: '/etc/grafana/provisioning/dashboards', foldersFromFilesStructure: true },
    });
    // Grafana refuses folder or folderUid together with foldersFromFilesStructure.
    expect(provider).not.toHaveProperty('folder');
    expect(provider).not.toHaveProperty('folderUid');
  });

  it('gives two teams two folders of dashboards, each pinned to its team', () => {
    for (const [folder, team] of [
      ['Search', 'search'],
      ['Assistants', 'assistants'],
    ]) {
      const dashboards = dashboardsIn(files, folder);
      expect(dashboards).toHaveLength(3);
      for (const dashboard of dashboards) {
        const variable = dashboard.templating?.list?.find((v) => v.name === 'team');
        expect(variable).toMatchObject({ type: 'constant', query: team, hide: 2, current: { value: team } });
        expect(dashboard.title.endsWith(`(${folder})`)).toBe(true);
      }
    }
  });

  it('gives every dashboard a unique uid within Grafana limits', () => {
    const uids = [...files.entries()].filter(([p]) => p.endsWith('.json')).map(([, text]) => JSON.parse(text).uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids.every((uid: string) => uid.length <= 40)).toBe(true);
  });

  it('follows --grafana-path into the provider path', () => {
    const moved = planProvisioning(input({ grafanaProvisioningPath: '/srv/grafana/provisioning/' }));
    expect(yamlOf(moved, 'dashboards/aisre.yaml').providers[0].options.path).toBe(
      '/srv/grafana/provisioning/dashboards'
    );
  });

  it('writes no data source file for an existing data source, and points the dashboards at it', () => {
    const planned = planProvisioning(
      input({ datasource: { uid: 'mimir-prod', name: 'Mimir', url: undefined, scrapeInterval: '60s' } })
    );
    expect(planned.has('datasources/aisre.yaml')).toBe(false);
    const [dashboard] = dashboardsIn(planned, 'Search');
    expect(dashboard.templating?.list?.find((v) => v.type === 'datasource')?.current).toMatchObject({
      value: 'mimir-prod',
    });
  });

  it('copies the alerting files, pointing their data source uid at the chosen one', () => {
    const rules =
      'groups:\n  - name: g\n    rules:\n      - datasourceUid: aisre-prometheus # default\n        other: aisre-prometheus-2\n';
    const same = planProvisioning(input({ alerting: [{ file: 'rules.yaml', content: rules }] }));
    expect(same.get('alerting/rules.yaml')).toBe(rules);
    const moved = planProvisioning(
      input({
        alerting: [{ file: 'rules.yaml', content: rules }],
        datasource: { uid: 'mimir-prod', name: 'Mimir', url: 'http://mimir/prometheus', scrapeInterval: '15s' },
      })
    );
    expect(moved.get('alerting/rules.yaml')).toBe(
      rules.replace('datasourceUid: aisre-prometheus #', 'datasourceUid: mimir-prod #')
    );
  });

  it('refuses two bundled dashboards with the same uid', () => {
    const dashboards = [
      ...fixtureBundle(),
      { file: 'copy.json', dashboard: fixtureDashboard('aisre-retrieval', 'Copy') },
    ];
    expect(() => planProvisioning(input({ dashboards }))).toThrow(DashboardSourceError);
    expect(() => planProvisioning(input({ dashboards }))).toThrow(/would both have uid 'aisre-retrieval-search'/);
  });

  it('is a function of its input: planning twice gives the same bytes', () => {
    expect(planProvisioning(input())).toEqual(files);
  });
});
