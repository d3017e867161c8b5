/**
 * The host page's runtime: sets up what Grafana sets up before it loads a plugin (BackendSrv,
 * DataSourceSrv, TemplateSrv, PluginPage, i18n, theme; the location service is Grafana's own, over the
 * page's browser history), supplies the shared modules to
 * the AMD loader, and exposes `window.aisreHost` for the test to render a panel or an app page.
 * The generated entry (see ../hostBundle.ts) imports the shared modules and calls `startHost`.
 */
import React, { type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import {
  type AppPlugin,
  type AppPluginMeta,
  type BusEvent,
  createDataFrame,
  type DataFrame,
  EventBusSrv,
  FieldType,
  type PanelPlugin,
  type PluginMeta,
  setTimeZoneResolver,
  standardTransformers,
  standardTransformersRegistry,
} from '@grafana/data';
import {
  type HistoryWrapper,
  type PanelRendererProps,
  type PluginPageProps,
  config,
  setAppEvents,
  setBackendSrv,
  setDataSourceSrv,
  locationService as grafanaLocationService,
  setTemplateSrv,
} from '@grafana/runtime';

import {
  type AppPageRenderRequest,
  type DashboardRenderRequest,
  type HostApi,
  type HostBootData,
  type PanelRenderRequest,
} from '../protocol';
import { AmdRegistry } from './amd';
import { HostBackendSrv } from './backendSrv';
import { HostDataSourceSrv } from './dataSourceSrv';
import { NoOptionEditor, registerStandardOptions } from './fieldConfig';
import { DashboardHost, isPluginPanel } from './dashboard';
import { AppHost, HostShell, PanelHost, type PanelRefresh, type ShowInShell, makePluginPage } from './render';
import { HostPanelRenderer } from './panelRenderer';
import { HostTemplateSrv } from './templateSrv';

export interface HostInternals {
  /** Module name -> the value an AMD factory receives for it (see hostBundle.ts for each one's form). */
  modules: Record<string, unknown>;
  /** Module names Grafana supplies but this host cannot, with the reason. */
  refusals: Record<string, string>;
  /** @grafana/runtime's own setter (not in its public exports): Grafana's shell sets the PluginPage this way. */
  setPluginPage: (component: ComponentType<PluginPageProps>) => void;
  /** @grafana/runtime's setter of the PanelRenderer (internal): Grafana core sets its own at boot. */
  setPanelRenderer: (component: ComponentType<PanelRendererProps>) => void;
  /** @grafana/i18n's initializer, as Grafana's boot calls it. */
  initializeI18n: (options: { language: string; ns: string[] }, regionalFormat: string) => Promise<unknown>;
}

/** Grafana's app event bus (alerts, toasts): published events are also kept for the test to read. */
class HostAppEvents extends EventBusSrv {
  readonly published: Array<{ type: string; payload: unknown }> = [];

  publish<T extends BusEvent>(event: T): void {
    this.published.push({ type: event.type, payload: JSON.parse(JSON.stringify(event.payload ?? null)) });
    super.publish(event);
  }
}

interface PluginSettings extends PluginMeta {
  module: string;
}

async function pluginSettings(backendSrv: HostBackendSrv, pluginId: string): Promise<PluginSettings> {
  return backendSrv.get<PluginSettings>(`/api/plugins/${pluginId}/settings`);
}

/** A panel plugin by id, as Grafana's importPanelPlugin: its settings' module through the AMD loader. */
async function loadPanelPlugin(backendSrv: HostBackendSrv, registry: AmdRegistry, pluginId: string) {
  const settings = await pluginSettings(backendSrv, pluginId);
  const exports = (await registry.load(`/${settings.module}`)) as { plugin?: PanelPlugin };
  const plugin = exports.plugin;
  if (!plugin?.panel) {
    throw new Error(`${settings.module} exports no panel plugin (exports: ${Object.keys(exports ?? {}).join(', ')})`);
  }
  plugin.meta = { ...plugin.meta, ...settings };
  return plugin;
}

interface AnnotationEvent {
  time: number;
  timeEnd?: number;
  text?: string;
}

/** The region annotations with these tags in the range, as the frame Grafana's annotation query gives panels. */
async function regionAnnotations(backendSrv: HostBackendSrv, request: DashboardRenderRequest): Promise<DataFrame[]> {
  if (request.regionTags.length === 0) {
    return [];
  }
  const events = await backendSrv.get<AnnotationEvent[]>('/api/annotations', {
    tags: request.regionTags,
    from: request.timeRange.from,
    to: request.timeRange.to,
    type: 'annotation',
  });
  const regions = events.filter((e) => e.timeEnd !== undefined && e.timeEnd > e.time);
  return [
    createDataFrame({
      name: 'annotations',
      fields: [
        { name: 'time', type: FieldType.time, values: regions.map((e) => e.time) },
        { name: 'timeEnd', type: FieldType.time, values: regions.map((e) => e.timeEnd) },
        { name: 'isRegion', type: FieldType.boolean, values: regions.map(() => true) },
        { name: 'text', type: FieldType.string, values: regions.map((e) => e.text ?? '') },
      ],
    }),
  ];
}

export async function startHost(internals: HostInternals): Promise<void> {
  try {
    const boot = (window.grafanaBootData as { aisre: HostBootData }).aisre;
    const registry = new AmdRegistry();
    for (const [name, value] of Object.entries(internals.modules)) {
      registry.provide(name, value);
    }
    for (const [name, reason] of Object.entries(internals.refusals)) {
      registry.refuse(name, reason);
    }
    registry.install(window);

    // As Grafana's boot does (public/app/app.ts): dates format and parse in the user's time zone preference.
    setTimeZoneResolver(() => config.bootData.user.timezone);
    registerStandardOptions();
    // As Grafana's boot does (public/app/app.ts: standardTransformersRegistry.setInit(getStandardTransformers)):
    // @grafana/data's transformers, which transformDataFrame looks up by id; no editor UI here.
    standardTransformersRegistry.setInit(() =>
      // Some transformers are listed under two names (aliases): one registry item per id.
      [...new Map(Object.values(standardTransformers).map((t) => [t.id, t])).values()].map((transformation) => ({
        id: transformation.id,
        name: transformation.name,
        transformation,
        editor: NoOptionEditor,
        imageDark: '',
        imageLight: '',
      }))
    );
    const backendSrv = new HostBackendSrv();
    const appEvents = new HostAppEvents();
    setAppEvents(appEvents);
    const templateSrv = new HostTemplateSrv();
    // Grafana's own location service: browser history at the page's URL (production builds refuse a replacement).
    const locationService = grafanaLocationService as HistoryWrapper;
    let appMeta: AppPluginMeta | undefined;
    setBackendSrv(backendSrv);
    setTemplateSrv(templateSrv);
    setDataSourceSrv(new HostDataSourceSrv(boot.dataSources, templateSrv));
    internals.setPluginPage(
      makePluginPage(
        () => appMeta,
        () => locationService.getLocation().pathname
      )
    );
    // As Grafana's boot does (public/app/app.ts: setPanelRenderer(PanelRenderer)), with this host's stand-in.
    internals.setPanelRenderer(HostPanelRenderer);
    await internals.initializeI18n({ language: 'en-US', ns: ['grafana'] }, 'en-US');

    const container = document.getElementById('reactRoot');
    if (!container) {
      throw new Error('the host page has no #reactRoot');
    }
    const mount = await new Promise<ShowInShell>((shellReady) => {
      createRoot(container).render(<HostShell theme={config.theme2} onReady={shellReady} />);
    });
    // Grafana's chrome (menu, top bar) is drawn in Inter before any plugin page opens, so the faces GlobalStyles
    // declares are settled by then, and a page's first draw neither asks for them nor lays out again when they
    // come. This host has no Grafana fonts (the fake backend answers them blank): settled here means failed.
    await Promise.allSettled([document.fonts.load('400 14px Inter'), document.fonts.load('500 14px Inter')]);
    const optionChanges: Array<Record<string, unknown>> = [];
    let refreshPanel: PanelRefresh | undefined;
    let refreshed: Array<() => void> = [];
    const onRefreshReady = (refresh: PanelRefresh) => {
      refreshPanel = refresh;
    };
    const onRefreshed = () => {
      refreshed.forEach((resolve) => resolve());
      refreshed = [];
    };

    const api: HostApi = {
      async renderPanel(request: PanelRenderRequest) {
        const plugin = await loadPanelPlugin(backendSrv, registry, request.pluginId);
        templateSrv.setVariables(request.variables);
        mount(
          <PanelHost
            plugin={plugin}
            request={request}
            templateSrv={templateSrv}
            onOptionsChange={(options) => optionChanges.push(options)}
            onRefreshReady={onRefreshReady}
            onRefreshed={onRefreshed}
          />
        );
      },
      async renderDashboard(request: DashboardRenderRequest) {
        templateSrv.setVariables(request.variables);
        const plugins = new Map<string, PanelPlugin>();
        for (const type of new Set(request.panels.filter(isPluginPanel).map((p) => p.type))) {
          plugins.set(type, await loadPanelPlugin(backendSrv, registry, type));
        }
        const annotations = await regionAnnotations(backendSrv, request);
        mount(
          <DashboardHost request={request} plugins={plugins} templateSrv={templateSrv} annotations={annotations} />
        );
      },
      async renderAppPage(request: AppPageRenderRequest) {
        const settings = await pluginSettings(backendSrv, request.pluginId);
        const exports = (await registry.load(`/${settings.module}`)) as { plugin?: AppPlugin };
        const plugin = exports.plugin;
        if (!plugin?.root) {
          throw new Error(`${settings.module} exports no app plugin with a root page`);
        }
        appMeta = settings as unknown as AppPluginMeta;
        plugin.meta = appMeta;
        plugin.init(appMeta);
        if (locationService.getLocation().pathname !== request.path) {
          locationService.push(request.path);
        }
        mount(<AppHost plugin={plugin} meta={appMeta} locationService={locationService} />);
      },
      refreshPanel: (timeRange) =>
        new Promise<void>((resolve, reject) => {
          if (!refreshPanel) {
            reject(new Error('no panel is rendered to refresh'));
            return;
          }
          refreshed.push(resolve);
          refreshPanel(timeRange);
        }),
      optionChanges: () => optionChanges,
      appEvents: () => appEvents.published,
      currentPath: () => {
        const location = locationService.getLocation();
        return `${location.pathname}${location.search}`;
      },
      suppliedModules: () => registry.names(),
      versions: () => ({ react: React.version, grafana: config.buildInfo.version }),
    };
    window.aisreHost = api;
    window.aisreHostReady = true;
  } catch (error) {
    window.aisreHostReady = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}
