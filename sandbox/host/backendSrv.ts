import { Observable, Subject, filter, lastValueFrom, takeUntil } from 'rxjs';
import type { BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

/**
 * @grafana/runtime's BackendSrv as Grafana implements it in public/app/core/services/backend_srv.ts and
 * public/app/core/utils/fetch.ts: window.fetch wrapped in an Observable, `params` serialised into the query string,
 * JSON bodies, bodies parsed by responseType (JSON when it parses, else text), a later request with the same
 * `requestId` cancelling the earlier one, and failures thrown as FetchError with a string body turned into
 * `{ error, response, message }` (processRequestError).
 */

function serializeParams(params: Record<string, unknown> | undefined): string {
  if (!params) {
    return '';
  }
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) {
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(key, String(item));
    }
  }
  return search.toString();
}

/** The parts of Grafana's FetchResponse that describe the HTTP response, shared by fetch() and chunked(). */
function responseMeta(response: Response, config: BackendSrvRequest): Omit<FetchResponse<unknown>, 'data'> {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    redirected: response.redirected,
    type: response.type,
    url: response.url,
    config,
  };
}

function requestUrl(options: BackendSrvRequest): string {
  const query = serializeParams(options.params);
  if (!query) {
    return options.url;
  }
  return `${options.url}${options.url.includes('?') ? '&' : '?'}${query}`;
}

async function parseBody(response: Response, responseType: BackendSrvRequest['responseType']): Promise<unknown> {
  if (response.status === 204) {
    return undefined;
  }
  switch (responseType) {
    case 'blob':
      return response.blob();
    case 'arraybuffer':
      return response.arrayBuffer();
    case 'text':
      return response.text();
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Structurally a BackendSrv; @grafana/runtime's typings name their own nested rxjs copy, hence the cast at setBackendSrv. */
export class SandboxBackendSrv {
  private readonly cancelled = new Subject<string>();

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    if (options.requestId) {
      this.cancelled.next(options.requestId);
    }
    const observable = new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const headers: Record<string, string> = { 'X-Grafana-Org-Id': '1', ...(options.headers ?? {}) };
      let body: BodyInit | undefined;
      if (options.data !== undefined) {
        if (typeof options.data === 'string' || options.data instanceof FormData || options.data instanceof Blob) {
          body = options.data;
        } else {
          body = JSON.stringify(options.data);
          headers['Content-Type'] ??= 'application/json';
        }
      }
      const method = (options.method ?? 'GET').toUpperCase();
      window
        .fetch(requestUrl(options), { method, headers, body, credentials: 'same-origin', signal: controller.signal })
        .then(async (response) => {
          const data = await parseBody(response, options.responseType);
          const fetchResponse: FetchResponse<T> = { ...responseMeta(response, options), data: data as T };
          if (!response.ok) {
            const error: FetchError = {
              status: response.status,
              statusText: response.statusText,
              data:
                typeof data === 'string'
                  ? { error: response.statusText, response: data, message: data }
                  : (data ?? { message: 'Unexpected error' }),
              config: options,
            };
            subscriber.error(error);
            return;
          }
          subscriber.next(fetchResponse);
          subscriber.complete();
        })
        .catch((error: Error) => {
          if (controller.signal.aborted) {
            return;
          }
          const fetchError: FetchError = {
            status: 0,
            statusText: error.message,
            data: { message: error.message },
            config: options,
          };
          subscriber.error(fetchError);
        });
      return () => controller.abort();
    });
    if (!options.requestId) {
      return observable;
    }
    const requestId = options.requestId;
    return observable.pipe(takeUntil(this.cancelled.pipe(filter((id) => id === requestId))));
  }

  /** The streamed body as Uint8Array chunks (backend_srv.ts chunked), for long-lived responses such as watches. */
  chunked(options: BackendSrvRequest): Observable<FetchResponse<Uint8Array | undefined>> {
    return new Observable<FetchResponse<Uint8Array | undefined>>((subscriber) => {
      const controller = new AbortController();
      window
        .fetch(requestUrl(options), {
          method: options.method ?? 'GET',
          // fetch.ts parseInitFromOptions: the caller's headers go out as given (a watch's Accept).
          headers: options.headers,
          credentials: 'same-origin',
          signal: controller.signal,
        })
        .then(async (response) => {
          const reader = response.body?.getReader();
          const base = responseMeta(response, options);
          if (!reader) {
            subscriber.next({ ...base, data: undefined });
            subscriber.complete();
            return;
          }
          for (;;) {
            const { done, value } = await reader.read();
            if (done) {
              break;
            }
            subscriber.next({ ...base, data: value });
          }
          subscriber.complete();
        })
        .catch((error: Error) => {
          if (!controller.signal.aborted) {
            subscriber.error({
              status: 0,
              statusText: error.message,
              data: { message: error.message },
              config: options,
            });
          }
        });
      return () => controller.abort();
    });
  }

  request<T = unknown>(options: BackendSrvRequest): Promise<T> {
    return lastValueFrom(this.fetch<T>(options)).then((response) => response.data);
  }

  datasourceRequest<T = unknown>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }

  get<T = unknown>(
    url: string,
    params?: Record<string, unknown>,
    requestId?: string,
    options?: Partial<BackendSrvRequest>
  ): Promise<T> {
    return this.request<T>({ ...options, method: 'GET', url, params, requestId });
  }

  delete<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'DELETE', url, data });
  }

  post<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'POST', url, data });
  }

  patch<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'PATCH', url, data });
  }

  put<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'PUT', url, data });
  }
}
