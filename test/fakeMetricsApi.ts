/**
 * A broken Prometheus on loopback, for the bad-input tests: it answers every request the same bad way
 * (an HTTP error with a Prometheus-style body, malformed JSON, or no answer until long after the
 * client's timeout) and records what it was asked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { listenOnLoopback } from './http';

export type FakeBehaviour =
  /** An HTTP error; `body` defaults to Prometheus' error JSON with `errorType` and `error`. */
  | { kind: 'status'; status: number; errorType?: string; error?: string; body?: string; contentType?: string }
  /** 200 with a body that is not JSON (a proxy's HTML page, a truncated answer). */
  | { kind: 'malformed'; body?: string }
  /** Answers a well-formed success only after `delayMs` (longer than the client's timeout). */
  | { kind: 'slow'; delayMs: number }
  /** 200 with this JSON (a success whose series are malformed, a matrix where a vector belongs); a vector is
   *  answered to range queries as a matrix of the same series, one sample each at the query's end. */
  | { kind: 'answer'; json: unknown }
  /** A redirect to `location` (a path on this server or another URL). */
  | { kind: 'redirect'; status: number; location: string };

export interface FakeMetricsApi {
  url: string;
  /** Path and query of every request received, in order. */
  requests: string[];
  /** Method of every request received, in order. */
  methods: string[];
  /** Requests whose client hung up before the answer (a cancelled query). */
  cancelled(): number;
  stop(): Promise<void>;
}

function asMatrix(json: unknown, end: string | null): unknown {
  const answer = json as { data?: { resultType?: string; result?: unknown } };
  if (answer?.data?.resultType !== 'vector' || !Array.isArray(answer.data.result)) {
    return json;
  }
  // At the asked end, as Prometheus would evaluate it; a sample that is not [time, value] stays as it is.
  const at = (sample: unknown) => (Array.isArray(sample) && end !== null ? [Number(end), ...sample.slice(1)] : sample);
  const result = answer.data.result.map((series: unknown) =>
    series && typeof series === 'object' ? { ...series, values: [at((series as { value?: unknown }).value)] } : series
  );
  return { ...answer, data: { resultType: 'matrix', result } };
}

function respond(behaviour: FakeBehaviour, res: ServerResponse, path = '', form = new URLSearchParams()): void {
  switch (behaviour.kind) {
    case 'status': {
      const body =
        behaviour.body ??
        JSON.stringify({
          status: 'error',
          errorType: behaviour.errorType ?? (behaviour.status >= 500 ? 'internal' : 'bad_data'),
          error: behaviour.error ?? `fake prometheus says ${behaviour.status}`,
        });
      res.writeHead(behaviour.status, { 'Content-Type': behaviour.contentType ?? 'application/json' });
      res.end(body);
      return;
    }
    case 'malformed':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(behaviour.body ?? '{"status":"success","data":{"resultType":"vector","result":[{"metric":');
      return;
    case 'slow': {
      const timer = setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      }, behaviour.delayMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'answer':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify(path.includes('query_range') ? asMatrix(behaviour.json, form.get('end')) : behaviour.json)
      );
      return;
    case 'redirect':
      res.writeHead(behaviour.status, { Location: behaviour.location });
      res.end();
      return;
  }
}

export async function startFakeMetricsApi(behaviour: FakeBehaviour): Promise<FakeMetricsApi> {
  const requests: string[] = [];
  const methods: string[] = [];
  let cancelled = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '');
    methods.push(req.method ?? '');
    res.on('close', () => {
      cancelled += res.writableFinished ? 0 : 1;
    });
    // Read a POSTed form before answering, as a real server would.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => respond(behaviour, res, req.url, new URLSearchParams(Buffer.concat(chunks).toString())));
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, requests, methods, cancelled: () => cancelled, stop: close };
}
