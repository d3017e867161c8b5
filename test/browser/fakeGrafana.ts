/**
 * A fake Grafana backend on loopback for browser tests: it serves the host page (Grafana's index.html with
 * boot data), the host bundle, and the built plugin as Grafana does (each plugin, nested ones included,
 * from its own directory under `/public/plugins/<id>/`), and answers the HTTP API the plugin uses:
 * `POST /api/ds/query` from a real Prometheus (./dsQuery.ts), the annotations API in memory
 * (./annotationStore.ts), and `GET/POST /api/plugins/<id>/settings`. Every API request is recorded; faults
 * (an HTTP status, or no answer at all) can be injected per method and path; the signed-in user's role
 * decides what may be written, as Grafana's access control does.
 */
import { readFile, stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, relative, sep } from 'node:path';

import { REPO_ROOT } from '../aisre';
import { listenOnLoopback } from '../http';
import { type AnnotationSeed, AnnotationStore } from './annotationStore';
import { handleDsQuery } from './dsQuery';
import { type HostBundle } from './hostBundle';
import { type DistPlugin } from './pluginDist';
import {
  DEFAULT_DATA_SOURCES,
  GRAFANA_DATA_SOURCE,
  HOST_ASSET_PREFIX,
  type HostBootData,
  type HostDataSource,
  PLUGIN_ASSET_PREFIX,
} from './protocol';

type OrgRole = HostBootData['orgRole'];

export interface FakeGrafanaOptions {
  hostBundle: HostBundle;
  plugins: DistPlugin[];
  /** The Prometheus behind the `prometheus` data sources; without it ds/query answers each query with an error. */
  prometheusUrl?: string;
  dataSources?: HostDataSource[];
  annotations?: AnnotationSeed[];
  /** The app's saved jsonData, as `GET /api/plugins/<id>/settings` returns it. */
  appJsonData?: Record<string, unknown>;
  orgRole?: OrgRole;
  theme?: HostBootData['theme'];
  /** The clock for annotation timestamps and `now` in queries. */
  now?: () => number;
  /** The user's time zone preference (`user.timezone` in the boot data): Grafana's default is `browser`. */
  userTimeZone?: string;
  /**
   * Where Grafana says the nested panel's module is (the settings' `module`): under the app's folder, as Grafana
   * does for a child plugin (`under-app`, the default), or under the panel's own id. Both URLs serve it.
   */
  nestedPluginPath?: 'under-app' | 'own-id';
  /**
   * The org's dashboards (by uid) and whether the signed-in user may edit each; by default the test dashboard
   * and the bundled ones, editable by an Editor or Admin.
   */
  dashboards?: Array<{ uid: string; canEdit?: boolean }>;
}

/** The dashboards every fake Grafana has unless a test passes others. */
const DEFAULT_DASHBOARDS: Array<{ uid: string; canEdit?: boolean }> = [
  'aisre-test-dashboard',
  'aisre-model-slis',
  'aisre-retrieval',
  'aisre-agents-security',
].map((uid) => ({ uid }));

/** An injected failure: requests matching method and path get this status and body, or never an answer. */
interface Fault {
  method?: string;
  path: string | RegExp;
  respond: { status: number; body?: unknown } | 'hang';
  /** How many matching requests fail (default: all of them until cleared). */
  times?: number;
}

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  body: unknown;
  /** The status answered; undefined while the request hangs. */
  status?: number;
}

interface PluginSettingsState {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
  secureJsonFields: Record<string, boolean>;
}

export interface FakeGrafana {
  url: string;
  annotations: AnnotationStore;
  /** Every /api request, in order. */
  requests: RecordedRequest[];
  /** Grafana's own assets (icons, fonts) the page asked for that this host does not have. */
  missingHostAssets(): string[];
  pluginSettings(id: string): PluginSettingsState | undefined;
  addFault(fault: Fault): void;
  clearFaults(): void;
  setOrgRole(role: OrgRole): void;
  stop(): Promise<void>;
}

/** Grafana serves @grafana/ui's icons here (window.__grafana_public_path__ + 'build/img/icons/'). */
const ICON_PREFIX = '/public/build/img/icons/';
const UI_ICONS_DIR = join(REPO_ROOT, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');

const BLANK_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"></svg>';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Grafana's access-control answer when the user lacks a permission. */
const accessDenied = (permission: string) => ({
  status: 403,
  body: {
    accessErrorId: 'ACE0000000000',
    message: `You'll need additional permissions to perform this action. Permissions needed: ${permission}`,
    title: 'Access denied',
  },
});

/** pkg/api/dashboard.go dashboardGuardianResponse: the user may not edit the annotation's dashboard. */
const dashboardAccessDenied = { status: 403, body: { message: 'Access denied to this dashboard' } };

const ROLE_RANK: Record<OrgRole, number> = { Viewer: 0, Editor: 1, Admin: 2 };

/**
 * A plugin's base URL as Grafana gives it (pkg/plugins/manager/loader/assetpath/assetpath.go): a child plugin
 * under its parent's folder (`public/plugins/<app>/<path in the app>`), or under its own id.
 */
function pluginBase(
  plugin: DistPlugin,
  app: DistPlugin | undefined,
  layout: FakeGrafanaOptions['nestedPluginPath']
): string {
  if (app && plugin !== app && layout !== 'own-id') {
    return `public/plugins/${app.id}/${relative(app.dir, plugin.dir).split(sep).join('/')}`;
  }
  return `public/plugins/${plugin.id}`;
}

function bootData(options: FakeGrafanaOptions, role: OrgRole): unknown {
  const theme = options.theme ?? 'dark';
  const app = options.plugins.find((p) => p.type === 'app');
  const panels = Object.fromEntries(
    options.plugins
      .filter((p) => p.type === 'panel')
      .map((p) => {
        const baseUrl = pluginBase(p, app, options.nestedPluginPath);
        return [p.id, { id: p.id, name: p.name, module: `${baseUrl}/module.js`, baseUrl }];
      })
  );
  const aisre: HostBootData = {
    theme,
    dataSources: options.dataSources ?? DEFAULT_DATA_SOURCES,
    orgRole: role,
    timeZone: options.userTimeZone ?? 'browser',
  };
  return {
    settings: {
      appUrl: '/',
      appSubUrl: '',
      buildInfo: {
        version: options.hostBundle.grafanaVersion,
        commit: 'aisre-fake',
        env: 'production',
        edition: 'Open Source',
      },
      datasources: Object.fromEntries(
        [...aisre.dataSources, GRAFANA_DATA_SOURCE].map((ds) => [
          ds.name,
          { ...ds, meta: { id: ds.uid === 'grafana' ? 'grafana' : ds.type } },
        ])
      ),
      panels,
      featureToggles: {},
      // pkg/api/frontendsettings.go: "-- Grafana --" unless a data source is marked default.
      defaultDatasource: aisre.dataSources.find((ds) => ds.isDefault)?.name ?? GRAFANA_DATA_SOURCE.name,
    },
    user: {
      id: 1,
      login: 'admin',
      name: 'Test user',
      orgId: 1,
      orgRole: role,
      isGrafanaAdmin: role === 'Admin',
      isSignedIn: true,
      theme,
      timezone: aisre.timeZone,
      locale: 'en-US',
      language: 'en-US',
      regionalFormat: 'en-US',
    },
    navTree: [],
    assets: { dark: '', light: '' },
    aisre,
  };
}

function hostPage(options: FakeGrafanaOptions, role: OrgRole): string {
  // JSON in a <script>: escape '<' so no string in the data can close the tag.
  const boot = JSON.stringify(bootData(options, role)).replace(/</g, '\\u003c');
  const css = options.hostBundle.css ? `<link rel="stylesheet" href="${HOST_ASSET_PREFIX}host.css">` : '';
  return `<!doctype html>
<html lang="en-US">
<head><meta charset="utf-8"><title>Grafana</title><base href="/">${css}
<script>window.grafanaBootData = ${boot}; window.__grafana_public_path__ = '/public/';</script></head>
<body class="theme-${options.theme ?? 'dark'}"><div id="reactRoot"></div><script type="module" src="${HOST_ASSET_PREFIX}host.js"></script></body>
</html>
`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8'
): void {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(payload);
}

async function sendFile(res: ServerResponse, root: string, relativePath: string): Promise<void> {
  const path = normalize(join(root, decodeURIComponent(relativePath)));
  if (!path.startsWith(root + sep)) {
    send(res, 403, { message: 'Forbidden' });
    return;
  }
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    send(res, 404, `not found: ${relativePath}`, 'text/plain; charset=utf-8');
    return;
  }
  send(res, 200, await readFile(path), CONTENT_TYPES[extname(path)] ?? 'application/octet-stream');
}

export async function startFakeGrafana(options: FakeGrafanaOptions): Promise<FakeGrafana> {
  const now = options.now ?? Date.now;
  const annotations = new AnnotationStore(options.annotations ?? [], now);
  const dataSources = options.dataSources ?? DEFAULT_DATA_SOURCES;
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  let role: OrgRole = options.orgRole ?? 'Admin';
  const pluginsById = new Map(options.plugins.map((p) => [p.id, p]));
  const app = options.plugins.find((p) => p.type === 'app');
  const settings = new Map<string, PluginSettingsState>(
    options.plugins.map((p) => [
      p.id,
      { enabled: true, pinned: true, jsonData: p === app ? { ...options.appJsonData } : {}, secureJsonFields: {} },
    ])
  );

  const dashboards = new Map((options.dashboards ?? DEFAULT_DASHBOARDS).map((d) => [d.uid, d.canEdit ?? true]));
  /** Grafana's canEditDashboard: an org Admin edits every dashboard; an Editor those the dashboard's permissions allow. */
  const canEditDashboard = (uid: string) => role === 'Admin' || (role === 'Editor' && dashboards.get(uid) === true);

  const settingsBody = (plugin: DistPlugin) => {
    const state = settings.get(plugin.id)!;
    const json = plugin.json;
    const baseUrl = pluginBase(plugin, app, options.nestedPluginPath);
    return {
      name: plugin.name,
      type: plugin.type,
      id: plugin.id,
      enabled: state.enabled,
      pinned: state.pinned,
      autoEnabled: false,
      module: `${baseUrl}/module.js`,
      baseUrl,
      info: json.info,
      includes: json.includes ?? [],
      dependencies: json.dependencies,
      jsonData: state.jsonData,
      secureJsonFields: state.secureJsonFields,
      defaultNavUrl: `/a/${plugin.id}/`,
      latestVersion: '',
      hasUpdate: false,
      state: '',
      signature: 'unsigned',
      signatureType: '',
      signatureOrg: '',
      angularDetected: false,
    };
  };

  const canWrite = (needed: OrgRole) => ROLE_RANK[role] >= ROLE_RANK[needed];

  async function api(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown
  ): Promise<{ status: number; body: unknown }> {
    if (path === '/api/ds/query' && method === 'POST') {
      return handleDsQuery(body, { dataSources, prometheusUrl: options.prometheusUrl, now });
    }
    if (path === '/api/annotations') {
      if (method === 'GET') {
        // pkg/api/annotations.go GetAnnotations: a dashboardUID that names no dashboard is a bad request.
        const dashboardUID = query.get('dashboardUID');
        if (dashboardUID && !dashboards.has(dashboardUID)) {
          return { status: 400, body: { message: 'Invalid dashboard UID in annotation request' } };
        }
        return annotations.find(query);
      }
      if (method === 'POST') {
        // The route's own check (annotations:create, which a Viewer lacks), then PostAnnotation's canCreateAnnotation:
        // a dashboard annotation needs edit rights on that dashboard; an unknown dashboardUID leaves an org annotation.
        if (!canWrite('Editor')) {
          return accessDenied('annotations:create');
        }
        const create = body as Record<string, unknown>;
        const dashboardUID = typeof create.dashboardUID === 'string' ? create.dashboardUID : '';
        if (dashboardUID && dashboards.has(dashboardUID) && !canEditDashboard(dashboardUID)) {
          return dashboardAccessDenied;
        }
        return annotations.add(dashboards.has(dashboardUID) ? create : { ...create, dashboardUID: '' });
      }
    }
    const annotation = path.match(/^\/api\/annotations\/([^/]+)$/);
    if (annotation) {
      const id = Number(annotation[1]);
      if (!Number.isInteger(id)) {
        return { status: 400, body: { message: 'annotationId is invalid' } };
      }
      if (method === 'GET') {
        return annotations.getOne(id);
      }
      if (['PUT', 'PATCH', 'DELETE'].includes(method)) {
        if (!canWrite('Editor')) {
          return accessDenied(method === 'DELETE' ? 'annotations:delete' : 'annotations:write');
        }
        // canSaveAnnotation: a dashboard annotation needs edit rights on its dashboard.
        const existing = annotations.all().find((a) => a.id === id);
        if (existing?.dashboardUID && !canEditDashboard(existing.dashboardUID)) {
          return dashboardAccessDenied;
        }
      }
      if (method === 'PUT') {
        return annotations.replace(id, body as Record<string, unknown>);
      }
      if (method === 'PATCH') {
        return annotations.patch(id, body as Record<string, unknown>);
      }
      if (method === 'DELETE') {
        return annotations.remove(id);
      }
    }
    const pluginSettings = path.match(/^\/api\/plugins\/([^/]+)\/settings$/);
    if (pluginSettings) {
      const plugin = pluginsById.get(pluginSettings[1]);
      if (!plugin) {
        return { status: 404, body: { message: 'Plugin not found, no installed plugin with that id' } };
      }
      if (method === 'GET') {
        return { status: 200, body: settingsBody(plugin) };
      }
      if (method === 'POST') {
        if (!canWrite('Admin')) {
          return accessDenied('plugins:write');
        }
        const update = body as {
          enabled?: boolean;
          pinned?: boolean;
          jsonData?: Record<string, unknown>;
          secureJsonData?: Record<string, string>;
        };
        const state = settings.get(plugin.id)!;
        // pkg/api/plugins.go UpdatePluginSetting and pkg/services/pluginsettings/service/store.go: enabled, pinned
        // and jsonData are replaced by what was sent (left out: false, false, none); secrets are merged by key.
        state.enabled = update.enabled === true;
        state.pinned = update.pinned === true;
        state.jsonData = update.jsonData ?? {};
        // Secrets are write-only: Grafana stores them encrypted and only says which keys are set.
        for (const key of Object.keys(update.secureJsonData ?? {})) {
          state.secureJsonFields[key] = true;
        }
        return { status: 200, body: { message: 'Plugin settings updated' } };
      }
    }
    if (path === '/api/health') {
      return { status: 200, body: { database: 'ok', version: options.hostBundle.grafanaVersion } };
    }
    return { status: 404, body: { message: 'Not found' } };
  }

  const hanging = new Set<ServerResponse>();
  const missingHostAssets = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    if (path.startsWith(HOST_ASSET_PREFIX)) {
      await sendFile(res, options.hostBundle.dir, path.slice(HOST_ASSET_PREFIX.length));
      return;
    }
    if (path.startsWith(ICON_PREFIX) || path.startsWith('/public/fonts/')) {
      // Grafana's own assets: @grafana/ui ships most icons; the rest (and Grafana's fonts) this host lacks.
      // They are answered blank and listed, so the page logs no error the plugin did not cause.
      const icon = path.startsWith(ICON_PREFIX) ? join(UI_ICONS_DIR, normalize(path.slice(ICON_PREFIX.length))) : '';
      if (icon.startsWith(UI_ICONS_DIR + sep) && (await stat(icon).catch(() => undefined))?.isFile()) {
        send(res, 200, await readFile(icon), CONTENT_TYPES['.svg']);
      } else {
        missingHostAssets.add(path);
        res.writeHead(icon ? 200 : 204, { 'Content-Type': icon ? CONTENT_TYPES['.svg'] : 'font/woff2' });
        res.end(icon ? BLANK_SVG : undefined);
      }
      return;
    }
    if (path.startsWith(PLUGIN_ASSET_PREFIX)) {
      const [id, ...rest] = path.slice(PLUGIN_ASSET_PREFIX.length).split('/');
      const plugin = pluginsById.get(id);
      if (!plugin) {
        send(res, 404, `no plugin ${id}`, 'text/plain');
        return;
      }
      await sendFile(res, plugin.dir, rest.join('/'));
      return;
    }
    if (path.startsWith('/public/')) {
      send(res, 404, `not found: ${path}`, 'text/plain');
      return;
    }
    if (!path.startsWith('/api/')) {
      // Grafana answers every app route with its index.html; so does this.
      send(res, 200, hostPage(options, role), CONTENT_TYPES['.html']);
      return;
    }
    const raw = await readBody(req);
    let body: unknown = undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const query: Record<string, string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      query[key] = url.searchParams.getAll(key);
    }
    const record: RecordedRequest = { method, path, query, body };
    requests.push(record);
    const fault = faults.find(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path))
    );
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) {
        faults.splice(faults.indexOf(fault), 1);
      }
      if (fault.respond === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      record.status = fault.respond.status;
      send(
        res,
        fault.respond.status,
        fault.respond.body ?? { message: `injected fault: HTTP ${fault.respond.status}` }
      );
      return;
    }
    if (typeof body === 'string') {
      record.status = 400;
      send(res, 400, { message: 'bad request data' });
      return;
    }
    const answer = await api(method, path, url.searchParams, body);
    record.status = answer.status;
    send(res, answer.status, answer.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        send(res, 500, {
          message: 'fake grafana failed',
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    annotations,
    requests,
    missingHostAssets: () => [...missingHostAssets].sort(),
    pluginSettings: (id) => settings.get(id),
    addFault: (fault) => faults.push({ ...fault }),
    clearFaults: () => faults.splice(0, faults.length),
    setOrgRole: (next) => {
      role = next;
    },
    stop: () => {
      for (const res of hanging) {
        res.destroy();
      }
      return listening.close();
    },
  };
}
