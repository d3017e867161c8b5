/** Small dashboards shaped like the bundled ones (same uids and variables), and a tree reader, for the generator's tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type DashboardJson } from './dashboard';
import { type BundledDashboard } from './plan';

export function fixtureDashboard(uid: string, title: string, extra: Partial<DashboardJson> = {}): DashboardJson {
  return {
    uid,
    title,
    id: 7,
    revision: 3,
    tags: ['aisre'],
    links: [
      {
        type: 'dashboards',
        tags: ['aisre'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        title: 'AI Reliability',
      },
      { type: 'link', url: '/d/aisre-retrieval/retrieval', includeVars: true, keepTime: true, title: 'Retrieval' },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          name: 'Annotations & Alerts',
          type: 'dashboard',
          datasource: { type: 'grafana', uid: '-- Grafana --' },
        },
        {
          name: 'AI incidents',
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          target: { type: 'tags', tags: ['ai-incident'], matchAny: true, limit: 100 },
        },
        {
          name: 'Deploys or incidents',
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          target: { type: 'tags', tags: ['ai-incident', 'deploy'], matchAny: true, limit: 100 },
        },
      ],
    },
    panels: [
      {
        id: 1,
        type: 'timeseries',
        title: 'Refusal rate',
        datasource: { type: 'prometheus', uid: '${datasource}' },
        targets: [
          { refId: 'A', expr: 'sum(rate(llm_requests_total{team=~"$team",outcome="refused"}[$__rate_interval]))' },
        ],
        links: [{ title: 'Agents', url: '/d/aisre-agents-security?${__url_time_range}&var-team=${team}' }],
      },
    ],
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', current: {} },
        {
          name: 'team',
          type: 'query',
          query: 'label_values(llm_requests_total, team)',
          includeAll: true,
          current: { text: 'All', value: '$__all' },
        },
        {
          name: 'service',
          type: 'query',
          query: 'label_values(llm_requests_total{team=~"$team"}, service)',
          includeAll: true,
        },
        { name: 'endpoint', type: 'custom', query: '/chat,/search,/agent', includeAll: false },
        { name: 'model', type: 'query', query: 'label_values(llm_requests_total{team=~"$team"}, model)' },
      ],
    },
    ...extra,
  };
}

/** The three bundled dashboards, by their real uids and file names. */
export function fixtureBundle(): BundledDashboard[] {
  return [
    { file: 'model-slis.json', dashboard: fixtureDashboard('aisre-model-slis', 'Model SLIs') },
    { file: 'retrieval.json', dashboard: fixtureDashboard('aisre-retrieval', 'Retrieval') },
    { file: 'agents-security.json', dashboard: fixtureDashboard('aisre-agents-security', 'Agents & Security') },
  ];
}

/** Every file under `dir`, as relative POSIX path -> content, in sorted order. */
export function readTree(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        tree[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
      }
    }
  };
  walk(dir);
  return tree;
}
