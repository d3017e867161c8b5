import { readClassification } from '../../core/tags';
import { type IncidentAnnotation } from '../../shared/annotations';
import {
  readRowsWhenIdle,
  filtersFromSearch,
  matchesFilters,
  quickRangeOf,
  searchWithFilters,
  sortRows,
  teamsOf,
  timeFilterRange,
  toRow,
} from './filters';

// The real reader, counted: a row is read when its tags are.
jest.mock('../../core/tags', () => {
  const actual = jest.requireActual('../../core/tags');
  return { ...actual, readClassification: jest.fn(actual.readClassification) };
});
const read = jest.mocked(readClassification);

const incident = (tags: string[]): IncidentAnnotation => ({
  id: 1,
  time: 0,
  timeEnd: 1,
  text: '',
  tags: ['ai-incident', ...tags],
  dashboardUID: null,
});

describe('incident filters', () => {
  test('read from the URL and written back, keeping other parameters', () => {
    const search = new URLSearchParams('team=search&category=unclassified&status=open&page=3&orgId=1&severity=');
    const filters = filtersFromSearch(search);
    expect(filters).toEqual({ team: 'search', category: 'unclassified', status: 'open', page: 3 });
    expect(searchWithFilters(search, { ...filters, team: undefined, page: 1 }).toString()).toBe(
      'category=unclassified&status=open&orgId=1'
    );
  });

  test('status is open until set; unclassified and no severity are values of their own', () => {
    const open = toRow(incident(['team:search']));
    const classified = toRow(incident(['team:chat', 'ai-category:prompt', 'ai-status:classified', 'ai-severity:page']));
    expect(matchesFilters(open, { status: 'open', category: 'unclassified', severity: 'none' })).toBe(true);
    expect(matchesFilters(classified, { status: 'open' })).toBe(false);
    expect(matchesFilters(classified, { category: 'prompt', severity: 'page', team: 'chat' })).toBe(true);
    expect(matchesFilters(classified, { team: 'search' })).toBe(false);
    expect(teamsOf([open, classified], 'zeta')).toEqual(['chat', 'search', 'zeta']);
  });

  test('a malformed tag is reported and does not count as a value', () => {
    const row = toRow(incident(['ai-severity:urgent']));
    expect(row.malformed).toEqual(['ai-severity:urgent']);
    expect(matchesFilters(row, { severity: 'none' })).toBe(true);
  });

  test('the time filter: Unix ms, Grafana time, or invalid', () => {
    expect(timeFilterRange({})).toBeUndefined();
    expect(timeFilterRange({ from: '1000', to: '2000' })).toEqual({ from: 1_000_000, to: 2_000_000 });
    expect(timeFilterRange({ from: '1795000000000', to: '1795000100000' })).toEqual({
      from: 1_795_000_000_000,
      to: 1_795_000_100_000,
    });
    const relative = timeFilterRange({ from: 'now-7d', to: 'now' });
    // Each end reads the clock, so they may be a few ms further apart than 7 days.
    const span = relative !== 'invalid' && relative !== undefined ? relative.to - relative.from : NaN;
    expect(span).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(span).toBeLessThan(7 * 86_400_000 + 1000);
    expect(timeFilterRange({ from: 'last tuesday', to: 'now' })).toBe('invalid');
    expect(timeFilterRange({ from: '2000', to: '1000' })).toBe('invalid');
  });

  test('the text search looks in the description, the category title and the tags, ignoring case', () => {
    const row = toRow({ ...incident(['team:search', 'ai-category:data-retrieval', 'owner:ana']), text: 'Stale INDEX' });
    for (const q of ['stale index', 'data and RETRIEVAL', 'owner:ana', 'team:sea']) {
      expect(matchesFilters(row, { q })).toBe(true);
    }
    expect(matchesFilters(row, { q: 'prompt' })).toBe(false);
  });

  test('rows sort by any column either way, ties newest first', () => {
    const a = toRow({ ...incident(['team:b', 'ai-severity:page']), id: 1, time: 10, timeEnd: 20, text: 'beta' });
    const b = toRow({ ...incident(['team:a']), id: 2, time: 30, timeEnd: 100, text: 'alpha' });
    const c = toRow({
      ...incident(['team:a', 'ai-severity:investigate']),
      id: 3,
      time: 50,
      timeEnd: 55,
      text: 'Gamma',
    });
    const ids = (rows: Array<ReturnType<typeof toRow>>) => rows.map((r) => r.incident.id);
    expect(ids(sortRows([a, b, c], 'text', false))).toEqual([2, 1, 3]);
    expect(ids(sortRows([a, b, c], 'duration', true))).toEqual([2, 1, 3]);
    expect(ids(sortRows([a, b, c], 'start', true))).toEqual([3, 2, 1]);
    // Equal teams: the newer first, whichever way the column sorts.
    expect(ids(sortRows([a, b, c], 'team', false))).toEqual([3, 2, 1]);
    expect(ids(sortRows([a, b, c], 'severity', true))).toEqual([1, 3, 2]);
  });

  test('an ongoing incident sorts by how long it has lasted up to now, not as 0 long', () => {
    const ended = toRow({ ...incident([]), id: 1, time: 0, timeEnd: 60 * 60_000 });
    const ongoing = toRow({ ...incident(['ai-ongoing']), id: 2, time: 30 * 60_000, timeEnd: 30 * 60_000 });
    const ids = (rows: Array<ReturnType<typeof toRow>>) => rows.map((r) => r.incident.id);
    // At 1 h 10 min it has lasted 40 min, less than the ended hour; at 2 h, 1 h 30 min, more.
    expect(ids(sortRows([ended, ongoing], 'duration', true, 70 * 60_000))).toEqual([1, 2]);
    expect(ids(sortRows([ended, ongoing], 'duration', true, 120 * 60_000))).toEqual([2, 1]);
  });

  test('the quick range buttons know their own ranges, and no other', () => {
    expect(quickRangeOf({})).toBe('');
    expect(quickRangeOf({ from: 'now-30d', to: 'now' })).toBe('now-30d');
    expect(quickRangeOf({ from: 'now-30d', to: 'now-1d' })).toBeUndefined();
    expect(quickRangeOf({ from: 'now-2d', to: 'now' })).toBeUndefined();
  });

  test('rows are read later, when the browser is idle, and a stop stops it', () => {
    jest.useFakeTimers();
    read.mockClear();
    try {
      const many = Array.from({ length: 2000 }, (_, i) => ({ ...incident(['team:search']), id: i }));
      readRowsWhenIdle(many);
      expect(read).not.toHaveBeenCalled();
      jest.runAllTimers();
      expect(read).toHaveBeenCalledTimes(many.length);
      // Read once: the rows a filter asks for now are those.
      many.forEach(toRow);
      expect(read).toHaveBeenCalledTimes(many.length);

      read.mockClear();
      const stop = readRowsWhenIdle(many.map((one) => ({ ...one })));
      stop();
      jest.runAllTimers();
      expect(read).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });
});
