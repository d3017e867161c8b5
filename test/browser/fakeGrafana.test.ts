/**
 * The fake Grafana backend itself, over HTTP, without a browser: the annotations API follows Grafana's
 * documented semantics, ds/query answers from a real Prometheus in Grafana's frame shape, plugin assets are
 * served per plugin id as Grafana does (nested plugins from their own folder), and faults and roles apply.
 * The plugin's browser tests (and the Incidents page's) rely on every one of these.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startPrometheus, type StartedEngine } from '../prometheus';
import { parseTagPairs } from './annotationStore';
import { type FakeGrafana, startFakeGrafana } from './fakeGrafana';
import { type HostBundle } from './hostBundle';
import { amdDependencies, assertHostSupplies, type DistPlugin } from './pluginDist';

jest.setTimeout(120_000);

const T0 = Date.UTC(2026, 0, 10, 0, 0, 0) / 1000;
let dir: string;
let plugins: DistPlugin[];
let hostBundle: HostBundle;

async function call(grafana: FakeGrafana, method: string, path: string, body?: unknown) {
  const response = await fetch(`${grafana.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json: json as any, text, contentType: response.headers.get('content-type') ?? '' };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aisre-fake-grafana-'));
  const appDir = join(dir, 'dist');
  const panelDir = join(appDir, 'panels', 'impact');
  await mkdir(panelDir, { recursive: true });
  await writeFile(join(appDir, 'module.js'), 'define(["@grafana/data","module","react"],(e,t,r)=>({}));');
  await writeFile(join(appDir, '123.js'), '/* a lazy chunk */');
  await writeFile(join(panelDir, 'module.js'), 'define(["react","slate"],(r,s)=>({}));');
  await writeFile(join(dir, 'secret.txt'), 'outside the plugin');
  const hostDir = join(dir, 'host');
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'host.js'), '/* host */');
  hostBundle = {
    dir: hostDir,
    js: join(hostDir, 'host.js'),
    css: undefined,
    supplied: ['react', '@grafana/data'],
    built: false,
    grafanaVersion: '12.4.10',
  };
  plugins = [
    {
      id: 'test-app',
      type: 'app',
      name: 'Test app',
      dir: appDir,
      folder: '',
      json: { id: 'test-app', includes: [{ type: 'page', name: 'Home', path: '/a/test-app/home' }] },
      amdDependencies: ['@grafana/data', 'module', 'react'],
    },
    {
      id: 'test-panel',
      type: 'panel',
      name: 'Test panel',
      dir: panelDir,
      folder: 'panels/impact',
      json: { id: 'test-panel' },
      amdDependencies: ['react', 'slate'],
    },
  ];
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('annotations API', () => {
  let grafana: FakeGrafana;
  const HOUR = 3_600_000;
  const base = T0 * 1000;

  beforeEach(async () => {
    let clock = base + 100 * HOUR;
    grafana = await startFakeGrafana({
      hostBundle,
      plugins,
      now: () => clock++,
      dashboards: [{ uid: 'dash-a' }, { uid: 'dash-locked', canEdit: false }],
      annotations: [
        {
          id: 1,
          time: base,
          timeEnd: base + HOUR,
          text: 'one',
          tags: ['ai-incident', 'ai-category:infrastructure', 'team:search'],
        },
        {
          id: 2,
          time: base + 2 * HOUR,
          timeEnd: base + 3 * HOUR,
          text: 'two',
          tags: ['ai-incident', 'team:chat'],
          dashboardUID: 'dash-a',
        },
        { id: 3, time: base + 4 * HOUR, text: 'a point, not a region', tags: ['deploy'] },
        { id: 4, time: base + 5 * HOUR, timeEnd: base + 6 * HOUR, text: 'alert', tags: ['ai-incident'], alertId: 7 },
      ],
    });
  });

  afterEach(async () => {
    await grafana.stop();
  });

  const ids = (json: Array<{ id: number }>) => json.map((a) => a.id);

  it('lists newest first, leaving out zero-valued fields as Grafana’s omitempty DTO does', async () => {
    const { status, json } = await call(grafana, 'GET', '/api/annotations');
    expect(status).toBe(200);
    expect(ids(json)).toEqual([4, 3, 2, 1]);
    expect(json[3]).toMatchObject({ id: 1, time: base, timeEnd: base + HOUR, text: 'one', userId: 1, login: 'admin' });
    expect(Object.keys(json[3]).sort()).toEqual([
      'avatarUrl',
      'created',
      'email',
      'id',
      'login',
      'tags',
      'text',
      'time',
      'timeEnd',
      'updated',
      'userId',
    ]);
    expect(json[2]).toMatchObject({ id: 2, dashboardUID: 'dash-a' });
    expect(json[0]).toMatchObject({ id: 4, alertId: 7 });
    // A point annotation has timeEnd = time.
    expect(json[1]).toMatchObject({ id: 3, timeEnd: base + 4 * HOUR });
  });

  it('can be reseeded between tests', async () => {
    grafana.annotations.reset([{ time: base, text: 'only' }]);
    const { json } = await call(grafana, 'GET', '/api/annotations');
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ id: 1, text: 'only' });
    expect(json[0].tags).toBeUndefined();
  });

  it('filters by overlap with from/to, only when both are given', async () => {
    const overlapping = await call(grafana, 'GET', `/api/annotations?from=${base + HOUR}&to=${base + 2 * HOUR}`);
    // Touching ends count: time <= to AND timeEnd >= from.
    expect(ids(overlapping.json)).toEqual([2, 1]);
    const onlyFrom = await call(grafana, 'GET', `/api/annotations?from=${base + 10 * HOUR}`);
    expect(ids(onlyFrom.json)).toEqual([4, 3, 2, 1]);
  });

  it('requires every tag unless matchAny=true; a bare key matches any value of it', async () => {
    expect(ids((await call(grafana, 'GET', '/api/annotations?tags=ai-incident&tags=team:search')).json)).toEqual([1]);
    expect(
      ids((await call(grafana, 'GET', '/api/annotations?tags=team:search&tags=deploy&matchAny=true')).json)
    ).toEqual([3, 1]);
    expect(ids((await call(grafana, 'GET', '/api/annotations?tags=team')).json)).toEqual([2, 1]);
    expect(ids((await call(grafana, 'GET', '/api/annotations?tags=team:nobody')).json)).toEqual([]);
  });

  it('filters by type (annotation: no alert id; alert: one) and dashboardUID', async () => {
    expect(ids((await call(grafana, 'GET', '/api/annotations?type=annotation&tags=ai-incident')).json)).toEqual([2, 1]);
    expect(ids((await call(grafana, 'GET', '/api/annotations?type=alert')).json)).toEqual([4]);
    expect(ids((await call(grafana, 'GET', '/api/annotations?dashboardUID=dash-a')).json)).toEqual([2]);
  });

  it('returns at most `limit`, 100 by default', async () => {
    for (let i = 0; i < 150; i++) {
      await call(grafana, 'POST', '/api/annotations', { time: base + i * 1000, text: `bulk ${i}`, tags: ['bulk'] });
    }
    expect((await call(grafana, 'GET', '/api/annotations?tags=bulk')).json).toHaveLength(100);
    expect((await call(grafana, 'GET', '/api/annotations?tags=bulk&limit=120')).json).toHaveLength(120);
    expect(
      (await call(grafana, 'GET', '/api/annotations?tags=bulk&limit=2')).json.map((a: { text: string }) => a.text)
    ).toEqual(['bulk 149', 'bulk 148']);
  });

  it('POST answers {id, message}, needs text, defaults the end to the start and swaps a reversed range', async () => {
    const added = await call(grafana, 'POST', '/api/annotations', {
      time: base + 9 * HOUR,
      timeEnd: base + 8 * HOUR,
      text: 'reversed',
      tags: [' ai-incident ', 'ai-incident', 'a:b:c', ''],
    });
    expect(added).toMatchObject({ status: 200, json: { message: 'Annotation added', id: 5 } });
    const stored = (await call(grafana, 'GET', '/api/annotations/5')).json;
    expect(stored).toMatchObject({ time: base + 8 * HOUR, timeEnd: base + 9 * HOUR, text: 'reversed' });
    // Grafana's tag parsing: trimmed, duplicates and empty keys dropped, `a:b:c` kept as `a:b`.
    expect(stored.tags).toEqual(['ai-incident', 'a:b']);
    expect((await call(grafana, 'POST', '/api/annotations', { time: base })).status).toBe(400);
    const point = await call(grafana, 'POST', '/api/annotations', { time: base, text: 'point' });
    expect((await call(grafana, 'GET', `/api/annotations/${point.json.id}`)).json.timeEnd).toBe(base);
  });

  it('PATCH changes only what it is given and bumps `updated`', async () => {
    const before = (await call(grafana, 'GET', '/api/annotations/1')).json;
    const patched = await call(grafana, 'PATCH', '/api/annotations/1', { tags: ['ai-incident', 'ai-status:open'] });
    expect(patched).toMatchObject({ status: 200, json: { message: 'Annotation patched' } });
    const after = (await call(grafana, 'GET', '/api/annotations/1')).json;
    expect(after).toMatchObject({
      text: 'one',
      time: before.time,
      timeEnd: before.timeEnd,
      tags: ['ai-incident', 'ai-status:open'],
    });
    expect(after.updated).toBeGreaterThan(before.updated);
    await call(grafana, 'PATCH', '/api/annotations/1', { text: 'new text', timeEnd: base + 2 * HOUR });
    expect((await call(grafana, 'GET', '/api/annotations/1')).json).toMatchObject({
      text: 'new text',
      timeEnd: base + 2 * HOUR,
      tags: ['ai-incident', 'ai-status:open'],
    });
    // The filter index follows the patched tags.
    expect(ids((await call(grafana, 'GET', '/api/annotations?tags=ai-status:open')).json)).toEqual([1]);
    expect(ids((await call(grafana, 'GET', '/api/annotations?tags=team:search')).json)).toEqual([]);
  });

  it('PUT replaces text and tags, keeps a time it is not given', async () => {
    const put = await call(grafana, 'PUT', '/api/annotations/2', { text: 'replaced', tags: ['x'] });
    expect(put).toMatchObject({ status: 200, json: { message: 'Annotation updated' } });
    expect((await call(grafana, 'GET', '/api/annotations/2')).json).toMatchObject({
      text: 'replaced',
      tags: ['x'],
      time: base + 2 * HOUR,
    });
    // As in Grafana, a PUT without tags clears the tags shown (the field is then left out) but not the ones it filters on.
    await call(grafana, 'PUT', '/api/annotations/2', { text: 'no tags' });
    expect((await call(grafana, 'GET', '/api/annotations/2')).json.tags).toBeUndefined();
    expect(ids((await call(grafana, 'GET', '/api/annotations?tags=x')).json)).toEqual([2]);
  });

  it('DELETE removes; unknown ids are 404, malformed ones 400', async () => {
    expect(await call(grafana, 'DELETE', '/api/annotations/3')).toMatchObject({
      status: 200,
      json: { message: 'Annotation deleted' },
    });
    expect((await call(grafana, 'GET', '/api/annotations/3')).status).toBe(404);
    expect((await call(grafana, 'PATCH', '/api/annotations/99', { text: 'x' })).status).toBe(404);
    expect((await call(grafana, 'PATCH', '/api/annotations/abc', { text: 'x' })).status).toBe(400);
  });

  it('refuses writes to a Viewer with Grafana’s access-control answer, and still lets them read', async () => {
    grafana.setOrgRole('Viewer');
    const denied = await call(grafana, 'PATCH', '/api/annotations/1', { text: 'x' });
    expect(denied.status).toBe(403);
    expect(denied.json.message).toMatch(/Permissions needed: annotations:write/);
    expect((await call(grafana, 'POST', '/api/annotations', { text: 'x' })).status).toBe(403);
    expect((await call(grafana, 'GET', '/api/annotations')).status).toBe(200);
    expect((await call(grafana, 'GET', '/api/annotations/1')).json.text).toBe('one');
  });

  it('answers 400 to a dashboardUID that names no dashboard (pkg/api/annotations.go GetAnnotations)', async () => {
    expect(await call(grafana, 'GET', '/api/annotations?dashboardUID=nope')).toMatchObject({
      status: 400,
      json: { message: 'Invalid dashboard UID in annotation request' },
    });
  });

  it('decides writes per dashboard: an Editor who cannot edit it gets 403 "Access denied to this dashboard"', async () => {
    // An Admin may edit every dashboard; this Editor may not edit dash-locked.
    const locked = { text: 'locked', time: base, tags: ['ai-incident'], dashboardUID: 'dash-locked' };
    expect((await call(grafana, 'POST', '/api/annotations', locked)).json.id).toBe(5);
    grafana.setOrgRole('Editor');
    const denied = { status: 403, json: { message: 'Access denied to this dashboard' } };
    expect(
      await call(grafana, 'POST', '/api/annotations', { text: 'x', time: base, dashboardUID: 'dash-locked' })
    ).toMatchObject(denied);
    expect(await call(grafana, 'PATCH', '/api/annotations/5', { text: 'x' })).toMatchObject(denied);
    expect(await call(grafana, 'PUT', '/api/annotations/5', { text: 'x' })).toMatchObject(denied);
    expect(await call(grafana, 'DELETE', '/api/annotations/5')).toMatchObject(denied);
    // Organisation annotations and an editable dashboard's stay writable.
    expect((await call(grafana, 'PATCH', '/api/annotations/1', { text: 'x' })).status).toBe(200);
    expect((await call(grafana, 'PATCH', '/api/annotations/2', { text: 'x' })).status).toBe(200);
    expect(
      (await call(grafana, 'POST', '/api/annotations', { text: 'x', time: base, dashboardUID: 'dash-a' })).status
    ).toBe(200);
  });

  it('a Viewer creating an organisation annotation gets the access-control 403 of the annotations:create route', async () => {
    grafana.setOrgRole('Viewer');
    expect(
      await call(grafana, 'POST', '/api/annotations', { text: 'x', time: base, tags: ['ai-incident'] })
    ).toMatchObject({
      status: 403,
      json: {
        title: 'Access denied',
        message: "You'll need additional permissions to perform this action. Permissions needed: annotations:create",
      },
    });
  });

  it('creates an organisation annotation when the POSTed dashboardUID names no dashboard', async () => {
    const { json } = await call(grafana, 'POST', '/api/annotations', { text: 'x', time: base, dashboardUID: 'nope' });
    expect((await call(grafana, 'GET', `/api/annotations/${json.id}`)).json.dashboardUID).toBeUndefined();
  });

  it('pages with inclusive bounds: an annotation ending at a page’s last timeEnd comes back on the next page', async () => {
    // The plugin pages with `to` = the earliest timeEnd seen (xorm_store.go: epoch <= to AND epoch_end >= from).
    const first = await call(grafana, 'GET', '/api/annotations?tags=ai-incident&type=annotation&limit=1');
    expect(ids(first.json)).toEqual([2]);
    const next = await call(
      grafana,
      'GET',
      `/api/annotations?tags=ai-incident&type=annotation&from=1&to=${base + 3 * HOUR}&limit=2`
    );
    expect(ids(next.json)).toEqual([2, 1]);
  });

  it('injects faults by method and path, for a number of requests, and records every request', async () => {
    grafana.addFault({ method: 'PATCH', path: /^\/api\/annotations\//, respond: { status: 500 }, times: 1 });
    expect((await call(grafana, 'PATCH', '/api/annotations/1', { text: 'x' })).status).toBe(500);
    expect((await call(grafana, 'PATCH', '/api/annotations/1', { text: 'x' })).status).toBe(200);
    grafana.addFault({ path: '/api/annotations', respond: 'hang' });
    const controller = new AbortController();
    const hung = fetch(`${grafana.url}/api/annotations`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await expect(hung).rejects.toThrow();
    expect(grafana.requests.map((r) => `${r.method} ${r.path} ${r.status ?? 'no answer'}`)).toEqual([
      'PATCH /api/annotations/1 500',
      'PATCH /api/annotations/1 200',
      'GET /api/annotations no answer',
    ]);
    expect(grafana.requests[0].body).toEqual({ text: 'x' });
  });
});

describe('parseTagPairs', () => {
  it('splits as Grafana does', () => {
    expect(parseTagPairs(['k:v', ' k : v ', 'bare', ':novalue', 'a:b:c'])).toEqual([
      { key: 'k', value: 'v' },
      { key: 'bare', value: '' },
      { key: 'a', value: 'b' },
    ]);
  });
});

describe('plugin settings, assets and the host page', () => {
  let grafana: FakeGrafana;

  beforeAll(async () => {
    grafana = await startFakeGrafana({ hostBundle, plugins, appJsonData: { thresholds: { page: 0.3 } } });
  });

  afterAll(async () => {
    await grafana.stop();
  });

  it('serves each plugin from its own folder under /public/plugins/<id>/, as Grafana does, and nothing outside', async () => {
    expect((await call(grafana, 'GET', '/public/plugins/test-app/module.js')).text).toContain('define(');
    // A child plugin is also under its parent's folder, which is where Grafana says its module is (assetpath.go).
    expect((await call(grafana, 'GET', '/public/plugins/test-app/panels/impact/module.js')).text).toContain('"slate"');
    expect((await call(grafana, 'GET', '/api/plugins/test-panel/settings')).json).toMatchObject({
      module: 'public/plugins/test-app/panels/impact/module.js',
      baseUrl: 'public/plugins/test-app/panels/impact',
    });
    expect((await call(grafana, 'GET', '/public/plugins/test-app/123.js?_cache=abc')).status).toBe(200);
    expect((await call(grafana, 'GET', '/public/plugins/test-panel/module.js')).text).toContain('"slate"');
    // The nested panel's folder has no chunks: a chunk requested at the panel's own path is a 404, as in Grafana.
    expect((await call(grafana, 'GET', '/public/plugins/test-panel/123.js')).status).toBe(404);
    expect((await call(grafana, 'GET', '/public/plugins/test-app/..%2F..%2Fsecret.txt')).status).not.toBe(200);
  });

  it('answers app routes with the host page carrying the boot data', async () => {
    const page = await call(grafana, 'GET', '/a/test-app/home');
    expect(page.contentType).toMatch(/text\/html/);
    expect(page.text).toContain('window.grafanaBootData');
    expect(page.text).toContain('"uid":"aisre-prometheus"');
    // No data source is marked default (as `aisre provision` writes them): Grafana's default is then -- Grafana --.
    expect(page.text).toContain('"defaultDatasource":"-- Grafana --"');
  });

  it('POST /api/plugins/<id>/settings replaces enabled, pinned and jsonData wholesale, and merges secrets', async () => {
    // pkg/api/plugins.go UpdatePluginSetting, pkg/services/pluginsettings/service/store.go.
    await call(grafana, 'POST', '/api/plugins/test-app/settings', {
      enabled: true,
      pinned: true,
      jsonData: { a: 1, b: 2 },
      secureJsonData: { one: 'x' },
    });
    await call(grafana, 'POST', '/api/plugins/test-app/settings', { jsonData: { b: 3 }, secureJsonData: { two: 'y' } });
    const after = (await call(grafana, 'GET', '/api/plugins/test-app/settings')).json;
    expect(after).toMatchObject({ enabled: false, pinned: false, jsonData: { b: 3 } });
    expect(after.jsonData).toEqual({ b: 3 });
    expect(after.secureJsonFields).toMatchObject({ one: true, two: true });
    await call(grafana, 'POST', '/api/plugins/test-app/settings', {
      enabled: true,
      pinned: true,
      jsonData: { thresholds: { page: 0.3 } },
    });
  });

  it('GET and POST /api/plugins/<id>/settings keep jsonData and only report which secrets are set', async () => {
    const before = await call(grafana, 'GET', '/api/plugins/test-app/settings');
    expect(before.json).toMatchObject({
      id: 'test-app',
      type: 'app',
      enabled: true,
      module: 'public/plugins/test-app/module.js',
      jsonData: { thresholds: { page: 0.3 } },
    });
    expect(before.json.includes).toHaveLength(1);
    const saved = await call(grafana, 'POST', '/api/plugins/test-app/settings', {
      enabled: true,
      jsonData: { thresholds: { page: 0.4 } },
      secureJsonData: { token: 's3cret' },
    });
    expect(saved.status).toBe(200);
    const after = await call(grafana, 'GET', '/api/plugins/test-app/settings');
    expect(after.json.jsonData).toEqual({ thresholds: { page: 0.4 } });
    expect(after.json.secureJsonFields).toMatchObject({ token: true });
    expect(after.text).not.toContain('s3cret');
    grafana.setOrgRole('Editor');
    expect((await call(grafana, 'POST', '/api/plugins/test-app/settings', { jsonData: {} })).status).toBe(403);
    grafana.setOrgRole('Admin');
    expect((await call(grafana, 'GET', '/api/plugins/nope/settings')).status).toBe(404);
  });
});

describe('the built module’s shared dependencies', () => {
  it('reads the AMD dependency list, named or anonymous', () => {
    expect(amdDependencies('/* banner */\ndefine(["react","module"],(e,t)=>1)')).toEqual(['react', 'module']);
    expect(amdDependencies('define("x",["rxjs"],function(a){})')).toEqual(['rxjs']);
    expect(() => amdDependencies('console.log(1)')).toThrow(/no AMD define/);
  });

  it('names every module the host does not supply, with Grafana’s reason where there is one', () => {
    expect(() => assertHostSupplies(plugins, hostBundle.supplied, {})).toThrow(/needs 'slate'/);
    const withRouterDom = [{ ...plugins[0], amdDependencies: ['react-router-dom'] }];
    expect(() => assertHostSupplies(withRouterDom, [], { 'react-router-dom': 'Grafana 12 supplies v5' })).toThrow(
      /Grafana 12 supplies v5/
    );
    expect(() => assertHostSupplies([plugins[0]], hostBundle.supplied, {})).not.toThrow();
  });
});

describe('POST /api/ds/query on a real Prometheus', () => {
  let prometheus: StartedEngine;
  let grafana: FakeGrafana;

  beforeAll(async () => {
    const lines = ['# TYPE fake_requests counter'];
    for (let i = 0; i <= 10; i++) {
      lines.push(`fake_requests_total{outcome="answered"} ${100 * i} ${T0 + 60 * i}`);
      lines.push(`fake_requests_total{outcome="refused"} ${7 * i} ${T0 + 60 * i}`);
    }
    lines.push(
      '# TYPE fake_ratio gauge',
      `fake_ratio{kind="nan"} NaN ${T0 + 600}`,
      `fake_ratio{kind="inf"} +Inf ${T0 + 600}`
    );
    const file = join(dir, 'ds.om');
    await writeFile(file, `${lines.join('\n')}\n# EOF\n`);
    prometheus = await startPrometheus({ openMetricsFile: file });
    grafana = await startFakeGrafana({
      hostBundle,
      plugins,
      prometheusUrl: prometheus.url,
      dataSources: [
        { uid: 'aisre-prometheus', type: 'prometheus', name: 'Prometheus', isDefault: true },
        { uid: 'logs', type: 'loki', name: 'Loki' },
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await grafana?.stop();
    await prometheus?.stop();
  });

  const query = (
    expr: string,
    extra: Record<string, unknown> = {},
    range = { from: String((T0 + 540) * 1000), to: String((T0 + 600) * 1000) }
  ) =>
    call(grafana, 'POST', '/api/ds/query', {
      queries: [
        {
          refId: 'A',
          datasource: { uid: 'aisre-prometheus', type: 'prometheus' },
          expr,
          instant: true,
          range: false,
          ...extra,
        },
      ],
      ...range,
    });

  it('answers one frame per series, evaluated at `to`, in Grafana’s dataplane shape', async () => {
    const { status, json } = await query('sum by (outcome) (increase(fake_requests_total[$__range]))');
    expect(status).toBe(200);
    const frames = json.results.A.frames;
    expect(json.results.A.status).toBe(200);
    expect(frames).toHaveLength(2);
    const byOutcome = Object.fromEntries(
      frames.map((f: any) => [
        f.schema.fields[1].labels.outcome,
        { time: f.data.values[0][0], value: f.data.values[1][0], frame: f },
      ])
    );
    // $__range is the 60 s request range: one scrape interval, the increase of the last minute.
    expect(byOutcome.answered).toMatchObject({ time: (T0 + 600) * 1000, value: 100 });
    expect(byOutcome.refused).toMatchObject({ time: (T0 + 600) * 1000, value: 7 });
    expect(byOutcome.refused.frame.schema).toEqual({
      meta: { type: 'numeric-multi', typeVersion: [0, 1], custom: { resultType: 'vector' } },
      fields: [
        { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } },
        {
          name: 'Value',
          type: 'number',
          typeInfo: { frame: 'float64' },
          labels: { outcome: 'refused' },
          config: { displayNameFromDS: '{outcome="refused"}' },
        },
      ],
    });
  });

  it('takes a query’s own timeRange over the request’s', async () => {
    const { json } = await query('sum(fake_requests_total)', {
      timeRange: { from: String(T0 * 1000), to: String((T0 + 300) * 1000) },
    });
    expect(json.results.A.frames[0].data.values).toEqual([[(T0 + 300) * 1000], [535]]);
  });

  it('names the value field after __name__ and writes NaN and Inf as null with their entities', async () => {
    const { json } = await query('fake_ratio');
    const frames = json.results.A.frames.sort((a: any, b: any) =>
      a.schema.fields[1].labels.kind.localeCompare(b.schema.fields[1].labels.kind)
    );
    expect(frames[0].schema.fields[1].name).toBe('fake_ratio');
    expect(frames[0].data).toEqual({ values: [[(T0 + 600) * 1000], [null]], entities: [null, { Inf: [0] }] });
    expect(frames[1].data).toEqual({ values: [[(T0 + 600) * 1000], [null]], entities: [null, { NaN: [0] }] });
  });

  it('gives an empty vector one frame without fields', async () => {
    const { status, json } = await query('fake_requests_total{outcome="nope"}');
    expect(status).toBe(200);
    expect(json.results.A.frames).toEqual([
      { schema: { meta: { typeVersion: [0, 0] }, fields: [] }, data: { values: [] } },
    ]);
  });

  it('answers a PromQL error with HTTP 400 and the error on its refId, as Grafana does', async () => {
    const { status, json } = await query('sum by (outcome (');
    expect(status).toBe(400);
    expect(json.results.A).toMatchObject({ status: 400, errorSource: 'downstream' });
    expect(json.results.A.error).toMatch(/^bad_data: /);
  });

  it('answers an unknown data source with 404, and a non-Prometheus one with an error on its refId', async () => {
    const unknown = await call(grafana, 'POST', '/api/ds/query', {
      queries: [{ refId: 'A', datasource: { uid: 'nope' }, expr: '1', instant: true }],
      from: 'now-1h',
      to: 'now',
    });
    expect(unknown.status).toBe(404);
    const loki = await call(grafana, 'POST', '/api/ds/query', {
      queries: [{ refId: 'B', datasource: { uid: 'logs' }, expr: '1', instant: true }],
      from: 'now-1h',
      to: 'now',
    });
    expect(loki.status).toBe(400);
    expect(loki.json.results.B.error).toMatch(/only Prometheus/);
  });
});
