/**
 * Seeded randomness for the simulator. Every (seed, endpoint, step) gets its own stream, so any step can be
 * regenerated on its own: the ground truth of a window only replays that window's steps, and a file and a
 * truth written from the same seed always agree.
 */

// Math's functions read once: under jest the module runs in a vm context, where every `Math.` is a lookup on
// the contextified global, and these run millions of times per simulated day.
const { imul, floor, sqrt, log, sin, cos, exp, min, max, round, PI } = Math;

/** Murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed for the stream named by these non-negative integer keys (seed, endpoint, step…). */
export function streamSeed(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    // Keys above 2^32 (unix milliseconds, long live runs) keep their high part.
    h = mix32(h ^ mix32(key >>> 0));
    h = mix32(h ^ mix32(floor(key / 0x100000000) + 0x6d2b79f5));
  }
  return h;
}

/** mulberry32: small, fast and good enough for synthetic telemetry; not for anything secret. */
export class SeededRandom {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(probability: number): boolean {
    return this.uniform() < probability;
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const u = 1 - this.uniform(); // (0, 1], so the log is finite
    const v = this.uniform();
    const radius = sqrt(-2 * log(u));
    this.spareNormal = radius * sin(2 * PI * v);
    return radius * cos(2 * PI * v);
  }

  /** Log-normal with the given median and log-space standard deviation. */
  logNormal(median: number, sigma: number): number {
    return median * exp(sigma * this.normal());
  }

  /** Normal clamped to [low, high]: similarity and confidence scores live in 0..1. */
  clampedNormal(mean: number, sd: number, low: number, high: number): number {
    return min(high, max(low, mean + sd * this.normal()));
  }

  /** Poisson count: exact (Knuth) for small means, rounded normal approximation above 30. */
  poisson(mean: number): number {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      return max(0, round(mean + sqrt(mean) * this.normal()));
    }
    const limit = exp(-mean);
    let count = 0;
    let product = this.uniform();
    while (product > limit) {
      count++;
      product *= this.uniform();
    }
    return count;
  }

  /** Index drawn from shares that sum to 1 (the last index takes any rounding remainder). */
  pick(shares: readonly number[]): number {
    let u = this.uniform();
    for (let i = 0; i < shares.length - 1; i++) {
      u -= shares[i];
      if (u < 0) {
        return i;
      }
    }
    return shares.length - 1;
  }
}
