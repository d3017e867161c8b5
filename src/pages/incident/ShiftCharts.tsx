/**
 * The shift, drawn with Grafana's own visualisations (PanelRenderer from @grafana/runtime, so the charts look and
 * behave like every Grafana panel): for every finding that is not OK, the SLI over the baseline and the window
 * (the window shaded as a region, the baseline level and the investigate/page thresholds drawn), and for
 * distributions the window's share of observations per bucket against the baseline's (the report's own `buckets`,
 * the shares PSI and KS compare).
 */
import { css } from '@emotion/css';
import {
  createDataFrame,
  dateTime,
  type DataFrame,
  FieldType,
  type GrafanaTheme2,
  LoadingState,
  type PanelData,
  ThresholdsMode,
} from '@grafana/data';
import { PanelRenderer } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import React from 'react';
import { useAsyncRetry, useMeasure } from 'react-use';
import { type BucketShares, type DistributionFinding, type Finding } from '../../core/report';
import { type ImpactReady } from '../../shared/impact/impact';
import { findingsNeedingAttention, sliLabel } from '../../shared/impact/ImpactReportView';
import { TryAgain } from '../../shared/impact/ImpactStateMessage';
import { readShiftSeries, shiftLevels, type ShiftPoint } from './shift';

const CHART_HEIGHT = 220;

/** Grafana's unit ids for the contract's units. */
function unitOf(finding: Finding): string {
  if (finding.kind === 'proportion') {
    return 'percentunit';
  }
  return { seconds: 's', ratio: 'percentunit', tokens: 'short', steps: 'short' }[finding.unit] ?? 'short';
}

function timeRangeOf(ready: ImpactReady): PanelData['timeRange'] {
  const from = dateTime(Math.min(ready.context.baseline.from, ready.context.window.from) * 1000);
  const to = dateTime(ready.context.window.to * 1000);
  return { from, to, raw: { from, to } };
}

/** The window as a region annotation, as Grafana's time series panel draws annotations it is given. */
function windowAnnotation(ready: ImpactReady): DataFrame {
  return createDataFrame({
    name: 'window',
    fields: [
      { name: 'time', type: FieldType.time, values: [ready.context.window.from * 1000] },
      { name: 'timeEnd', type: FieldType.time, values: [ready.context.window.to * 1000] },
      { name: 'isRegion', type: FieldType.boolean, values: [true] },
      { name: 'text', type: FieldType.string, values: ['Incident window'] },
      { name: 'color', type: FieldType.string, values: ['rgba(255, 120, 10, 0.25)'] },
    ],
  });
}

/** The SLI and its baseline level over time: one frame, as a Prometheus query would give it. */
function seriesFrame(finding: Finding, points: ShiftPoint[], baseline: number | null): DataFrame {
  return createDataFrame({
    name: finding.title,
    fields: [
      { name: 'Time', type: FieldType.time, values: points.map((p) => p.time) },
      { name: finding.title, type: FieldType.number, values: points.map((p) => p.value) },
      { name: 'Baseline', type: FieldType.number, values: points.map(() => baseline) },
    ],
  });
}

/** Each bucket's share of the window's observations against the baseline's: the report's own numbers. */
function bucketsFrame(finding: DistributionFinding, buckets: BucketShares): DataFrame {
  return createDataFrame({
    name: `${finding.title} buckets`,
    fields: [
      { name: 'le', type: FieldType.string, values: [...buckets.le] },
      { name: 'Baseline', type: FieldType.number, values: [...buckets.baseline] },
      { name: 'Window', type: FieldType.number, values: [...buckets.window] },
    ],
  });
}

function TimeSeriesChart({
  ready,
  finding,
  points,
  width,
}: {
  ready: ImpactReady;
  finding: Finding;
  points: ShiftPoint[];
  width: number;
}) {
  const levels = shiftLevels(finding, ready.report.thresholds, ready.context.definitions);
  const steps = [
    ...levels.investigate.map((value) => ({ value, color: 'orange' })),
    ...levels.page.map((value) => ({ value, color: 'red' })),
  ].sort((a, b) => a.value - b.value);
  const data: PanelData = {
    state: LoadingState.Done,
    series: [seriesFrame(finding, points, levels.baseline)],
    annotations: [windowAnnotation(ready)],
    timeRange: timeRangeOf(ready),
  };
  return (
    <PanelRenderer
      pluginId="timeseries"
      title={`${sliLabel(finding)} over the baseline and the window`}
      data={data}
      width={width}
      height={CHART_HEIGHT}
      options={{ legend: { showLegend: true, displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } }}
      fieldConfig={{
        defaults: {
          unit: unitOf(finding),
          thresholds: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'transparent' }, ...steps] },
          custom: { thresholdsStyle: { mode: 'dashed' }, spanNulls: false },
        },
        overrides: [
          {
            matcher: { id: 'byName', options: 'Baseline' },
            properties: [
              { id: 'color', value: { mode: 'fixed', fixedColor: 'text' } },
              { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
            ],
          },
        ],
      }}
    />
  );
}

/** The buckets on the x axis (their upper bound `le`, in the SLI's unit), each side's share of observations as bars. */
function BucketsChart({
  ready,
  finding,
  buckets,
  width,
}: {
  ready: ImpactReady;
  finding: DistributionFinding;
  buckets: BucketShares;
  width: number;
}) {
  const data: PanelData = {
    state: LoadingState.Done,
    series: [bucketsFrame(finding, buckets)],
    timeRange: timeRangeOf(ready),
  };
  return (
    <PanelRenderer
      pluginId="barchart"
      title={`${sliLabel(finding)}: share of observations per bucket (le, ${finding.unit}), window against baseline`}
      data={data}
      width={width}
      height={CHART_HEIGHT}
      options={{
        xField: 'le',
        showValue: 'never',
        legend: { showLegend: true, displayMode: 'list', placement: 'bottom' },
      }}
      fieldConfig={{
        defaults: { unit: 'percentunit', min: 0 },
        overrides: [
          {
            matcher: { id: 'byName', options: 'Baseline' },
            properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'text' } }],
          },
        ],
      }}
    />
  );
}

function readAll(ready: ImpactReady, findings: Finding[]) {
  return Promise.all(findings.map((finding) => readShiftSeries(ready.context, finding)));
}

export function ShiftCharts({ ready }: { ready: ImpactReady }) {
  const styles = useStyles2(getStyles);
  const [measure, { width }] = useMeasure<HTMLDivElement>();
  const findings = findingsNeedingAttention(ready.report);
  const series = useAsyncRetry(() => readAll(ready, findings), [ready]);
  if (findings.length === 0) {
    return null;
  }
  const chartWidth = Math.max(240, Math.floor(width));
  return (
    <div ref={measure} className={styles.charts} data-testid="incident-shift-charts">
      {series.loading && <LoadingPlaceholder text="Drawing the SLIs over the baseline and the window…" />}
      {series.error && (
        <Alert severity="warning" title="The charts could not be drawn">
          {series.error.message} The report below is unaffected.
          <TryAgain onRetry={series.retry} />
        </Alert>
      )}
      {series.value &&
        width > 0 &&
        findings.map((finding, i) => (
          <figure
            key={`${finding.sli}${JSON.stringify(finding.segment)}`}
            className={styles.figure}
            data-testid="incident-shift-chart"
            data-sli={finding.sli}
          >
            {series.value?.[i] && (
              <TimeSeriesChart ready={ready} finding={finding} points={series.value[i]!} width={chartWidth} />
            )}
            {finding.kind === 'distribution' && finding.buckets && (
              <BucketsChart ready={ready} finding={finding} buckets={finding.buckets} width={chartWidth} />
            )}
          </figure>
        ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  charts: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(2)};
  `,
  figure: css`
    margin: 0;
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
  `,
});
