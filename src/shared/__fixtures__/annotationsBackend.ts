/**
 * A getBackendSrv().fetch for jest that answers the annotations API the way Grafana does, over the Chromium
 * harness's in-memory store (src/testing/browser/annotationStore.ts: Grafana 12's filter, ordering, limit, POST and
 * PATCH semantics), plus failures on demand: an HTTP status, a request that never answers, a network error, and a
 * hook that runs before a request is answered (to edit the annotation "concurrently").
 */
import { NEVER, type Observable, of, throwError } from 'rxjs';
import { AnnotationStore, type AnnotationSeed } from '../../testing/browser/annotationStore';

export interface FetchOptions {
  url: string;
  method?: string;
  params?: Record<string, unknown>;
  data?: unknown;
  showErrorAlert?: boolean;
}

type Failure = number | 'hang' | 'network';

interface Rule {
  method: string;
  /** Matches the URL path (e.g. /^\/api\/annotations\/\d+$/). */
  path?: RegExp;
  failure: Failure;
  /** Answer this many matching requests with the failure (default: every one). */
  times?: number;
}

/** Query params as Grafana's backendSrv sends them: an array becomes the key repeated. */
function searchOf(params: Record<string, unknown> | undefined): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) {
        search.append(key, String(item));
      }
    }
  }
  return search;
}

export class FakeAnnotationsBackend {
  readonly store: AnnotationStore;
  /** Every request, in order: method, path and query. */
  readonly requests: Array<{ method: string; path: string; search: URLSearchParams; data?: unknown }> = [];
  private rules: Rule[] = [];
  private before: Array<(request: { method: string; path: string }) => void> = [];

  constructor(seed: AnnotationSeed[] = [], now: () => number = () => 1_800_000_000_000) {
    this.store = new AnnotationStore(seed, now);
  }

  /** Make matching requests fail (status), never answer ('hang') or fail to connect ('network'). */
  fail(method: string, failure: Failure, path?: RegExp, times?: number): void {
    this.rules.push({ method, failure, path, times });
  }

  /** Run `hook` before each request is answered (e.g. someone else's PATCH between our read and write). */
  beforeRequest(hook: (request: { method: string; path: string }) => void): void {
    this.before.push(hook);
  }

  readonly fetch = (options: FetchOptions): Observable<{ ok: boolean; status: number; data: unknown }> => {
    const method = (options.method ?? 'GET').toUpperCase();
    const path = options.url.split('?')[0];
    const search = searchOf(options.params);
    this.requests.push({ method, path, search, data: options.data });
    for (const hook of this.before) {
      hook({ method, path });
    }
    const rule = this.rules.find((r) => r.method === method && (!r.path || r.path.test(path)) && (r.times ?? 1) > 0);
    if (rule) {
      if (rule.times !== undefined) {
        rule.times--;
      }
      if (rule.failure === 'hang') {
        return NEVER;
      }
      if (rule.failure === 'network') {
        return throwError(() => new TypeError('Failed to fetch'));
      }
      return throwError(() =>
        fetchError(rule.failure as number, {
          message: rule.failure === 403 ? 'Permissions needed: annotations:write' : 'Internal Server Error',
        })
      );
    }
    const result = this.route(method, path, search, options.data);
    return result.status < 400
      ? of({ ok: true, status: result.status, data: result.body })
      : throwError(() => fetchError(result.status, result.body));
  };

  private route(method: string, path: string, search: URLSearchParams, data: unknown) {
    const one = /^\/api\/annotations\/(\d+)$/.exec(path);
    if (path === '/api/annotations' && method === 'GET') {
      return this.store.find(search);
    }
    if (path === '/api/annotations' && method === 'POST') {
      return this.store.add((data ?? {}) as Record<string, unknown>);
    }
    if (one && method === 'GET') {
      return this.store.getOne(Number(one[1]));
    }
    if (one && method === 'PATCH') {
      return this.store.patch(Number(one[1]), (data ?? {}) as Record<string, unknown>);
    }
    return { status: 404, body: { message: 'Not found' } };
  }
}

/** The shape @grafana/runtime's isFetchError recognises. */
function fetchError(status: number, data: unknown) {
  return { status, statusText: '', data, config: { url: '' } };
}
