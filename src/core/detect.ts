/**
 * Which convention a Prometheus' telemetry follows, and what the app can compute from it: the preset that fits,
 * per SLI computable or not and why, and which labels can segment. Only bounded instant queries (`count by
 * (__name__)` over known names, `count(...)` and `topk(20, ...)` per SLI), through the MetricsSource every face
 * uses: `aisre doctor` and the Configuration page's Detect button run this same code.
 */
import { ownLabels, type SliId } from './metrics';
import {
  labelsOfSeries,
  presentMetricNames,
  presetById,
  PRESETS,
  profileFromSettings,
  settleNames,
  type TelemetryProfile,
} from './profile';
import { type AppSettings, type ContractMetric, type PresetId } from './settings';
import { type MetricsSource } from './source';

interface SliAvailability {
  sli: SliId;
  title: string;
  computable: boolean;
  /** The series it reads, or why it cannot be computed. */
  why: string;
  /** Labels its series carry that a report can be split by. */
  segmentLabels: string[];
}

interface PresetFit {
  preset: PresetId;
  /** Whether the data carries this convention's marks (not just series another convention shares). */
  fits: boolean;
  computable: number;
}

export interface Detection {
  /** The preset chosen, or null when nothing this app reads is there. */
  preset: PresetId | null;
  profile: TelemetryProfile;
  /** Metric names that differ from the preset's defaults (the unsuffixed JS exporter names): pin these. */
  pinnedNames: Partial<Record<ContractMetric, string>>;
  fits: PresetFit[];
  slis: SliAvailability[];
  /** Union of the segmentable labels of the computable SLIs, with their number of distinct values. */
  segmentLabels: Array<{ label: string; values: number }>;
}

/** Labels no report is split by: the histogram's own, and scrape bookkeeping. */
const NEVER_SEGMENTS = new Set(['__name__', 'le', 'otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url']);

function seriesOf(profile: TelemetryProfile, sli: TelemetryProfile['definitions'][number]): string {
  const metric = sli.kind === 'distribution' ? `${sli.metric}_bucket` : sli.metric;
  return `${metric}{${sli.matchers ?? ''}}`;
}

async function availability(
  source: MetricsSource,
  profile: TelemetryProfile,
  present: Set<string>,
  time: number
): Promise<SliAvailability[]> {
  const preset = presetById(profile.preset);
  return Promise.all(
    profile.definitions.map(async (sli): Promise<SliAvailability> => {
      const base = { sli: sli.id, title: sli.title, segmentLabels: [] as string[] };
      const series = seriesOf(profile, sli);
      const name = sli.kind === 'distribution' ? `${sli.metric}_bucket` : sli.metric;
      const unmeasured = preset.unmeasured.includes(sli.id);
      const noSignal = unmeasured
        ? `${preset.title} has no signal for it; emit ${name} (see docs/opentelemetry.md)`
        : `no series ${series}`;
      if (!present.has(name)) {
        return { ...base, computable: false, why: noSignal };
      }
      const [count] = await source.instantQuery(`count(${series})`, time);
      if (!count || !(count.value > 0)) {
        return { ...base, computable: false, why: `${name} exists, but no series matches ${series}` };
      }
      const totals = sli.kind === 'proportion' && sli.totalMetric && !present.has(sli.totalMetric);
      if (totals) {
        return {
          ...base,
          computable: false,
          why: `no total: ${sli.kind === 'proportion' ? sli.totalMetric : ''} has no series`,
        };
      }
      const own = new Set(ownLabels(sli));
      const labels = [...(await labelsOfSeries(source, series, time, 20))].filter(
        (l) => !NEVER_SEGMENTS.has(l) && !own.has(l)
      );
      return { ...base, computable: true, why: `${count.value} series ${series}`, segmentLabels: labels.sort() };
    })
  );
}

/** Whether the data carries the convention's own marks, so a shared series (token usage) does not decide. */
async function fits(source: MetricsSource, profile: TelemetryProfile, present: Set<string>, time: number) {
  const duration = profile.metricNames.gen_ai_client_operation_duration_seconds;
  const hasOperations = async () =>
    duration !== undefined &&
    present.has(`${duration}_count`) &&
    (await labelsOfSeries(source, `${duration}_count`, time, 20)).has('gen_ai_operation_name');
  switch (profile.preset) {
    case 'contract':
      return present.has(profile.definitions.find((d) => d.id === 'refusal_rate')!.metric);
    case 'otel-genai':
      return hasOperations();
    case 'openlit': {
      const retrieval = profile.metricNames.rag_retrieval_duration_seconds;
      const openlitSdk = await source.instantQuery(`count({telemetry_sdk_name="openlit"})`, time);
      const dbReads =
        retrieval !== undefined &&
        present.has(`${retrieval}_count`) &&
        (await labelsOfSeries(source, `${retrieval}_count`, time, 20)).has(profile.retrievalOperationLabel ?? '');
      return (await hasOperations()) && (dbReads || (openlitSdk[0]?.value ?? 0) > 0);
    }
  }
}

function namesRead(profile: TelemetryProfile): string[] {
  return profile.definitions.flatMap((d) =>
    d.kind === 'distribution'
      ? [`${d.metric}_bucket`, `${d.metric}_count`]
      : [d.metric, ...(d.totalMetric ? [d.totalMetric] : [])]
  );
}

/**
 * Detects at `time` (the engine's lookback, 5 minutes on Prometheus, decides what is "there"). With
 * `settings.preset` set, reports on that preset rather than choosing.
 */
export async function detectTelemetry(
  source: MetricsSource,
  time: number,
  settings: AppSettings = {}
): Promise<Detection> {
  const candidates = settings.preset ? [settings.preset] : PRESETS.map((p) => p.id);
  const results: Array<{ profile: TelemetryProfile; fit: PresetFit; slis: SliAvailability[] }> = [];
  for (const id of candidates) {
    const initial = profileFromSettings({ ...settings, preset: id });
    const profile = await settleNames(initial, { ...settings, preset: id }, source, time);
    const present = await presentMetricNames(source, namesRead(profile), time);
    const slis = await availability(source, profile, present, time);
    const computable = slis.filter((s) => s.computable).length;
    results.push({
      profile,
      slis,
      fit: { preset: id, fits: Boolean(settings.preset) || (await fits(source, profile, present, time)), computable },
    });
  }
  // The fitting preset that computes most; on a tie the more specific one (later in PRESETS).
  const best = results
    .filter((r) => r.fit.fits && r.fit.computable > 0)
    .reduce<(typeof results)[number] | undefined>(
      (a, b) => (a && a.fit.computable > b.fit.computable ? a : b),
      undefined
    );
  const chosen = best ?? results[0];
  const defaults = profileFromSettings({ ...settings, preset: chosen.profile.preset }).metricNames;
  const pinnedNames = Object.fromEntries(
    (Object.entries(chosen.profile.metricNames) as Array<[ContractMetric, string]>).filter(
      ([role, name]) => defaults[role] !== name
    )
  );
  const counted = new Set(chosen.slis.filter((s) => s.computable).flatMap((s) => s.segmentLabels));
  const segmentLabels = await Promise.all(
    [...counted].sort().map(async (label) => {
      const anySli = chosen.slis.find((s) => s.computable && s.segmentLabels.includes(label))!;
      const definition = chosen.profile.definitions.find((d) => d.id === anySli.sli)!;
      const rows = await source.instantQuery(
        `count(count by (${label}) (${seriesOf(chosen.profile, definition)}))`,
        time
      );
      return { label, values: rows[0]?.value ?? 0 };
    })
  );
  return {
    preset: best ? best.profile.preset : null,
    profile: chosen.profile,
    pinnedNames,
    fits: results.map((r) => r.fit),
    slis: chosen.slis,
    segmentLabels,
  };
}
