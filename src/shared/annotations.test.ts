import { Observable, of, throwError } from 'rxjs';
import { applyClassification, readClassification } from '../core/tags';
import { FakeAnnotationsBackend } from '../../test/fixtures/annotationsBackend';
import {
  GrafanaApiError,
  baselineExclusions,
  closeIncident,
  createIncident,
  fetchIncidentAnnotations,
  getIncident,
  incidentInterval,
  isOngoing,
  isPermissionError,
  isRegion,
  listIncidents,
  otherIncidentWindows,
  updateIncidentTags,
  type IncidentAnnotation,
} from './annotations';

const backendFetch = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backendFetch }),
}));

afterEach(() => backendFetch.mockReset());

const incident = (over: Partial<IncidentAnnotation>): IncidentAnnotation => ({
  id: 1,
  time: 1_795_140_000_000,
  timeEnd: 1_795_143_600_000,
  text: '',
  tags: ['ai-incident'],
  dashboardUID: null,
  ...over,
});

describe('baseline exclusions', () => {
  const region = (id: number, from: number, to: number) => incident({ id, time: from * 1000, timeEnd: to * 1000 });

  test('other incidents are left out of the baseline, not the one reported on, and not points', () => {
    const incidents = [region(1, 100, 200), region(2, 300, 400), region(3, 500, 500)];
    expect(otherIncidentWindows(incidents, incidents[0])).toEqual([{ from: 300, to: 400 }]);
    expect(otherIncidentWindows(incidents)).toEqual([
      { from: 100, to: 200 },
      { from: 300, to: 400 },
    ]);
  });

  test('reads the incidents overlapping the baseline in one request and excludes the others', async () => {
    backendFetch.mockReturnValue(
      of({
        ok: true,
        status: 200,
        data: [region(1, 100, 200), region(2, 300, 400)].map((a) => ({ ...a, dashboardUID: '' })),
      })
    );
    expect(await baselineExclusions({ from: 0, to: 1000 }, region(1, 100, 200))).toEqual({
      excluded: [{ from: 300, to: 400 }],
    });
    expect(backendFetch).toHaveBeenCalledWith(
      expect.objectContaining({
        params: { tags: ['ai-incident'], type: 'annotation', from: 0, to: 1_000_000, limit: 1000 },
      })
    );
  });

  test('unreadable annotations give no exclusions and a note that says why', async () => {
    backendFetch.mockReturnValue(throwError(() => ({ status: 500, data: { message: 'boom' }, config: {} })));
    expect(await baselineExclusions({ from: 0, to: 1000 })).toEqual({
      excluded: [],
      note: 'Other incidents could not be read, so none is left out of the baseline (Grafana answered 500 for the incident annotations: boom).',
    });
  });
});

describe('fetchIncidentAnnotations', () => {
  test('asks Grafana for ai-incident annotations in the range', async () => {
    backendFetch.mockReturnValue(of({ ok: true, status: 200, data: [] }));
    await fetchIncidentAnnotations({ from: 1000.4, to: 2000.6, limit: 50 });
    expect(backendFetch).toHaveBeenCalledWith({
      url: '/api/annotations',
      method: 'GET',
      params: { tags: ['ai-incident'], type: 'annotation', from: 1000, to: 2001, limit: 50 },
      showErrorAlert: false,
    });
  });

  test('returns them oldest first, keeping text and foreign tags as written', async () => {
    backendFetch.mockReturnValue(
      of({
        ok: true,
        status: 200,
        data: [
          {
            id: 9,
            time: 3000,
            timeEnd: 4000,
            text: '<img src=x onerror=alert(1)>',
            tags: ['ai-incident', 'team:search'],
            dashboardUID: 'd1',
            login: 'x',
          },
          { id: 4, time: 1000, timeEnd: 0, text: 'point', tags: null },
          { id: 'bad', time: 5 },
        ],
      })
    );
    expect(await fetchIncidentAnnotations({ from: 0, to: 5000 })).toEqual([
      { id: 4, time: 1000, timeEnd: 1000, text: 'point', tags: [], dashboardUID: null },
      {
        id: 9,
        time: 3000,
        timeEnd: 4000,
        text: '<img src=x onerror=alert(1)>',
        tags: ['ai-incident', 'team:search'],
        dashboardUID: 'd1',
      },
    ]);
  });

  test('a refusal keeps its status', async () => {
    backendFetch.mockReturnValue(throwError(() => ({ status: 403, data: { message: 'Forbidden' }, config: {} })));
    const failure = fetchIncidentAnnotations({ from: 0, to: 1 });
    await expect(failure).rejects.toThrow(GrafanaApiError);
    await expect(failure).rejects.toMatchObject({
      status: 403,
      message: 'Grafana answered 403 for the incident annotations: Forbidden',
    });
  });

  test('an unreachable Grafana says so', async () => {
    backendFetch.mockReturnValue(throwError(() => new TypeError('Failed to fetch')));
    await expect(fetchIncidentAnnotations({ from: 0, to: 1 })).rejects.toThrow(
      'cannot reach Grafana for the incident annotations: Failed to fetch'
    );
  });
});

describe('incident helpers', () => {
  test('a region has an end after its start', () => {
    expect(isRegion(incident({}))).toBe(true);
    expect(isRegion(incident({ timeEnd: 1_795_140_000_000 }))).toBe(false);
  });

  test('the window is widened to whole seconds', () => {
    expect(incidentInterval(incident({ time: 1_795_140_000_500, timeEnd: 1_795_143_600_200 }))).toEqual({
      from: 1_795_140_000,
      to: 1_795_143_601,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// API semantics, against a backend that answers as Grafana does (filters, newest-first order, limit, POST, PATCH).

const HOUR = 3_600_000;
const T0 = 1_795_000_000_000;

/** `count` incident regions of an hour, one starting every two hours, oldest first; ids 1..count. */
function regions(count: number, extraTags: string[] = []) {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    time: T0 + i * 2 * HOUR,
    timeEnd: T0 + i * 2 * HOUR + HOUR,
    text: `incident ${i + 1}`,
    tags: ['ai-incident', ...extraTags],
  }));
}

function useBackend(backend: FakeAnnotationsBackend) {
  backendFetch.mockImplementation(backend.fetch);
  return backend;
}

describe('listIncidents', () => {
  test('pages past the limit by moving `to` back, newest first, each incident once', async () => {
    const backend = useBackend(
      new FakeAnnotationsBackend([
        ...regions(250, ['team:search']),
        // Not incidents: another tag, a point, an alert annotation.
        { id: 1001, time: T0, timeEnd: T0 + HOUR, text: 'deploy', tags: ['deploy'] },
        { id: 1002, time: T0 + 5 * HOUR, text: 'point', tags: ['ai-incident'] },
        { id: 1003, time: T0, timeEnd: T0 + HOUR, text: 'alert', tags: ['ai-incident'], alertId: 7 },
      ])
    );
    const list = await listIncidents({ pageSize: 100, to: T0 + 1000 * HOUR });
    expect(list.incidents.map((i) => i.id)).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
    expect(list).toMatchObject({ truncated: false, pointsIgnored: 1 });
    // The first page at the page size; the rest in slices of four first pages' span, each asked for with room for
    // twice that (800); every request asks for incidents only.
    expect(list.requests).toBeGreaterThanOrEqual(2);
    expect(backend.requests[0].search.get('limit')).toBe('100');
    for (const request of backend.requests) {
      expect(request.search.getAll('tags')).toEqual(['ai-incident']);
      expect(request.search.get('type')).toBe('annotation');
    }
    expect(backend.requests.slice(1).map((r) => r.search.get('limit'))).toEqual(
      Array(backend.requests.length - 1).fill('800')
    );
  });

  test('shows the first page before the rest, then reads the rest at most `concurrency` requests at a time', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(regions(1000)));
    let inFlight = 0;
    let mostInFlight = 0;
    const answer = backend.fetch;
    backendFetch.mockImplementation((options: Parameters<typeof answer>[0]) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      // Answer a macrotask later, so requests started together are in flight together.
      return new Observable((subscriber) => {
        const timer = setTimeout(() => {
          inFlight--;
          answer(options).subscribe(subscriber);
        }, 1);
        return () => clearTimeout(timer);
      });
    });
    const progress: Array<{ count: number; complete: boolean }> = [];
    const list = await listIncidents({
      pageSize: 100,
      concurrency: 3,
      onProgress: (partial) => {
        progress.push({ count: partial.incidents.length, complete: partial.complete });
      },
    });
    expect(list.incidents.map((i) => i.id)).toEqual(Array.from({ length: 1000 }, (_, i) => 1000 - i));
    expect(list.complete).toBe(true);
    // The first call is the first page alone: the newest 100, while the rest is still being read.
    expect(progress).toEqual([{ count: 100, complete: false }]);
    expect(mostInFlight).toBe(3);
    // The first page, then at once two slices of four first pages' span and one with everything older.
    expect(list.requests).toBe(4);
  });

  test("reads the rest only once onProgress's promise resolves (the page draws the first rows first)", async () => {
    const backend = useBackend(new FakeAnnotationsBackend(regions(300)));
    let shown = () => undefined as void;
    const listing = listIncidents({
      pageSize: 100,
      onProgress: () => new Promise<void>((resolve) => (shown = resolve)),
    });
    // The first page is answered at once; nothing more is asked for while the first rows are being drawn.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(backend.requests).toHaveLength(1);
    shown();
    expect((await listing).incidents).toHaveLength(300);
    expect(backend.requests.length).toBeGreaterThan(1);
  });

  test('a gap of years between incidents loses none of the older ones', async () => {
    const YEAR = 365 * 24 * HOUR;
    const recent = regions(300);
    const old = regions(150).map((r) => ({
      ...r,
      id: r.id + 1000,
      time: r.time - 3 * YEAR,
      timeEnd: r.timeEnd - 3 * YEAR,
    }));
    useBackend(new FakeAnnotationsBackend([...recent, ...old]));
    const list = await listIncidents({ pageSize: 100 });
    expect(list.incidents).toHaveLength(450);
    expect(list.incidents.at(-1)?.id).toBe(1001);
  });

  test('long regions that overlap every page and ties on the end time lose nothing', async () => {
    const sameEnd = Array.from({ length: 150 }, (_, i) => ({
      id: 300 + i,
      time: T0 + i * 60_000,
      timeEnd: T0 + 200 * HOUR,
      text: `tie ${i}`,
      tags: ['ai-incident'],
    }));
    const longOnes = [
      { id: 900, time: T0 - 100 * HOUR, timeEnd: T0 + 300 * HOUR, text: 'long', tags: ['ai-incident'] },
      { id: 901, time: T0 - 50 * HOUR, timeEnd: T0 + 250 * HOUR, text: 'long 2', tags: ['ai-incident'] },
    ];
    useBackend(new FakeAnnotationsBackend([...regions(120), ...sameEnd, ...longOnes]));
    const list = await listIncidents({ pageSize: 100, to: T0 + 1000 * HOUR });
    expect(list.incidents).toHaveLength(272);
    expect(new Set(list.incidents.map((i) => i.id)).size).toBe(272);
    // Newest first by start time.
    const starts = list.incidents.map((i) => i.time);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  test('stops at the cap and says it shows the newest', async () => {
    useBackend(new FakeAnnotationsBackend(regions(250)));
    const list = await listIncidents({ pageSize: 100, maxIncidents: 120, to: T0 + 1000 * HOUR });
    expect(list.truncated).toBe(true);
    expect(list.incidents).toHaveLength(120);
    expect(list.incidents[0].id).toBe(250);
    expect(list.incidents[119].id).toBe(131);
  });

  test('exactly the cap is all of them, not "the newest"', async () => {
    useBackend(new FakeAnnotationsBackend(regions(200)));
    const list = await listIncidents({ pageSize: 100, maxIncidents: 200 });
    expect(list).toMatchObject({ truncated: false });
    expect(list.incidents).toHaveLength(200);
  });

  test('a time range returns only the incidents overlapping it', async () => {
    useBackend(new FakeAnnotationsBackend(regions(10)));
    // Incident 3 is [T0+4h, T0+5h], incident 4 [T0+6h, T0+7h]: a range from 4.5 h to 6.5 h overlaps both.
    const list = await listIncidents({ from: T0 + 4.5 * HOUR, to: T0 + 6.5 * HOUR });
    expect(list.incidents.map((i) => i.id)).toEqual([4, 3]);
  });

  test("a failing page fails the list with Grafana's words", async () => {
    const backend = useBackend(new FakeAnnotationsBackend(regions(250)));
    backend.fail('GET', 500, /^\/api\/annotations$/);
    await expect(listIncidents({ pageSize: 100 })).rejects.toMatchObject({
      kind: 'server',
      status: 500,
      message: 'Grafana answered 500 for the incident annotations: Internal Server Error',
    });
  });
});

describe('getIncident', () => {
  test('reads one annotation by id', async () => {
    useBackend(new FakeAnnotationsBackend(regions(3, ['owner:alice'])));
    expect(await getIncident(2)).toMatchObject({
      id: 2,
      text: 'incident 2',
      tags: ['ai-incident', 'owner:alice'],
      dashboardUID: null,
    });
  });

  test('where GET by id is missing, finds it in the window from the link', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(regions(3)));
    backend.fail('GET', 404, /^\/api\/annotations\/\d+$/);
    expect(await getIncident(2, { time: T0 + 2 * HOUR, timeEnd: T0 + 3 * HOUR })).toMatchObject({
      id: 2,
      text: 'incident 2',
    });
  });

  test('a deleted annotation is not found', async () => {
    useBackend(new FakeAnnotationsBackend(regions(3)));
    await expect(getIncident(99, { time: T0, timeEnd: T0 + HOUR })).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('createIncident', () => {
  test('creates an organisation-wide region annotation with the incident tag', async () => {
    const backend = useBackend(new FakeAnnotationsBackend());
    const created = await createIncident({
      time: T0,
      timeEnd: T0 + HOUR,
      text: 'refusals up on /chat',
      tags: ['team:search', 'ai-status:open'],
    });
    expect(backend.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/annotations',
      data: {
        time: T0,
        timeEnd: T0 + HOUR,
        text: 'refusals up on /chat',
        tags: ['ai-incident', 'team:search', 'ai-status:open'],
      },
    });
    expect(backend.store.all()).toEqual([
      expect.objectContaining({
        id: created.id,
        time: T0,
        timeEnd: T0 + HOUR,
        dashboardUID: '',
        tags: ['ai-incident', 'team:search', 'ai-status:open'],
      }),
    ]);
    expect((await listIncidents({ to: T0 + 2 * HOUR })).incidents.map((i) => i.id)).toEqual([created.id]);
  });

  test('refuses a window that does not end after it starts, and text that is empty, before asking Grafana', async () => {
    const backend = useBackend(new FakeAnnotationsBackend());
    await expect(createIncident({ time: T0, timeEnd: T0, text: 'x', tags: [] })).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(createIncident({ time: T0, timeEnd: T0 + HOUR, text: '  ', tags: [] })).rejects.toMatchObject({
      kind: 'invalid',
    });
    expect(backend.requests).toHaveLength(0);
  });

  test('403 is a permission error', async () => {
    const backend = useBackend(new FakeAnnotationsBackend());
    backend.fail('POST', 403);
    const failure = createIncident({ time: T0, timeEnd: T0 + HOUR, text: 'x', tags: [] });
    await expect(failure).rejects.toThrow(GrafanaApiError);
    await expect(failure).rejects.toMatchObject({ kind: 'permission', status: 403 });
    expect(isPermissionError(await failure.catch((e: unknown) => e))).toBe(true);
    expect(backend.store.size).toBe(0);
  });
});

describe('ongoing incidents', () => {
  test('an ongoing incident is stored as Grafana stores an annotation without an end: a point, tagged ai-ongoing', async () => {
    const backend = useBackend(new FakeAnnotationsBackend());
    const created = await createIncident({
      time: T0,
      timeEnd: 0,
      ongoing: true,
      text: 'timeouts on /chat',
      tags: ['team:search', 'ai-status:open'],
    });
    const [stored] = backend.store.all();
    expect(stored).toMatchObject({
      time: T0,
      timeEnd: T0,
      tags: ['ai-incident', 'team:search', 'ai-status:open', 'ai-ongoing'],
    });
    expect(isOngoing(created)).toBe(true);
    // Listed as an incident (not a point left out), and read as a window up to now.
    const list = await listIncidents({ from: T0 - HOUR, to: T0 + HOUR });
    expect(list.incidents.map((i) => i.id)).toEqual([created.id]);
    expect(list.pointsIgnored).toBe(0);
    expect(incidentInterval(list.incidents[0], T0 + 2 * HOUR)).toEqual({ from: T0 / 1000, to: T0 / 1000 + 7200 });
  });

  test('an ongoing incident shows in every range it overlaps, even one that starts after it did', async () => {
    const tags = ['ai-incident', 'ai-ongoing'];
    const backend = useBackend(
      new FakeAnnotationsBackend([
        ...regions(10),
        // Ongoing since three days before the range: Grafana's overlap alone would miss it.
        { id: 101, time: T0 - 72 * HOUR, timeEnd: T0 - 72 * HOUR, text: 'ongoing, old', tags },
        // Ongoing, starting inside the range: found by the range's own page, listed once.
        { id: 102, time: T0 + 5 * HOUR, timeEnd: T0 + 5 * HOUR, text: 'ongoing, new', tags },
        // Ongoing from after the range: not in it.
        { id: 103, time: T0 + 100 * HOUR, timeEnd: T0 + 100 * HOUR, text: 'ongoing, later', tags },
        // Ended before the range (a region that kept the tag has ended).
        { id: 104, time: T0 - 72 * HOUR, timeEnd: T0 - 71 * HOUR, text: 'ended', tags },
      ])
    );
    const list = await listIncidents({ from: T0 + 4.5 * HOUR, to: T0 + 6.5 * HOUR });
    expect(list.incidents.map((i) => i.id)).toEqual([4, 102, 3, 101]);
    // One request for the range, one for the ongoing incidents (both tags, no time filter).
    expect(list.requests).toBe(2);
    const ongoing = backend.requests.find((r) => r.search.getAll('tags').includes('ai-ongoing'));
    expect(ongoing?.search.getAll('tags')).toEqual(['ai-incident', 'ai-ongoing']);
    expect(ongoing?.search.has('from')).toBe(false);
    // Without a range every incident is read, ongoing ones with them: no extra request.
    const all = await listIncidents({});
    expect(all.incidents.map((i) => i.id)).toEqual(expect.arrayContaining([101, 102, 103]));
    expect(backend.requests.filter((r) => r.search.getAll('tags').includes('ai-ongoing'))).toHaveLength(1);
  });

  test('closing sets the end and drops only ai-ongoing, keeping a tag written since the page loaded', async () => {
    const backend = useBackend(
      new FakeAnnotationsBackend([
        {
          id: 3,
          time: T0,
          timeEnd: T0,
          text: 'timeouts',
          tags: ['ai-incident', 'ai-ongoing', 'team:search', 'jira:OPS-2'],
        },
      ])
    );
    const loaded = await getIncident(3);
    backend.store.patch(3, { tags: [...loaded.tags, 'ai-category:provider-outage'] });
    const closed = await closeIncident(loaded, T0 + HOUR);
    expect(backend.requests.at(-2)).toMatchObject({ method: 'PATCH', data: { timeEnd: T0 + HOUR } });
    expect(closed).toMatchObject({ time: T0, timeEnd: T0 + HOUR });
    expect(closed.tags).toEqual(['ai-incident', 'team:search', 'jira:OPS-2', 'ai-category:provider-outage']);
    expect(isOngoing(closed)).toBe(false);
    expect(isRegion(closed)).toBe(true);
  });

  test('an end before the start is refused before anything is written', async () => {
    const backend = useBackend(
      new FakeAnnotationsBackend([{ id: 3, time: T0, timeEnd: T0, text: 'x', tags: ['ai-incident', 'ai-ongoing'] }])
    );
    await expect(closeIncident(await getIncident(3), T0 - 1)).rejects.toMatchObject({ kind: 'invalid' });
    expect(backend.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  test('a point without the tag is not ongoing, and a region that kept the tag has ended', () => {
    expect(isOngoing(incident({ timeEnd: 1_795_140_000_000 }))).toBe(false);
    expect(isRegion(incident({ timeEnd: 1_795_140_000_000 }))).toBe(false);
    expect(isOngoing(incident({ tags: ['ai-incident', 'ai-ongoing'] }))).toBe(false);
  });
});

describe('updateIncidentTags (read-modify-write)', () => {
  const seed = () => [
    {
      id: 7,
      time: T0,
      timeEnd: T0 + HOUR,
      text: 'timeouts on /chat',
      tags: ['ai-incident', 'team:search', 'owner:alice', 'jira:OPS-1'],
    },
  ];

  test('round trip: the classification is written and every foreign tag and the text stay', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    const loaded = await getIncident(7);
    const tags = applyClassification(loaded.tags, {
      category: 'infrastructure',
      severity: 'page',
      status: 'classified',
    });
    const result = await updateIncidentTags(loaded, tags);
    expect(result.kind).toBe('saved');
    expect(backend.requests.filter((r) => r.method === 'PATCH')).toEqual([
      expect.objectContaining({ path: '/api/annotations/7', data: { tags } }),
    ]);
    const stored = await getIncident(7);
    expect(stored).toMatchObject({ text: 'timeouts on /chat', time: T0, timeEnd: T0 + HOUR });
    expect(stored.tags).toEqual(expect.arrayContaining(['ai-incident', 'team:search', 'owner:alice', 'jira:OPS-1']));
    expect(readClassification(stored.tags).classification).toEqual({
      category: 'infrastructure',
      severity: 'page',
      status: 'classified',
      team: 'search',
    });
    // And it is still found by the incident tag.
    expect((await listIncidents({ to: T0 + 2 * HOUR })).incidents.map((i) => i.id)).toEqual([7]);
  });

  test('a concurrent tag edit is detected, nothing is written, and the merge keeps both', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    const loaded = await getIncident(7);
    // Someone else classifies it meanwhile, and adds a tag of their own.
    backend.store.patch(7, { tags: [...loaded.tags, 'ai-severity:investigate', 'owner:bob'] });
    const mine = applyClassification(loaded.tags, { category: 'data-retrieval', severity: 'page' });
    const result = await updateIncidentTags(loaded, mine);
    expect(backend.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(result).toMatchObject({ kind: 'conflict', changed: ['tags'], mine });
    if (result.kind !== 'conflict') {
      return;
    }
    expect(result.current.tags).toContain('owner:bob');
    expect(result.conflicts).toEqual([{ field: 'severity', mine: 'page', theirs: 'investigate' }]);
    expect(result.merged).toEqual(
      expect.arrayContaining([
        'owner:bob',
        'owner:alice',
        'jira:OPS-1',
        'ai-category:data-retrieval',
        'ai-severity:investigate',
      ])
    );
    // Confirming the merge writes it, based on what is on the server now.
    expect((await updateIncidentTags(result.current, result.merged)).kind).toBe('saved');
    expect((await getIncident(7)).tags).toEqual(result.merged);
  });

  test('a change that lands between loading and the re-read is caught by the re-read', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    const loaded = await getIncident(7);
    let edited = false;
    backend.beforeRequest(({ method }) => {
      if (method === 'GET' && !edited) {
        edited = true;
        backend.store.patch(7, { text: 'timeouts on /chat: provider says capacity incident' });
      }
    });
    const result = await updateIncidentTags(loaded, applyClassification(loaded.tags, { category: 'infrastructure' }));
    expect(result).toMatchObject({ kind: 'conflict', changed: ['text'], conflicts: [] });
    expect(backend.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect((await getIncident(7)).text).toBe('timeouts on /chat: provider says capacity incident');
  });

  test('the same tags in another order are not a conflict', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    const loaded = await getIncident(7);
    const result = await updateIncidentTags({ ...loaded, tags: [...loaded.tags].reverse() }, [
      ...loaded.tags,
      'ai-status:open',
    ]);
    expect(result.kind).toBe('saved');
    expect(backend.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  test('403 on PATCH is a permission error and leaves the annotation as it was', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    backend.fail('PATCH', 403);
    const loaded = await getIncident(7);
    const failure = updateIncidentTags(loaded, applyClassification(loaded.tags, { category: 'prompt' }));
    await expect(failure).rejects.toMatchObject({ kind: 'permission', status: 403 });
    expect((await getIncident(7)).tags).toEqual(loaded.tags);
  });

  test('500 on PATCH says Grafana failed', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    backend.fail('PATCH', 500);
    const loaded = await getIncident(7);
    await expect(updateIncidentTags(loaded, loaded.tags)).rejects.toMatchObject({
      kind: 'server',
      message: 'Grafana answered 500 for saving the classification of incident 7: Internal Server Error',
    });
  });

  test('a Grafana that does not answer times out with a clear message', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    const loaded = await getIncident(7);
    backend.fail('PATCH', 'hang');
    await expect(updateIncidentTags(loaded, loaded.tags, 20)).rejects.toMatchObject({
      kind: 'timeout',
      message: 'Grafana did not answer within 0.02 s for saving the classification of incident 7',
    });
  });

  test('an unreachable Grafana says so', async () => {
    const backend = useBackend(new FakeAnnotationsBackend(seed()));
    backend.fail('GET', 'network');
    await expect(updateIncidentTags(seed()[0] as IncidentAnnotation, [])).rejects.toMatchObject({
      kind: 'unreachable',
    });
  });
});
