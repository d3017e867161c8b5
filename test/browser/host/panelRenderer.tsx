/**
 * The host's PanelRenderer, set with @grafana/runtime's setPanelRenderer as Grafana's boot does
 * (public/app/app.ts). Grafana's own (public/app/features/panel/components/PanelRenderer.tsx) loads the panel
 * plugin by id, applies the field config to the data (useFieldOverrides -> applyFieldOverrides) and renders the
 * plugin's component. Grafana's core visualisations (timeseries, barchart) are not on npm, so this stand-in applies
 * the field config the same way (applyFieldOverrides from @grafana/data) and draws the frames as a plain SVG:
 * lines over time (regions from the data's annotations, threshold lines), or grouped bars by the string field.
 * What it was given is kept on the figure (`data-panel`: plugin id, title, frames, thresholds, annotations) for
 * the tests to assert on.
 */
import React from 'react';
import { applyFieldOverrides, type DataFrame, FieldType, type Threshold } from '@grafana/data';
import { type PanelRendererProps } from '@grafana/runtime';
import { useTheme2 } from '@grafana/ui';

const PAD = 28;

interface Drawn {
  pluginId: string;
  title: string;
  frames: Array<{ name?: string; fields: Array<{ name: string; type: string; values: unknown[] }> }>;
  thresholds: number[];
  regions: Array<{ time: number; timeEnd: number }>;
}

function describe(props: PanelRendererProps, frames: DataFrame[]): Drawn {
  const steps: Threshold[] = props.fieldConfig?.defaults?.thresholds?.steps ?? [];
  const annotations = props.data?.annotations ?? [];
  return {
    pluginId: props.pluginId,
    title: props.title,
    frames: frames.map((frame) => ({
      name: frame.name,
      fields: frame.fields.map((f) => ({ name: f.name, type: f.type, values: [...f.values] })),
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

export function HostPanelRenderer(props: PanelRendererProps) {
  const theme = useTheme2();
  const { width, height, data } = props;
  const frames = data
    ? applyFieldOverrides({
        data: data.series,
        fieldConfig: { defaults: props.fieldConfig?.defaults ?? {}, overrides: props.fieldConfig?.overrides ?? [] },
        replaceVariables: (text: string) => text,
        theme,
        timeZone: props.timeZone,
      })
    : [];
  const drawn = describe(props, frames);
  const colors = [theme.visualization.getColorByName('green'), theme.colors.text.secondary, theme.colors.primary.main];
  const numbers = frames.flatMap((f) => f.fields.filter((x) => x.type === FieldType.number));
  const values = [
    ...numbers.flatMap((f) => f.values.filter((v): v is number => typeof v === 'number')),
    ...drawn.thresholds,
  ];
  const y = scale([Math.min(0, ...values), Math.max(...values, 0)], [height - PAD, PAD]);
  const timeField = frames[0]?.fields.find((f) => f.type === FieldType.time);
  const categories = frames[0]?.fields.find((f) => f.type === FieldType.string);
  let marks: React.ReactNode = null;
  if (timeField && data) {
    const x = scale([data.timeRange.from.valueOf(), data.timeRange.to.valueOf()], [PAD, width - PAD]);
    marks = (
      <>
        {drawn.regions.map((r) => (
          <rect
            key={r.time}
            x={x(r.time)}
            y={PAD}
            width={x(r.timeEnd) - x(r.time)}
            height={height - 2 * PAD}
            fill="rgba(255,120,10,0.2)"
          />
        ))}
        {drawn.thresholds.map((t) => (
          <line
            key={t}
            x1={PAD}
            x2={width - PAD}
            y1={y(t)}
            y2={y(t)}
            stroke={theme.colors.warning.main}
            strokeDasharray="4 4"
          />
        ))}
        {numbers.map((field, i) => (
          <polyline
            key={field.name}
            fill="none"
            stroke={colors[i % colors.length]}
            strokeDasharray={field.name === 'Baseline' ? '8 6' : undefined}
            points={field.values
              .map((v, row) => (typeof v === 'number' ? `${x(Number(timeField.values[row]))},${y(v)}` : ''))
              .filter(Boolean)
              .join(' ')}
          />
        ))}
      </>
    );
  } else if (categories) {
    const band = (width - 2 * PAD) / Math.max(1, categories.values.length);
    const bar = band / (numbers.length + 1);
    marks = categories.values.map((name, row) => (
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
              fill={colors[i % colors.length]}
            />
          );
        })}
        <text x={PAD + row * band} y={height - 8} fill={theme.colors.text.secondary} fontSize={11}>
          {String(name)}
        </text>
      </g>
    ));
  }
  return (
    <figure
      data-testid="host-panel-renderer"
      data-panel={JSON.stringify(drawn)}
      aria-label={props.title}
      style={{
        margin: 0,
        width,
        border: `1px solid ${theme.colors.border.weak}`,
        borderRadius: theme.shape.radius.default,
      }}
    >
      <figcaption style={{ padding: theme.spacing(0.5, 1), fontSize: theme.typography.bodySmall.fontSize }}>
        {props.title} · {numbers.map((f) => f.name).join(', ')}
      </figcaption>
      <svg width={width} height={height} role="img" aria-label={`${props.pluginId}: ${props.title}`}>
        {marks}
      </svg>
    </figure>
  );
}
