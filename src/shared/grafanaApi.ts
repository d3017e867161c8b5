/**
 * The one way the app talks to Grafana's HTTP API: one fetch (@grafana/runtime's getBackendSrv().fetch, which adds
 * the session, the org and Grafana's headers), a result that is either the answer or one normalised error, and the
 * errors normalised once: the HTTP status, the message Grafana put in its JSON `message` field (pkg/api/response:
 * `{"message": "..."}` on every error Grafana itself writes), a timeout, a cancellation, an unreachable server.
 *
 * Modelled on the Prometheus UI's API layer (prometheus/prometheus web/ui/mantine-ui/src/api/api.ts: one fetch
 * helper, a response that is success or error by its `status`, the error's text taken from the body once), with
 * Grafana's error body instead of Prometheus'. Annotations, settings and the data source queries all go through it.
 */
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { EMPTY, fromEvent, lastValueFrom, takeUntil, timeout } from 'rxjs';

/** What went wrong, in the words the UI chooses its message by. */
export type GrafanaErrorKind =
  'permission' | 'not_found' | 'invalid' | 'server' | 'timeout' | 'cancelled' | 'unreachable';

/** Give up on one request after this long: a hung Grafana must not leave a page loading for ever. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** A Grafana request that failed, or an answer the app could not use. `kind` says which. */
export class GrafanaApiError extends Error {
  readonly kind: GrafanaErrorKind;

  constructor(
    message: string,
    /** The HTTP status when Grafana answered. */
    readonly status?: number,
    kind?: GrafanaErrorKind,
    /** Grafana's own words (its `message` field, else the status text), when it answered. */
    readonly detail?: string,
    /** The error body as Grafana sent it, for callers that read more than `message` (POST /api/ds/query). */
    readonly body?: unknown
  ) {
    super(message);
    this.name = 'GrafanaApiError';
    this.kind = kind ?? kindOfStatus(status);
  }
}

function kindOfStatus(status: number | undefined): GrafanaErrorKind {
  if (status === undefined || status <= 0) {
    return 'unreachable';
  }
  if (status === 401 || status === 403) {
    return 'permission';
  }
  if (status === 404) {
    return 'not_found';
  }
  return status >= 500 ? 'server' : 'invalid';
}

/** True when Grafana said the user may not do this (HTTP 401/403). */
export function isPermissionError(error: unknown): boolean {
  return error instanceof GrafanaApiError && error.kind === 'permission';
}

export interface GrafanaRequest {
  url: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  params?: Record<string, unknown>;
  data?: unknown;
  /** What the request is for, in the user's words: "the incident annotations", "data source 'Prometheus'". */
  what: string;
  /** Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Aborting it cancels the request (the HTTP request too: backendSrv aborts it when unsubscribed). */
  signal?: AbortSignal;
}

/** The answer, or the one error that says what went wrong. */
export type GrafanaResult<T> = { ok: true; data: T } | { ok: false; error: GrafanaApiError };

/** Any failure of a request as a GrafanaApiError, its message naming `what` and Grafana's own words. */
function toGrafanaError(
  error: unknown,
  request: Pick<GrafanaRequest, 'what' | 'timeoutMs' | 'signal'>
): GrafanaApiError {
  if (error instanceof GrafanaApiError) {
    return error;
  }
  const { what } = request;
  if (request.signal?.aborted) {
    return new GrafanaApiError(`the request for ${what} was cancelled`, undefined, 'cancelled');
  }
  if ((error as { name?: string } | undefined)?.name === 'TimeoutError') {
    const seconds = (request.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000;
    return new GrafanaApiError(`Grafana did not answer within ${seconds} s for ${what}`, undefined, 'timeout');
  }
  if (isFetchError(error)) {
    if (error.cancelled) {
      return new GrafanaApiError(`the request for ${what} was cancelled`, undefined, 'cancelled');
    }
    if (error.status > 0) {
      const message = (error.data as { message?: unknown } | undefined)?.message;
      const detail = (typeof message === 'string' && message) || error.statusText || 'no details';
      return new GrafanaApiError(
        `Grafana answered ${error.status} for ${what}: ${detail}`,
        error.status,
        undefined,
        detail,
        error.data
      );
    }
  }
  const reason =
    error instanceof Error ? error.message : (error as { statusText?: string })?.statusText || String(error);
  return new GrafanaApiError(`cannot reach Grafana for ${what}: ${reason}`, undefined, 'unreachable');
}

/** One request to Grafana; never throws. */
export async function grafanaFetch<T>(request: GrafanaRequest): Promise<GrafanaResult<T>> {
  const { what, timeoutMs = DEFAULT_TIMEOUT_MS, signal, ...options } = request;
  if (signal?.aborted) {
    return { ok: false, error: toGrafanaError(undefined, request) };
  }
  try {
    const response = await lastValueFrom(
      getBackendSrv()
        .fetch<T>({ ...options, showErrorAlert: false })
        .pipe(timeout(timeoutMs), takeUntil(signal ? fromEvent(signal, 'abort') : EMPTY)),
      // An abort completes the stream without a value.
      { defaultValue: undefined }
    );
    if (!response) {
      return { ok: false, error: toGrafanaError(undefined, { ...request, timeoutMs }) };
    }
    return { ok: true, data: response.data };
  } catch (error) {
    return { ok: false, error: toGrafanaError(error, { ...request, timeoutMs }) };
  }
}

/** One request to Grafana: its answer's body, or a thrown GrafanaApiError. */
export async function grafanaRequest<T>(request: GrafanaRequest): Promise<T> {
  const result = await grafanaFetch<T>(request);
  if (!result.ok) {
    throw result.error;
  }
  return result.data;
}
