import { of, throwError } from 'rxjs';
import { AnnotationReadError, categoryOf, fetchIncidentAnnotations, incidentInterval, isRegion, type IncidentAnnotation } from './annotations';

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
          { id: 9, time: 3000, timeEnd: 4000, text: '<img src=x onerror=alert(1)>', tags: ['ai-incident', 'team:search'], dashboardUID: 'd1', login: 'x' },
          { id: 4, time: 1000, timeEnd: 0, text: 'point', tags: null },
          { id: 'bad', time: 5 },
        ],
      })
    );
    expect(await fetchIncidentAnnotations({ from: 0, to: 5000 })).toEqual([
      { id: 4, time: 1000, timeEnd: 1000, text: 'point', tags: [], dashboardUID: null },
      { id: 9, time: 3000, timeEnd: 4000, text: '<img src=x onerror=alert(1)>', tags: ['ai-incident', 'team:search'], dashboardUID: 'd1' },
    ]);
  });

  test('a refusal keeps its status', async () => {
    backendFetch.mockReturnValue(throwError(() => ({ status: 403, data: { message: 'Forbidden' }, config: {} })));
    const failure = fetchIncidentAnnotations({ from: 0, to: 1 });
    await expect(failure).rejects.toThrow(AnnotationReadError);
    await expect(failure).rejects.toMatchObject({ status: 403, message: 'Grafana answered 403 for the incident annotations: Forbidden' });
  });

  test('an unreachable Grafana says so', async () => {
    backendFetch.mockReturnValue(throwError(() => new TypeError('Failed to fetch')));
    await expect(fetchIncidentAnnotations({ from: 0, to: 1 })).rejects.toThrow('cannot read the incident annotations: Failed to fetch');
  });
});

describe('incident helpers', () => {
  test('a region has an end after its start', () => {
    expect(isRegion(incident({}))).toBe(true);
    expect(isRegion(incident({ timeEnd: 1_795_140_000_000 }))).toBe(false);
  });

  test('the window is widened to whole seconds', () => {
    expect(incidentInterval(incident({ time: 1_795_140_000_500, timeEnd: 1_795_143_600_200 }))).toEqual({ from: 1_795_140_000, to: 1_795_143_601 });
  });

  test('the category comes from the ai-category tag', () => {
    expect(categoryOf(incident({ tags: ['ai-incident', 'ai-category:data-retrieval', 'team:x'] }))).toBe('data-retrieval');
    expect(categoryOf(incident({}))).toBeUndefined();
  });
});
