/**
 * Realistic noise: production LLM traffic is not a Poisson stream of independent requests. The user mix
 * changes minute to minute, providers have good and bad hours, retries repeat a failure, and volume follows
 * the day and the week. A test that treats every request as an independent draw pages on that noise, so the
 * simulator makes it by default (`noise: 'none'` turns it off, for tests of the incident templates alone).
 *
 * Every value is a pure function of (seed, endpoint, time), like the rest of the simulator: any step can be
 * regenerated on its own, and the file, the live server and the ground truth always agree.
 * - Rates (refusal, error, timeout, empty retrieval, tool error, injection) are logit-normal: the logit of
 *   each share moves by a slow drift (random knots every hour and every 24 h, cosine-interpolated) plus an
 *   independent wobble per minute.
 * - Latency medians and token counts drift on the log scale, similarity and confidence means additively.
 * - Failed requests are sometimes retried by the client (more often during a retry storm: a few minutes,
 *   a few times a day per endpoint), and a retry of a failure fails again more often than a fresh request.
 * - Volume follows a diurnal curve (busiest mid-afternoon UTC, a third of that at night) and weekends are quieter.
 */
import { SeededRandom, streamSeed } from './random';
import { type TrafficProfile } from './scenario';
import { OUTCOMES } from './series';

export type NoiseMode = 'realistic' | 'none';
export const NOISE_MODES: readonly NoiseMode[] = ['realistic', 'none'];

/** Which random process a value comes from; each has its own stream. */
const CHANNEL = {
  refusal: 1,
  infrastructure: 2,
  retrieval: 3,
  tool: 4,
  injection: 5,
  latency: 6,
  similarity: 7,
  confidence: 8,
  tokens: 9,
  agentSteps: 10,
  storm: 11,
} as const;
type Channel = (typeof CHANNEL)[keyof typeof CHANNEL];

const NOISE_STREAM = 0x6e6f6973;
const HOUR = 3600;
const DAY = 86_400;
/** Knot spacing of the slow drift: an hourly and a daily component. */
const DRIFT_KNOTS = [HOUR, DAY] as const;

/** Standard-normal value of a (seed, endpoint, channel, index) stream, the same every time it is asked for. */
function normalAt(seed: number, endpoint: number, channel: number, index: number): number {
  return new SeededRandom(streamSeed(NOISE_STREAM, seed, endpoint, channel, index)).normal();
}

/** Slow drift at time t: value noise (cosine between normal knots), unit variance, changes over hours. */
function drift(seed: number, endpoint: number, channel: Channel, t: number): number {
  let value = 0;
  for (const spacing of DRIFT_KNOTS) {
    const position = t / spacing;
    const knot = Math.floor(position);
    const w = (1 - Math.cos(Math.PI * (position - knot))) / 2;
    const a = normalAt(seed, endpoint, channel + 16 * spacing, knot);
    const b = normalAt(seed, endpoint, channel + 16 * spacing, knot + 1);
    // (1−w)·a + w·b has variance (1−w)² + w²; dividing by its root keeps the drift's variance 1 at every t.
    value += ((1 - w) * a + w * b) / Math.sqrt((1 - w) ** 2 + w ** 2);
  }
  return value / Math.SQRT2;
}

/** Drift plus an independent wobble per minute, each with its own scale (on the logit, log or raw scale). */
function wander(seed: number, endpoint: number, channel: Channel, t: number, driftScale: number, minuteScale: number) {
  return (
    driftScale * drift(seed, endpoint, channel, t) + minuteScale * normalAt(seed, endpoint, channel, Math.floor(t / 60))
  );
}

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** A share moved on the logit scale (0 stays 0: a failure mode that does not exist does not appear). */
function shiftShare(share: number, logitShift: number): number {
  return share > 0 && share < 1 ? expit(logit(share) + logitShift) : share;
}

/** Scales: logit for rates, log for latency/tokens/steps, raw for the 0..1 scores. Drift, then per minute. */
const NOISE_SCALES = {
  refusal: [0.12, 0.35],
  infrastructure: [0.15, 0.4],
  retrieval: [0.1, 0.3],
  tool: [0.12, 0.35],
  injection: [0.12, 0.35],
  latency: [0.06, 0.08],
  similarity: [0.004, 0.004],
  confidence: [0.005, 0.005],
  tokens: [0.04, 0.05],
  agentSteps: [0.03, 0.04],
} as const;

/** Client retries of failed requests: how often, and how likely the retry fails again. */
const RETRIES = {
  share: 0.15,
  stormShare: 0.8,
  failAgain: 0.5,
  /** A storm starts in a minute with this chance and lasts this many minutes. */
  stormChancePerMinute: 1 / 600,
  stormMinutes: 5,
};

export interface Retries {
  /** Chance that a failed request is retried by its client. */
  share: number;
  /** Chance that a retry of a failure fails the same way again. */
  failAgain: number;
}

const NO_RETRIES: Retries = { share: 0, failAgain: 0 };

/** Volume relative to the mean: diurnal (peak 15:00 UTC, night at a third of the peak), weekends at 80%. */
export function volumeFactor(t: number): number {
  const hour = (t % DAY) / HOUR;
  const diurnal = 1 + 0.5 * Math.cos((2 * Math.PI * (hour - 15)) / 24);
  const weekday = new Date(t * 1000).getUTCDay();
  return diurnal * (weekday === 0 || weekday === 6 ? 0.8 : 1.05);
}

function inStorm(seed: number, endpoint: number, t: number): boolean {
  const minute = Math.floor(t / 60);
  for (let m = minute - RETRIES.stormMinutes + 1; m <= minute; m++) {
    if (
      new SeededRandom(streamSeed(NOISE_STREAM, seed, endpoint, CHANNEL.storm, m)).uniform() <
      RETRIES.stormChancePerMinute
    ) {
      return true;
    }
  }
  return false;
}

const REFUSED = OUTCOMES.indexOf('refused');
const ERROR = OUTCOMES.indexOf('error');
const TIMEOUT = OUTCOMES.indexOf('timeout');
const ANSWERED = OUTCOMES.indexOf('answered');

/**
 * The profile an endpoint actually follows at time t, and its clients' retry behaviour. With noise 'none'
 * this is the profile unchanged and nothing is retried.
 */
export function noisyProfile(
  mode: NoiseMode,
  seed: number,
  endpoint: number,
  t: number,
  profile: TrafficProfile
): { profile: TrafficProfile; retries: Retries } {
  if (mode === 'none') {
    return { profile, retries: NO_RETRIES };
  }
  const w = (channel: Channel, [driftScale, minuteScale]: readonly [number, number]) =>
    wander(seed, endpoint, channel, t, driftScale, minuteScale);
  const refusal = w(CHANNEL.refusal, NOISE_SCALES.refusal);
  const infrastructure = w(CHANNEL.infrastructure, NOISE_SCALES.infrastructure);
  const shares = [...profile.outcomeShares];
  shares[REFUSED] = shiftShare(shares[REFUSED], refusal);
  shares[ERROR] = shiftShare(shares[ERROR], infrastructure);
  shares[TIMEOUT] = shiftShare(shares[TIMEOUT], infrastructure);
  shares[ANSWERED] = 0;
  shares[ANSWERED] = Math.max(0, 1 - shares.reduce((a, b) => a + b, 0));

  const latency = Math.exp(w(CHANNEL.latency, NOISE_SCALES.latency));
  const tokens = Math.exp(w(CHANNEL.tokens, NOISE_SCALES.tokens));
  const similarity = w(CHANNEL.similarity, NOISE_SCALES.similarity);
  const confidence = w(CHANNEL.confidence, NOISE_SCALES.confidence);
  const retrieval = profile.retrieval;
  const retrievalShift = w(CHANNEL.retrieval, NOISE_SCALES.retrieval);
  const injection = w(CHANNEL.injection, NOISE_SCALES.injection);
  const agent = profile.agent;

  const noisy: TrafficProfile = {
    ...profile,
    requestsPerSecond: profile.requestsPerSecond * volumeFactor(t),
    outcomeShares: shares,
    similarity: { ...profile.similarity, mean: profile.similarity.mean + similarity },
    confidence: { ...profile.confidence, mean: profile.confidence.mean + confidence },
    outputTokens: { ...profile.outputTokens, median: profile.outputTokens.median * tokens },
    modelLatency: { ...profile.modelLatency, median: profile.modelLatency.median * latency },
    retrieval: retrieval && {
      ...retrieval,
      resultShares: withMovedFailures(retrieval.resultShares, retrievalShift),
      latency: { ...retrieval.latency, median: retrieval.latency.median * latency },
    },
    injectionShares: profile.injectionShares.map((share) => shiftShare(share, injection)),
    agent: agent && {
      ...agent,
      steps: { ...agent.steps, median: agent.steps.median * Math.exp(w(CHANNEL.agentSteps, NOISE_SCALES.agentSteps)) },
      toolErrorShare: shiftShare(agent.toolErrorShare, w(CHANNEL.tool, NOISE_SCALES.tool)),
    },
  };
  const storm = inStorm(seed, endpoint, t);
  return {
    profile: noisy,
    retries: { share: storm ? RETRIES.stormShare : RETRIES.share, failAgain: RETRIES.failAgain },
  };
}

/** Result shares (hit first) with every failure share moved on the logit scale, the hit share taking the rest. */
function withMovedFailures(shares: readonly number[], logitShift: number): number[] {
  const failures = shares.slice(1).map((share) => shiftShare(share, logitShift));
  return [Math.max(0, 1 - failures.reduce((a, b) => a + b, 0)), ...failures];
}
