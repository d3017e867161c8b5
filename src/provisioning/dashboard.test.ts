import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  assertDashboard,
  DashboardSourceError,
  dashboardForTeam,
  GRAFANA_UID_MAX_LENGTH,
  teamDashboardUid,
  type TemplateVariable,
} from './dashboard';
import { fixtureDashboard } from './testFixtures';

const datasource = { uid: 'aisre-prometheus', name: 'AI Reliability Prometheus' };
const search = { name: 'search', title: 'Search', services: ['search-api', 'rank.v2'], endpoints: ['/search'] };

function uidMapFor(team: string) {
  return new Map(
    ['aisre-model-slis', 'aisre-retrieval', 'aisre-agents-security'].map((uid) => [uid, teamDashboardUid(uid, team)])
  );
}

function variable(dashboard: { templating?: { list?: TemplateVariable[] } }, name: string): TemplateVariable {
  const found = dashboard.templating?.list?.find((v) => v.name === name);
  if (!found) {
    throw new Error(`no variable ${name}`);
  }
  return found;
}

describe('teamDashboardUid', () => {
  it('appends the team when the result fits Grafana uid limit', () => {
    expect(teamDashboardUid('aisre-model-slis', 'search')).toBe('aisre-model-slis-search');
  });

  it('shortens long uids to 40 characters, stable and distinct for names that share a prefix', () => {
    const a = teamDashboardUid('aisre-agents-security', 'payments-fraud-detection-eu');
    const b = teamDashboardUid('aisre-agents-security', 'payments-fraud-detection-us');
    expect(a).toHaveLength(GRAFANA_UID_MAX_LENGTH);
    expect(b).toHaveLength(GRAFANA_UID_MAX_LENGTH);
    expect(a).not.toBe(b);
    expect(a.startsWith('aisre-agents-security-payments')).toBe(true);
    expect(teamDashboardUid('aisre-agents-security', 'payments-fraud-detection-eu')).toBe(a);
    expect(a).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});

describe('dashboardForTeam', () => {
  const source = fixtureDashboard('aisre-model-slis', 'Model SLIs');
  const copy = dashboardForTeam(source, search, { datasource, uidMap: uidMapFor('search') });

  it('gives the copy its own uid, no id, the team in its title and a team tag', () => {
    expect(copy.uid).toBe('aisre-model-slis-search');
    expect(copy.id).toBeNull();
    expect(copy.title).toBe('Model SLIs (Search)');
    expect(copy.tags).toEqual(['aisre', 'team:search']);
    expect(copy.revision).toBe(3);
  });

  it('pins the team variable as a hidden constant that a URL cannot override', () => {
    const team = variable(copy, 'team');
    expect(team).toMatchObject({ type: 'constant', query: 'search', hide: 2, skipUrlSync: true });
    expect(team.current).toEqual({ selected: true, text: 'search', value: 'search' });
    expect(team.options).toEqual([{ selected: true, text: 'search', value: 'search' }]);
    expect(team).not.toHaveProperty('includeAll');
    // The variable keeps its position, so chained variables after it still resolve.
    expect(copy.templating?.list?.map((v) => v.name)).toEqual(['datasource', 'team', 'service', 'endpoint', 'model']);
  });

  it('defaults the data source variable to the provisioned data source', () => {
    expect(variable(copy, 'datasource').current).toEqual({
      selected: true,
      text: 'AI Reliability Prometheus',
      value: 'aisre-prometheus',
    });
  });

  it("narrows a query variable to the team's services with an anchored, escaped regex", () => {
    const { regex } = variable(copy, 'service');
    const pattern = new RegExp(regex!.slice(1, -1));
    expect(['search-api', 'rank.v2'].every((s) => pattern.test(s))).toBe(true);
    expect(['rankXv2', 'search-api-canary', 'chat-api'].some((s) => pattern.test(s))).toBe(false);
  });

  it("replaces a custom variable's values with the team's endpoints", () => {
    expect(variable(copy, 'endpoint')).toMatchObject({
      query: '/search',
      options: [{ selected: true, text: '/search', value: '/search' }],
      current: { selected: true, text: '/search', value: '/search' },
    });
  });

  it('leaves variables alone when the team lists nothing for them', () => {
    const plain = dashboardForTeam(source, { name: 'chat', title: 'Chat' }, { datasource, uidMap: uidMapFor('chat') });
    expect(variable(plain, 'service')).toEqual(variable(source, 'service'));
    expect(variable(plain, 'endpoint')).toEqual(variable(source, 'endpoint'));
    expect(variable(plain, 'model')).toEqual(variable(source, 'model'));
  });

  it("points /d/<uid> links at the team's copies and keeps tag links inside the team", () => {
    expect(copy.links).toEqual([
      expect.objectContaining({ type: 'dashboards', tags: ['aisre', 'team:search'] }),
      expect.objectContaining({ type: 'link', url: '/d/aisre-retrieval-search/retrieval' }),
    ]);
    const panel = (copy.panels as Array<{ links: Array<{ url: string }> }>)[0];
    expect(panel.links[0].url).toBe('/d/aisre-agents-security-search?${__url_time_range}&var-team=${team}');
  });

  it("shows only the team's incidents, leaving other annotation queries alone", () => {
    const [builtIn, incidents, either] = (copy.annotations as { list: Array<Record<string, unknown>> }).list;
    const original = (source.annotations as { list: Array<Record<string, unknown>> }).list;
    expect(builtIn).toEqual(original[0]);
    expect(incidents.target).toEqual({
      type: 'tags',
      tags: ['ai-incident', 'team:search'],
      matchAny: false,
      limit: 100,
    });
    expect(either).toEqual(original[2]);
  });

  it("turns the bundled dashboards' two incident queries into one, pinned to the team and on", () => {
    const bundled = JSON.parse(readFileSync(join(__dirname, '..', 'dashboards', 'model-slis.json'), 'utf8'));
    const team = dashboardForTeam(bundled, search, { datasource, uidMap: uidMapFor('search') });
    const tagged = (
      team.annotations as { list: Array<{ enable: boolean; target?: { type?: string; tags?: string[] } }> }
    ).list.filter((a) => a.target?.type === 'tags');
    expect(tagged.map((a) => [a.target?.tags, a.enable])).toEqual([[['ai-incident', 'team:search'], true]]);
  });

  it('does not rewrite a uid that only starts like a bundled one', () => {
    const other = fixtureDashboard('aisre-model-slis', 'Model SLIs', {
      links: [{ type: 'link', url: '/d/aisre-retrieval-legacy/old' }],
    });
    const result = dashboardForTeam(other, search, { datasource, uidMap: uidMapFor('search') });
    expect(result.links).toEqual([{ type: 'link', url: '/d/aisre-retrieval-legacy/old' }]);
  });

  it('fills the ${DS_…} placeholders of an exported dashboard with the data source uid', () => {
    const exported = fixtureDashboard('aisre-model-slis', 'Model SLIs', {
      __inputs: [{ name: 'DS_PROM', type: 'datasource', pluginId: 'prometheus' }],
      __requires: [{ type: 'grafana', id: 'grafana', version: '12.4.0' }],
      panels: [{ id: 1, type: 'stat', title: 'x', datasource: { type: 'prometheus', uid: '${DS_PROM}' } }],
    });
    const result = dashboardForTeam(exported, search, { datasource, uidMap: uidMapFor('search') });
    expect(result).not.toHaveProperty('__inputs');
    expect(result).not.toHaveProperty('__requires');
    expect((result.panels as Array<{ datasource: unknown }>)[0].datasource).toEqual({
      type: 'prometheus',
      uid: 'aisre-prometheus',
    });
  });

  it('does not modify the bundled dashboard', () => {
    expect(source).toEqual(fixtureDashboard('aisre-model-slis', 'Model SLIs'));
  });
});

describe('assertDashboard', () => {
  it.each([
    [[], /not a dashboard/],
    [{ title: 'x', templating: { list: [{ name: 'team' }] } }, /'uid' must be/],
    [{ uid: 'a/b', title: 'x', templating: { list: [{ name: 'team' }] } }, /'uid' must be/],
    [{ uid: 'a', templating: { list: [{ name: 'team' }] } }, /'title' is missing/],
    [{ uid: 'a', title: 'x', templating: { list: [{ name: 'service' }] } }, /has no 'team' template variable/],
  ])('rejects %j', (value, message) => {
    expect(() => assertDashboard(value, 'x.json')).toThrow(DashboardSourceError);
    expect(() => assertDashboard(value, 'x.json')).toThrow(message);
  });

  it('accepts a dashboard with uid, title and a team variable', () => {
    expect(() => assertDashboard(fixtureDashboard('aisre-retrieval', 'Retrieval'), 'x.json')).not.toThrow();
  });
});
