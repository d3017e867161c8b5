/**
 * The shipped inputs: the sample teams file names the teams the simulator emits, and the bundled
 * dashboards and Grafana alert rules go through the generator as the demo stack runs it.
 */
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type TemplateVariable } from './dashboard';
import { DEFAULT_DATASOURCE, DEFAULT_GRAFANA_PROVISIONING_PATH, planProvisioning } from './plan';
import { DEFAULT_ALERTING_DIR, DEFAULT_DASHBOARDS_DIR, readAlerting, readDashboards, readTeamsFile } from './sources';
import { SEGMENTS } from '../simulator/scenario';

const ROOT = resolve(__dirname, '../..');
const teams = readTeamsFile(join(ROOT, 'provisioning/teams.yaml'));
const dashboards = readDashboards(DEFAULT_DASHBOARDS_DIR);
const alerting = readAlerting(DEFAULT_ALERTING_DIR);

const files = planProvisioning({
  teams,
  dashboards,
  alerting,
  datasource: { ...DEFAULT_DATASOURCE, url: 'http://prometheus:9090', scrapeInterval: '15s' },
  orgId: 1,
  grafanaProvisioningPath: DEFAULT_GRAFANA_PROVISIONING_PATH,
});

describe('provisioning/teams.yaml', () => {
  it("names exactly the simulator's teams, with their services and endpoints, so the demo shows data", () => {
    const simulated = new Map<string, { services: Set<string>; endpoints: Set<string> }>();
    for (const segment of SEGMENTS) {
      const entry = simulated.get(segment.team) ?? { services: new Set(), endpoints: new Set() };
      entry.services.add(segment.service);
      entry.endpoints.add(segment.endpoint);
      simulated.set(segment.team, entry);
    }
    expect(teams.map((t) => t.name).sort()).toEqual([...simulated.keys()].sort());
    for (const team of teams) {
      expect(new Set(team.services)).toEqual(simulated.get(team.name)?.services);
      expect(new Set(team.endpoints)).toEqual(simulated.get(team.name)?.endpoints);
    }
  });
});

describe('the bundled dashboards, provisioned for the sample teams', () => {
  it('include the three dashboards by their stable uids', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual([
      'aisre-agents-security',
      'aisre-model-slis',
      'aisre-retrieval',
    ]);
  });

  it('give each team a folder with every dashboard, its team variable pinned and its uid unique', () => {
    const uids = new Set<string>();
    for (const team of teams) {
      for (const { file, dashboard } of dashboards) {
        const copy = JSON.parse(files.get(`dashboards/${team.title}/${file}`) ?? 'null');
        expect(copy.uid).toMatch(new RegExp(`^${dashboard.uid}-`));
        expect(copy.uid.length).toBeLessThanOrEqual(40);
        uids.add(copy.uid);
        const list = copy.templating.list as TemplateVariable[];
        expect(list.find((v) => v.name === 'team')).toMatchObject({ type: 'constant', query: team.name, hide: 2 });
        expect(list.filter((v) => v.type === 'datasource').map((v) => v.current)).toEqual([
          { selected: true, text: DEFAULT_DATASOURCE.name, value: DEFAULT_DATASOURCE.uid },
        ]);
        // Nothing in the copy still points at another team or at the shared original.
        expect(JSON.stringify(copy)).not.toMatch(/\/d\/aisre-(model-slis|retrieval|agents-security)(?![\w-])/);
      }
    }
    expect(uids.size).toBe(teams.length * dashboards.length);
  });

  it('copy the Grafana-managed alert rules, which read the provisioned data source', () => {
    expect(alerting.length).toBeGreaterThan(0);
    for (const { file, content } of alerting) {
      expect(files.get(`alerting/${file}`)).toBe(content);
      const document = parseYaml(content);
      expect(document.apiVersion).toBe(1);
      const datasourceUids = new Set(
        (document.groups ?? []).flatMap((group: { rules: Array<{ data: Array<{ datasourceUid: string }> }> }) =>
          group.rules.flatMap((rule) => rule.data.map((query) => query.datasourceUid))
        )
      );
      datasourceUids.delete('__expr__');
      expect([...datasourceUids]).toEqual([DEFAULT_DATASOURCE.uid]);
    }
  });
});
