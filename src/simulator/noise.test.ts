/**
 * The realistic noise: on by default, over-dispersed like production traffic, deterministic per
 * (seed, endpoint, time), and off with `noise: 'none'`. Dispersion is measured here independently of the
 * core's statistics: the variance of the hourly refusal rate over its binomial variance.
 */
import { createSimulation } from './generator';
import { noisyProfile, volumeFactor } from './noise';
import { SCENARIOS, SEGMENTS } from './scenario';
import { type ProportionCount, windowCounts } from './truth';

const ORIGIN = Date.UTC(2026, 0, 5) / 1000; // a Monday
const HOUR = 3600;
const HOURS = 36;

function hourlyRefusals(noise?: 'none' | 'realistic'): ProportionCount[] {
  const simulation = createSimulation({
    seed: 3,
    scenario: SCENARIOS.quiet,
    origin: ORIGIN,
    stepSeconds: 60,
    rateMultiplier: 1,
    ...(noise ? { noise } : {}),
  });
  return Array.from(
    { length: HOURS },
    (_, h) =>
      windowCounts(simulation, { from: ORIGIN + h * HOUR, to: ORIGIN + (h + 1) * HOUR })['/chat']
        .refusal_rate as ProportionCount
  );
}

/** Var(hourly rate) / mean binomial variance p(1 − p)/n: 1 for independent requests. */
function dispersion(hours: ProportionCount[]): number {
  const rates = hours.map((h) => h.events / h.total);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const variance = rates.reduce((a, r) => a + (r - mean) ** 2, 0) / (rates.length - 1);
  const binomial = hours.reduce((a, h) => a + (mean * (1 - mean)) / h.total, 0) / hours.length;
  return variance / binomial;
}

describe('realistic noise', () => {
  let realistic: ProportionCount[];
  let none: ProportionCount[];
  beforeAll(() => {
    realistic = hourlyRefusals();
    none = hourlyRefusals('none');
  }, 120_000);

  test('is on by default and makes the hourly refusal rate over-dispersed; noise none is binomial', () => {
    expect(dispersion(realistic)).toBeGreaterThan(2);
    expect(dispersion(realistic)).toBeLessThan(30);
    // 35 degrees of freedom: a binomial dispersion estimate lies within 0.5..1.6 with ~99% probability.
    expect(dispersion(none)).toBeGreaterThan(0.5);
    expect(dispersion(none)).toBeLessThan(1.6);
  });

  test('volume follows the day and the week', () => {
    const total = (hours: ProportionCount[], from: number, to: number) =>
      hours.slice(from, to).reduce((a, h) => a + h.total, 0) / (to - from);
    // 03:00–06:00 UTC against 13:00–16:00 UTC.
    expect(total(realistic, 13, 16) / total(realistic, 3, 6)).toBeGreaterThan(2);
    expect(total(none, 13, 16) / total(none, 3, 6)).toBeLessThan(1.1);
    const saturday = Date.UTC(2026, 0, 10, 15) / 1000;
    expect(volumeFactor(saturday)).toBeLessThan(volumeFactor(saturday - 2 * 86_400));
  });

  test('is a pure function of seed, endpoint and time; none changes nothing and retries nothing', () => {
    const profile = SEGMENTS[0].profile;
    const t = ORIGIN + 5 * HOUR + 17;
    expect(noisyProfile('realistic', 9, 0, t, profile)).toEqual(noisyProfile('realistic', 9, 0, t, profile));
    expect(noisyProfile('realistic', 9, 0, t, profile)).not.toEqual(noisyProfile('realistic', 10, 0, t, profile));
    expect(noisyProfile('none', 9, 0, t, profile)).toEqual({ profile, retries: { share: 0, failAgain: 0 } });
    const shares = noisyProfile('realistic', 9, 0, t, profile).profile.outcomeShares;
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.min(...shares)).toBeGreaterThan(0);
  });
});
