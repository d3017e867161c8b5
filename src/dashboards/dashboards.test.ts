/**
 * The bundled dashboards as files: valid JSON with the structure Grafana and the provisioning expect,
 * declared in plugin.json, and what src/dashboards/build.ts builds (so nobody edits one and not the other).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { generatedArtifacts, presetRecordings } from '../alerting/artifacts';
import { allRecordings } from '../alerting/recordings';
import { COMMON_LABELS } from '../core/metrics';
import { PRESETS } from '../core/profile';
import { buildDashboards, INCIDENTS_PAGE, presetDashboardsDir, SCHEMA_VERSION } from './build';
import { dashboardExpressions, defaultSelection, parseLabelValues, substituteVariables } from './dashboardPromql';

const ROOT = join(__dirname, '..', '..');
/** Every generated dashboard: [preset, path under src/dashboards]. */
const GENERATED = PRESETS.flatMap((preset) =>
  buildDashboards('raw', presetRecordings(preset.id)).map((d) => [
    preset.id,
    `${presetDashboardsDir(preset.id)}${d.file}`,
  ])
);

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

describe.each(GENERATED)('%s %s', (preset, file) => {
  const dashboard = load(file);
  const recordings = presetRecordings(preset as never);
  const panels: Panel[] = dashboard.panels;
  const dataPanels = panels.filter((p) => p.type !== 'row' && p.type !== 'text');

  it('has a stable uid, no id, a revision and Grafana 12 schema', () => {
    expect(dashboard.uid).toMatch(/^aisre-[a-z-]+$/);
    expect(dashboard.uid.length).toBeLessThanOrEqual(40);
    expect(dashboard.id).toBeNull();
    expect(dashboard.revision).toBeGreaterThanOrEqual(1);
    expect(dashboard.schemaVersion).toBe(SCHEMA_VERSION);
    expect(dashboard.tags).toContain(preset === 'contract' ? 'aisre' : `aisre-${preset}`);
  });

  it("has the impact panel at the top, on the dashboard's data source and split by endpoint", () => {
    const impact = panels.filter((p) => p.type === 'aisre-impact-panel');
    expect(impact).toHaveLength(1);
    // Only the "not measured" note of a preset that lacks some SLIs comes before it.
    expect(panels.slice(0, panels.indexOf(impact[0])).map((p) => p.type)).toEqual(
      panels[0].type === 'text' ? ['text'] : []
    );
    expect(panels[0].type === 'text').toBe(preset !== 'contract');
    expect(impact[0].options).toMatchObject({
      datasource: '${datasource}',
      groupBy: ['endpoint'],
      baselineMode: 'preceding',
    });
  });

  it('gives every panel a unique id, a description and the ${datasource} variable', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dataPanels.length).toBeGreaterThan(1);
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

  it("has chained team/service/endpoint/model variables with All, on the preset's labels", () => {
    const { labels } = recordings.profile;
    const list = dashboard.templating.list as Array<Record<string, unknown>>;
    expect(list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    COMMON_LABELS.forEach((variable, index) => {
      const found = list.find((v) => v.name === variable);
      expect(found).toMatchObject({ type: 'query', includeAll: true, multi: true, allValue: '.*' });
      const query = parseLabelValues(String(found?.definition));
      expect(query?.label).toBe(labels[variable]);
      for (const parent of COMMON_LABELS.slice(0, index)) {
        expect(query?.match).toContain(`${labels[parent]}=~"$${parent}"`);
      }
    });
  });

  it("has the ai-incident annotations (all, and the selected team's) and what changed at the panel's step", () => {
    const list = dashboard.annotations.list as Array<Record<string, any>>;
    const tagged = list.filter((a) => a.target?.type === 'tags');
    expect(tagged.map((a) => [a.target.tags, a.target.matchAny, a.enable])).toEqual([
      [['ai-incident'], false, true],
      [['ai-incident', 'team:${team}'], false, false],
    ]);
    const changes = list.find((a) => a.name === 'What changed');
    expect(changes?.expr).toContain(recordings.profile.buildInfoMetric);
    expect(changes?.expr).toContain('offset $__interval');
    expect(changes?.expr).not.toMatch(/offset \d/);
    for (const label of [recordings.profile.labels.model, 'response_model', 'prompt_version']) {
      expect(`${changes?.titleFormat} ${changes?.textFormat}`).toContain(`{{${label}}}`);
    }
  });

  it("links to the preset's other dashboards keeping the time range and variables, and to the Incidents page", () => {
    const byTag = dashboard.links.filter((l: { type: string }) => l.type === 'dashboards');
    expect(byTag).toHaveLength(1);
    expect(byTag[0]).toMatchObject({ keepTime: true, includeVars: true });
    const others = GENERATED.filter(([p, f]) => p === preset && f !== file).map(([, f]) => load(f));
    for (const other of others) {
      expect(byTag[0].tags.every((t: string) => other.tags.includes(t))).toBe(true);
    }
    const otherPresets = GENERATED.filter(([p]) => p !== preset).map(([, f]) => load(f));
    for (const other of otherPresets) {
      expect([other.uid, byTag[0].tags.every((t: string) => other.tags.includes(t))]).toEqual([other.uid, false]);
    }
    expect(dashboard.links).toContainEqual(
      expect.objectContaining({ type: 'link', url: INCIDENTS_PAGE, keepTime: true })
    );
  });

  it('draws the investigate and page lines from the baseline series with transformations, not queries', () => {
    const withBaseline = dataPanels.filter((p) =>
      (p.targets ?? []).some((t) => /^Baseline/.test((t as { legendFormat?: string }).legendFormat ?? ''))
    );
    expect(withBaseline.length).toBeGreaterThan(0);
    for (const panel of withBaseline) {
      const baseline = (panel.targets ?? [])
        .map((t) => (t as { legendFormat?: string }).legendFormat)
        .find((l) => /^Baseline/.test(l ?? ''));
      const aliases = (panel as { transformations?: Array<{ id: string; options: any }> }).transformations?.map((t) => [
        t.id,
        t.options.binary.left.matcher.options,
        t.options.alias,
      ]);
      expect([panel.title, aliases?.length]).toEqual([panel.title, expect.any(Number)]);
      expect(aliases).toEqual(
        expect.arrayContaining([
          expect.arrayContaining(['calculateField', baseline]),
          expect.arrayContaining([expect.stringMatching(/^Page/)]),
        ])
      );
      expect(
        (panel.targets ?? []).some((t) =>
          /^(Investigate|Page)/.test((t as { legendFormat?: string }).legendFormat ?? '')
        )
      ).toBe(false);
    }
  });

  it('gives outcome, result and error series fixed colours: errors red, timeouts orange', () => {
    const stacked = dataPanels.filter((p) => /by (outcome|result|status|error type)/.test(p.title));
    // Every dashboard with a counter split by outcome has one (OpenLIT's retrieval has latency only).
    expect(stacked.length > 0).toBe(!file.endsWith('openlit/retrieval.json'));
    for (const panel of stacked) {
      const overrides = (
        panel as {
          fieldConfig?: { overrides: Array<{ matcher: { options: string }; properties: Array<{ value: any }> }> };
        }
      ).fieldConfig!.overrides;
      const colour = (name: string) =>
        overrides.find((o) => o.matcher.options === name)?.properties[0].value.fixedColor;
      expect([panel.title, colour('error'), colour('timeout')]).toEqual([panel.title, 'red', 'orange']);
    }
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
    const names = new Set(allRecordings(recordings).map((r) => r.name));
    const recorded = load(file.replace(/([^/]+)$/, 'recorded/$1'));
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
  const plugin = JSON.parse(readFileSync(join(__dirname, '..', 'plugin.json'), 'utf8'));

  it("declares every generated dashboard of every preset, in the app's navigation, and keeps the pages", () => {
    for (const [, file] of GENERATED) {
      expect(plugin.includes).toContainEqual(
        expect.objectContaining({ type: 'dashboard', path: `dashboards/${file}`, addToNav: true })
      );
    }
    const declared = plugin.includes.filter((i: { type: string }) => i.type === 'dashboard');
    expect(declared).toHaveLength(GENERATED.length);
    expect(plugin.includes.filter((i: { type: string }) => i.type === 'page').length).toBeGreaterThan(0);
  });

  it("gives each dashboard include its dashboard's uid, or Grafana links it nowhere in the app's navigation", () => {
    // pkg/plugins/plugins.go: Includes.DashboardURLPath is "" without a uid, "/d/<uid>" with one.
    for (const [, file] of GENERATED) {
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

  it('build distinct uids for every dashboard of every preset', () => {
    const uids = PRESETS.flatMap((p) => buildDashboards('raw', presetRecordings(p.id)).map((d) => d.uid));
    expect(uids.length).toBe(GENERATED.length);
    expect(new Set(uids).size).toBe(uids.length);
  });
});
