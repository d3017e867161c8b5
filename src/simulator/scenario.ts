/**
 * What the simulated world looks like: the three endpoints and their normal traffic, and the scenarios —
 * incidents of each taxonomy category, a process restart and an hour without traffic — placed on a clock.
 * Schedules repeat every `cycleSeconds`, so a week-long backfill or a live demo keeps having incidents.
 */
import { type CategoryId } from '../core/taxonomy';
import { type SliId } from '../core/metrics';
import { type EndpointFeatures, OUTCOMES, type Outcome } from './series';

/** How one endpoint behaves at a moment: the distributions each request is drawn from. */
export interface TrafficProfile {
  requestsPerSecond: number;
  /** Share per OUTCOMES entry (answered, refused, error, timeout), summing to 1. */
  outcomeShares: readonly number[];
  similarity: { mean: number; sd: number };
  confidence: { mean: number; sd: number };
  inputTokens: { median: number; sigma: number };
  outputTokens: { median: number; sigma: number };
  /** Per model call, in seconds; a timed-out request's last call lasts `modelTimeoutSeconds`. */
  modelLatency: { median: number; sigma: number };
  modelTimeoutSeconds: number;
  retrieval: {
    /** Share per RETRIEVAL_RESULTS entry (hit, empty, error, timeout). */
    resultShares: readonly number[];
    latency: { median: number; sigma: number };
    timeoutSeconds: number;
  } | null;
  /** Chance that a request raises a detection, per INJECTION_SOURCES entry (user, retrieved, tool). */
  injectionShares: readonly number[];
  agent: {
    steps: { median: number; sigma: number };
    toolErrorShare: number;
    /** Share of tool calls that are retrievals. */
    retrievalShareOfToolCalls: number;
  } | null;
}

/** The labels of `llm_build_info` that change: the requested `model` is a common label and stays put. */
export interface BuildInfo {
  responseModel: string;
  promptVersion: string;
}

export const BUILD_LABEL = { responseModel: 'response_model', promptVersion: 'prompt_version' } as const;

export interface Segment {
  team: string;
  service: string;
  endpoint: string;
  model: string;
  /** Who serves the model: OpenTelemetry's gen_ai.provider.name (gen_ai.system in OpenLIT) and server.address. */
  provider: { name: string; server: string };
  features: EndpointFeatures;
  build: BuildInfo;
  profile: TrafficProfile;
}

/** The taxonomy's categories the simulator schedules incidents of. */
type IncidentCategory = Exclude<CategoryId, 'configuration' | 'undetermined'>;

export interface IncidentTemplate {
  category: IncidentCategory;
  subcategory: string;
  endpoint: string;
  /** Seconds from the start of the cycle. */
  startOffset: number;
  durationSeconds: number;
  description: string;
  /** SLIs of `endpoint` that should page for this incident; every other SLI should stay ok. */
  expectedShifts: SliId[];
  degrade: (profile: TrafficProfile) => TrafficProfile;
  /** A deployment or provider change at the start, and the rollback or fix at the end. */
  change?: { atStart: (build: BuildInfo) => BuildInfo; atEnd: (build: BuildInfo) => BuildInfo };
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  cycleSeconds: number;
  segments: readonly Segment[];
  incidents: readonly IncidentTemplate[];
  /** The endpoint's process restarts: every counter reads 0 at the first sample at or after the offset. */
  counterResets: ReadonlyArray<{ offset: number; endpoint: string }>;
  zeroTraffic: ReadonlyArray<{ offset: number; durationSeconds: number; endpoint: string }>;
}

const MINUTE = 60;
const HOUR = 3600;

/** Outcome shares from the failure shares; whatever is left is answered. */
function outcomeShares(failures: Partial<Record<Exclude<Outcome, 'answered'>, number>>): number[] {
  const refused = failures.refused ?? 0;
  const error = failures.error ?? 0;
  const timeout = failures.timeout ?? 0;
  const shares: Record<Outcome, number> = { answered: 1 - refused - error - timeout, refused, error, timeout };
  return OUTCOMES.map((outcome) => shares[outcome]);
}

function shareOf(shares: readonly number[], outcome: Outcome): number {
  return shares[OUTCOMES.indexOf(outcome)];
}

function withFailures(
  profile: TrafficProfile,
  failures: Partial<Record<Exclude<Outcome, 'answered'>, number>>
): number[] {
  return outcomeShares({
    refused: failures.refused ?? shareOf(profile.outcomeShares, 'refused'),
    error: failures.error ?? shareOf(profile.outcomeShares, 'error'),
    timeout: failures.timeout ?? shareOf(profile.outcomeShares, 'timeout'),
  });
}

export const SEGMENTS: readonly Segment[] = [
  {
    team: 'assistants',
    service: 'chat-api',
    endpoint: '/chat',
    model: 'gpt-4o',
    provider: { name: 'openai', server: 'api.openai.com' },
    features: { retrieval: false, agent: false, injectionSources: ['user'] },
    build: { responseModel: 'gpt-4o-2024-08-06', promptVersion: 'v12' },
    profile: {
      requestsPerSecond: 4,
      outcomeShares: outcomeShares({ refused: 0.03, error: 0.01, timeout: 0.01 }),
      similarity: { mean: 0.84, sd: 0.06 },
      confidence: { mean: 0.8, sd: 0.08 },
      inputTokens: { median: 450, sigma: 0.6 },
      outputTokens: { median: 280, sigma: 0.55 },
      modelLatency: { median: 1.1, sigma: 0.45 },
      modelTimeoutSeconds: 30,
      retrieval: null,
      injectionShares: [0.004, 0, 0],
      agent: null,
    },
  },
  {
    team: 'search',
    service: 'search-api',
    endpoint: '/search',
    model: 'claude-3-5-haiku',
    provider: { name: 'anthropic', server: 'api.anthropic.com' },
    features: { retrieval: true, agent: false, injectionSources: ['user', 'retrieved'] },
    build: { responseModel: 'claude-3-5-haiku-20241022', promptVersion: 'v7' },
    profile: {
      requestsPerSecond: 3,
      outcomeShares: outcomeShares({ refused: 0.02, error: 0.01, timeout: 0.005 }),
      similarity: { mean: 0.8, sd: 0.07 },
      confidence: { mean: 0.76, sd: 0.09 },
      inputTokens: { median: 1800, sigma: 0.4 },
      outputTokens: { median: 220, sigma: 0.5 },
      modelLatency: { median: 0.9, sigma: 0.4 },
      modelTimeoutSeconds: 30,
      retrieval: { resultShares: [0.93, 0.05, 0.01, 0.01], latency: { median: 0.06, sigma: 0.5 }, timeoutSeconds: 2 },
      injectionShares: [0.003, 0.002, 0],
      agent: null,
    },
  },
  {
    team: 'automation',
    service: 'agent-runner',
    endpoint: '/agent',
    model: 'gpt-4.1',
    provider: { name: 'openai', server: 'api.openai.com' },
    features: { retrieval: true, agent: true, injectionSources: ['user', 'retrieved', 'tool'] },
    build: { responseModel: 'gpt-4.1-2025-04-14', promptVersion: 'v3' },
    profile: {
      requestsPerSecond: 1,
      outcomeShares: outcomeShares({ refused: 0.01, error: 0.015, timeout: 0.01 }),
      similarity: { mean: 0.78, sd: 0.08 },
      confidence: { mean: 0.72, sd: 0.1 },
      inputTokens: { median: 2400, sigma: 0.5 },
      outputTokens: { median: 180, sigma: 0.6 },
      modelLatency: { median: 1.6, sigma: 0.5 },
      modelTimeoutSeconds: 30,
      retrieval: { resultShares: [0.9, 0.07, 0.02, 0.01], latency: { median: 0.08, sigma: 0.5 }, timeoutSeconds: 2 },
      injectionShares: [0.002, 0.001, 0.003],
      agent: { steps: { median: 4, sigma: 0.45 }, toolErrorShare: 0.02, retrievalShareOfToolCalls: 0.35 },
    },
  },
];

function nextPromptVersion(build: BuildInfo): BuildInfo {
  const match = /^(.*?)(\d+)$/.exec(build.promptVersion);
  const promptVersion = match ? `${match[1]}${Number(match[2]) + 1}` : `${build.promptVersion}.1`;
  return { ...build, promptVersion };
}

/** The six incidents, one per category, in schedule order; `at(i)` places the i-th on the cycle. */
function incidentSuite(at: (index: number) => { startOffset: number; durationSeconds: number }): IncidentTemplate[] {
  const suite: Array<Omit<IncidentTemplate, 'startOffset' | 'durationSeconds'>> = [
    {
      category: 'infrastructure',
      subcategory: 'provider-outage',
      endpoint: '/chat',
      description:
        'Provider capacity incident on /chat: timeouts 1% -> 6%, errors 1% -> 4%, model-call latency x2.5. No deployment.',
      expectedShifts: ['timeout_rate', 'error_rate', 'model_latency'],
      degrade: (p) => ({
        ...p,
        outcomeShares: withFailures(p, { error: 0.04, timeout: 0.06 }),
        modelLatency: { ...p.modelLatency, median: p.modelLatency.median * 2.5 },
      }),
    },
    {
      category: 'data-retrieval',
      subcategory: 'kb-schema-drift',
      endpoint: '/search',
      description:
        'A knowledge-base re-index changed the document schema: empty retrievals 5% -> 20%, answers drift from the ' +
        'reference set (similarity mean 0.80 -> 0.62). No deployment.',
      expectedShifts: ['empty_retrieval_rate', 'semantic_similarity'],
      degrade: (p) => ({
        ...p,
        retrieval: p.retrieval && { ...p.retrieval, resultShares: [0.78, 0.2, 0.01, 0.01] },
        similarity: { mean: 0.62, sd: 0.11 },
      }),
    },
    {
      category: 'model-degradation',
      subcategory: 'provider-model-update',
      endpoint: '/chat',
      description:
        'The provider moved the gpt-4o alias to new weights (response_model changes, prompt_version does not): ' +
        'similarity mean 0.84 -> 0.70, confidence 0.80 -> 0.64, answers ~1.7x longer. The alias is rolled back at the end.',
      expectedShifts: ['semantic_similarity', 'confidence', 'response_length'],
      degrade: (p) => ({
        ...p,
        similarity: { mean: 0.7, sd: 0.09 },
        confidence: { mean: 0.64, sd: 0.11 },
        outputTokens: { ...p.outputTokens, median: p.outputTokens.median * 1.7 },
      }),
      change: {
        atStart: (build) => ({ ...build, responseModel: 'gpt-4o-2024-11-20' }),
        atEnd: (build) => ({ ...build, responseModel: 'gpt-4o-2024-08-06' }),
      },
    },
    {
      category: 'security-surface',
      subcategory: 'indirect-prompt-injection',
      endpoint: '/search',
      description:
        'Poisoned documents in the corpus: injection detections from retrieved text 0.2% -> 4% of requests. No deployment.',
      expectedShifts: ['injection_rate'],
      degrade: (p) => ({ ...p, injectionShares: [p.injectionShares[0], 0.04, p.injectionShares[2]] }),
    },
    {
      category: 'agentic-coordination',
      subcategory: 'agent-level',
      endpoint: '/agent',
      description:
        'A tool changed its response schema and the agent loops on retries: steps per run median 4 -> 8.5, ' +
        'tool-call errors 2% -> 12%. Per-call model latency and output unchanged. No deployment.',
      expectedShifts: ['agent_steps', 'tool_error_rate'],
      degrade: (p) => ({
        ...p,
        agent: p.agent && { ...p.agent, steps: { median: 8.5, sigma: 0.55 }, toolErrorShare: 0.12 },
      }),
    },
    {
      category: 'prompt',
      subcategory: 'over-refusal',
      endpoint: '/chat',
      description:
        'A new system prompt (prompt_version bump, same model) makes the model over-cautious: refusals 3% -> 9%. ' +
        'A corrected prompt version ships at the end.',
      expectedShifts: ['refusal_rate'],
      degrade: (p) => ({ ...p, outcomeShares: withFailures(p, { refused: 0.09 }) }),
      change: { atStart: nextPromptVersion, atEnd: nextPromptVersion },
    },
  ];
  return suite.map((incident, index) => ({ ...incident, ...at(index) }));
}

export const SCENARIOS: Readonly<Record<string, ScenarioDefinition>> = {
  default: {
    name: 'default',
    description:
      'A day: six 60-minute incidents starting at +2h, +5h, +8h, +11h, +14h and +17h (each after at least an hour ' +
      'of clean time), a /chat restart at +19h30 and no /agent traffic from +21h to +22h. Repeats every 24 h.',
    cycleSeconds: 24 * HOUR,
    segments: SEGMENTS,
    incidents: incidentSuite((i) => ({ startOffset: (2 + 3 * i) * HOUR, durationSeconds: HOUR })),
    counterResets: [{ offset: 19 * HOUR + 30 * MINUTE, endpoint: '/chat' }],
    zeroTraffic: [{ offset: 21 * HOUR, durationSeconds: HOUR, endpoint: '/agent' }],
  },
  compressed: {
    name: 'compressed',
    description:
      'For live demos: six 5-minute incidents, the first at +2 min and then every 15 min, a /chat restart at ' +
      '+85 min and no /agent traffic from +38 to +41 min. Repeats every 90 min.',
    cycleSeconds: 90 * MINUTE,
    segments: SEGMENTS,
    incidents: incidentSuite((i) => ({ startOffset: (2 + 15 * i) * MINUTE, durationSeconds: 5 * MINUTE })),
    counterResets: [{ offset: 85 * MINUTE, endpoint: '/chat' }],
    zeroTraffic: [{ offset: 38 * MINUTE, durationSeconds: 3 * MINUTE, endpoint: '/agent' }],
  },
  quiet: {
    name: 'quiet',
    description: 'Baseline traffic only: no incidents, restarts or gaps (for false-positive checks).',
    cycleSeconds: 24 * HOUR,
    segments: SEGMENTS,
    incidents: [],
    counterResets: [],
    zeroTraffic: [],
  },
};

export interface ScheduledIncident {
  /** `<category>-<cycle number>`, e.g. `infrastructure-1`. */
  id: string;
  category: IncidentCategory;
  subcategory: string;
  endpoint: string;
  /** Unix seconds; the incident shapes every step whose sample time t has from < t <= to. */
  from: number;
  to: number;
  description: string;
  expectedShifts: SliId[];
  template: IncidentTemplate;
}

export interface BuildChange {
  time: number;
  endpoint: string;
  before: BuildInfo;
  after: BuildInfo;
}

/** A scenario pinned to a start time (`--from`, or process start for the live server). */
export class Schedule {
  constructor(
    readonly scenario: ScenarioDefinition,
    readonly origin: number
  ) {}

  private cycleRange(from: number, to: number): [number, number] {
    const cycle = this.scenario.cycleSeconds;
    return [Math.max(0, Math.floor((from - this.origin) / cycle) - 1), Math.floor((to - this.origin) / cycle)];
  }

  /** Incidents whose window overlaps (from, to], in time order. */
  incidentsBetween(from: number, to: number): ScheduledIncident[] {
    const [first, last] = this.cycleRange(from, to);
    const found: ScheduledIncident[] = [];
    for (let cycle = first; cycle <= last; cycle++) {
      const cycleStart = this.origin + cycle * this.scenario.cycleSeconds;
      for (const template of this.scenario.incidents) {
        const start = cycleStart + template.startOffset;
        const end = start + template.durationSeconds;
        if (end > from && start < to) {
          found.push({
            id: `${template.category}-${cycle + 1}`,
            category: template.category,
            subcategory: template.subcategory,
            endpoint: template.endpoint,
            from: start,
            to: end,
            description: template.description,
            expectedShifts: template.expectedShifts,
            template,
          });
        }
      }
    }
    return found.sort((a, b) => a.from - b.from);
  }

  /** Restart instants in (from, to]. */
  counterResetsBetween(from: number, to: number): Array<{ time: number; endpoint: string }> {
    const [first, last] = this.cycleRange(from, to);
    const found: Array<{ time: number; endpoint: string }> = [];
    for (let cycle = first; cycle <= last; cycle++) {
      for (const reset of this.scenario.counterResets) {
        const time = this.origin + cycle * this.scenario.cycleSeconds + reset.offset;
        if (time > from && time <= to) {
          found.push({ time, endpoint: reset.endpoint });
        }
      }
    }
    return found.sort((a, b) => a.time - b.time);
  }

  /** Zero-traffic intervals overlapping (from, to]. */
  zeroTrafficBetween(from: number, to: number): Array<{ from: number; to: number; endpoint: string }> {
    const [first, last] = this.cycleRange(from, to);
    const found: Array<{ from: number; to: number; endpoint: string }> = [];
    for (let cycle = first; cycle <= last; cycle++) {
      for (const gap of this.scenario.zeroTraffic) {
        const start = this.origin + cycle * this.scenario.cycleSeconds + gap.offset;
        const end = start + gap.durationSeconds;
        if (end > from && start < to) {
          found.push({ from: start, to: end, endpoint: gap.endpoint });
        }
      }
    }
    return found.sort((a, b) => a.from - b.from);
  }

  /** Incidents shaping the step that ends at sample time t: from < t <= to. */
  incidentsAt(t: number): ScheduledIncident[] {
    return this.incidentsBetween(t - 1, t).filter((incident) => incident.from < t && t <= incident.to);
  }

  /** The endpoint's profile for the step ending at sample time t. */
  profileAt(segment: Segment, t: number): TrafficProfile {
    let profile = segment.profile;
    for (const incident of this.incidentsAt(t)) {
      if (incident.endpoint === segment.endpoint) {
        profile = incident.template.degrade(profile);
      }
    }
    return profile;
  }

  /** Whether the step ending at sample time t falls in a zero-traffic interval of the endpoint. */
  isZeroTraffic(endpoint: string, t: number): boolean {
    return this.zeroTrafficBetween(t - 1, t).some((gap) => gap.endpoint === endpoint && gap.from < t && t <= gap.to);
  }

  /** Whether the endpoint restarts within the step (previousT, t]. */
  restartsIn(endpoint: string, previousT: number, t: number): boolean {
    return this.counterResetsBetween(previousT, t).some((reset) => reset.endpoint === endpoint);
  }

  /** Every build change of the endpoint from the origin up to time t (inclusive, or exclusive), in order. */
  buildChangesUntil(segment: Segment, t: number, inclusive = true): BuildChange[] {
    const changes: BuildChange[] = [];
    let build = segment.build;
    const apply = (time: number, next: (b: BuildInfo) => BuildInfo) => {
      const after = next(build);
      changes.push({ time, endpoint: segment.endpoint, before: build, after });
      build = after;
    };
    const events: Array<{ time: number; next: (b: BuildInfo) => BuildInfo }> = [];
    for (const incident of this.incidentsBetween(this.origin, t)) {
      const change = incident.template.change;
      if (incident.endpoint === segment.endpoint && change) {
        events.push({ time: incident.from, next: change.atStart }, { time: incident.to, next: change.atEnd });
      }
    }
    for (const event of events.sort((a, b) => a.time - b.time)) {
      if (event.time < t || (inclusive && event.time === t)) {
        apply(event.time, event.next);
      }
    }
    return changes;
  }

  /** What `llm_build_info` says at sample time t: a change at time c shows from the first sample after c. */
  buildAt(segment: Segment, t: number): BuildInfo {
    const changes = this.buildChangesUntil(segment, t, false);
    return changes.length > 0 ? changes[changes.length - 1].after : segment.build;
  }
}
