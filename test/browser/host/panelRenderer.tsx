/**
 * The host's PanelRenderer, set with @grafana/runtime's setPanelRenderer as Grafana's boot does
 * (public/app/app.ts). Grafana's own (public/app/features/panel/components/PanelRenderer.tsx) loads the panel
 * plugin by id, applies the field config to the data (useFieldOverrides -> applyFieldOverrides) and renders the
 * plugin's component. Grafana's core panel plugins are not on npm, so this stand-in applies the field config the same
 * way (applyFieldOverrides from @grafana/data, over the time series panel's field defaults) and draws:
 * - `timeseries`: @grafana/ui's TimeSeries, the uPlot chart Grafana's time series panel is built on (legend,
 *   axes, threshold lines from `custom.thresholdsStyle`), with the data's region annotations shaded;
 * - anything else: a plain SVG of grouped bars by the string field (the bar chart panel is not in @grafana/ui), each
 *   field's bars in its series colour, over the bar chart panel's field defaults for `barchart`.
 * What it was given is kept on the figure (`data-panel`: plugin id, title, frames, thresholds, annotations) for
 * the tests to assert on.
 */
import React, { useLayoutEffect } from 'react';
import {
  applyFieldOverrides,
  type DataFrame,
  FieldType,
  getFieldSeriesColor,
  type GrafanaTheme2,
  type Threshold,
} from '@grafana/data';
import { type PanelRendererProps } from '@grafana/runtime';
import { LegendDisplayMode, type VizLegendOptions } from '@grafana/schema';
import { TimeSeries, type UPlotConfigBuilder, useTheme2 } from '@grafana/ui';

import { barChartDefaults, timeSeriesDefaults, timeSeriesFieldConfigRegistry } from './fieldConfig';

const PAD = 28;

interface Drawn {
  pluginId: string;
  title: string;
  /** Each field as drawn; `colour` is the series colour its field config gives (palette, overrides). */
  frames: Array<{ name?: string; fields: Array<{ name: string; type: string; values: unknown[]; colour: string }> }>;
  thresholds: number[];
  regions: Array<{ time: number; timeEnd: number }>;
}

function describe(props: PanelRendererProps, frames: DataFrame[], theme: GrafanaTheme2): Drawn {
  const steps: Threshold[] = props.fieldConfig?.defaults?.thresholds?.steps ?? [];
  const annotations = props.data?.annotations ?? [];
  return {
    pluginId: props.pluginId,
    title: props.title,
    frames: frames.map((frame) => ({
      name: frame.name,
      fields: frame.fields.map((f) => ({
        name: f.name,
        type: f.type,
        values: [...f.values],
        colour: getFieldSeriesColor(f, theme).color,
      })),
    })),
    thresholds: steps.map((s) => s.value).filter((v): v is number => v !== null && Number.isFinite(v)),
    regions: annotations.flatMap((a) => {
      const time = a.fields.find((f) => f.name === 'time')?.values ?? [];
      const end = a.fields.find((f) => f.name === 'timeEnd')?.values ?? [];
      return time.map((t, i) => ({ time: Number(t), timeEnd: Number(end[i]) }));
    }),
  };
}

function scale(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  return (v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]);
}

const DEFAULT_LEGEND: VizLegendOptions = {
  showLegend: true,
  displayMode: LegendDisplayMode.List,
  placement: 'bottom',
  calcs: [],
};

type Region = Drawn['regions'][number];

/** Shades each region over the plot, as the time series panel's annotations plugin draws a region annotation. */
function RegionsPlugin({
  config,
  regions,
  theme,
}: {
  config: UPlotConfigBuilder;
  regions: Region[];
  theme: GrafanaTheme2;
}) {
  useLayoutEffect(() => {
    config.addHook('draw', (u) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = theme.visualization.getColorByName('rgba(242, 73, 92, 0.15)');
      for (const region of regions) {
        const left = u.valToPos(region.time, 'x', true);
        const right = u.valToPos(region.timeEnd, 'x', true);
        ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
      }
      ctx.restore();
    });
  }, [config, regions, theme]);
  return null;
}

/** Grouped bars by the string field: what the bar chart panel would show, as a plain SVG. */
function Bars({
  frames,
  width,
  height,
  theme,
  thresholds,
}: {
  frames: DataFrame[];
  width: number;
  height: number;
  theme: GrafanaTheme2;
  thresholds: number[];
}) {
  const numbers = frames.flatMap((f) => f.fields.filter((x) => x.type === FieldType.number));
  const values = [...numbers.flatMap((f) => f.values.filter((v): v is number => typeof v === 'number')), ...thresholds];
  const y = scale([Math.min(0, ...values), Math.max(...values, 0)], [height - PAD, PAD]);
  const categories = frames[0]?.fields.find((f) => f.type === FieldType.string);
  if (!categories) {
    return <svg width={width} height={height} role="img" />;
  }
  const band = (width - 2 * PAD) / Math.max(1, categories.values.length);
  const bar = band / (numbers.length + 1);
  return (
    <svg width={width} height={height} role="img">
      {categories.values.map((name, row) => (
        <g key={String(name)}>
          {numbers.map((field, i) => {
            const v = Number(field.values[row] ?? 0);
            return (
              <rect
                key={field.name}
                x={PAD + row * band + i * bar}
                y={y(v)}
                width={bar * 0.9}
                height={y(0) - y(v)}
                fill={getFieldSeriesColor(field, theme).color}
                data-field={field.name}
              />
            );
          })}
          <text x={PAD + row * band} y={height - 8} fill={theme.colors.text.secondary} fontSize={11}>
            {String(name)}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function HostPanelRenderer(props: PanelRendererProps) {
  const theme = useTheme2();
  const { width, height, data } = props;
  const isTimeSeries = props.pluginId === 'timeseries';
  const given = props.fieldConfig?.defaults ?? {};
  const defaults = isTimeSeries
    ? timeSeriesDefaults(given)
    : props.pluginId === 'barchart'
      ? barChartDefaults(given)
      : given;
  const frames = data
    ? applyFieldOverrides({
        data: data.series,
        fieldConfig: {
          defaults,
          overrides: props.fieldConfig?.overrides ?? [],
        },
        fieldConfigRegistry: isTimeSeries ? timeSeriesFieldConfigRegistry() : undefined,
        replaceVariables: (text: string) => text,
        theme,
        timeZone: props.timeZone,
      })
    : [];
  const drawn = describe(props, frames, theme);
  const hasTime = frames.some((f) => f.fields.some((x) => x.type === FieldType.time));
  const options = (props.options ?? {}) as { legend?: Partial<VizLegendOptions> };
  return (
    <figure
      data-testid="host-panel-renderer"
      data-panel={JSON.stringify(drawn)}
      aria-label={props.title}
      style={{ margin: 0, width, height }}
    >
      {isTimeSeries && hasTime && data ? (
        <TimeSeries
          frames={frames}
          timeRange={data.timeRange}
          timeZone={props.timeZone ?? 'browser'}
          width={width}
          height={height}
          legend={{ ...DEFAULT_LEGEND, ...options.legend }}
          options={props.options}
        >
          {(config) => <RegionsPlugin config={config} regions={drawn.regions} theme={theme} />}
        </TimeSeries>
      ) : (
        <Bars frames={frames} width={width} height={height} theme={theme} thresholds={drawn.thresholds} />
      )}
    </figure>
  );
}
