/** PrometheusHttpSource over the platform's fetch (the transport the browser and the tests use), against broken servers. */
import { type FakeBehaviour, type FakeMetricsApi, startFakeMetricsApi } from '../../test/fakeMetricsApi';
import { waitFor } from '../../test/http';
import { PrometheusHttpSource, redactUrl, SeriesLimitError } from './prometheus';
import { MetricsSourceError } from './source';

describe('PrometheusHttpSource with fetch', () => {
  let api: FakeMetricsApi | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });
  const serve = async (behaviour: FakeBehaviour) => {
    api = await startFakeMetricsApi(behaviour);
    return api;
  };

  it('follows a same-origin 307 itself, keeping the POST, and gives up on a loop', async () => {
    const { url, methods } = await serve({ kind: 'redirect', status: 307, location: '/api/v1/query' });
    await expect(new PrometheusHttpSource(url).instantQuery('up', 1)).rejects.toThrow(
      /redirected 307 more than 3 times/
    );
    expect(methods).toEqual(['POST', 'POST', 'POST']);
  });

  it('refuses a 302 instead of letting fetch turn the POST into a GET', async () => {
    const { url, methods } = await serve({
      kind: 'redirect',
      status: 302,
      location: 'http://127.0.0.1:9/p/api/v1/query',
    });
    await expect(new PrometheusHttpSource(url).instantQuery('up', 1)).rejects.toThrow(
      /redirected 302 to http:\/\/127.0.0.1:9\/p\/api\/v1\/query, which would turn the query's POST into a GET; use --prometheus http:\/\/127.0.0.1:9\/p/
    );
    expect(methods).toEqual(['POST']);
  });

  it('stops reading an answer larger than the series limit allows', async () => {
    const result = Array.from({ length: 10 }, (_, i) => ({ metric: { i: `${i}`.repeat(500) }, value: [1, '1'] }));
    const { url } = await serve({
      kind: 'answer',
      json: { status: 'success', data: { resultType: 'vector', result } },
    });
    await expect(new PrometheusHttpSource(url, { maxSeries: 1 }).instantQuery('up', 1)).rejects.toBeInstanceOf(
      SeriesLimitError
    );
  });

  it('cancels a query past its timeout: the server sees the connection closed', async () => {
    const server = await serve({ kind: 'slow', delayMs: 60_000 });
    // Long enough that the request reaches the server first even on a busy machine (at 0.2 s it sometimes did not,
    // and a query cancelled before it was sent leaves the server nothing to see).
    await expect(new PrometheusHttpSource(server.url, { timeoutMs: 1500 }).instantQuery('up', 1)).rejects.toThrow(
      /did not answer within 1.5 s/
    );
    expect(server.requests).toHaveLength(1);
    await waitFor(
      async () => server.cancelled() === 1,
      5000,
      () => 'the hung query was not cancelled'
    );
  });

  it("cancels a query when the run's signal fires, with the run's reason", async () => {
    const { url } = await serve({ kind: 'slow', delayMs: 60_000 });
    const run = new AbortController();
    const query = new PrometheusHttpSource(url, { signal: run.signal }).instantQuery('up', 1);
    run.abort(new MetricsSourceError('the report did not finish within --deadline 1 s'));
    await expect(query).rejects.toThrow('the report did not finish within --deadline 1 s');
  });

  it('names URLs without their user info', () => {
    expect(redactUrl('https://alice:secret@example.com/prom')).toBe('https://example.com/prom');
    expect(redactUrl('http://127.0.0.1:9090')).toBe('http://127.0.0.1:9090');
  });
});
