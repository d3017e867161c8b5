import { dateTimeFormat, setTimeZoneResolver } from '@grafana/data';

import { formatTimeInput, formatUserTimeWithZone, parseTimeInput, userTimeZone, windowLabel, zoneName } from './time';

const utc = (iso: string) => Date.parse(iso);

afterEach(() => setTimeZoneResolver(() => 'browser'));

describe.each([
  // [preference, typed, the instant it means, its zone's name]
  ['America/New_York', '2026-11-20 05:00', '2026-11-20T10:00:00Z', 'EST'],
  ['Asia/Kolkata', '2026-11-20 05:00', '2026-11-19T23:30:00Z', 'IST'],
  ['utc', '2026-11-20 05:00', '2026-11-20T05:00:00Z', 'UTC'],
])('with the Grafana preference %s', (zone, typed, instant, name) => {
  beforeEach(() => setTimeZoneResolver(() => zone));

  it('reads a typed time in that zone, and shows it back as typed, naming the zone', () => {
    const ms = parseTimeInput(typed);
    expect(ms).toBe(utc(instant));
    expect(formatTimeInput(ms!)).toBe(`${typed}:00`);
    expect(parseTimeInput(formatTimeInput(ms!))).toBe(ms);
    expect(formatUserTimeWithZone(ms!)).toBe(`${typed} ${name}`);
    expect(zoneName(ms!)).toBe(name);
  });

  it('writes an incident window in that zone', () => {
    const time = utc(instant);
    expect(windowLabel({ time, timeEnd: time + 3_600_000 })).toBe(
      `${typed} – ${dateTimeFormat(time + 3_600_000, { format: 'HH:mm', timeZone: zone })} ${name}`
    );
  });

  it('takes a time with its own zone as that instant', () => {
    expect(parseTimeInput('2026-11-20T05:00:00Z')).toBe(utc('2026-11-20T05:00:00Z'));
    expect(parseTimeInput('2026-11-20T05:00:00+05:30')).toBe(utc('2026-11-19T23:30:00Z'));
  });

  it('rounds relative times in that zone', () => {
    const startOfDay = parseTimeInput('now/d')!;
    expect(dateTimeFormat(startOfDay, { format: 'HH:mm:ss', timeZone: zone })).toBe('00:00:00');
  });
});

describe('parseTimeInput', () => {
  it('reads Unix seconds and milliseconds', () => {
    expect(parseTimeInput('1763600000')).toBe(1763600000_000);
    expect(parseTimeInput('1763600000123')).toBe(1763600000123);
  });

  it('gives undefined for what is not a time', () => {
    for (const text of ['', '  ', 'yesterday-ish', 'now-banana', '2026-13-45 99:00']) {
      expect([text, parseTimeInput(text)]).toEqual([text, undefined]);
    }
  });
});

describe('windowLabel', () => {
  it('writes both dates when they differ, and both zones across a daylight-saving change', () => {
    setTimeZoneResolver(() => 'America/New_York');
    expect(windowLabel({ time: utc('2026-11-01T04:30:00Z'), timeEnd: utc('2026-11-01T07:30:00Z') })).toBe(
      '2026-11-01 00:30 EDT – 02:30 EST'
    );
    expect(windowLabel({ time: utc('2026-11-20T03:00:00Z'), timeEnd: utc('2026-11-20T06:00:00Z') })).toBe(
      '2026-11-19 22:00 – 2026-11-20 01:00 EST'
    );
  });

  it('resolves the `browser` preference to the browser’s own zone', () => {
    expect(userTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
