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

  test('durations', () => {
    expect(parseDuration('90s', 'x')).toBe(90);
    expect(parseDuration('7d', 'x')).toBe(604_800);
    expect(() => parseDuration('7 days', 'x')).toThrow(UsageError);
  });
});
