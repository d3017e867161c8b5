import { UsageError } from './errors';
import { parseDuration, parseTime } from './time';

describe('parseTime', () => {
  test('RFC 3339 with a zone, Unix seconds, now and now-<duration>', () => {
    expect(parseTime('2026-11-24T14:00:00Z', '--from')).toBe(1_795_528_800);
    expect(parseTime('2026-11-24T15:00:00+01:00', '--from')).toBe(1_795_528_800);
    expect(parseTime('1795528800', '--from')).toBe(1_795_528_800);
    expect(parseTime('now', '--to', 1_000_000)).toBe(1_000_000);
    expect(parseTime('now-3h', '--from', 1_000_000)).toBe(1_000_000 - 10_800);
  });

  test.each(['2026-11-24 14:00', '2026-11-24T14:00:00', 'yesterday', '2026-13-45T99:00:00Z', ''])(
    '%j is refused with a usage error naming the flag',
    (text) => {
      expect(() => parseTime(text, '--from')).toThrow(UsageError);
      expect(() => parseTime(text, '--from')).toThrow(/--from/);
    }
  );

  test('to the millisecond: fractional seconds are kept, finer ones refused', () => {
    expect(parseTime('1795528800.25', '--from')).toBe(1_795_528_800.25);
    expect(parseTime('2026-11-24T14:00:00.123Z', '--from')).toBe(1_795_528_800.123);
    expect(parseTime('2028-02-29T00:00:00Z', '--from')).toBe(Date.UTC(2028, 1, 29) / 1000);
    expect(() => parseTime('1795528800.1234', '--from')).toThrow(/finer than a millisecond/);
  });

  test.each([
    ['2026-02-30T00:00:00Z', /not a date that exists/],
    ['2026-02-29T00:00:00Z', /not a date that exists/],
    ['2026-11-24T24:00:00Z', /not a date that exists/],
    ['2026-11-24T14:00:00+25:00', /not a date that exists/],
    ['99999999999999', /outside 1970-01-01 .. 9999-12-31/],
    ['1795528800000', /looks like milliseconds/],
  ])('%s is refused: %s', (text, why) => {
    expect(() => parseTime(text, '--to')).toThrow(why);
  });

  test('durations', () => {
    expect(parseDuration('90s', 'x')).toBe(90);
    expect(parseDuration('7d', 'x')).toBe(604_800);
    expect(() => parseDuration('7 days', 'x')).toThrow(UsageError);
  });
});
