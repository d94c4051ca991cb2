/**
 * A container's log (GET pods/log) through the read route, as lines while they arrive: the same streaming transport
 * as the watches (watchStream.ts: backendSrv.chunked() in the browser, node's http in tests), so `follow=true` keeps
 * one response open and every line the container writes reaches the page as it is written.
 *
 *   const source = { routes: grafanaProxyRoutes(dsUid), stream: backendSrvStream(getBackendSrv(), { orgId }) };
 *   streamLog(source, { namespace, pod, container, follow: true, timestamps: true, tailLines: 500 })
 *     .subscribe((part) => part.type === 'lines' && show(part.lines));
 *
 * Failures are the typed K8sErrors of errors.ts, in the words of the request: 403 names the `pods/log` `get` rule,
 * 400 is the apiserver refusing this log (a container the pod does not have, no previous container, a container not
 * started yet), 404 a pod deleted meanwhile. A stream that breaks after it opened errors with UnreachableError (the
 * caller keeps the lines and can resume with `sinceTime`, see logLines.ts resumeFilter). A pod not scheduled yet is
 * kube-apiserver 1.34's 204 with no body: the stream completes without a line.
 */
import { Observable } from 'rxjs';
import { buildUrl, type ApiRequest } from './client';
import { errorCode, errorFromNetwork, errorFromResponse, UnreachableError, type RequestContext } from './errors';
import { KINDS, resourcePath } from './kinds';
import { LineSplitter } from './logLines';
import { decodeBody, type WatchSource } from './watch';

export interface LogRequest {
  namespace: string;
  pod: string;
  /** Required by the apiserver when the pod has more than one container. */
  container?: string;
  /** The log of the container's previous instance (before its last restart). */
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC 3339. The apiserver passes it on to the kubelet in whole seconds. */
  sinceTime?: string;
  /** Keep the response open and send new lines as they are written. */
  follow?: boolean;
  /** Prefix every line with its RFC 3339 time (nanoseconds), which merging several pods needs. */
  timestamps?: boolean;
}

/** The API request of a log, shared by the client's whole-log GET (client.podLogs) and the stream. */
export function logApiRequest(request: LogRequest): ApiRequest {
  const { namespace, pod } = request;
  const info = KINDS.Pod;
  return {
    route: 'read',
    method: 'GET',
    path: resourcePath(info, namespace, pod, 'log'),
    query: {
      container: request.container,
      previous: request.previous || undefined,
      tailLines: request.tailLines,
      sinceSeconds: request.sinceSeconds,
      sinceTime: request.sinceTime,
      timestamps: request.timestamps || undefined,
      follow: request.follow || undefined,
    },
    responseType: 'text',
    context: { verb: 'get', kind: info, subresource: 'log', namespace, name: pod },
  };
}

export type LogPart =
  /** The apiserver answered 2xx: the log is streaming. */
  { type: 'open' } | { type: 'lines'; lines: Array<{ text: string; cut: number }> };

/** The log as lines while they arrive; completes when the response ends; unsubscribing closes it. */
export function streamLog(source: WatchSource, request: LogRequest): Observable<LogPart> {
  return new Observable<LogPart>((subscriber) => {
    const spec = logApiRequest(request);
    const url = buildUrl(source.routes.read, spec.path, spec.query);
    const context: RequestContext = { ...spec.context, method: 'GET', url, path: spec.path };
    const splitter = new LineSplitter();
    const errorBody: Uint8Array[] = [];
    let status: number | undefined;

    const emit = (lines: Array<{ text: string; cut: number }>) => {
      if (lines.length > 0) {
        subscriber.next({ type: 'lines', lines });
      }
    };
    const subscription = source
      .stream({ url, headers: { Accept: 'text/plain, application/json', ...source.headers } })
      .subscribe({
        next: (part) => {
          if (status === undefined) {
            status = part.status;
            if (status >= 200 && status < 300) {
              subscriber.next({ type: 'open' });
            }
          }
          if (!part.chunk) {
            return;
          }
          if (status < 200 || status >= 300) {
            errorBody.push(part.chunk);
          } else {
            emit(splitter.push(part.chunk));
          }
        },
        error: (error: unknown) => {
          if (status === undefined) {
            return subscriber.error(errorFromNetwork(error, context));
          }
          emit(splitter.end());
          const code = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
          subscriber.error(
            new UnreachableError(
              `The log stream of pod ${request.namespace}/${request.pod} broke off (${code}).`,
              'The lines received so far are kept: Resume continues after the last one.',
              { url }
            )
          );
        },
        complete: () => {
          if (status !== undefined && (status < 200 || status >= 300)) {
            return subscriber.error(errorFromResponse({ status, body: decodeBody(errorBody) }, context));
          }
          emit(splitter.end());
          subscriber.complete();
        },
      });
    return () => subscription.unsubscribe();
  });
}
