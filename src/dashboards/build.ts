/**
 * The bundled dashboards (Model SLIs, Retrieval, Agents & security), built for a telemetry profile (the
 * contract, OpenTelemetry GenAI, OpenLIT: src/core/profile.ts) from the recording rules of
 * src/alerting/recordings.ts, so that every panel query exists in two forms: the raw one the bundled JSON
 * ships (it works on any Prometheus, with or without our rules, and on history older than them), and the
 * recorded one, an accelerator for those who load the recording rules (`recorded/`). In the recorded form,
 * what a panel sums over the selection reads the rollups (everything, by team) while the segment variables
 * are All, so the All view costs the same at 200 or 20,000 segments. SLIs a profile cannot measure get no
 * panel: one text panel says which are not measured and where to read what to emit.
 * `src/alerting/generate.ts` writes the JSON files; a test checks they are what this module builds.
 */
import {
  type AnnotationQuery,
  type Dashboard,
  type DashboardLink,
  type DataQuery,
  type DataTransformerConfig,
  type FieldConfigSource,
  type Panel,
  type RowPanel,
  type VariableModel,
  VariableHide,
} from '@grafana/schema';

import { type PromqlPair, promql, select } from '../alerting/promql';
import {
  BASELINE_WINDOW,
  type CounterFamily,
  CURRENT_WINDOW,
  distribution,
  type DistributionRecordings,
  type Leveled,
  proportion,
  type ProportionRecordings,
  RANKED_SEGMENTS,
  type Ranking,
  RECORDINGS,
  type Recordings,
  seriesSelector,
} from '../alerting/recordings';
import { INVESTIGATE_REGRESSION, PAGE_REGRESSION } from '../alerting/rules';
import { COMMON_LABELS, type SliId } from '../core/metrics';
import { presetById } from '../core/profile';
import { INCIDENT_TAG, TEAM_TAG_VARIABLE } from '../core/tags';
import { type PresetId } from '../core/settings';
import { OPTIONS_VERSION as IMPACT_PANEL_OPTIONS_VERSION } from '../panels/impact/migration';
import { DEFAULT_OPTIONS as IMPACT_PANEL_DEFAULTS } from '../panels/impact/types';
import { PLUGIN_ID } from '../provisioning/plan';

/** Grafana 12's dashboard schema version. */
export const SCHEMA_VERSION = 41;
const DASHBOARD_TAG = 'aisre';
export const INCIDENTS_PAGE = `/a/${PLUGIN_ID}/incidents`;
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const GRAFANA_DATASOURCE = { type: 'grafana', uid: '-- Grafana --' };

const CURRENT = CURRENT_WINDOW;
type RateWindow = typeof CURRENT | typeof BASELINE_WINDOW;
const INVESTIGATE = 1 + INVESTIGATE_REGRESSION;
const PAGE = 1 + PAGE_REGRESSION;
const pct = (x: number) => `${Math.round(x * 100)}%`;

const BASELINE_NOTE =
  `Dashed lines: the baseline (the trailing ${BASELINE_WINDOW}, so it exists minutes ` +
  `after telemetry starts), and the investigate (${pct(INVESTIGATE_REGRESSION)}) and page (${pct(PAGE_REGRESSION)}) ` +
  `relative regressions from it.`;

/** Grafana's annotation query by tags (its built-in "-- Grafana --" data source). */
type TagsQuery = DataQuery & { type: 'tags'; tags: string[]; matchAny: boolean; limit: number };
/** A Prometheus annotation: the query, and how its series become events. */
type PromAnnotation = AnnotationQuery<DataQuery & { expr: string; interval: string }> & {
  expr: string;
  titleFormat: string;
  textFormat: string;
  tagKeys: string;
  useValueForTime: boolean;
};
/** A query variable as Grafana stores it: with the `definition` its editor shows. */
type QueryVariable = VariableModel & { definition: string };

/** One Prometheus query of a panel, as Grafana stores it. */
type PromTarget = {
  refId: string;
  datasource: typeof DATASOURCE;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
  editorMode: 'code';
  format?: 'heatmap';
};

interface PanelQuery {
  refId: string;
  legend: string;
  expr: PromqlPair;
  format?: 'heatmap';
}

interface DashboardQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: PromqlPair;
}

/** A fixed colour for a series, by its name or a pattern of names. */
interface SeriesColour {
  name?: string;
  pattern?: string;
  colour: string;
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
  /** Investigate and page lines computed from the `Baseline…` series by transformations, not queries. */
  thresholdsFrom?: { baseline: string; bad: 'higher' | 'lower' | 'both' };
  colours?: SeriesColour[];
  /** Colour of series no `colours` entry names (errors of every type but the listed ones). */
  defaultColour?: string;
  min?: number;
}

interface RowSpec {
  row: string;
  panels: PanelSpec[];
}

/** Colours of the outcome, result, status and source values: bad is warm, errors red, timeouts orange. */
const VALUE_COLOURS: Record<string, string> = {
  answered: 'green',
  hit: 'green',
  ok: 'green',
  success: 'green',
  refused: 'purple',
  empty: 'yellow',
  error: 'red',
  timeout: 'orange',
  user: 'red',
  retrieved: 'orange',
  tool: 'purple',
};
/** Each SLI's line, in the colour of its events. */
const SLI_COLOURS: Partial<Record<SliId, string>> = {
  refusal_rate: 'purple',
  error_rate: 'red',
  timeout_rate: 'orange',
  empty_retrieval_rate: 'yellow',
  tool_error_rate: 'red',
  injection_rate: 'red',
};
/** What a series without the split label is called: OpenTelemetry records a success without error.type. */
const UNSET_SPLIT_VALUE: Record<string, string> = { error_type: 'success' };

// ---------------------------------------------------------------------------------------------------
// Queries

/** What every query of one profile's dashboards shares: its recordings, selection and segment labels. */
interface Context {
  recordings: Recordings;
  /** The dashboard's variables as label matchers, on the labels the profile's series carry. */
  selection: string[];
  /** Which variables each level of a rollup leaves out (global: team; team: service, endpoint, model). */
  gates: [string[], string[]];
  segmentLegend: string;
  measured: (id: SliId) => boolean;
}

function contextOf(recordings: Recordings): Context {
  const { labels, unmeasured } = recordings.profile;
  const variablesOf = (names: readonly string[]) => names.map((v) => `$${v}`);
  return {
    recordings,
    selection: COMMON_LABELS.map((v) => `${labels[v]}=~"$${v}"`),
    gates: [variablesOf(['team']), variablesOf(['service', 'endpoint', 'model'])],
    segmentLegend: ['service', 'endpoint', 'model'].map((v) => `{{${labels[v as 'service']}}}`).join(' '),
    measured: (id) => !unmeasured.includes(id),
  };
}

/**
 * `sum by (by)` of a leveled recording over the dashboard's selection. Raw: over the raw series. Recorded:
 * the three levels joined by `or`, each empty unless it is the one that fits the selection: a rollup lacks
 * the labels it summed away, so `service=~"$service"` matches it only while $service is All (`.*` matches
 * the empty value); a finer level is gated off while the coarser one fits, by a `__name__` matcher its own
 * name satisfies only when the variables the coarser level lacks are all `.*`.
 */
function overSelection(ctx: Context, rule: Leveled, by: string[], extra: string[] = []): PromqlPair {
  const sum = (inner: string) => (by.length ? `sum by (${by.join(', ')}) (${inner})` : `sum(${inner})`);
  const [global, team, segment] = rule.levels;
  const matchers = [...extra, ...ctx.selection];
  // Prometheus takes two name matchers only inside the braces: `{__name__="x", __name__!~"x.*"}`.
  const gated = (name: string, variables: string[]) =>
    `{${[`__name__="${name}"`, ...matchers, `__name__!~"${name}${variables.join('')}"`].join(', ')}}`;
  const branches = [
    select(global, matchers).recorded,
    gated(team.name, ctx.gates[0]),
    gated(segment.name, ctx.gates[1]),
  ].map(sum);
  return { raw: sum(select(segment, matchers).raw), recorded: `(\n  ${branches.join('\n  or\n  ')}\n)` };
}

/**
 * The segments that moved most, over the selection. Raw: ranks the selected segments' raw series. Recorded:
 * while every segment variable is All, the ranking rule (its name matches `<name>.*.*.*.*` only then), so the
 * load reads RANKED_SEGMENTS series whatever the fleet; otherwise the selected segments' two per-segment rules,
 * ranked at load time (a selection is a few segments).
 */
function rankedOverSelection(ctx: Context, r: Ranking): PromqlPair {
  const every = ctx.gates.flat().join('');
  const selected = (rule: { name: string }) =>
    `{${[`__name__="${rule.name}"`, ...ctx.selection, `__name__!~"${rule.name}${every}"`].join(', ')}}`;
  const recorded =
    `${r.worst}(${RANKED_SEGMENTS},\n  {__name__="${r.rule.name}", __name__=~"${r.rule.name}${every}"}\n  or\n  ` +
    `${selected(r.current)} / ${selected(r.baseline)} - 1\n)`;
  return { recorded, raw: r.rule.rawWith(ctx.selection) };
}

function leveledRate(family: CounterFamily, window: RateWindow): Leveled {
  const rule = family.leveled[window];
  if (!rule) {
    throw new Error(`${family.metric}: no rollup for ${window}`);
  }
  return rule;
}

function leveledBuckets(d: DistributionRecordings, window: RateWindow): Leveled {
  const rule = d.leveledBuckets[window];
  if (!rule) {
    throw new Error(`${d.sli.id}: no bucket rollup for ${window}`);
  }
  return rule;
}

function proportionOverSelection(ctx: Context, p: ProportionRecordings, window: RateWindow): PromqlPair {
  const events = overSelection(ctx, leveledRate(p.events, window), [], p.eventMatchers);
  const total = overSelection(ctx, leveledRate(p.total, window), []);
  return promql`${events} / ${total}`;
}

function quantileOverSelection(ctx: Context, d: DistributionRecordings, q: number, window: RateWindow) {
  return promql`histogram_quantile(${q}, ${overSelection(ctx, leveledBuckets(d, window), ['le'])})`;
}

/**
 * The investigate and page lines as "Add field from calculation" transformations of the baseline series
 * (Grafana's calculateField, binary mode: the baseline field times a constant), so a panel runs two
 * queries, not six. @grafana/data's calculateField.ts matches `left` by the field's display name, the legend.
 */
function thresholdTransformations(baseline: string, bad: 'higher' | 'lower' | 'both'): DataTransformerConfig[] {
  const lines: Array<[string, number]> = [];
  if (bad !== 'lower') {
    lines.push(
      [`Investigate (+${pct(INVESTIGATE_REGRESSION)})`, INVESTIGATE],
      [`Page (+${pct(PAGE_REGRESSION)})`, PAGE]
    );
  }
  if (bad !== 'higher') {
    lines.push(
      [`Investigate (−${pct(INVESTIGATE_REGRESSION)})`, 1 - INVESTIGATE_REGRESSION],
      [`Page (−${pct(PAGE_REGRESSION)})`, 1 - PAGE_REGRESSION]
    );
  }
  return lines.map(([alias, factor]) => ({
    id: 'calculateField',
    options: {
      mode: 'binary',
      binary: {
        left: { matcher: { id: 'byName', options: baseline } },
        operator: '*',
        right: { fixed: String(Math.round(factor * 100) / 100) },
      },
      alias,
      replaceFields: false,
    },
  }));
}

function proportionPanel(ctx: Context, p: ProportionRecordings, description: string): PanelSpec {
  return {
    title: `${p.sli.title} (share of ${p.sli.totalNoun})`,
    description: `${description} Higher is worse. ${BASELINE_NOTE}`,
    type: 'timeseries',
    unit: 'percentunit',
    min: 0,
    queries: [
      { refId: 'A', legend: p.sli.title, expr: proportionOverSelection(ctx, p, CURRENT) },
      { refId: 'B', legend: 'Baseline', expr: proportionOverSelection(ctx, p, BASELINE_WINDOW) },
    ],
    thresholdsFrom: { baseline: 'Baseline', bad: 'higher' },
    colours: SLI_COLOURS[p.sli.id] ? [{ name: p.sli.title, colour: SLI_COLOURS[p.sli.id]! }] : [],
  };
}

function relativeChangeBySegment(
  ctx: Context,
  title: string,
  description: string,
  slis: ProportionRecordings[]
): PanelSpec {
  return {
    title,
    description:
      `${description} The ${RANKED_SEGMENTS} service/endpoint/model segments that moved most, per SLI: (rate over ${CURRENT}) / ` +
      `(its trailing ${BASELINE_WINDOW} baseline) − 1. Above 0 is worse; the dashed lines are investigate ` +
      `(+${pct(INVESTIGATE_REGRESSION)}) and page (+${pct(PAGE_REGRESSION)}).`,
    type: 'timeseries',
    unit: 'percentunit',
    width: 24,
    thresholdLines: [INVESTIGATE_REGRESSION, PAGE_REGRESSION],
    queries: slis.map((p, i) => ({
      refId: String.fromCharCode(65 + i),
      legend: `${ctx.segmentLegend} ${p.sli.eventNoun}`,
      expr: rankedOverSelection(ctx, p.worst),
    })),
  };
}

function countsBy(ctx: Context, family: CounterFamily, title: string, description: string, unit: string): PanelSpec {
  const split = family.splitLabel;
  const sum = overSelection(ctx, leveledRate(family, CURRENT), [split]);
  const unset = UNSET_SPLIT_VALUE[split];
  const timeouts = split === 'error_type' ? ctx.recordings.profile.timeoutErrorTypes : [];
  return {
    title,
    description,
    type: 'timeseries',
    unit,
    stacked: true,
    queries: [
      {
        refId: 'A',
        legend: `{{${split}}}`,
        expr: unset ? promql`label_replace(${sum}, "${split}", "${unset}", "${split}", "")` : sum,
      },
    ],
    colours: [
      ...Object.entries(VALUE_COLOURS).map(([name, colour]) => ({ name, colour })),
      ...timeouts.map((name) => ({ name, colour: 'orange' })),
    ],
    // Error types are open-ended: every one that is not a success or a timeout is an error.
    defaultColour: split === 'error_type' ? 'red' : undefined,
  };
}

function heatmap(ctx: Context, d: DistributionRecordings, title: string, description: string, unit: string): PanelSpec {
  return {
    title,
    description: `${description} Colour: observations per second in each bucket (over ${CURRENT}).`,
    type: 'heatmap',
    unit,
    queries: [
      {
        refId: 'A',
        legend: '{{le}}',
        format: 'heatmap',
        expr: overSelection(ctx, leveledBuckets(d, CURRENT), ['le']),
      },
    ],
  };
}

/** Quantiles over the selection, with the headline quantile's baseline and thresholds. */
function quantilePanel(
  ctx: Context,
  d: DistributionRecordings,
  title: string,
  description: string,
  unit: string,
  quantiles: number[]
): PanelSpec {
  const bad = d.sli.badDirection;
  const headline = `p${Math.round(d.sli.headlineQuantile * 100)}`;
  const queries: PanelQuery[] = quantiles.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    legend: `p${Math.round(q * 100)}`,
    expr: quantileOverSelection(ctx, d, q, CURRENT),
  }));
  const baseline = `Baseline ${headline}`;
  queries.push({
    refId: String.fromCharCode(65 + quantiles.length),
    legend: baseline,
    expr: quantileOverSelection(ctx, d, d.sli.headlineQuantile, BASELINE_WINDOW),
  });
  const way = { higher: 'Higher is worse', lower: 'Lower is worse', both: 'A move either way is a regression' }[bad];
  return {
    title,
    description: `${description} ${way}; the thresholds apply to ${headline}. ${BASELINE_NOTE}`,
    type: 'timeseries',
    unit,
    queries,
    thresholdsFrom: { baseline, bad },
  };
}

/** The headline quantile of each segment against its baseline, the worst few (the recorded ranking in the All view). */
function headlineChangeBySegment(ctx: Context, d: DistributionRecordings, title: string, description: string) {
  const headline = `p${Math.round(d.sli.headlineQuantile * 100)}`;
  return {
    title,
    description: `${description} The ${RANKED_SEGMENTS} segments whose ${headline} over 30m moved most in the bad direction against their trailing ${BASELINE_WINDOW}: ${headline} / baseline ${headline} − 1. ${d.sli.badDirection === 'lower' ? 'Below 0 is worse' : 'Above 0 is worse'}; the shape of the move is in the heatmap, and the impact panel computes PSI and Jensen–Shannon, which PromQL cannot.`,
    type: 'timeseries' as const,
    unit: 'percentunit',
    width: 24,
    queries: [{ refId: 'A', legend: ctx.segmentLegend, expr: rankedOverSelection(ctx, d.worst) }],
  };
}

// ---------------------------------------------------------------------------------------------------
// The three dashboards, with the panels of the SLIs the profile measures

function modelSlis(ctx: Context): RowSpec[] {
  const has = ctx.measured;
  const proportions = (['refusal_rate', 'error_rate', 'timeout_rate'] as const)
    .filter(has)
    .map((id) => proportion(id, ctx.recordings));
  const requests = proportions[0]?.total;
  const outcome = requests?.splitLabel === 'outcome';
  const words: Record<string, string> = {
    refusal_rate: 'Share of requests the model refused (outcome="refused"), over the selection.',
    error_rate: outcome
      ? 'Share of requests that failed with an error (outcome="error"), over the selection.'
      : 'Share of model calls that failed with an error type that is not a timeout (error_type set), over the selection.',
    timeout_rate: outcome
      ? 'Share of requests that timed out (outcome="timeout"), over the selection.'
      : 'Share of model calls whose error type is a timeout (the timeout error types of the settings), over the selection.',
  };
  const similarity = has('semantic_similarity') ? distribution('semantic_similarity', ctx.recordings) : undefined;
  const shareBelow = (d: DistributionRecordings, window: RateWindow) =>
    promql`${overSelection(ctx, leveledBuckets(d, window), [], ['le="$similarity_threshold"'])} / ${overSelection(ctx, leveledBuckets(d, window), [], ['le="+Inf"'])}`;
  const rows: RowSpec[] = [
    {
      row: 'Traffic and outcomes',
      panels: [
        ...(requests
          ? [
              countsBy(
                ctx,
                requests,
                outcome ? 'Requests by outcome' : 'Model calls by error type',
                outcome
                  ? "LLM requests per second over the selection, by outcome (answered, refused, error, timeout). Growing refused, error and timeout bands are worse; a drop in total traffic is not a regression by itself, but it widens every rate's noise."
                  : "Model calls per second over the selection, by error type (success: no error type; timeouts orange, other errors red). Growing error bands are worse; a drop in total traffic is not a regression by itself, but it widens every rate's noise.",
                'reqps'
              ),
            ]
          : []),
        ...proportions.map((p) => proportionPanel(ctx, p, words[p.sli.id])),
        ...(proportions.length
          ? [
              relativeChangeBySegment(
                ctx,
                `${proportions.map((p) => p.sli.title).join(', ')} vs baseline, by segment`,
                "Which service/endpoint/model moved: the All selection above can hide one endpoint's regression.",
                proportions
              ),
            ]
          : []),
      ],
    },
    {
      row: 'Semantic drift',
      panels: similarity
        ? [
            heatmap(
              ctx,
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
                { refId: 'A', legend: 'Share below threshold', expr: shareBelow(similarity, CURRENT) },
                { refId: 'B', legend: 'Baseline', expr: shareBelow(similarity, BASELINE_WINDOW) },
              ],
              thresholdsFrom: { baseline: 'Baseline', bad: 'higher' },
            },
            quantilePanel(
              ctx,
              similarity,
              'Median similarity vs baseline',
              'Quantiles of the semantic similarity of responses over the selection.',
              'none',
              [0.1, 0.5]
            ),
            headlineChangeBySegment(
              ctx,
              similarity,
              'Similarity drift by segment (median vs baseline)',
              "Which service/endpoint/model drifted: each segment's median similarity against its own baseline."
            ),
          ]
        : [],
    },
    {
      row: 'Output distributions',
      panels: [
        ...(has('confidence')
          ? [
              quantilePanel(
                ctx,
                distribution('confidence', ctx.recordings),
                'Confidence vs baseline',
                "Quantiles of the model's confidence in its responses (0..1).",
                'none',
                [0.1, 0.5]
              ),
              heatmap(
                ctx,
                distribution('confidence', ctx.recordings),
                'Confidence distribution',
                'Model confidence of each response (0..1). Mass moving down is worse.',
                'none'
              ),
            ]
          : []),
        ...(has('response_length')
          ? [
              quantilePanel(
                ctx,
                distribution('response_length', ctx.recordings),
                'Response length vs baseline',
                'Quantiles of output tokens per response (OpenTelemetry gen_ai.client.token.usage, token type output). Truncation shows as a drop, rambling as a rise.',
                'short',
                [0.5, 0.95]
              ),
              heatmap(
                ctx,
                distribution('response_length', ctx.recordings),
                'Response length distribution',
                'Output tokens per response. A move either way is a regression.',
                'short'
              ),
            ]
          : []),
      ],
    },
    {
      row: 'Model latency',
      panels: has('model_latency')
        ? [
            quantilePanel(
              ctx,
              distribution('model_latency', ctx.recordings),
              'Model latency',
              'Duration of each model call (OpenTelemetry gen_ai.client.operation.duration), quantiles over the selection.',
              's',
              [0.5, 0.95, 0.99]
            ),
            heatmap(
              ctx,
              distribution('model_latency', ctx.recordings),
              'Model latency distribution',
              'Duration of each model call. Mass moving up is worse.',
              's'
            ),
          ]
        : [],
    },
  ];
  return rows;
}

function retrieval(ctx: Context): RowSpec[] {
  const retrievals = ctx.measured('empty_retrieval_rate')
    ? proportion('empty_retrieval_rate', ctx.recordings)
    : undefined;
  const latency = ctx.measured('retrieval_latency') ? distribution('retrieval_latency', ctx.recordings) : undefined;
  return [
    {
      row: 'Retrieval results',
      panels: retrievals
        ? [
            countsBy(
              ctx,
              retrievals.events,
              'Retrievals by result',
              'Retrievals per second over the selection, by result (hit, empty, error, timeout). Growing empty, error and timeout bands are worse.',
              'ops'
            ),
            proportionPanel(
              ctx,
              retrievals,
              'Share of retrievals that came back empty or failed (result="empty", "error" or "timeout"): the answer was generated without its context.'
            ),
            relativeChangeBySegment(
              ctx,
              'Empty or failed retrievals vs baseline, by segment',
              'Which service/endpoint/model lost its context.',
              [retrievals]
            ),
          ]
        : [],
    },
    {
      row: 'Retrieval latency',
      panels: latency
        ? [
            quantilePanel(
              ctx,
              latency,
              'Retrieval latency',
              'Duration of each retrieval (vector search and fetch), quantiles over the selection.',
              's',
              [0.5, 0.95, 0.99]
            ),
            heatmap(
              ctx,
              latency,
              'Retrieval latency distribution',
              'Duration of each retrieval. Mass moving up is worse.',
              's'
            ),
          ]
        : [],
    },
  ];
}

function agentsSecurity(ctx: Context): RowSpec[] {
  const toolErrors = ctx.measured('tool_error_rate') ? proportion('tool_error_rate', ctx.recordings) : undefined;
  const injections = ctx.measured('injection_rate') ? proportion('injection_rate', ctx.recordings) : undefined;
  const steps = ctx.measured('agent_steps') ? distribution('agent_steps', ctx.recordings) : undefined;
  const moved = [toolErrors, injections].filter((p): p is ProportionRecordings => p !== undefined);
  return [
    {
      row: 'Agents',
      panels: [
        ...(steps
          ? [
              quantilePanel(
                ctx,
                steps,
                'Agent steps per run',
                'Steps an agent took per run, quantiles over the selection. A rise means loops, retries or bad state passed between steps.',
                'short',
                [0.5, 0.95]
              ),
              heatmap(ctx, steps, 'Agent steps distribution', 'Steps per agent run. Mass moving up is worse.', 'short'),
            ]
          : []),
        ...(toolErrors
          ? [
              countsBy(
                ctx,
                toolErrors.events,
                toolErrors.events.splitLabel === 'status' ? 'Tool calls by status' : 'Tool calls by error type',
                `Agent tool calls per second over the selection, by ${toolErrors.events.splitLabel}. A growing error band is worse.`,
                'ops'
              ),
              proportionPanel(ctx, toolErrors, 'Share of agent tool calls that failed, over the selection.'),
            ]
          : []),
      ],
    },
    {
      row: 'Security',
      panels: [
        ...(injections
          ? [
              {
                title: 'Injection detections by source',
                description:
                  'Prompt-injection detections per request over the selection, by where the text came from: user (direct), retrieved (indirect, from documents) or tool (indirect, from tool output). Higher is worse; a rise from one source points at that surface.',
                type: 'timeseries' as const,
                unit: 'percentunit',
                stacked: true,
                min: 0,
                colours: Object.entries(VALUE_COLOURS).map(([name, colour]) => ({ name, colour })),
                queries: [
                  {
                    refId: 'A',
                    legend: '{{source}}',
                    expr: promql`${overSelection(ctx, leveledRate(injections.events, CURRENT), ['source'])}
  / ignoring (source) group_left ()
${overSelection(ctx, leveledRate(injections.total, CURRENT), [])}`,
                  },
                ],
              },
              proportionPanel(ctx, injections, 'Injection detections (all sources) per request, over the selection.'),
            ]
          : []),
        ...(moved.length
          ? [
              relativeChangeBySegment(
                ctx,
                `${moved.map((p) => p.sli.title).join(' and ')} vs baseline, by segment`,
                'Which service/endpoint/model moved.',
                moved
              ),
            ]
          : []),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// JSON

function variables(ctx: Context, primaryMetric: string, extra: QueryVariable[]): VariableModel[] {
  const { labels } = ctx.recordings.profile;
  const datasource: VariableModel = {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    query: 'prometheus',
    current: { text: '', value: '' },
    hide: VariableHide.dontHide,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
  };
  const chained = COMMON_LABELS.map((variable, index): QueryVariable => {
    const parents = COMMON_LABELS.slice(0, index).map((p) => `${labels[p]}=~"$${p}"`);
    const query = `label_values(${seriesSelector(ctx.recordings.profile, primaryMetric, parents)}, ${labels[variable]})`;
    return {
      type: 'query',
      name: variable,
      label: variable[0].toUpperCase() + variable.slice(1),
      datasource: DATASOURCE,
      query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
      definition: query,
      current: { selected: true, text: ['All'], value: ['$__all'] },
      hide: VariableHide.dontHide,
      includeAll: true,
      multi: true,
      allValue: '.*',
      options: [],
      refresh: 2,
      regex: '',
      sort: 1,
    };
  });
  return [datasource, ...chained, ...extra];
}

/** A build-info series whose labels did not exist one step earlier: a deploy, a prompt or model change. */
function whatChangedExpr(recordings: Recordings): string {
  const { profile } = recordings;
  const labels = [...recordings.segmentLabels, 'response_model', 'prompt_version'].join(', ');
  const selected = seriesSelector(profile, profile.buildInfoMetric, contextOf(recordings).selection);
  // The offset is the step Grafana runs the query at ($__interval), whatever the range, so each change marks
  // exactly one step: a fixed `offset 1m` misses every change once Grafana widens the step past a minute.
  return `count by (${labels}) (${selected})\nunless\ncount by (${labels}) (${selected} offset $__interval)`;
}

function annotations(recordings: Recordings): AnnotationQuery[] {
  const { labels } = recordings.profile;
  const expr = whatChangedExpr(recordings);
  const incidents: Array<AnnotationQuery<TagsQuery>> = [
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
      target: { type: 'tags', tags: [INCIDENT_TAG], matchAny: false, limit: 100, refId: 'Incidents' },
    },
    // Grafana's tag query matches tags exactly (All would ask for the tag `team:.*`): a team's incidents
    // are this second query, off until a team is chosen; per-team provisioned copies turn it on pinned.
    {
      name: 'AI incidents of the selected team',
      datasource: GRAFANA_DATASOURCE,
      enable: false,
      hide: false,
      iconColor: 'dark-red',
      target: {
        type: 'tags',
        tags: [INCIDENT_TAG, TEAM_TAG_VARIABLE],
        matchAny: false,
        limit: 100,
        refId: 'TeamIncidents',
      },
    },
  ];
  const whatChanged: PromAnnotation = {
    name: 'What changed',
    datasource: DATASOURCE,
    enable: true,
    hide: false,
    iconColor: 'purple',
    expr,
    titleFormat: `Changed: {{${labels.endpoint}}} ({{${labels.service}}})`,
    textFormat: `model {{${labels.model}}}, provider returned {{response_model}}, prompt {{prompt_version}}`,
    tagKeys: [...recordings.segmentLabels, 'prompt_version'].join(','),
    useValueForTime: false,
    target: { refId: 'Anno', expr, interval: '1m' },
  };
  return [...incidents, whatChanged];
}

const DASHED = { fill: 'dash', dash: [10, 10] };

function fixedColour(colour: string) {
  return { id: 'color', value: { mode: 'fixed', fixedColor: colour } };
}

function seriesOverrides(spec: PanelSpec): FieldConfigSource['overrides'] {
  const line = (pattern: string, colour: string) => ({
    matcher: { id: 'byRegexp', options: pattern },
    properties: [
      { id: 'custom.lineStyle', value: DASHED },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.lineWidth', value: 1 },
      fixedColour(colour),
    ],
  });
  const colours = (spec.colours ?? []).map((c) => ({
    matcher: c.name !== undefined ? { id: 'byName', options: c.name } : { id: 'byRegexp', options: c.pattern },
    properties: [fixedColour(c.colour)],
  }));
  const thresholds = spec.thresholdsFrom
    ? [line('/^Baseline/', 'blue'), line('/^Investigate/', 'orange'), line('/^Page/', 'red')]
    : [];
  return [...colours, ...thresholds];
}

/** Which form of each query a dashboard ships: raw series (the default) or the recording rules. */
export type QueryForm = keyof PromqlPair;

function panelJson(spec: PanelSpec, id: number, gridPos: Panel['gridPos'], form: QueryForm): Panel {
  const targets: PromTarget[] = spec.queries.map((q) => ({
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
  const steps: Array<{ color: string; value: number | null }> = [{ color: 'green', value: null }];
  (spec.thresholdLines ?? []).forEach((value, i) => steps.push({ color: i === 0 ? 'orange' : 'red', value }));
  return {
    ...base,
    ...(spec.thresholdsFrom
      ? { transformations: thresholdTransformations(spec.thresholdsFrom.baseline, spec.thresholdsFrom.bad) }
      : {}),
    options: {
      // A table legend with the numbers an SRE compares: where it is now, its worst, its usual.
      legend: {
        displayMode: 'table',
        placement: 'bottom',
        showLegend: true,
        calcs: ['lastNotNull', 'max', 'mean'],
        sortBy: 'Max',
        sortDesc: true,
      },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        color: spec.defaultColour ? { mode: 'fixed', fixedColor: spec.defaultColour } : { mode: 'palette-classic' },
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
      overrides: seriesOverrides(spec),
    },
  } as Panel;
}

export interface DashboardDefinition {
  file: string;
  uid: string;
  json: Dashboard;
  queries: DashboardQuery[];
}

interface DashboardMeta {
  file: string;
  /** The contract set's uid and title; other presets' sets add the preset to both. */
  uid: string;
  title: string;
  description: string;
  primaryMetric: string;
  rows: RowSpec[];
  extraVariables?: QueryVariable[];
  /** The SLIs the dashboard is about (empty: all of them); the impact panel reports on the measured ones. */
  slis: SliId[];
}

/** The impact panel (src/panels/impact) near the top of every dashboard: the selected window as a postmortem section. */
function impactPanel(id: number, y: number, slis: SliId[]): Panel {
  return {
    id,
    type: 'aisre-impact-panel',
    // The options' version, so Grafana's migration handler (src/panels/impact/migration.ts) leaves them as written.
    pluginVersion: IMPACT_PANEL_OPTIONS_VERSION,
    title: 'Impact of the selected window',
    description:
      'The postmortem impact section for the time range, or for an ai-incident annotation chosen in the panel: which SLIs got worse against the baseline (in their bad direction only), as distributions. Copy or download it as Markdown or JSON.',
    gridPos: { h: 12, w: 24, x: 0, y },
    datasource: DATASOURCE,
    options: { ...IMPACT_PANEL_DEFAULTS, slis, groupBy: ['endpoint'] },
  };
}

/** What the dashboard's SLIs that this profile cannot measure are, and where to read what to emit. */
function notMeasuredPanel(id: number, y: number, recordings: Recordings, slis: SliId[]): Panel | undefined {
  const missing = recordings.profile.definitions.filter(
    (d) => recordings.profile.unmeasured.includes(d.id) && (slis.length === 0 || slis.includes(d.id))
  );
  if (missing.length === 0) {
    return undefined;
  }
  const preset = presetById(recordings.profile.preset);
  return {
    id,
    type: 'text',
    title: 'Not measured',
    description: `SLIs the ${preset.title} conventions have no signal for: no panel shows them, so no empty chart reads as all clear.`,
    gridPos: { h: 3, w: 24, x: 0, y },
    options: {
      mode: 'markdown',
      content:
        `**Not measured with ${preset.title}:** ${missing.map((d) => d.title).join(', ')}. ` +
        'These SLIs have no panel here. docs/opentelemetry.md says which metric to emit for each.',
    },
  };
}

function dashboard(meta: DashboardMeta, ctx: Context, form: QueryForm): DashboardDefinition | undefined {
  const { profile } = ctx.recordings;
  const rows = meta.rows.filter((r) => r.panels.length > 0);
  if (rows.length === 0) {
    return undefined;
  }
  const contract = profile.preset === 'contract';
  const preset = presetById(profile.preset);
  const uid = contract ? meta.uid : meta.uid.replace(/^aisre-/, `aisre-${profile.preset}-`);
  const title = contract ? meta.title : meta.title.replace(/^AI Reliability/, `AI Reliability (${preset.title})`);
  const tag = contract ? DASHBOARD_TAG : `${DASHBOARD_TAG}-${profile.preset}`;
  const panels: Array<Panel | RowPanel> = [];
  const queries: DashboardQuery[] = [];
  let id = 1;
  let y = 0;
  const measuredSlis = meta.slis.filter(ctx.measured);
  for (const top of [notMeasuredPanel(id, y, ctx.recordings, meta.slis), impactPanel(id + 1, 0, measuredSlis)]) {
    if (top) {
      panels.push({ ...top, id: id++, gridPos: { ...top.gridPos!, y } });
      y += top.gridPos!.h;
    }
  }
  for (const row of rows) {
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
      spec.queries.forEach((q) => queries.push({ dashboard: uid, panel: spec.title, refId: q.refId, expr: q.expr }));
      id++;
      x += w;
    }
    y += 8;
  }
  const links: DashboardLink[] = [
    {
      title: 'AI Reliability',
      type: 'dashboards',
      tags: [tag],
      asDropdown: false,
      includeVars: true,
      keepTime: true,
      targetBlank: false,
      icon: 'external link',
      tooltip: '',
      url: '',
    },
    {
      title: 'AI incidents',
      type: 'link',
      url: INCIDENTS_PAGE,
      tags: [],
      asDropdown: false,
      // The Incidents page reads no dashboard variables; it keeps the time range.
      includeVars: false,
      keepTime: true,
      targetBlank: false,
      icon: 'info',
      tooltip: 'The Incidents page of the AI Reliability app: every ai-incident annotation, its category and impact',
    },
  ];
  const json: Dashboard = {
    id: null,
    uid,
    title,
    description: meta.description,
    tags: [tag, 'ai-reliability'],
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
    annotations: { list: annotations(ctx.recordings) },
    templating: { list: variables(ctx, meta.primaryMetric, meta.extraVariables ?? []) },
    links,
    panels,
  };
  return { file: meta.file, uid, json, queries };
}

/** The bundled dashboards for a profile's recordings (the contract's unless told otherwise), in one query form. */
export function buildDashboards(form: QueryForm = 'raw', recordings: Recordings = RECORDINGS): DashboardDefinition[] {
  const ctx = contextOf(recordings);
  const firstMeasured = (ids: SliId[]) => ids.find(ctx.measured);
  const metricOf = (id: SliId | undefined) => {
    const p = recordings.proportions.find((x) => x.sli.id === id);
    const d = recordings.distributions.find((x) => x.sli.id === id);
    return p ? p.total.metric : d ? `${d.sli.metric}_count` : '';
  };
  const similarity = ctx.measured('semantic_similarity')
    ? `label_values(${seriesSelector(recordings.profile, `${distribution('semantic_similarity', recordings).sli.metric}_bucket`, [])}, le)`
    : undefined;
  const metas: DashboardMeta[] = [
    {
      file: 'model-slis.json',
      uid: 'aisre-model-slis',
      title: 'AI Reliability / Model SLIs',
      description:
        'Refusal, error and timeout rates, semantic drift, output distributions and model latency, against a trailing baseline.',
      primaryMetric: metricOf(firstMeasured(['refusal_rate', 'error_rate', 'model_latency'])),
      rows: modelSlis(ctx),
      slis: [],
      extraVariables: similarity
        ? [
            {
              type: 'query',
              name: 'similarity_threshold',
              label: 'Similarity threshold',
              datasource: DATASOURCE,
              query: { query: similarity, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
              definition: similarity,
              description:
                'A bucket edge of the similarity histogram: the panel shows the share of responses at or below it.',
              current: { selected: true, text: '0.5', value: '0.5' },
              hide: VariableHide.dontHide,
              includeAll: false,
              multi: false,
              options: [],
              refresh: 1,
              regex: '/^[0-9.]+$/',
              sort: 3,
            },
          ]
        : [],
    },
    {
      file: 'retrieval.json',
      uid: 'aisre-retrieval',
      title: 'AI Reliability / Retrieval',
      description: 'Retrieval latency and empty or failed retrievals of RAG endpoints, against a trailing baseline.',
      primaryMetric: metricOf(firstMeasured(['empty_retrieval_rate', 'retrieval_latency'])),
      rows: retrieval(ctx),
      slis: ['empty_retrieval_rate', 'retrieval_latency', 'semantic_similarity'],
    },
    {
      file: 'agents-security.json',
      uid: 'aisre-agents-security',
      title: 'AI Reliability / Agents & security',
      description: 'Agent steps, tool errors and prompt-injection detections by source, against a trailing baseline.',
      primaryMetric: metricOf(firstMeasured(['injection_rate', 'tool_error_rate', 'agent_steps'])),
      rows: agentsSecurity(ctx),
      slis: ['tool_error_rate', 'agent_steps', 'injection_rate'],
    },
  ];
  return metas.map((m) => dashboard(m, ctx, form)).filter((d): d is DashboardDefinition => d !== undefined);
}

/** Where a preset's generated dashboards live under src/dashboards (the contract's at its root). */
export function presetDashboardsDir(preset: PresetId): string {
  return preset === 'contract' ? '' : `presets/${preset}/`;
}
