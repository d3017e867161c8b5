/**
 * What the test side (Node, playwright) and the host page (the browser) say to each other: the page's
 * URLs, the boot data the fake backend writes into the page, and the requests to render a panel or an
 * app page. Plain JSON only: these cross `page.evaluate`.
 */

/** Where the fake backend serves the host bundle; plugins are under Grafana's own `/public/plugins/<id>/`. */
export const HOST_ASSET_PREFIX = '/_aisre-host/';
export const PLUGIN_ASSET_PREFIX = '/public/plugins/';

/** A data source as `getDataSourceSrv().getInstanceSettings()` returns it (the parts a plugin reads). */
export interface HostDataSource {
  uid: string;
  type: string;
  name: string;
  isDefault?: boolean;
  jsonData?: Record<string, unknown>;
}

/**
 * The Prometheus data source every page gets unless a test passes others. Not the default, as `aisre provision`
 * writes it: Grafana's default is then `-- Grafana --`.
 */
export const DEFAULT_DATA_SOURCES: HostDataSource[] = [
  { uid: 'aisre-prometheus', type: 'prometheus', name: 'Prometheus', isDefault: false, jsonData: {} },
];

/** Grafana's built-in data source, its default when none is marked default (pkg/api/frontendsettings.go). */
export const GRAFANA_DATA_SOURCE: HostDataSource = { uid: 'grafana', type: 'datasource', name: '-- Grafana --' };

/** Written into the page as `window.grafanaBootData` before the host bundle runs, as Grafana's index.html does. */
export interface HostBootData {
  theme: 'dark' | 'light';
  dataSources: HostDataSource[];
  /** The signed-in user's org role: a Viewer cannot write annotations in Grafana. */
  orgRole: 'Viewer' | 'Editor' | 'Admin';
  /** The user's time zone preference (`browser`, `utc` or an IANA name), as Grafana's user.timezone. */
  timeZone: string;
}

/** A dashboard variable as the panel sees it through `replaceVariables` and `getTemplateSrv()`. */
export interface HostVariable {
  name: string;
  /** Default `custom`; a `datasource` variable's value is a data source uid or name. */
  type?: 'custom' | 'query' | 'datasource';
  /** One value, or several for a multi-value variable; `$__all` (or `['$__all']`) is All. */
  value: string | string[];
  /** Shown text; defaults to the value. */
  text?: string | string[];
  /** What All stands for: the custom all value (the bundled dashboards' `.*`), else every option. */
  allValue?: string;
  /** The variable's options (without All); by default its value(s). */
  options?: string[];
}

/** Absolute dashboard time range in epoch milliseconds; `raw` defaults to ISO strings of the same. */
export interface HostTimeRange {
  from: number;
  to: number;
  raw?: { from: string; to: string };
}

export interface PanelRenderRequest {
  /** The nested plugin's id (`plugin.json` id), e.g. `aisre-impact-panel`. */
  pluginId: string;
  /** Merged over the plugin's defaults (`plugin.defaults`), as Grafana does for a new panel. */
  options: Record<string, unknown>;
  /**
   * The version the panel was saved by (its JSON's `pluginVersion`); when it is not the plugin's, the plugin's
   * migration handler reads the options first, as Grafana's does. Absent: a panel saved without one.
   */
  pluginVersion?: string;
  timeRange: HostTimeRange;
  variables: HostVariable[];
  width: number;
  height: number;
  title: string;
  timeZone: string;
  /** The dashboard the panel sits on (for annotation queries and links). */
  dashboardUid: string;
  panelId: number;
}

export interface AppPageRenderRequest {
  /** The app plugin's id; its root page is `plugin.root`, mounted under `/a/<id>/`. */
  pluginId: string;
  /** The browser path inside Grafana, e.g. `/a/aisre-reliability-app/incidents`. */
  path: string;
}

/** A dashboard panel as the JSON model has it (the parts the preview reads). */
export interface DashboardPanelModel {
  id?: number;
  type: string;
  title: string;
  /** Grid units: 24 columns, rows of 30 px (Grafana's GRID_COLUMN_COUNT, GRID_CELL_HEIGHT). */
  gridPos: { x: number; y: number; w: number; h: number };
  pluginVersion?: string;
  options?: Record<string, unknown>;
  fieldConfig?: { defaults?: Record<string, unknown>; overrides?: unknown[] };
  transformations?: Array<{ id: string; options: unknown }>;
  targets?: Array<Record<string, unknown>>;
}

export interface DashboardRenderRequest {
  uid: string;
  title: string;
  panels: DashboardPanelModel[];
  timeRange: HostTimeRange;
  variables: HostVariable[];
  /** The page width in pixels; the grid fills it. */
  width: number;
  timeZone: string;
  /** Range-query step (`intervalMs` of each query). */
  intervalMs: number;
  /** Annotations with these tags are drawn as regions on every time series (the dashboard's "AI incidents"). */
  regionTags: string[];
  /** Time ranges for plugin panels by panel id, as a panel's relative time override would give them. */
  panelTimeRanges?: Record<number, HostTimeRange>;
}

/** What `window.aisreHost` offers to the test. */
export interface HostApi {
  /** Loads `/public/plugins/<id>/module.js` through the AMD loader and renders the panel; resolves once mounted. */
  renderPanel(request: PanelRenderRequest): Promise<void>;
  /** Loads the app module, fetches its settings like Grafana does, and renders its root page at `path`. */
  renderAppPage(request: AppPageRenderRequest): Promise<void>;
  /**
   * Lays the dashboard's panels out at their gridPos and draws each: its queries through `/api/ds/query`, its
   * transformations, then PanelRenderer (a plugin panel by its own module). Resolves once mounted.
   */
  renderDashboard(request: DashboardRenderRequest): Promise<void>;
  /**
   * A dashboard refresh of the rendered panel: fresh PanelProps objects (a new time range, the same instants
   * unless `timeRange` moves it; new data; the next render counter), as Grafana passes on every refresh.
   * Resolves once the panel has re-rendered with them.
   */
  refreshPanel(timeRange?: HostTimeRange): Promise<void>;
  /** Every `onOptionsChange` the panel made, in order. */
  optionChanges(): Array<Record<string, unknown>>;
  /** Events the plugin published on Grafana's app event bus (e.g. `alert-success` with its message). */
  appEvents(): Array<{ type: string; payload: unknown }>;
  /** The current path of the location service (after the plugin navigated). */
  currentPath(): string;
  /** Module names the host supplies to plugins. */
  suppliedModules(): string[];
  /** The React and Grafana versions the host gives plugins. */
  versions(): { react: string; grafana: string };
}

declare global {
  interface Window {
    grafanaBootData?: unknown;
    aisreHost?: HostApi;
    /** Set by the host once it is ready, or to the reason it could not start. */
    aisreHostReady?: true | string;
  }
}
