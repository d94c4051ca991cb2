/**
 * The watch's door to the network: a GET whose body is read as it arrives, never buffered whole. Injectable like
 * HttpFetch (http.ts), so the same watch runs in the browser through Grafana's backendSrv.chunked() and in node tests
 * over node's http (nodeWatchStream.ts).
 *
 * Why backendSrv.chunked() and not window.fetch() to /api/datasources/proxy/uid/<uid>/…:
 * - it is @grafana/runtime's API for exactly this ("a long living HTTP connection like the kubernetes WATCH command",
 *   packages/grafana-runtime/src/services/backendSrv.ts), added by grafana/grafana#98691 (January 2025, 11.5) and
 *   what Grafana's own Kubernetes client watches with (grafana/grafana#99060, public/app/features/apiserver/client.ts);
 *   the plugin needs Grafana ≥ 11.6, and levitate checks the call against 11.6 and 13 (npm run validate);
 * - requests then go out the way Grafana sends its own, including what later versions add to every request
 *   (grafana/grafana#107672 put chunked() through backendSrv's path validation); a bare fetch() would have to copy
 *   X-Grafana-Org-Id and the sub-path handling by hand and would miss the rest;
 * - unsubscribing aborts the request, which is how the watch closes its stream.
 * What chunked() does not do, this adapter does: the URL goes out relative (no leading "/"), so it resolves under
 * Grafana's <base href> when Grafana is served from a sub-path, as backendSrv.fetch's URLs do; X-Grafana-Org-Id is set
 * when given, as backendSrv.fetch sets it; and an error answer, whether chunked() streams it or throws it as a
 * FetchError, becomes the same response here.
 */
import { Observable } from 'rxjs';

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
}

/** One step of a streamed response: its status and headers, with the next piece of the body (if any). */
export interface StreamPart {
  status: number;
  statusText: string;
  /** Header names in lower case; empty when the transport does not expose them. */
  headers: Record<string, string>;
  chunk?: Uint8Array;
}

/**
 * A GET whose response arrives as parts: the first as soon as the status is known (a part without chunk is fine), then
 * one per piece of body. Completes when the body ends cleanly; errors when there is no response or the body breaks
 * off (network, proxy cut); unsubscribing aborts the request.
 */
export type HttpStream = (request: StreamRequest) => Observable<StreamPart>;

/** The part of @grafana/runtime's BackendSrv the adapter uses (chunked: Grafana ≥ 11.5). */
export interface ChunkedBackendSrvLike {
  chunked(options: {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    showErrorAlert?: boolean;
  }): Observable<{ status: number; statusText: string; headers?: Headers; data?: Uint8Array }>;
}

/** HttpStream over backendSrv.chunked(): the browser path, through Grafana's datasource proxy. */
export function backendSrvStream(backendSrv: ChunkedBackendSrvLike, options: { orgId?: number } = {}): HttpStream {
  return (request) =>
    new Observable<StreamPart>((subscriber) => {
      const headers = { ...request.headers };
      if (options.orgId !== undefined) {
        headers['X-Grafana-Org-Id'] = String(options.orgId);
      }
      const subscription = backendSrv
        .chunked({
          url: request.url.replace(/^\//, ''),
          method: 'GET',
          headers,
          showErrorAlert: false,
        })
        .subscribe({
          next: (response) => {
            const names: Record<string, string> = {};
            response.headers?.forEach((value, name) => (names[name.toLowerCase()] = value));
            subscriber.next({
              status: response.status,
              statusText: response.statusText,
              headers: names,
              chunk: response.data,
            });
          },
          error: (error: unknown) => {
            const answer = answerOf(error);
            if (answer) {
              subscriber.next(answer);
              subscriber.complete();
            } else {
              subscriber.error(error);
            }
          },
          complete: () => subscriber.complete(),
        });
      return () => subscription.unsubscribe();
    });
}

/** A FetchError with an HTTP status (not a network failure, not a cancellation) as a response with its body. */
function answerOf(error: unknown): StreamPart | undefined {
  const e = error as { status?: unknown; statusText?: unknown; data?: unknown; cancelled?: unknown };
  if (typeof e !== 'object' || e === null || typeof e.status !== 'number' || e.status <= 0 || e.cancelled) {
    return undefined;
  }
  const text = typeof e.data === 'string' ? e.data : e.data === undefined ? '' : JSON.stringify(e.data);
  return {
    status: e.status,
    statusText: typeof e.statusText === 'string' ? e.statusText : '',
    headers: {},
    chunk: new TextEncoder().encode(text),
  };
}
