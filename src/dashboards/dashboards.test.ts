/**
 * The bundled dashboards as files: valid JSON with the structure Grafana and the provisioning expect,
 * declared in plugin.json, and what src/dashboards/build.ts builds (so nobody edits one and not the other).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { generatedArtifacts } from '../alerting/artifacts';
import { allRecordings } from '../alerting/recordings';
import { COMMON_LABELS } from '../core/metrics';
import { buildDashboards, SCHEMA_VERSION } from './build';
import { dashboardExpressions, defaultSelection, parseLabelValues, substituteVariables } from './dashboardPromql';

const ROOT = join(__dirname, '..', '..');
const FILES = ['model-slis.json', 'retrieval.json', 'agents-security.json'];

interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ refId: string; expr: string; datasource?: { uid?: string } }>;
  gridPos: { x: number; y: number; w: number; h: number };
  options?: Record<string, unknown>;
}

/** A recording rule's name (`level:metric:operations`). */
const RECORDED_NAME = /\b[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+/;

const load = (file: string) => JSON.parse(readFileSync(join(__dirname, file), 'utf8'));

describe.each(FILES)('%s', (file) => {
  const dashboard = load(file);
  const panels: Panel[] = dashboard.panels;
  const dataPanels = panels.filter((p) => p.type !== 'row');

  it('has a stable uid, no id, a revision and Grafana 12 schema', () => {
    expect(dashboard.uid).toMatch(/^aisre-[a-z-]+$/);
    expect(dashboard.uid.length).toBeLessThanOrEqual(40);
    expect(dashboard.id).toBeNull();
    expect(dashboard.revision).toBeGreaterThanOrEqual(1);
    expect(dashboard.schemaVersion).toBe(SCHEMA_VERSION);
    expect(dashboard.tags).toContain('aisre');
  });

  it("ends with the impact panel, on the dashboard's data source and split by endpoint", () => {
    const impact = panels.filter((p) => p.type === 'aisre-impact-panel');
    expect(impact).toHaveLength(1);
    expect(panels[panels.length - 1]).toBe(impact[0]);
    expect(impact[0].options).toMatchObject({
      datasource: '${datasource}',
      groupBy: ['endpoint'],
      baselineMode: 'preceding',
    });
  });

  it('gives every panel a unique id, a description and the ${datasource} variable', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dataPanels.length).toBeGreaterThan(4);
    for (const panel of dataPanels) {
      expect([panel.title, panel.datasource]).toEqual([panel.title, { type: 'prometheus', uid: '${datasource}' }]);
      expect([panel.title, (panel.description ?? '').length > 40]).toEqual([panel.title, true]);
      expect([panel.title, (panel.description ?? '').toLowerCase()]).toEqual([
        panel.title,
        expect.stringMatching(/worse|either way/),
      ]);
      // The impact panel runs its own queries (skipDataQuery); every other panel has targets.
      expect([panel.title, (panel.targets?.length ?? 0) > 0]).toEqual([
        panel.title,
        panel.type !== 'aisre-impact-panel',
      ]);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid).toBe('${datasource}');
      }
    }
  });

  it('lays panels on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const cell = `${i},${j}`;
          expect([panel.title, cells.has(cell)]).toEqual([panel.title, false]);
          cells.add(cell);
        }
      }
    }
  });

  it('has chained team/service/endpoint/model variables with All, and a Prometheus data source variable', () => {
    const list = dashboard.templating.list as Array<Record<string, unknown>>;
    expect(list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    COMMON_LABELS.forEach((label, index) => {
      const variable = list.find((v) => v.name === label);
      expect(variable).toMatchObject({ type: 'query', includeAll: true, multi: true, allValue: '.*' });
      const query = parseLabelValues(String(variable?.definition));
      expect(query?.label).toBe(label);
      for (const parent of COMMON_LABELS.slice(0, index)) {
        expect(query?.match).toContain(`${parent}=~"$${parent}"`);
      }
    });
  });

  it('has the ai-incident and what-changed annotations', () => {
    const list = dashboard.annotations.list as Array<Record<string, any>>;
    const incidents = list.find((a) => a.target?.type === 'tags');
    expect(incidents?.target).toMatchObject({ tags: ['ai-incident'], matchAny: true });
    const changes = list.find((a) => a.name === 'What changed');
    expect(changes?.expr).toContain('llm_build_info');
    for (const label of ['model', 'response_model', 'prompt_version']) {
      expect(`${changes?.titleFormat} ${changes?.textFormat}`).toContain(`{{${label}}}`);
    }
  });

  it('links to the other dashboards keeping the time range and the variables', () => {
    expect(dashboard.links.length).toBeGreaterThan(0);
    for (const link of dashboard.links) {
      expect(link).toMatchObject({ keepTime: true, includeVars: true });
    }
    const byTag = dashboard.links.filter((l: { type: string }) => l.type === 'dashboards');
    const others = FILES.map(load).filter((d) => d.uid !== dashboard.uid);
    for (const other of others) {
      expect(byTag.some((l: { tags: string[] }) => l.tags.every((t) => other.tags.includes(t)))).toBe(true);
    }
  });

  it('draws the baseline with investigate and page thresholds', () => {
    const legends = dataPanels.flatMap((p) =>
      (p.targets ?? []).map((t) => (t as { legendFormat?: string }).legendFormat)
    );
    expect(legends).toEqual(expect.arrayContaining(['Baseline', 'Investigate (+5%)', 'Page (+30%)']));
  });

  it('reads raw series only (no recording rule), and resolves every variable at the default selection', () => {
    const values = defaultSelection(dashboard);
    for (const { where, kind, expr } of dashboardExpressions(dashboard)) {
      const resolved = substituteVariables(expr, values);
      expect([where, resolved.includes('$')]).toEqual([where, false]);
      if (kind === 'panel') {
        expect([where, expr.match(RECORDED_NAME)]).toEqual([where, null]);
      }
    }
  });

  it('has a recorded variant: the same panels, each reading recording rules that exist', () => {
    const names = new Set(allRecordings().map((r) => r.name));
    const recorded = load(join('recorded', file));
    const titles = (d: { panels: Panel[] }) => d.panels.map((p) => p.title);
    expect(titles(recorded)).toEqual(titles(dashboard));
    for (const { where, kind, expr } of dashboardExpressions(recorded)) {
      if (kind === 'panel') {
        const used = expr.match(new RegExp(RECORDED_NAME.source, 'g')) ?? [];
        expect([where, used.length > 0]).toEqual([where, true]);
        for (const name of used) {
          expect([where, names.has(name)]).toEqual([where, true]);
        }
      }
    }
  });
});

describe('plugin.json', () => {
  it('declares every bundled dashboard and keeps the pages', () => {
    const plugin = JSON.parse(readFileSync(join(__dirname, '..', 'plugin.json'), 'utf8'));
    for (const file of FILES) {
      expect(plugin.includes).toContainEqual(
        expect.objectContaining({ type: 'dashboard', path: `dashboards/${file}`, addToNav: true })
      );
    }
    expect(plugin.includes.filter((i: { type: string }) => i.type === 'page').length).toBeGreaterThan(0);
  });

  it("gives each dashboard include its dashboard's uid, or Grafana links it nowhere in the app's navigation", () => {
    // pkg/plugins/plugins.go: Includes.DashboardURLPath is "" without a uid, "/d/<uid>" with one.
    const plugin = JSON.parse(readFileSync(join(__dirname, '..', 'plugin.json'), 'utf8'));
    for (const file of FILES) {
      const dashboard = JSON.parse(readFileSync(join(__dirname, file), 'utf8'));
      const include = plugin.includes.find((i: { path?: string }) => i.path === `dashboards/${file}`);
      expect([file, include?.uid]).toEqual([file, dashboard.uid]);
    }
  });
});

describe('generated files', () => {
  it('are what the generator builds (run `npx tsx src/alerting/generate.ts` after a change)', () => {
    for (const [path, content] of generatedArtifacts()) {
      const committed = readFileSync(join(ROOT, path), 'utf8');
      // Dashboards are prettier-formatted JSON: compare what they say, not their layout.
      const same = path.endsWith('.json')
        ? JSON.stringify(JSON.parse(committed)) === JSON.stringify(JSON.parse(content))
        : committed === content;
      expect([path, same]).toEqual([path, true]);
    }
  });

  it('build distinct uids for the three dashboards', () => {
    const uids = buildDashboards().map((d) => d.uid);
    expect(new Set(uids).size).toBe(3);
  });
});
