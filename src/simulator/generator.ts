/**
 * The request-level simulation: for every step and endpoint, draw how many requests arrived and what each
 * one did (outcome, latency, tokens, scores, retrievals, agent steps, tool calls, injection detections),
 * and add them to the endpoint's slots. File mode, live mode and the ground truth all call `stepIncrements`.
 */
import { type NoiseMode, noisyProfile, type Retries } from './noise';
import { SeededRandom, streamSeed } from './random';
import { type BuildInfo, Schedule, type ScenarioDefinition, type Segment, type TrafficProfile } from './scenario';
import { CONTRACT_NAMING, type SeriesNaming } from './naming';
import {
  type EndpointLayout,
  familiesOf,
  layoutFor,
  type MetricFamily,
  OUTCOMES,
  observe as observeImported,
} from './series';

// Local copies: the hot loop below runs a million times a simulated day, and module bindings compiled to
// CommonJS are property reads through getters.
const observe = observeImported;
const TIMEOUT = OUTCOMES.indexOf('timeout');
const ERROR = OUTCOMES.indexOf('error');
const ANSWERED = OUTCOMES.indexOf('answered');

export interface SimulationOptions {
  seed: number;
  scenario: ScenarioDefinition;
  /** Unix seconds of the first sample; every counter reads 0 there and the scenario clock starts. */
  origin: number;
  stepSeconds: number;
  /** Multiplies every endpoint's requests per second. */
  rateMultiplier: number;
  /** Over-dispersed rates, drift, retries and seasonality ('realistic', the default), or Poisson traffic ('none'). */
  noise?: NoiseMode;
  /** Which names and labels the telemetry is written under (default: the metrics contract). */
  naming?: SeriesNaming;
}

export interface Simulation extends SimulationOptions {
  noise: NoiseMode;
  naming: SeriesNaming;
  schedule: Schedule;
  segments: readonly Segment[];
  layouts: readonly EndpointLayout[];
  families: readonly MetricFamily[];
}

export function createSimulation(options: SimulationOptions): Simulation {
  const segments = options.scenario.segments;
  const naming = options.naming ?? CONTRACT_NAMING;
  return {
    ...options,
    noise: options.noise ?? 'realistic',
    naming,
    schedule: new Schedule(options.scenario, options.origin),
    segments,
    layouts: segments.map((segment) => layoutFor(segment, naming)),
    families: familiesOf(naming),
  };
}

/** Unix seconds of sample `step` (step 0 is the origin). */
export function sampleTime(simulation: Simulation, step: number): number {
  return simulation.origin + step * simulation.stepSeconds;
}

/** What happened to an endpoint during a step. */
export type StepKind = 'traffic' | 'idle' | 'restart';

const MAX_AGENT_STEPS = 30;
const ERROR_LATENCY = { median: 0.25, sigma: 0.6 };
const RETRIEVAL_ERROR_LATENCY = { median: 0.01, sigma: 0.5 };
/**
 * What only the OpenTelemetry namings record: tool-call durations, and the vector store's ingest (writes
 * beside the reads, slower, at their own pace). They are drawn from a second stream per step, so the requests
 * of a seed are the same whatever the naming.
 */
const TOOL_LATENCY = { median: 0.35, sigma: 0.9 };
const VECTOR_WRITES = { perSecond: 0.5, latency: { median: 0.4, sigma: 0.8 } };
const SIDE_STREAM = 1;

function retrieve(random: SeededRandom, profile: TrafficProfile, layout: EndpointLayout, increments: Float64Array) {
  const retrieval = profile.retrieval;
  if (!retrieval || !layout.retrievals || !layout.retrievalLatency) {
    return;
  }
  const result = random.pick(retrieval.resultShares);
  increments[layout.retrievals[result]] += 1;
  // RETRIEVAL_RESULTS order: hit, empty, error, timeout.
  let seconds: number;
  if (result === 3) {
    seconds = retrieval.timeoutSeconds;
  } else if (result === 2) {
    seconds = random.logNormal(RETRIEVAL_ERROR_LATENCY.median, RETRIEVAL_ERROR_LATENCY.sigma);
  } else {
    seconds = Math.min(retrieval.timeoutSeconds, random.logNormal(retrieval.latency.median, retrieval.latency.sigma));
  }
  observe(increments, layout.retrievalLatency, seconds);
}

/** An agent run: its steps, one tool call per step but the final answer, some of them retrievals. */
function runAgent(
  random: SeededRandom,
  side: SeededRandom | null,
  profile: TrafficProfile,
  layout: EndpointLayout,
  increments: Float64Array
) {
  const agent = profile.agent;
  if (!agent || !layout.agentSteps || !layout.toolCalls) {
    return 1;
  }
  const steps = Math.min(
    MAX_AGENT_STEPS,
    Math.max(1, Math.round(random.logNormal(agent.steps.median, agent.steps.sigma)))
  );
  observe(increments, layout.agentSteps, steps);
  for (let call = 1; call < steps; call++) {
    const status = random.chance(agent.toolErrorShare) ? 1 : 0;
    increments[layout.toolCalls[status]] += 1;
    if (side && layout.toolDurations) {
      observe(increments, layout.toolDurations[status], side.logNormal(TOOL_LATENCY.median, TOOL_LATENCY.sigma));
    }
    if (random.chance(agent.retrievalShareOfToolCalls)) {
      retrieve(random, profile, layout, increments);
    }
  }
  return steps;
}

/** One request, with the given outcome (a retry that fails again) or a drawn one; returns the outcome. */
function simulateRequest(
  random: SeededRandom,
  side: SeededRandom | null,
  profile: TrafficProfile,
  layout: EndpointLayout,
  increments: Float64Array,
  forcedOutcome = -1
): number {
  const outcome = forcedOutcome >= 0 ? forcedOutcome : random.pick(profile.outcomeShares);
  increments[layout.requests[outcome]] += 1;

  let modelCalls = 1;
  if (layout.agentSteps) {
    modelCalls = runAgent(random, side, profile, layout, increments);
  } else {
    // One retrieval grounds each RAG request (none where the endpoint has no retrieval).
    retrieve(random, profile, layout, increments);
  }

  const answered = outcome === ANSWERED;
  for (let call = 0; call < modelCalls; call++) {
    const last = call === modelCalls - 1;
    let seconds: number;
    // The `modelCalls` slots (series.ts): success, error, timeout. A refusal is a successful call.
    let result = 0;
    if (last && outcome === TIMEOUT) {
      seconds = profile.modelTimeoutSeconds;
      result = 2;
    } else if (last && outcome === ERROR) {
      seconds = random.logNormal(ERROR_LATENCY.median, ERROR_LATENCY.sigma);
      result = 1;
    } else {
      seconds = random.logNormal(profile.modelLatency.median, profile.modelLatency.sigma);
    }
    // The client gives up at the timeout, so no call lasts longer.
    observe(increments, layout.modelCalls[result], Math.min(seconds, profile.modelTimeoutSeconds));
    // Token usage is recorded for answered calls only, so a change in refusals does not move response length.
    if (answered) {
      const input = random.logNormal(profile.inputTokens.median, profile.inputTokens.sigma);
      const output = random.logNormal(profile.outputTokens.median, profile.outputTokens.sigma);
      observe(increments, layout.inputTokens, Math.max(1, Math.round(input)));
      observe(increments, layout.outputTokens, Math.max(1, Math.round(output)));
    }
  }

  if (answered) {
    observe(increments, layout.similarity, random.clampedNormal(profile.similarity.mean, profile.similarity.sd, 0, 1));
    observe(increments, layout.confidence, random.clampedNormal(profile.confidence.mean, profile.confidence.sd, 0, 1));
  }

  for (let source = 0; source < layout.injections.length; source++) {
    const slot = layout.injections[source];
    if (slot !== null && random.chance(profile.injectionShares[source])) {
      increments[slot] += 1;
    }
  }
  return outcome;
}

const MAX_RETRIES = 3;

/** A client's request and its retries: a failed request is retried, and a retry of a failure often fails again. */
function simulateClient(
  random: SeededRandom,
  side: SeededRandom | null,
  profile: TrafficProfile,
  layout: EndpointLayout,
  increments: Float64Array,
  retries: Retries
): void {
  let outcome = simulateRequest(random, side, profile, layout, increments);
  // No retries draw no random numbers, so noise 'none' is the Poisson simulator of before, sample for sample.
  if (retries.share === 0) {
    return;
  }
  for (let attempt = 0; attempt < MAX_RETRIES && (outcome === ERROR || outcome === TIMEOUT); attempt++) {
    if (!random.chance(retries.share)) {
      return;
    }
    outcome = simulateRequest(
      random,
      side,
      profile,
      layout,
      increments,
      random.chance(retries.failAgain) ? outcome : -1
    );
  }
}

/**
 * Fills `increments` (length = the layout's slotCount) with what the endpoint did in the step ending at
 * sample `step` — the interval (t(step-1), t(step)]. Step 0 is the origin and has nothing. A restart step
 * has nothing either: the process was down for it, and its counters read 0 at the sample.
 */
export function stepIncrements(
  simulation: Simulation,
  endpointIndex: number,
  step: number,
  increments: Float64Array
): StepKind {
  increments.fill(0);
  if (step <= 0) {
    return 'idle';
  }
  const segment = simulation.segments[endpointIndex];
  const t = sampleTime(simulation, step);
  if (simulation.schedule.restartsIn(segment.endpoint, t - simulation.stepSeconds, t)) {
    return 'restart';
  }
  if (simulation.schedule.isZeroTraffic(segment.endpoint, t)) {
    return 'idle';
  }
  const { profile, retries } = noisyProfile(
    simulation.noise,
    simulation.seed,
    endpointIndex,
    t,
    simulation.schedule.profileAt(segment, t)
  );
  const layout = simulation.layouts[endpointIndex];
  const random = new SeededRandom(streamSeed(simulation.seed, endpointIndex, step));
  const requests = random.poisson(profile.requestsPerSecond * simulation.rateMultiplier * simulation.stepSeconds);
  const side =
    layout.toolDurations || layout.vectorWrites
      ? new SeededRandom(streamSeed(simulation.seed, endpointIndex, step, SIDE_STREAM))
      : null;
  for (let i = 0; i < requests; i++) {
    simulateClient(random, side, profile, layout, increments, retries);
  }
  if (side && layout.vectorWrites) {
    const writes = side.poisson(VECTOR_WRITES.perSecond * simulation.stepSeconds);
    for (let i = 0; i < writes; i++) {
      observe(
        increments,
        layout.vectorWrites,
        side.logNormal(VECTOR_WRITES.latency.median, VECTOR_WRITES.latency.sigma)
      );
    }
  }
  return 'traffic';
}

/** The counters as a scrape would read them, advanced one step at a time from the origin. */
export class RunningCounters {
  /** Per endpoint, one value per slot (histogram buckets not cumulative over `le`). */
  readonly values: Float64Array[];
  private readonly scratch: Float64Array[];
  private currentStep = 0;

  constructor(readonly simulation: Simulation) {
    this.values = simulation.layouts.map((layout) => new Float64Array(layout.slotCount));
    this.scratch = simulation.layouts.map((layout) => new Float64Array(layout.slotCount));
  }

  get step(): number {
    return this.currentStep;
  }

  advance(): void {
    this.currentStep++;
    for (let e = 0; e < this.values.length; e++) {
      const increments = this.scratch[e];
      const kind = stepIncrements(this.simulation, e, this.currentStep, increments);
      const values = this.values[e];
      if (kind === 'restart') {
        values.fill(0);
        continue;
      }
      for (let slot = 0; slot < values.length; slot++) {
        values[slot] += increments[slot];
      }
    }
  }

  /** What `llm_build_info` says for each endpoint at the current sample. */
  builds(): BuildInfo[] {
    const t = sampleTime(this.simulation, this.currentStep);
    return this.simulation.segments.map((segment) => this.simulation.schedule.buildAt(segment, t));
  }
}

/** Every sample of a file-mode range, kept as numbers (not text) so the writers can go family by family. */
export interface SimulatedRange {
  simulation: Simulation;
  sampleCount: number;
  /** Per endpoint, slot-major: values[e][slot * sampleCount + sample]. */
  values: Float64Array[];
  /** Per endpoint, the build at each sample. */
  builds: BuildInfo[][];
}

export function simulateRange(simulation: Simulation, sampleCount: number): SimulatedRange {
  const counters = new RunningCounters(simulation);
  const values = simulation.layouts.map((layout) => new Float64Array(layout.slotCount * sampleCount));
  const builds: BuildInfo[][] = simulation.segments.map(() => []);
  for (let sample = 0; sample < sampleCount; sample++) {
    if (sample > 0) {
      counters.advance();
    }
    counters.builds().forEach((build, e) => builds[e].push(build));
    for (let e = 0; e < values.length; e++) {
      const current = counters.values[e];
      const target = values[e];
      for (let slot = 0; slot < current.length; slot++) {
        target[slot * sampleCount + sample] = current[slot];
      }
    }
  }
  return { simulation, sampleCount, values, builds };
}
