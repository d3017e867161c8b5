/**
 * Renders a loaded plugin the way Grafana's shell does: a panel plugin's component with PanelProps inside a
 * fixed-size frame, or an app plugin's root page under `/a/<id>/` with a router bound to the location service, both
 * inside a shell with the theme context and Grafana's global styles, mounted once (HostShell).
 */
import React, { Fragment, type ReactElement, type ReactNode, useEffect, useLayoutEffect, useState } from 'react';
import {
  type AppPlugin,
  type AppPluginMeta,
  EventBusSrv,
  LoadingState,
  type PanelPlugin,
  type PanelProps,
  type TimeRange,
  dateTime,
  type GrafanaTheme2,
} from '@grafana/data';
import { type HistoryWrapper, type PluginPageProps } from '@grafana/runtime';
import { GlobalStyles, PortalContainer, ThemeContext } from '@grafana/ui';
import { Route, Router, Routes } from 'react-router-dom';

import { type PanelRenderRequest } from '../protocol';
import { type HostTemplateSrv } from './templateSrv';

export function toTimeRange(range: PanelRenderRequest['timeRange']): TimeRange {
  const from = dateTime(range.from);
  const to = dateTime(range.to);
  return { from, to, raw: range.raw ?? { from: from.toISOString(), to: to.toISOString() } };
}

/** Puts a page in the shell: each one a fresh mount, as a new page is. */
export type ShowInShell = (element: ReactElement) => void;

/**
 * The shell, mounted once at boot as Grafana's is (public/app/AppWrapper.tsx renders ThemeProvider, GlobalStyles and
 * PortalContainer around its routes, and a navigation only changes what the routes render): a render call then
 * costs what a navigation inside Grafana costs, not the global styles' first mount. Hands its setter to `onReady`
 * once it is on screen.
 */
export function HostShell({ theme, onReady }: { theme: GrafanaTheme2; onReady: (show: ShowInShell) => void }) {
  const [content, setContent] = useState<{ element: ReactElement; key: number }>();
  useEffect(() => {
    onReady((element) => setContent((shown) => ({ element, key: (shown?.key ?? 0) + 1 })));
  }, [onReady]);
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      {content && <Fragment key={content.key}>{content.element}</Fragment>}
      <PortalContainer />
    </ThemeContext.Provider>
  );
}

/** The title Grafana's page header would show: the app page the path belongs to, or the app's name. */
function pageTitle(meta: AppPluginMeta | undefined, path: string): string {
  const includes =
    (meta as unknown as { includes?: Array<{ type: string; name: string; path?: string }> })?.includes ?? [];
  const page = includes
    .filter((include) => include.type === 'page' && include.path)
    .map((include) => ({ ...include, path: include.path!.replace('%PLUGIN_ID%', meta?.id ?? '') }))
    .sort((a, b) => b.path.length - a.path.length)
    .find((include) => path === include.path || path.startsWith(`${include.path}/`));
  return page?.name ?? meta?.name ?? '';
}

/** Grafana's PluginPage renders the page chrome (title, tabs, actions); this one keeps the title and body. */
export function makePluginPage(getMeta: () => AppPluginMeta | undefined, getPath: () => string) {
  return function HostPluginPage({ children, pageNav, actions, subTitle, info }: PluginPageProps) {
    const title = pageNav?.text ?? pageTitle(getMeta(), getPath());
    return (
      <div data-testid="host-plugin-page" style={{ padding: 16 }}>
        <header style={{ marginBottom: 16 }}>
          <h1>{title}</h1>
          {subTitle && <div>{subTitle}</div>}
          {info && <div>{info.map((item) => `${item.label}: ${String(item.value)}`).join(' · ')}</div>}
          {actions && <div>{actions}</div>}
        </header>
        {children}
      </div>
    );
  };
}

/** A dashboard refresh, with the time range it moves to (the same one when undefined). */
export type PanelRefresh = (timeRange?: PanelRenderRequest['timeRange']) => void;

interface PanelHostProps {
  plugin: PanelPlugin;
  request: PanelRenderRequest;
  templateSrv: HostTemplateSrv;
  onOptionsChange?: (options: Record<string, unknown>) => void;
  /** Receives the panel's refresh once mounted; `onRefreshed` is called after each refresh has rendered. */
  onRefreshReady?: (refresh: PanelRefresh) => void;
  onRefreshed?: () => void;
}

/**
 * A saved panel's options as Grafana hands them to the panel: through the plugin's migration handler first when the
 * panel's stored pluginVersion is not the plugin's (grafana/grafana public/app/features/dashboard/state/PanelModel.ts,
 * `pluginLoaded`), then over the plugin's defaults.
 */
function savedOptions(plugin: PanelPlugin, request: PanelRenderRequest): Record<string, unknown> {
  const migrate = plugin.onPanelMigration;
  const migrated =
    migrate && request.pluginVersion !== plugin.meta.info.version
      ? migrate({
          id: request.panelId,
          type: request.pluginId,
          options: request.options,
          fieldConfig: plugin.fieldConfigDefaults,
          pluginVersion: request.pluginVersion,
        })
      : request.options;
  if (migrated instanceof Promise) {
    throw new Error(`the host migrates panels synchronously; ${request.pluginId}'s migration handler is async`);
  }
  return { ...plugin.defaults, ...migrated };
}

/** A panel plugin's component with the PanelProps Grafana's panel state gives it (options over the plugin's defaults). */
export function PluginPanel({
  plugin,
  request,
  templateSrv,
  onOptionsChange,
  onRefreshReady,
  onRefreshed,
}: PanelHostProps) {
  const [options, setOptions] = useState<Record<string, unknown>>(() => savedOptions(plugin, request));
  const [fieldConfig, setFieldConfig] = useState(() => plugin.fieldConfigDefaults);
  const [eventBus] = useState(() => new EventBusSrv());
  const [timeRange, setTimeRange] = useState(() => toTimeRange(request.timeRange));
  const [renderCounter, setRenderCounter] = useState(0);
  // A refresh re-evaluates the range into new objects (@grafana/scenes SceneTimeRange.onRefresh) and the panel
  // gets new data, time range and render counter (VizPanelRenderer), even when nothing moved.
  useLayoutEffect(() => {
    onRefreshReady?.((range) => {
      setTimeRange((current) =>
        toTimeRange(range ?? { from: current.from.valueOf(), to: current.to.valueOf(), raw: request.timeRange.raw })
      );
      setRenderCounter((n) => n + 1);
    });
  }, [onRefreshReady, request.timeRange.raw]);
  useLayoutEffect(() => {
    if (renderCounter > 0) {
      onRefreshed?.();
    }
  }, [renderCounter, onRefreshed]);
  const Panel = plugin.panel;
  if (!Panel) {
    throw new Error(`panel plugin ${request.pluginId} has no panel component`);
  }
  const props: PanelProps = {
    id: request.panelId,
    data: { state: LoadingState.Done, series: [], timeRange, annotations: [] },
    timeRange,
    timeZone: request.timeZone,
    options,
    fieldConfig,
    transparent: false,
    width: request.width,
    height: request.height,
    renderCounter,
    title: request.title,
    eventBus,
    onOptionsChange: (next: Record<string, unknown>) => {
      onOptionsChange?.(next);
      setOptions(next);
    },
    onFieldConfigChange: setFieldConfig,
    replaceVariables: (value, scopedVars, format) => templateSrv.replace(value, scopedVars, format),
    onChangeTimeRange: (range) => setTimeRange(toTimeRange({ from: range.from, to: range.to })),
  };
  return <Panel {...props} />;
}

export function PanelHost(props: PanelHostProps) {
  const { request } = props;
  return (
    <section
      data-testid="host-panel"
      aria-label={request.title}
      style={{ width: request.width, margin: 16, border: '1px solid rgba(204, 204, 220, 0.12)', borderRadius: 2 }}
    >
      <header style={{ padding: '4px 8px', fontWeight: 500 }}>{request.title}</header>
      <div style={{ width: request.width, height: request.height, position: 'relative', overflow: 'hidden' }}>
        <PluginPanel {...props} />
      </div>
    </section>
  );
}

/** The parts of a history v4 object (what HistoryWrapper wraps) the router needs. */
interface HistoryLike {
  location: Location;
  action: string;
  listen(listener: (location: Location, action: string) => void): () => void;
  push(to: unknown, state?: unknown): void;
  replace(to: unknown, state?: unknown): void;
  go(delta: number): void;
  createHref(to: unknown): string;
}

interface Location {
  pathname: string;
  search: string;
  hash: string;
  state: unknown;
  key?: string;
}

/** A react-router v6 Router driven by the location service's history, so `locationService.push` navigates. */
function LocationServiceRouter({
  locationService,
  children,
}: {
  locationService: HistoryWrapper;
  children: ReactNode;
}) {
  const history = locationService.getHistory() as HistoryLike;
  const [state, setState] = useState({ location: history.location, action: history.action });
  useLayoutEffect(
    () => history.listen((location: Location, action: string) => setState({ location, action })),
    [history]
  );
  return (
    <Router location={state.location} navigationType={state.action as never} navigator={history as never}>
      {children}
    </Router>
  );
}

interface AppHostProps {
  plugin: AppPlugin;
  meta: AppPluginMeta;
  locationService: HistoryWrapper;
}

export function AppHost({ plugin, meta, locationService }: AppHostProps) {
  const Root = plugin.root;
  if (!Root) {
    throw new Error(`app plugin ${meta.id} has no root page`);
  }
  const basename = `/a/${meta.id}`;
  // Deprecated props Grafana 12 still passes to an app's root page: a plugin may still read them.
  const legacy = {
    path: locationService.getLocation().pathname,
    query: Object.fromEntries(locationService.getSearch().entries()),
    onNavChanged: () => {},
  };
  return (
    <LocationServiceRouter locationService={locationService}>
      <Routes>
        <Route path={`${basename}/*`} element={<Root meta={meta} basename={basename} {...legacy} />} />
      </Routes>
    </LocationServiceRouter>
  );
}
