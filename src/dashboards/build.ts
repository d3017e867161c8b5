/**
 * The three bundled dashboards (Model SLIs, Retrieval, Agents & security), built from the recording
 * rules of src/alerting/recordings.ts so that every panel query exists in two forms: the raw one the
 * bundled JSON ships (it works on any Prometheus, with or without our rules, and on history older than
 * them), and the recorded one, an accelerator for those who load the recording rules
 * (`src/dashboards/recorded/`). `src/alerting/generate.ts` writes
 * the JSON files; a test checks they are what this module builds.
 */
import { type PromqlPair, promql, select } from '../alerting/promql';
import {
  BASELINE_WINDOW,
  counterFamilyOf,
  distribution,
  type DistributionRecordings,
  proportion,
  type ProportionRecordings,
} from '../alerting/recordings';
import { INVESTIGATE_REGRESSION, PAGE_REGRESSION } from '../alerting/rules';
import { BUILD_INFO_METRIC, COMMON_LABELS, type SliId } from '../core/metrics';
import { DEFAULT_OPTIONS as IMPACT_PANEL_DEFAULTS } from '../panels/impact/types';

/** Grafana 12's dashboard schema version. */
export const SCHEMA_VERSION = 41;
export const DASHBOARD_TAG = 'aisre';
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const GRAFANA_DATASOURCE = { type: 'grafana', uid: '-- Grafana --' };

/** The selection of the dashboard's variables, as label matchers. */
const SELECTION = COMMON_LABELS.map((label) => `${label}=~"$${label}"`);
const CURRENT = '5m';
const SEGMENT = 'service, endpoint, model';
const SEGMENT_LEGEND = '{{service}} {{endpoint}} {{model}}';
const INVESTIGATE = 1 + INVESTIGATE_REGRESSION;
const PAGE = 1 + PAGE_REGRESSION;
const pct = (x: number) => `${Math.round(x * 100)}%`;

const BASELINE_NOTE =
  `Dashed lines: the baseline (the trailing ${BASELINE_WINDOW}, so it exists minutes ` +
  `after telemetry starts), and the investigate (${pct(INVESTIGATE_REGRESSION)}) and page (${pct(PAGE_REGRESSION)}) ` +
  `relative regressions from it.`;

export interface PanelQuery {
  refId: string;
  legend: string;
  expr: PromqlPair;
  format?: 'heatmap';
}

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: PromqlPair;
}

interface PanelSpec {
  title: string;
  description: string;
  type: 'timeseries' | 'heatmap';
  unit: string;
  queries: PanelQuery[];
  width?: number;
  stacked?: boolean;
  /** Draw fixed threshold lines (for relative-change panels). */
  thresholdLines?: number[];
  min?: number;
}

interface RowSpec {
  row: string;
  panels: PanelSpec[];
}

// ---------------------------------------------------------------------------------------------------
// Queries

function proportionOverSelection(p: ProportionRecordings, window: typeof CURRENT | typeof BASELINE_WINDOW): PromqlPair {
  const events = select(p.events.rate[window], [p.eventMatcher, ...SELECTION]);
  const total = select(p.total.rate[window], SELECTION);
  return promql`sum(${events}) / sum(${total})`;
}

function quantileOverSelection(d: DistributionRecordings, q: number, window: typeof CURRENT | typeof BASELINE_WINDOW) {
  const buckets = d.buckets[window];
  if (!buckets) {
    throw new Error(`${d.sli.id}: no bucket rule for ${window}`);
  }
  return promql`histogram_quantile(${q}, sum by (le) (${select(buckets, SELECTION)}))`;
}

/** The baseline and the thresholds drawn from it, in the SLI's bad direction. */
function thresholdSeries(baseline: PromqlPair, bad: 'higher' | 'lower' | 'both', first: string): PanelQuery[] {
  const ref = (i: number) => String.fromCharCode(first.charCodeAt(0) + i);
  const queries: PanelQuery[] = [{ refId: ref(0), legend: 'Baseline', expr: baseline }];
  const factors: Array<[string, number]> = [];
  if (bad !== 'lower') {
    factors.push(
      [`Investigate (+${pct(INVESTIGATE_REGRESSION)})`, INVESTIGATE],
      [`Page (+${pct(PAGE_REGRESSION)})`, PAGE]
    );
  }
  if (bad !== 'higher') {
    factors.push(
      [`Investigate (−${pct(INVESTIGATE_REGRESSION)})`, 1 - INVESTIGATE_REGRESSION],
      [`Page (−${pct(PAGE_REGRESSION)})`, 1 - PAGE_REGRESSION]
    );
  }
  factors.forEach(([legend, factor], i) =>
    queries.push({ refId: ref(i + 1), legend, expr: promql`${Math.round(factor * 100) / 100} * ${baseline}` })
  );
  return queries;
}

function proportionPanel(p: ProportionRecordings, description: string): PanelSpec {
  return {
    title: `${p.sli.title} (share of ${p.sli.totalNoun})`,
    description: `${description} Higher is worse. ${BASELINE_NOTE}`,
    type: 'timeseries',
    unit: 'percentunit',
    min: 0,
    queries: [
      { refId: 'A', legend: p.sli.title, expr: proportionOverSelection(p, CURRENT) },
      ...thresholdSeries(proportionOverSelection(p, BASELINE_WINDOW), 'higher', 'B'),
    ],
  };
}

function relativeChangeBySegment(title: string, description: string, slis: ProportionRecordings[]): PanelSpec {
  return {
    title,
    description:
      `${description} Each line is one service/endpoint/model: (rate over ${CURRENT}) / (its trailing ${BASELINE_WINDOW} ` +
      `baseline) − 1. Above 0 is worse; the dashed lines are investigate (+${pct(INVESTIGATE_REGRESSION)}) and ` +
      `page (+${pct(PAGE_REGRESSION)}).`,
    type: 'timeseries',
    unit: 'percentunit',
    width: 24,
    thresholdLines: [INVESTIGATE_REGRESSION, PAGE_REGRESSION],
    queries: slis.map((p, i) => ({
      refId: String.fromCharCode(65 + i),
      legend: `${SEGMENT_LEGEND} ${p.sli.eventNoun}`,
      expr: promql`${select(p.ratio[CURRENT], SELECTION)} / ${select(p.ratio[BASELINE_WINDOW], SELECTION)} - 1`,
    })),
  };
}

function countsBy(metric: string, title: string, description: string, unit: string): PanelSpec {
  const family = counterFamilyOf(metric);
  return {
    title,
    description,
    type: 'timeseries',
    unit,
    stacked: true,
    queries: [
      {
        refId: 'A',
        legend: `{{${family.splitLabel}}}`,
        expr: promql`sum by (${family.splitLabel}) (${select(family.rate[CURRENT], SELECTION)})`,
      },
    ],
  };
}

function heatmap(d: DistributionRecordings, title: string, description: string, unit: string): PanelSpec {
  const buckets = d.buckets[CURRENT];
  if (!buckets) {
    throw new Error(`${d.sli.id}: no bucket rule for ${CURRENT}`);
  }
  return {
    title,
    description: `${description} Colour: observations per second in each bucket (over ${CURRENT}).`,
    type: 'heatmap',
    unit,
    queries: [
      { refId: 'A', legend: '{{le}}', format: 'heatmap', expr: promql`sum by (le) (${select(buckets, SELECTION)})` },
    ],
  };
}

/** Quantiles over the selection, with the headline quantile's baseline and thresholds. */
function quantilePanel(
  d: DistributionRecordings,
  title: string,
  description: string,
  unit: string,
  quantiles: number[]
) {
  const bad = d.sli.badDirection;
  const headline = d.sli.headlineQuantile;
  const queries: PanelQuery[] = quantiles.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    legend: `p${Math.round(q * 100)}`,
    expr: quantileOverSelection(d, q, CURRENT),
  }));
  const baseline = quantileOverSelection(d, headline, BASELINE_WINDOW);
  const thresholds = thresholdSeries(baseline, bad, String.fromCharCode(65 + quantiles.length));
  thresholds[0].legend = `Baseline p${Math.round(headline * 100)}`;
  const way = { higher: 'Higher is worse', lower: 'Lower is worse', both: 'A move either way is a regression' }[bad];
  return {
    title,
    description: `${description} ${way}; the thresholds apply to p${Math.round(headline * 100)}. ${BASELINE_NOTE}`,
    type: 'timeseries' as const,
    unit,
    queries: [...queries, ...thresholds],
  };
}

/** Kolmogorov–Smirnov distance between the current and the baseline distribution, at the bucket edges. */
function ksDistanceBySegment(d: DistributionRecordings): PromqlPair {
  const cdf = (window: typeof CURRENT | typeof BASELINE_WINDOW) => {
    const buckets = d.buckets[window];
    if (!buckets) {
      throw new Error(`${d.sli.id}: no bucket rule for ${window}`);
    }
    return promql`sum by (${SEGMENT}, le) (${select(buckets, SELECTION)})
    / ignoring (le) group_left
  sum by (${SEGMENT}) (${select(buckets, ['le="+Inf"', ...SELECTION])})`;
  };
  return promql`max by (${SEGMENT}) (
  abs(
    ${cdf(CURRENT)}
    -
    ${cdf(BASELINE_WINDOW)}
  )
)`;
}

// ---------------------------------------------------------------------------------------------------
// The three dashboards

function modelSlis(): RowSpec[] {
  const refusals = proportion('refusal_rate');
  const errors = proportion('error_rate');
  const timeouts = proportion('timeout_rate');
  const similarity = distribution('semantic_similarity');
  const confidence = distribution('confidence');
  const length = distribution('response_length');
  const latency = distribution('model_latency');
  const similarity5m = similarity.buckets[CURRENT];
  const similarity1d = similarity.buckets[BASELINE_WINDOW];
  if (!similarity5m || !similarity1d) {
    throw new Error('semantic_similarity: missing bucket rules');
  }
  const shareBelow = (buckets: typeof similarity5m) =>
    promql`sum(${select(buckets, ['le="$similarity_threshold"', ...SELECTION])}) / sum(${select(buckets, ['le="+Inf"', ...SELECTION])})`;
  return [
    {
      row: 'Traffic and outcomes',
      panels: [
        countsBy(
          refusals.total.metric,
          'Requests by outcome',
          "LLM requests per second over the selection, by outcome (answered, refused, error, timeout). Growing refused, error and timeout bands are worse; a drop in total traffic is not a regression by itself, but it widens every rate's noise.",
          'reqps'
        ),
        proportionPanel(refusals, 'Share of requests the model refused (outcome="refused"), over the selection.'),
        proportionPanel(errors, 'Share of requests that failed with an error (outcome="error"), over the selection.'),
        proportionPanel(timeouts, 'Share of requests that timed out (outcome="timeout"), over the selection.'),
        relativeChangeBySegment(
          'Refusals, errors and timeouts vs baseline, by segment',
          "Which service/endpoint/model moved: the All selection above can hide one endpoint's regression.",
          [refusals, errors, timeouts]
        ),
      ],
    },
    {
      row: 'Semantic drift',
      panels: [
        heatmap(
          similarity,
          'Semantic similarity distribution',
          "Cosine similarity of each response to the endpoint's reference set (0..1), over time. Mass moving down is drift: lower is worse.",
          'none'
        ),
        {
          title: 'Share of responses below similarity $similarity_threshold',
          description: `Share of responses whose similarity to the reference set is at or below the threshold variable (a bucket edge of the histogram). Higher is worse. ${BASELINE_NOTE}`,
          type: 'timeseries',
          unit: 'percentunit',
          min: 0,
          queries: [
            { refId: 'A', legend: 'Share below threshold', expr: shareBelow(similarity5m) },
            ...thresholdSeries(shareBelow(similarity1d), 'higher', 'B'),
          ],
        },
        quantilePanel(
          similarity,
          'Median similarity vs baseline',
          'Quantiles of the semantic similarity of responses over the selection.',
          'none',
          [0.1, 0.5]
        ),
        {
          title: 'Similarity drift by segment (KS distance to baseline)',
          description: `Kolmogorov–Smirnov distance between each segment's similarity distribution over ${CURRENT} and over its trailing ${BASELINE_WINDOW}: the largest gap between the two cumulative distributions at the bucket edges (0 = same shape, 1 = disjoint). Higher is worse (more drift); the direction of the move is in the heatmap and the median. The impact panel computes PSI and Jensen–Shannon, which PromQL cannot.`,
          type: 'timeseries',
          unit: 'none',
          min: 0,
          queries: [{ refId: 'A', legend: SEGMENT_LEGEND, expr: ksDistanceBySegment(similarity) }],
        },
      ],
    },
    {
      row: 'Output distributions',
      panels: [
        quantilePanel(
          confidence,
          'Confidence vs baseline',
          "Quantiles of the model's confidence in its responses (0..1).",
          'none',
          [0.1, 0.5]
        ),
        heatmap(
          confidence,
          'Confidence distribution',
          'Model confidence of each response (0..1). Mass moving down is worse.',
          'none'
        ),
        quantilePanel(
          length,
          'Response length vs baseline',
          'Quantiles of output tokens per response (OpenTelemetry gen_ai.client.token.usage, token type output). Truncation shows as a drop, rambling as a rise.',
          'short',
          [0.5, 0.95]
        ),
        heatmap(
          length,
          'Response length distribution',
          'Output tokens per response. A move either way is a regression.',
          'short'
        ),
      ],
    },
    {
      row: 'Model latency',
      panels: [
        quantilePanel(
          latency,
          'Model latency',
          'Duration of each model call (OpenTelemetry gen_ai.client.operation.duration), quantiles over the selection.',
          's',
          [0.5, 0.95, 0.99]
        ),
        heatmap(latency, 'Model latency distribution', 'Duration of each model call. Mass moving up is worse.', 's'),
      ],
    },
  ];
}

function retrieval(): RowSpec[] {
  const retrievals = proportion('empty_retrieval_rate');
  const latency = distribution('retrieval_latency');
  return [
    {
      row: 'Retrieval results',
      panels: [
        countsBy(
          retrievals.events.metric,
          'Retrievals by result',
          'Retrievals per second over the selection, by result (hit, empty, error, timeout). Growing empty, error and timeout bands are worse.',
          'ops'
        ),
        proportionPanel(
          retrievals,
          'Share of retrievals that came back empty or failed (result="empty", "error" or "timeout"): the answer was generated without its context.'
        ),
        relativeChangeBySegment(
          'Empty or failed retrievals vs baseline, by segment',
          'Which service/endpoint/model lost its context.',
          [retrievals]
        ),
      ],
    },
    {
      row: 'Retrieval latency',
      panels: [
        quantilePanel(
          latency,
          'Retrieval latency',
          'Duration of each retrieval (vector search and fetch), quantiles over the selection.',
          's',
          [0.5, 0.95, 0.99]
        ),
        heatmap(latency, 'Retrieval latency distribution', 'Duration of each retrieval. Mass moving up is worse.', 's'),
      ],
    },
  ];
}

function agentsSecurity(): RowSpec[] {
  const toolErrors = proportion('tool_error_rate');
  const injections = proportion('injection_rate');
  const steps = distribution('agent_steps');
  return [
    {
      row: 'Agents',
      panels: [
        quantilePanel(
          steps,
          'Agent steps per run',
          'Steps an agent took per run, quantiles over the selection. A rise means loops, retries or bad state passed between steps.',
          'short',
          [0.5, 0.95]
        ),
        heatmap(steps, 'Agent steps distribution', 'Steps per agent run. Mass moving up is worse.', 'short'),
        countsBy(
          toolErrors.events.metric,
          'Tool calls by status',
          'Agent tool calls per second over the selection, by status. A growing error band is worse.',
          'ops'
        ),
        proportionPanel(toolErrors, 'Share of agent tool calls that failed (status="error"), over the selection.'),
      ],
    },
    {
      row: 'Security',
      panels: [
        {
          title: 'Injection detections by source',
          description:
            'Prompt-injection detections per request over the selection, by where the text came from: user (direct), retrieved (indirect, from documents) or tool (indirect, from tool output). Higher is worse; a rise from one source points at that surface.',
          type: 'timeseries',
          unit: 'percentunit',
          stacked: true,
          min: 0,
          queries: [
            {
              refId: 'A',
              legend: '{{source}}',
              expr: promql`sum by (source) (${select(injections.events.rate[CURRENT], SELECTION)})
  / ignoring (source) group_left
sum(${select(injections.total.rate[CURRENT], SELECTION)})`,
            },
          ],
        },
        proportionPanel(injections, 'Injection detections (all sources) per request, over the selection.'),
        relativeChangeBySegment(
          'Tool errors and injections vs baseline, by segment',
          'Which service/endpoint/model moved.',
          [toolErrors, injections]
        ),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// JSON

function variables(primaryMetric: string, extra: object[]) {
  const datasource = {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    query: 'prometheus',
    current: {},
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
  };
  const chained = COMMON_LABELS.map((label, index) => {
    const parents = COMMON_LABELS.slice(0, index).map((p) => `${p}=~"$${p}"`);
    const query = `label_values(${parents.length ? `${primaryMetric}{${parents.join(', ')}}` : primaryMetric}, ${label})`;
    return {
      type: 'query',
      name: label,
      label: label[0].toUpperCase() + label.slice(1),
      datasource: DATASOURCE,
      query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
      definition: query,
      current: { selected: true, text: ['All'], value: ['$__all'] },
      hide: 0,
      includeAll: true,
      multi: true,
      allValue: '.*',
      options: [],
      refresh: 2,
      regex: '',
      sort: 1,
    };
  });
  return { list: [datasource, ...chained, ...extra] };
}

function annotations() {
  const labels = [...COMMON_LABELS, 'response_model', 'prompt_version'].join(', ');
  const selected = `${BUILD_INFO_METRIC}{${SELECTION.join(', ')}}`;
  // A build-info series whose labels did not exist a step earlier: a deploy, a prompt or model change,
  // or the provider answering with another model. Step and offset agree, so each change marks one point.
  const whatChanged = `count by (${labels}) (${selected})\nunless\ncount by (${labels}) (${selected} offset 1m)`;
  return {
    list: [
      {
        builtIn: 1,
        datasource: GRAFANA_DATASOURCE,
        enable: true,
        hide: true,
        iconColor: 'rgba(0, 211, 255, 1)',
        name: 'Annotations & Alerts',
        type: 'dashboard',
      },
      {
        name: 'AI incidents',
        datasource: GRAFANA_DATASOURCE,
        enable: true,
        hide: false,
        iconColor: 'red',
        target: { type: 'tags', tags: ['ai-incident'], matchAny: true, limit: 100 },
      },
      {
        name: 'What changed',
        datasource: DATASOURCE,
        enable: true,
        hide: false,
        iconColor: 'purple',
        expr: whatChanged,
        step: '60s',
        titleFormat: 'Changed: {{endpoint}} ({{service}})',
        textFormat: 'model {{model}}, provider returned {{response_model}}, prompt {{prompt_version}}',
        tagKeys: 'team,service,endpoint,model,prompt_version',
        useValueForTime: false,
        target: { refId: 'Anno', expr: whatChanged, interval: '60s' },
      },
    ],
  };
}

const DASHED = { fill: 'dash', dash: [10, 10] };

function thresholdOverrides() {
  const line = (pattern: string, color: string) => ({
    matcher: { id: 'byRegexp', options: pattern },
    properties: [
      { id: 'custom.lineStyle', value: DASHED },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.lineWidth', value: 1 },
      { id: 'color', value: { mode: 'fixed', fixedColor: color } },
    ],
  });
  return [line('/^Baseline/', 'blue'), line('/^Investigate/', 'orange'), line('/^Page/', 'red')];
}

/** Which form of each query a dashboard ships: raw series (the default) or the recording rules. */
export type QueryForm = keyof PromqlPair;

function panelJson(spec: PanelSpec, id: number, gridPos: object, form: QueryForm) {
  const targets = spec.queries.map((q) => ({
    refId: q.refId,
    datasource: DATASOURCE,
    expr: q.expr[form],
    legendFormat: q.legend,
    range: true,
    instant: false,
    editorMode: 'code',
    ...(q.format ? { format: q.format } : {}),
  }));
  const base = {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    targets,
  };
  if (spec.type === 'heatmap') {
    return {
      ...base,
      options: {
        calculate: false,
        cellGap: 1,
        color: { mode: 'scheme', scheme: 'Oranges', steps: 64, exponent: 0.5, fill: 'dark-orange', reverse: false },
        yAxis: { axisPlacement: 'left', unit: spec.unit, reverse: false },
        rowsFrame: { layout: 'le' },
        tooltip: { mode: 'single', yHistogram: true, showColorScale: false },
        legend: { show: true },
        exemplars: { color: 'rgba(255,0,255,0.7)' },
        cellValues: {},
        filterValues: { le: 1e-9 },
      },
      fieldConfig: {
        defaults: {
          custom: { hideFrom: { legend: false, tooltip: false, viz: false }, scaleDistribution: { type: 'linear' } },
        },
        overrides: [],
      },
    };
  }
  const steps = [{ color: 'green', value: null }];
  (spec.thresholdLines ?? []).forEach((value, i) =>
    steps.push({ color: i === 0 ? 'orange' : 'red', value: value as never })
  );
  return {
    ...base,
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        color: { mode: 'palette-classic' },
        thresholds: { mode: 'absolute', steps },
        custom: {
          drawStyle: 'line',
          lineWidth: 2,
          fillOpacity: spec.stacked ? 40 : 0,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: spec.stacked ? 'normal' : 'none', group: 'A' },
          thresholdsStyle: { mode: spec.thresholdLines ? 'dashed' : 'off' },
          axisSoftMin: spec.min,
        },
      },
      overrides: spec.stacked ? [] : thresholdOverrides(),
    },
  };
}

export interface DashboardDefinition {
  file: string;
  uid: string;
  json: Record<string, unknown>;
  queries: DashboardQuery[];
}

interface DashboardMeta {
  file: string;
  uid: string;
  title: string;
  description: string;
  primaryMetric: string;
  rows: RowSpec[];
  extraVariables?: object[];
  /** The SLIs the impact panel reports on (empty: all of them). */
  impactSlis: SliId[];
}

/** The impact panel (src/panels/impact) at the foot of every dashboard: the selected window as a postmortem section. */
function impactPanel(id: number, y: number, slis: SliId[]) {
  return {
    id,
    type: 'aisre-impact-panel',
    title: 'Impact of the selected window',
    description:
      'The postmortem impact section for the time range, or for an ai-incident annotation chosen in the panel: which SLIs got worse against the baseline (in their bad direction only), as distributions. Copy or download it as Markdown or JSON.',
    gridPos: { h: 16, w: 24, x: 0, y },
    datasource: DATASOURCE,
    options: { ...IMPACT_PANEL_DEFAULTS, slis, groupBy: ['endpoint'] },
  };
}

function dashboard(meta: DashboardMeta, form: QueryForm): DashboardDefinition {
  const panels: object[] = [];
  const queries: DashboardQuery[] = [];
  let id = 1;
  let y = 0;
  for (const row of meta.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.row,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const spec of row.panels) {
      const w = spec.width ?? 12;
      if (x + w > 24) {
        x = 0;
        y += 8;
      }
      panels.push(panelJson(spec, id, { h: 8, w, x, y }, form));
      spec.queries.forEach((q) =>
        queries.push({ dashboard: meta.uid, panel: spec.title, refId: q.refId, expr: q.expr })
      );
      id++;
      x += w;
    }
    y += 8;
  }
  panels.push(impactPanel(id++, y, meta.impactSlis));
  const json = {
    id: null,
    uid: meta.uid,
    title: meta.title,
    description: meta.description,
    tags: [DASHBOARD_TAG, 'ai-reliability'],
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: '1m',
    schemaVersion: SCHEMA_VERSION,
    revision: 1,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    weekStart: '',
    annotations: annotations(),
    templating: variables(meta.primaryMetric, meta.extraVariables ?? []),
    links: [
      {
        title: 'AI Reliability',
        type: 'dashboards',
        tags: [DASHBOARD_TAG],
        asDropdown: false,
        includeVars: true,
        keepTime: true,
        targetBlank: false,
        icon: 'external link',
        tooltip: '',
        url: '',
      },
    ],
    panels,
  };
  return { file: meta.file, uid: meta.uid, json, queries };
}

export function buildDashboards(form: QueryForm = 'raw'): DashboardDefinition[] {
  const requests = proportion('refusal_rate').total.metric;
  return [
    dashboard(
      {
        file: 'model-slis.json',
        uid: 'aisre-model-slis',
        title: 'AI Reliability / Model SLIs',
        description:
          'Refusal, error and timeout rates, semantic drift, output distributions and model latency, against a trailing baseline.',
        primaryMetric: requests,
        rows: modelSlis(),
        impactSlis: [],
        extraVariables: [
          {
            type: 'query',
            name: 'similarity_threshold',
            label: 'Similarity threshold',
            datasource: DATASOURCE,
            query: {
              query: `label_values(${distribution('semantic_similarity').sli.metric}_bucket, le)`,
              refId: 'PrometheusVariableQueryEditor-VariableQuery',
            },
            definition: `label_values(${distribution('semantic_similarity').sli.metric}_bucket, le)`,
            description:
              'A bucket edge of the similarity histogram: the panel shows the share of responses at or below it.',
            current: { selected: true, text: '0.5', value: '0.5' },
            hide: 0,
            includeAll: false,
            multi: false,
            options: [],
            refresh: 1,
            regex: '/^[0-9.]+$/',
            sort: 3,
          },
        ],
      },
      form
    ),
    dashboard(
      {
        file: 'retrieval.json',
        uid: 'aisre-retrieval',
        title: 'AI Reliability / Retrieval',
        description: 'Retrieval latency and empty or failed retrievals of RAG endpoints, against a trailing baseline.',
        primaryMetric: proportion('empty_retrieval_rate').events.metric,
        rows: retrieval(),
        impactSlis: ['empty_retrieval_rate', 'retrieval_latency', 'semantic_similarity'],
      },
      form
    ),
    dashboard(
      {
        file: 'agents-security.json',
        uid: 'aisre-agents-security',
        title: 'AI Reliability / Agents & security',
        description: 'Agent steps, tool errors and prompt-injection detections by source, against a trailing baseline.',
        primaryMetric: requests,
        rows: agentsSecurity(),
        impactSlis: ['tool_error_rate', 'agent_steps', 'injection_rate'],
      },
      form
    ),
  ];
}

/** Every panel query of every dashboard, in both forms (for the benchmark). */
export function dashboardQueries(): DashboardQuery[] {
  return buildDashboards().flatMap((d) => d.queries);
}
