/** Minimal HTTP client for the harness (node:http, no globals), and PromQL instant queries. */
import { createReadStream } from 'node:fs';
import { request, type Server } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpOptions {
  method?: 'GET' | 'POST';
  /** Body: a file streamed as the request body. */
  bodyFile?: string;
  timeoutMs?: number;
}

export function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', timeout: options.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    if (options.bodyFile) {
      createReadStream(options.bodyFile).on('error', reject).pipe(req);
    } else {
      req.end();
    }
  });
}

export interface LoopbackListener {
  /** Base URL, e.g. http://127.0.0.1:41234 (https for an https server). */
  url: string;
  /** Closes the server, cutting the connections still open (keep-alive, a hanging answer) so it does not wait. */
  close(): Promise<void>;
}

/** Binds a fake server to a port the kernel picks on 127.0.0.1 (no race with another process for the port). */
export async function listenOnLoopback(server: Server | HttpsServer): Promise<LoopbackListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${server instanceof HttpsServer ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One series of an instant-vector answer: labels and the value as Prometheus sends it (NaN kept). */
export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

/** Runs an instant query at `timeSeconds` and returns the vector; throws with the server's error text. */
export async function instantQuery(baseUrl: string, expr: string, timeSeconds: number): Promise<InstantSample[]> {
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}&time=${timeSeconds}`;
  const res = await httpRequest(url);
  let parsed: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new Error(`query ${expr}: HTTP ${res.status}, not JSON: ${res.body.slice(0, 500)}`);
  }
  if (res.status !== 200 || parsed.status !== 'success') {
    throw new Error(`query ${expr}: HTTP ${res.status}: ${parsed.error ?? res.body.slice(0, 500)}`);
  }
  if (parsed.data?.resultType !== 'vector' || !Array.isArray(parsed.data.result)) {
    throw new Error(`query ${expr}: expected an instant vector, got ${parsed.data?.resultType}`);
  }
  return (parsed.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({
    metric: s.metric,
    value: Number(s.value[1]),
  }));
}

/** Polls `check` until it returns true or the deadline passes; then throws `describe()`'s message. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
  intervalMs = 250
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastError = '';
    try {
      if (await check()) {
        return;
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`${describe()}${lastError ? ` (last error: ${lastError})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
