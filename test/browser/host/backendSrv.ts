/**
 * The host page's BackendSrv: what `getBackendSrv()` gives a plugin inside Grafana, over `window.fetch` to
 * the fake backend. It follows Grafana's `app/core/services/backend_srv` where a plugin can tell the
 * difference: params serialised as repeated keys, JSON bodies, the body parsed as JSON when it is JSON,
 * responses as FetchResponse, HTTP errors as FetchError-like objects `{status, statusText, data, config}`,
 * unsubscribing aborts the request, and a new request with the same `requestId` completes the older one.
 */
import { type BackendSrv, type BackendSrvRequest, type FetchError, type FetchResponse } from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';

type Params = Record<string, unknown>;

/** `a=1&tags=x&tags=y`: arrays as repeated keys, undefined/null/empty strings left out (as Grafana does). */
function serializeParams(params: Params): string {
  const parts: string[] = [];
  for (const [key, raw] of Object.entries(params)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (value === undefined || value === null || value === '') {
        continue;
      }
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.join('&');
}

function requestUrl(options: BackendSrvRequest): string {
  // Grafana serves the API under its sub-path; relative `api/...` and absolute `/api/...` both work.
  let url = options.url.startsWith('api/') ? `/${options.url}` : options.url;
  const query = options.params ? serializeParams(options.params) : '';
  if (query) {
    url += (url.includes('?') ? '&' : '?') + query;
  }
  return url;
}

function requestBody(data: unknown): BodyInit | undefined {
  if (data === undefined || data === null) {
    return undefined;
  }
  if (typeof data === 'string' || data instanceof FormData || data instanceof Blob || data instanceof URLSearchParams) {
    return data;
  }
  return JSON.stringify(data);
}

async function responseData(response: Response, responseType: BackendSrvRequest['responseType']): Promise<unknown> {
  if (responseType === 'blob') {
    return response.blob();
  }
  if (responseType === 'arraybuffer') {
    return response.arrayBuffer();
  }
  const text = await response.text();
  if (responseType === 'text') {
    return text;
  }
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

export class HostBackendSrv implements BackendSrv {
  /** Every request the plugin made, for the tests (the fake backend records them too). */
  readonly log: Array<{ method: string; url: string }> = [];
  private readonly inFlight = new Map<string, () => void>();

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const method = (options.method ?? 'GET').toUpperCase();
      const url = requestUrl(options);
      this.log.push({ method, url });
      if (options.requestId) {
        this.inFlight.get(options.requestId)?.();
        this.inFlight.set(options.requestId, () => {
          subscriber.complete();
          controller.abort();
        });
      }
      options.abortSignal?.addEventListener('abort', () => controller.abort());
      const headers: Record<string, string> = { Accept: 'application/json, text/plain, */*', ...options.headers };
      const body = requestBody(options.data);
      if (body !== undefined && typeof body === 'string' && !('Content-Type' in headers)) {
        headers['Content-Type'] = 'application/json';
      }
      const done = () => {
        if (options.requestId) {
          this.inFlight.delete(options.requestId);
        }
      };
      fetch(url, {
        method,
        headers,
        body,
        signal: controller.signal,
        credentials: options.credentials ?? 'same-origin',
      })
        .then(async (response) => {
          const data = await responseData(response, options.responseType);
          if (!response.ok) {
            const error: FetchError = {
              status: response.status,
              statusText: response.statusText,
              data,
              config: options,
            };
            if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string') {
              error.message = data.message;
            }
            subscriber.error(error);
            return;
          }
          subscriber.next({
            data: data as T,
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            headers: response.headers,
            redirected: response.redirected,
            type: response.type,
            url: response.url,
            config: options,
          });
          subscriber.complete();
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) {
            const cancelled: FetchError = {
              status: -1,
              statusText: 'Request was aborted',
              data: undefined,
              cancelled: true,
              config: options,
            };
            subscriber.error(cancelled);
            return;
          }
          // A network failure (backend down, connection reset): Grafana reports it with status 0 and no data.
          const failed: FetchError = { status: 0, statusText: String(error), data: undefined, config: options };
          subscriber.error(failed);
        })
        .finally(done);
      return () => {
        done();
        controller.abort();
      };
    });
  }

  async datasourceRequest<T = unknown>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }

  async request<T = unknown>(options: BackendSrvRequest): Promise<T> {
    return this.send<T>(options);
  }

  private async send<T>(options: BackendSrvRequest): Promise<T> {
    return (await lastValueFrom(this.fetch<T>(options))).data;
  }

  get<T = unknown>(url: string, params?: Params, requestId?: string, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, params, requestId, method: 'GET' });
  }

  delete<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'DELETE' });
  }

  post<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'POST' });
  }

  patch<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'PATCH' });
  }

  put<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'PUT' });
  }

  chunked(): Observable<FetchResponse<Uint8Array | undefined>> {
    throw new Error('chunked() is not supported by the test host');
  }
}
