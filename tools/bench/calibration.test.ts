/**
 * The calibration benchmark (`npm run bench -- calibration`) in a reduced form: three simulated days of
 * realistic, over-dispersed traffic at half volume, two baseline modes, the real report core (30 reports). Quiet one-hour reports must not page, and the large planted shifts (refusals +100%, latency
 * +100% and +50%, similarity PSI 0.30) must be caught against the preceding hour.
 */
import { calibrate, type Calibration } from './calibration';

let result: Calibration;

beforeAll(async () => {
  // Half the traffic, to keep the simulation short; the noise (relative to independent requests) is then smaller,
  // the planted shifts the same. One day of history is enough to measure the dispersion (≥ 12 pairs).
  result = await calibrate({
    days: 3,
    seed: 5,
    rateMultiplier: 0.5,
    warmupDays: 1,
    lagDays: 1,
    modes: ['preceding', 'days_earlier'],
    plantedModes: ['preceding'],
    maxNullWindows: 12,
  });
  // ≈ 9 s of CPU under jest (src/simulator/random.ts reads Math once: vm-context globals are slow); a 2-core
  // machine at load 20 takes about 10× longer.
}, 600_000);

test('quiet one-hour reports almost never page or ask for a look, with either baseline', () => {
  expect(result.nulls.map((r) => r.baseline)).toEqual(['preceding hour', 'same hour 1 day earlier']);
  expect(result.nulls.map((r) => r.reports)).toEqual([12, 12]);
  // The goals are ≤ 1% of quiet reports paging and ≤ 5% investigating; 24 reports cannot resolve 1%, so this
  // guards against miscalibration of the kind the independent-requests test had (it paged in 20–50% of them).
  expect(result.falseAlarms.filter((a) => a.verdict === 'page').length).toBeLessThanOrEqual(1);
  for (const row of result.nulls) {
    expect({ baseline: row.baseline, investigating: row.investigating <= 1 }).toEqual({
      baseline: row.baseline,
      investigating: true,
    });
  }
});

test('the large planted shifts are detected against the preceding hour, and the smallest never page', () => {
  const row = (shift: string) => result.planted.find((r) => r.shift === shift && r.baseline === 'preceding hour')!;
  for (const shift of ['refusal rate +100%', 'latency +100% (p95)', 'latency +50% (p95)', 'similarity PSI 0.3']) {
    const { windows, detected } = row(shift);
    expect({ shift, windows }).toEqual({ shift, windows: 2 });
    expect({ shift, detected }).toEqual({ shift, detected: 2 });
  }
  expect(row('refusal rate +100%').paged).toBe(2);
  // +10% refusals and PSI 0.05 are within this traffic's hour-to-hour wander: nothing pages on them.
  expect(row('refusal rate +10%').paged).toBe(0);
  expect(row('similarity PSI 0.05').paged).toBe(0);
});

test('the dispersion is measured from history, and is above 1 (the traffic is over-dispersed)', () => {
  const chat = result.dispersions.filter((d) => d.endpoint === '/chat' && d.baseline === 'preceding hour');
  expect(chat.find((d) => d.sli === 'refusal_rate')!.median).toBeGreaterThan(1.2);
  expect(chat.find((d) => d.sli === 'model_latency')!.median).toBeGreaterThan(2);
});
