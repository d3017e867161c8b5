import { setTimeZoneResolver } from '@grafana/data';

import { durationLabel, startedParts } from './format';

afterEach(() => setTimeZoneResolver(() => 'browser'));

describe('how the incident list writes an incident', () => {
  it('splits when it started into the date and the time with the zone, in the user’s zone', () => {
    setTimeZoneResolver(() => 'Asia/Kolkata');
    expect(startedParts(Date.parse('2026-11-19T23:30:00Z'))).toEqual(['2026-11-20', '05:00 IST']);
    setTimeZoneResolver(() => 'America/New_York');
    expect(startedParts(Date.parse('2026-11-20T10:00:30Z'))).toEqual(['2026-11-20', '05:00:30 EST']);
  });

  it('writes the duration, never negative', () => {
    expect(durationLabel({ time: 10, timeEnd: 5_400_010, tags: [] })).toBe('1 h 30 min');
    expect(durationLabel({ time: 10, timeEnd: 0, tags: [] })).toBe('0 s');
  });
});
