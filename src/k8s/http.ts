/**
 * The client's only door to the network: an injectable function, so the same client runs in the browser through
 * Grafana's backendSrv and in node tests against the simulator.
 */
import type { Observable } from 'rxjs';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** JSON-encoded body. */
  body?: string;
  responseType: 'json' | 'text';
  /** Aborted on caller cancellation and on the per-request timeout. */
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Header names in lower case. Empty when the transport does not expose them (backendSrv errors). */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text ('' when empty). */
  body: unknown;
}

/**
 * Resolves with a response for every HTTP status; rejects only when there is no HTTP response at all (network, TLS,
 * abort), with the underlying error (its `code`/`cause.code` such as ECONNREFUSED or DEPTH_ZERO_SELF_SIGNED_CERT is
 * used to tell TLS from network failures).
 */
export type HttpFetch = (request: HttpRequest) => Promise<HttpResponse>;

/** The part of @grafana/runtime's BackendSrv the adapter uses. */
export interface BackendSrvLike {
  fetch<T>(options: {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    data?: unknown;
    responseType?: 'json' | 'text';
    showErrorAlert?: boolean;
    showSuccessAlert?: boolean;
  }): Observable<{ data: T; status: number; statusText: string; headers: Headers }>;
}

/**
 * HttpFetch over Grafana's backendSrv (`getBackendSrv()`): the browser path, through the datasource proxy.
 * backendSrv errors with a FetchError {status, data, statusText} for non-2xx statuses; that becomes a normal response
 * here so one mapping handles both transports. FetchError carries no headers, so Retry-After is read from the
 * Kubernetes Status body instead (details.retryAfterSeconds). Aborting unsubscribes, which makes backendSrv abort
 * its fetch (public/app/core/services/backend_srv.ts) in every Grafana version the plugin supports.
 */
export function backendSrvFetch(backendSrv: BackendSrvLike): HttpFetch {
  return (request) =>
    new Promise((resolve, reject) => {
      const subscription = backendSrv
        .fetch<unknown>({
          url: request.url,
          method: request.method,
          headers: request.headers,
          // A string body is sent as is; an object would be form-encoded by Grafana < 12 for merge-patch+json
          // (public/app/core/utils/fetch.ts parseBody only JSON-encodes for application/json).
          data: request.body,
          responseType: request.responseType,
          showErrorAlert: false,
          showSuccessAlert: false,
        })
        .subscribe({
          next: (response) => {
            const headers: Record<string, string> = {};
            response.headers?.forEach((value, name) => (headers[name.toLowerCase()] = value));
            resolve({ status: response.status, statusText: response.statusText, headers, body: response.data ?? '' });
          },
          error: (error: unknown) => {
            if (isFetchErrorLike(error) && !error.cancelled) {
              resolve({
                status: error.status,
                statusText: error.statusText ?? '',
                headers: {},
                body: error.data ?? '',
              });
            } else {
              reject(error);
            }
          },
        });
      const abort = () => {
        subscription.unsubscribe();
        reject(new DOMException('The request was aborted.', 'AbortError'));
      };
      if (request.signal.aborted) {
        abort();
      } else {
        request.signal.addEventListener('abort', abort, { once: true });
      }
    });
}

interface FetchErrorLike {
  status: number;
  statusText?: string;
  data?: unknown;
  cancelled?: boolean;
}

function isFetchErrorLike(error: unknown): error is FetchErrorLike {
  // A failed network request reaches backendSrv as a TypeError without a numeric status: keep it a network error.
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as FetchErrorLike).status === 'number' &&
    (error as FetchErrorLike).status > 0
  );
}
