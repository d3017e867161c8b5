/**
 * A dashboard as Grafana lays it out, minus the shell: each panel of the JSON model at its gridPos (./grid.ts) in
 * @grafana/ui's PanelChrome, its queries run as a panel's query runner runs them (POST /api/ds/query, the answer read
 * with toDataQueryResponse, as @grafana/runtime's DataSourceWithBackend does), its transformations applied with
 * @grafana/data's transformDataFrame (as PanelQueryRunner does), then drawn with PanelRenderer; a panel of a plugin
 * (the impact panel) by that plugin's own component. For `npm run docs:previews` (tools/previews/render.ts).
 */
import { css } from '@emotion/css';
import React from 'react';
import { lastValueFrom } from 'rxjs';
import {
  createDataFrame,
  type DataFrame,
  type DataTransformerConfig,
  FieldType,
  type FieldConfigSource,
  type GrafanaTheme2,
  LoadingState,
  type PanelData,
  type PanelPlugin,
  transformDataFrame,
} from '@grafana/data';
import { type BackendDataSourceResponse, getBackendSrv, PanelRenderer, toDataQueryResponse } from '@grafana/runtime';
import { Alert, PanelChrome, useStyles2 } from '@grafana/ui';
import { useAsyncRetry } from 'react-use';

import { type DashboardPanelModel, type DashboardRenderRequest, type HostTimeRange } from '../protocol';
import { gridHeight, gridRect } from './grid';
import { PluginPanel, toTimeRange } from './render';
import { type HostTemplateSrv } from './templateSrv';

/** Panel types drawn from their queries; anything else (not a row) is a plugin loaded by id. */
const QUERY_PANELS = new Set(['timeseries', 'heatmap']);

export const isPluginPanel = (panel: DashboardPanelModel) => panel.type !== 'row' && !QUERY_PANELS.has(panel.type);

interface DashboardHostProps {
  request: DashboardRenderRequest;
  plugins: Map<string, PanelPlugin>;
  templateSrv: HostTemplateSrv;
  /** The region annotations (as Grafana's annotation query gives them: time, timeEnd, isRegion, text). */
  annotations: DataFrame[];
}

export function DashboardHost({ request, plugins, templateSrv, annotations }: DashboardHostProps) {
  const styles = useStyles2(getStyles);
  const height = gridHeight(
    request.panels.map((p) => p.gridPos),
    request.width
  );
  return (
    <div data-testid="host-dashboard" className={styles.page} style={{ width: request.width }}>
      <h1 className={styles.title}>{request.title}</h1>
      <div className={styles.grid} style={{ height }}>
        {request.panels.map((panel, index) => {
          const rect = gridRect(panel.gridPos, request.width);
          return (
            <div key={panel.id ?? index} className={styles.cell} style={rect}>
              {panel.type === 'row' ? (
                <h2 className={styles.row}>{templateSrv.replace(panel.title)}</h2>
              ) : (
                <DashboardPanel
                  panel={panel}
                  width={rect.width}
                  height={rect.height}
                  request={request}
                  plugin={plugins.get(panel.type)}
                  templateSrv={templateSrv}
                  annotations={annotations}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

interface DashboardPanelProps {
  panel: DashboardPanelModel;
  width: number;
  height: number;
  request: DashboardRenderRequest;
  plugin: PanelPlugin | undefined;
  templateSrv: HostTemplateSrv;
  annotations: DataFrame[];
}

function DashboardPanel({ panel, width, height, request, plugin, templateSrv, annotations }: DashboardPanelProps) {
  const title = templateSrv.replace(panel.title);
  const timeRange = (panel.id !== undefined && request.panelTimeRanges?.[panel.id]) || request.timeRange;
  const timeInfo = timeRange === request.timeRange ? undefined : timeRangeText(timeRange);
  return (
    <PanelChrome title={title} width={width} height={height} titleItems={timeInfo ? [timeInfo] : undefined}>
      {(innerWidth, innerHeight) =>
        isPluginPanel(panel) ? (
          <PluginPanel
            plugin={requirePlugin(plugin, panel.type)}
            request={{
              pluginId: panel.type,
              options: panel.options ?? {},
              pluginVersion: panel.pluginVersion,
              timeRange,
              variables: request.variables,
              width: innerWidth,
              height: innerHeight,
              title,
              timeZone: request.timeZone,
              dashboardUid: request.uid,
              panelId: panel.id ?? 0,
            }}
            templateSrv={templateSrv}
          />
        ) : (
          <QueryPanel
            panel={panel}
            width={innerWidth}
            height={innerHeight}
            request={request}
            templateSrv={templateSrv}
            annotations={annotations}
          />
        )
      }
    </PanelChrome>
  );
}

function requirePlugin(plugin: PanelPlugin | undefined, type: string): PanelPlugin {
  if (!plugin) {
    throw new Error(`the dashboard has a ${type} panel, but no such plugin was loaded`);
  }
  return plugin;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** The panel header's note of a panel's own time range (Grafana shows a time override there). */
function timeRangeText(range: HostTimeRange): string {
  return `${hhmm(range.from)}–${hhmm(range.to)} UTC`;
}

interface QueryPanelProps {
  panel: DashboardPanelModel;
  width: number;
  height: number;
  request: DashboardRenderRequest;
  templateSrv: HostTemplateSrv;
  annotations: DataFrame[];
}

function QueryPanel({ panel, width, height, request, templateSrv, annotations }: QueryPanelProps) {
  const data = useAsyncRetry(() => queryPanel(panel, request, templateSrv), [panel, request, templateSrv]);
  if (data.error) {
    return (
      <div data-testid="host-dashboard-panel" data-state="error">
        <Alert title="The panel's queries failed">{data.error.message}</Alert>
      </div>
    );
  }
  if (!data.value) {
    return null;
  }
  const heatmap = panel.type === 'heatmap';
  return (
    <div data-testid="host-dashboard-panel" data-state="done">
      <PanelRenderer
        pluginId="timeseries"
        title={panel.title}
        data={{ ...data.value, annotations }}
        width={width}
        height={height}
        options={panel.options ?? {}}
        fieldConfig={heatmap ? HEATMAP_AS_STACKED_RATES : (panel.fieldConfig as FieldConfigSource)}
        timeZone={request.timeZone}
      />
    </div>
  );
}

/**
 * Grafana's heatmap panel is a core plugin, not in @grafana/ui: a heatmap panel is drawn with the time series panel
 * instead, each bucket's rate stacked (the histogram over time the heatmap colours, as bands).
 */
const HEATMAP_AS_STACKED_RATES: FieldConfigSource = {
  defaults: {
    unit: 'reqps',
    color: { mode: 'continuous-YlRd' },
    custom: { stacking: { mode: 'normal', group: 'A' }, fillOpacity: 70, lineWidth: 0, showPoints: 'never' },
  },
  overrides: [],
};

async function queryPanel(
  panel: DashboardPanelModel,
  request: DashboardRenderRequest,
  templateSrv: HostTemplateSrv
): Promise<PanelData> {
  const timeRange = toTimeRange(request.timeRange);
  const queries = (panel.targets ?? []).map((target) => {
    const datasource = target.datasource as { uid?: string; type?: string } | undefined;
    return {
      ...target,
      refId: String(target.refId ?? 'A'),
      expr: templateSrv.replace(String(target.expr ?? '')),
      datasource: { ...datasource, uid: templateSrv.replace(datasource?.uid ?? '') },
      intervalMs: request.intervalMs,
      maxDataPoints: request.width,
    };
  });
  const response = await lastValueFrom(
    getBackendSrv().fetch<BackendDataSourceResponse>({
      url: '/api/ds/query',
      method: 'POST',
      data: { queries, from: String(request.timeRange.from), to: String(request.timeRange.to) },
    })
  );
  let series = toDataQueryResponse(response, queries).data as DataFrame[];
  if (panel.type === 'heatmap') {
    series = bucketRates(series);
  }
  const transformations = (panel.transformations ?? []) as DataTransformerConfig[];
  if (transformations.length > 0) {
    series = await lastValueFrom(transformDataFrame(transformations, series));
  }
  return { state: LoadingState.Done, series, timeRange };
}

/** The `le` bound of a bucket series (`+Inf` last). */
function upperBound(frame: DataFrame): number {
  const le = frame.fields.find((f) => f.type === FieldType.number)?.labels?.le;
  return le === '+Inf' ? Infinity : Number(le);
}

/**
 * Cumulative `le` bucket series -> each bucket's own rate (its series minus the one below), sorted by bound, as
 * Grafana's Prometheus data source does for `format: heatmap` (transformToHistogramOverTime). Series of one
 * query share their timestamps (one range query, one step).
 */
function bucketRates(frames: DataFrame[]): DataFrame[] {
  const sorted = frames.filter((f) => Number.isFinite(upperBound(f)) || upperBound(f) === Infinity);
  sorted.sort((a, b) => upperBound(a) - upperBound(b));
  return sorted.map((frame, i) => {
    const below = sorted[i - 1]?.fields.find((f) => f.type === FieldType.number)?.values;
    return createDataFrame({
      ...frame,
      fields: frame.fields.map((field) =>
        field.type === FieldType.number && below
          ? {
              ...field,
              values: field.values.map((v: number | null, row: number) =>
                v === null || below[row] === null ? null : v - (below[row] as number)
              ),
            }
          : field
      ),
    });
  });
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2), boxSizing: 'content-box' }),
  title: css({ margin: theme.spacing(0, 0, 2) }),
  grid: css({ position: 'relative' }),
  cell: css({ position: 'absolute' }),
  row: css({ fontSize: theme.typography.h4.fontSize, margin: 0, lineHeight: '30px' }),
});
