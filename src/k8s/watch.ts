/**
 * WATCH of one kind, cluster-wide, from a resourceVersion, through the same datasource route as the LISTs.
 *
 *   const source = { routes: grafanaProxyRoutes(dsUid), stream: backendSrvStream(getBackendSrv(), { orgId }) };
 *   listThenWatch((kind, o) => client.list(kind, o), source, 'Pod', { signal }).subscribe((notice) => …);
 *   // SYNC (the whole kind, after the first LIST and after every relist), ADDED / MODIFIED / DELETED, BOOKMARK,
 *   // STATE (connecting, live, retrying: for a live indicator and the age of the data), RELIST (why a SYNC follows).
 *
 * What the watch does on its own (watchKind):
 * - `?watch=1&allowWatchBookmarks=true&resourceVersion=<rv>&timeoutSeconds=<n>` on the collection path; n is
 *   jittered between 1 and 2 times timeoutSeconds (as client-go's reflector does) so watches do not renew together;
 * - it keeps the last resourceVersion of every event and bookmark, and when a stream ends (timeoutSeconds elapsed)
 *   it reopens at once from there; when one breaks (network, a 5xx or 429, a line cut off or garbled, no event or
 *   bookmark for idleTimeoutMs) it reopens from there after an exponential backoff with jitter, bounded by
 *   backoff.maxDelayMs, or after Retry-After. Events are never replayed or lost: kube-apiserver sends exactly the
 *   events after the resourceVersion asked for, and a line cut off was never delivered;
 * - it reports RELIST and completes, rather than guessing, on 410 Gone (HTTP, or an ERROR event with code 410: the
 *   resourceVersion is older than the API server's history), on any other ERROR event, and once it has found no open
 *   stream for relistAfterMs;
 * - it errors with the typed K8sError (errors.ts) on what retrying cannot fix: the token refused (401, or Grafana's 400
 *   "Authentication to data source failed"), RBAC (403 Forbidden naming the `watch` rule), Grafana's route denial, an
 *   unserved API (404), TLS, a request the API server rejects. kube-apiserver checks the token only when a request
 *   starts, so a token revoked mid-watch shows when the stream next reopens (within timeoutSeconds);
 * - cancelling (unsubscribe, or the AbortSignal) closes the stream and completes.
 */
import { Observable, type Subscription } from 'rxjs';
import { retryAfterMs, type ListResult, type RawObject, type RequestStats } from './client';
import {
  BadResponseError,
  CancelledError,
  errorCode,
  errorFromNetwork,
  errorFromResponse,
  isKubernetesStatus,
  K8sError,
  TimeoutError,
  UnreachableError,
  type KubernetesStatus,
  type RequestContext,
} from './errors';
import { KINDS, resourcePath } from './kinds';
import type { RouteUrls } from './routes';
import { SlicedSteps } from './slicedSteps';
import { parseWatchEvent, WatchLineSplitter, type RawWatchEvent } from './watchParser';
import type { HttpStream, StreamPart } from './watchStream';
import type { KindName } from '../model/types';

/** Where a watch goes: the client's read route, a streaming transport, and (direct mode only) extra headers. */
export interface WatchSource {
  routes: RouteUrls;
  stream: HttpStream;
  headers?: Record<string, string>;
}

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Time and timers, injectable so tests drive the backoff and the thresholds without waiting. */
export interface WatchClock {
  now(): number;
  /** Calls `callback` after `ms`; the returned function cancels it. */
  setTimeout(callback: () => void, ms: number): () => void;
}

export interface WatchOptions {
  resourceVersion: string;
  signal?: AbortSignal;
  /** Lower bound of one request's server-side lifetime (jittered up to twice this). Default 300. */
  timeoutSeconds?: number;
  backoff?: Partial<BackoffPolicy>;
  /** No open stream for this long: report RELIST. Default 5 minutes (etcd's default compaction interval). */
  relistAfterMs?: number;
  /**
   * No part of the body for this long: the stream is presumed dead and reopened. Default 4 minutes (kube-apiserver
   * 1.34 sent its first bookmark 2 minutes into a quiet watch, then one a minute).
   */
  idleTimeoutMs?: number;
  clock?: WatchClock;
  random?: () => number;
  /**
   * One request of exactly timeoutSeconds, then complete (after a BOOKMARK with the resourceVersion reached): a cheap
   * poll that brings only the changes since resourceVersion, for kinds not worth a held connection. What a held watch
   * would retry is an error here: the caller polls again later.
   */
  once?: boolean;
}

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type RelistReason = 'expired' | 'error-event' | 'disconnected';

export interface WatchState {
  phase: 'connecting' | 'live' | 'retrying';
  /** Failed attempts since the stream last delivered. */
  attempt: number;
  /** retrying: when the next attempt starts (clock time, ms). */
  retryAt?: number;
  /** Since when no stream has been open (clock time, ms); absent while one is. */
  downSince?: number;
  /** retrying: what went wrong, in words for the user. */
  cause?: K8sError;
}

export type WatchNotice =
  | { type: ObjectEventType; object: RawObject; resourceVersion?: string }
  | { type: 'BOOKMARK'; resourceVersion: string }
  | { type: 'STATE'; state: WatchState }
  | { type: 'RELIST'; reason: RelistReason; message: string; resourceVersion: string };

export const DEFAULT_WATCH_BACKOFF: BackoffPolicy = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
export const DEFAULT_RELIST_AFTER_MS = 300_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 240_000;
/** A stream that stayed open this long before ending counts as healthy even without an event. */
const HEALTHY_AFTER_MS = 10_000;

export const REAL_CLOCK: WatchClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** Statuses a reopened watch may get past: throttling, and the API server or Grafana's proxy failing for a while. */
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

export function watchKind(source: WatchSource, kind: KindName, options: WatchOptions): Observable<WatchNotice> {
  return new Observable<WatchNotice>((subscriber) => {
    const clock = options.clock ?? REAL_CLOCK;
    const random = options.random ?? Math.random;
    const backoff = { ...DEFAULT_WATCH_BACKOFF, ...options.backoff };
    const relistAfterMs = options.relistAfterMs ?? DEFAULT_RELIST_AFTER_MS;
    const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const info = KINDS[kind];
    const path = resourcePath(info);

    let resourceVersion = options.resourceVersion;
    let attempt = 0;
    let downSince: number | undefined;
    let closeStream: (() => void) | undefined;
    let cancelTimer: (() => void) | undefined;

    const stop = () => {
      closeStream?.();
      cancelTimer?.();
      options.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      stop();
      subscriber.complete();
    };
    const finish = (notice: WatchNotice | K8sError) => {
      stop();
      if (notice instanceof K8sError) {
        subscriber.error(notice);
      } else {
        subscriber.next(notice);
        subscriber.complete();
      }
    };
    const state = (phase: WatchState['phase'], extra: Partial<WatchState> = {}) =>
      subscriber.next({ type: 'STATE', state: { phase, attempt, downSince, ...extra } });

    const connect = () => {
      const base = options.timeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
      const timeoutSeconds = options.once ? base : Math.round(base * (1 + random()));
      const query = new URLSearchParams({
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion,
        timeoutSeconds: String(timeoutSeconds),
      });
      const url = `${source.routes.read}${path}?${query}`;
      const context: RequestContext = { method: 'GET', url, path, verb: 'watch', kind: info };
      const parser = new WatchLineSplitter();
      // Each line is parsed and delivered as a step of its own, the stream's end after them: a large chunk is worked
      // through over several tasks, in order, and nothing of it runs once the stream is closed.
      const steps = new SlicedSteps(clock);
      const openedAt = clock.now();
      const errorBody: Uint8Array[] = [];
      let response: StreamPart | undefined;
      let delivered = false;
      // This request's stream; a source may answer synchronously, before subscribe() has returned.
      let closed = false;
      let subscription: Subscription | undefined;
      let cancelIdle: (() => void) | undefined;
      const close = () => {
        closed = true;
        steps.clear();
        subscription?.unsubscribe();
        cancelIdle?.();
      };
      closeStream = close;

      const failed = (cause: K8sError, retryAfter?: number) => {
        close();
        if (options.once) {
          return finish(cause);
        }
        const now = clock.now();
        downSince ??= now;
        if (now - downSince >= relistAfterMs) {
          const minutes = Math.round((now - downSince) / 60_000);
          return finish({
            type: 'RELIST',
            reason: 'disconnected',
            message: `The watch of ${info.plural} has been down for ${minutes} min (${cause.summary})`,
            resourceVersion,
          });
        }
        attempt++;
        const cap = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
        const delay = retryAfter !== undefined ? Math.min(retryAfter, backoff.maxDelayMs) : cap * (0.5 + random() / 2);
        state('retrying', { retryAt: now + delay, cause });
        cancelTimer = clock.setTimeout(connect, delay);
      };

      const ended = () => {
        close();
        if (parser.end() > 0) {
          return failed(
            new BadResponseError(
              `The watch of ${info.plural} ended in the middle of an event.`,
              'A proxy between Grafana and the API server may be cutting streamed answers; KubeAtlas resumes after the last whole event.'
            )
          );
        }
        if (options.once) {
          return finish({ type: 'BOOKMARK', resourceVersion });
        }
        if (delivered || clock.now() - openedAt >= Math.min(HEALTHY_AFTER_MS, timeoutSeconds * 1000)) {
          // timeoutSeconds is over: the normal end of a watch request. Reopen at once.
          attempt = 0;
          cancelTimer = clock.setTimeout(connect, 0);
          return;
        }
        failed(
          new BadResponseError(
            `The watch of ${info.plural} ended as soon as it opened.`,
            'A proxy between Grafana and the API server may be closing long requests; KubeAtlas keeps retrying.'
          )
        );
      };

      const idle = () => {
        cancelIdle?.();
        cancelIdle = clock.setTimeout(() => {
          failed(
            new TimeoutError(
              `The watch of ${info.plural} sent nothing, not even a bookmark, for ${Math.round(idleTimeoutMs / 1000)} s.`,
              'KubeAtlas reopens it; if this repeats, a proxy may be holding streamed answers back.'
            )
          );
        }, idleTimeoutMs);
      };

      const onEvent = (event: RawWatchEvent) => {
        if (event.type === 'ERROR') {
          const status = event.object;
          return finish({
            type: 'RELIST',
            reason: status.code === 410 ? 'expired' : 'error-event',
            message: status.message ?? status.reason ?? `ERROR event ${status.code ?? ''}`.trim(),
            resourceVersion,
          });
        }
        const found = event.object.metadata?.resourceVersion;
        const version = typeof found === 'string' && found !== '' ? found : undefined;
        resourceVersion = version ?? resourceVersion;
        if (!delivered) {
          delivered = true;
          attempt = 0;
        }
        subscriber.next(
          event.type === 'BOOKMARK'
            ? { type: 'BOOKMARK', resourceVersion }
            : { type: event.type, object: event.object, resourceVersion: version }
        );
      };

      const onPart = (part: StreamPart) => {
        if (!response) {
          response = part;
          if (part.status >= 200 && part.status < 300) {
            downSince = undefined;
            state('live');
          }
        }
        if (response.status < 200 || response.status >= 300) {
          if (part.chunk) {
            errorBody.push(part.chunk);
          }
          return;
        }
        idle();
        if (!part.chunk) {
          return;
        }
        steps.add(...parser.push(part.chunk).map((line) => () => onLine(line)));
      };

      const onLine = (line: string) => {
        const event = parseWatchEvent(line);
        if (event instanceof BadResponseError) {
          return failed(event);
        }
        onEvent(event);
      };

      const onComplete = () => {
        if (!response && options.once) {
          // A transport that reports parts only with body bytes (backendSrv.chunked) says nothing of an empty 2xx
          // body, which is what a short watch with no change and no bookmark is: errors reach it as answers.
          return ended();
        }
        if (!response) {
          return failed(new BadResponseError(`The watch of ${info.plural} closed without an answer.`, ''));
        }
        if (response.status >= 200 && response.status < 300) {
          return ended();
        }
        onErrorAnswer(response, decodeBody(errorBody));
      };

      const onErrorAnswer = (answer: StreamPart, body: unknown) => {
        const httpResponse = { status: answer.status, statusText: answer.statusText, headers: answer.headers, body };
        if (answer.status === 410) {
          return finish({
            type: 'RELIST',
            reason: 'expired',
            message: isKubernetesStatus(body) && body.message ? body.message : '410 Gone',
            resourceVersion,
          });
        }
        const error = errorFromResponse(httpResponse, context);
        if (RETRIED_STATUSES.has(answer.status)) {
          return failed(error, retryAfterMs(httpResponse, clock.now()));
        }
        finish(error);
      };

      const onBroken = (error: unknown) => {
        if (response) {
          const code = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
          return failed(
            new UnreachableError(
              `The watch of ${info.plural} broke off (${code}).`,
              'KubeAtlas resumes it after the last event it received.',
              { url }
            )
          );
        }
        const cause = errorFromNetwork(error, context);
        // A refused certificate does not heal by itself; a dropped connection may.
        return cause.code === 'Tls' ? finish(cause) : failed(cause);
      };

      state('connecting');
      idle();
      subscription = source.stream({ url, headers: { Accept: 'application/json', ...source.headers } }).subscribe({
        next: (part) => {
          if (!closed) {
            onPart(part);
          }
        },
        error: (error: unknown) => {
          if (!closed) {
            steps.add(() => onBroken(error));
          }
        },
        complete: () => {
          if (!closed) {
            steps.add(onComplete);
          }
        },
      });
      if (closed) {
        subscription.unsubscribe();
      }
    };

    if (options.signal?.aborted) {
      subscriber.complete();
      return undefined;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    connect();
    return stop;
  });
}

/** One LIST of a kind, as K8sClient.list does it (pass `(kind, o) => client.list(kind, o)`). */
export type ListKind = (kind: KindName, options: { signal?: AbortSignal }) => Promise<ListResult>;

export type ListWatchNotice =
  | WatchNotice
  /** Every object of the kind: replace what is held (after the first LIST and after each relist). */
  | { type: 'SYNC'; items: RawObject[]; resourceVersion: string; stats: RequestStats };

/**
 * LIST, then WATCH from the list's resourceVersion; on RELIST, LIST again and watch on. Relists that follow each other
 * without an event between them wait as the watch's backoff does. A failed LIST errors with its K8sError.
 */
export function listThenWatch(
  list: ListKind,
  source: WatchSource,
  kind: KindName,
  options: Omit<WatchOptions, 'resourceVersion'> & {
    /** The caller has just listed at this resourceVersion: watch from it at once, and list only on RELIST. */
    watchFrom?: string;
  } = {}
): Observable<ListWatchNotice> {
  return new Observable<ListWatchNotice>((subscriber) => {
    const clock = options.clock ?? REAL_CLOCK;
    const random = options.random ?? Math.random;
    const backoff = { ...DEFAULT_WATCH_BACKOFF, ...options.backoff };
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let watch: Subscription | undefined;
    let cancelTimer: (() => void) | undefined;
    let relists = 0;
    let watchFrom = options.watchFrom;

    const cycle = async () => {
      if (watchFrom) {
        const resourceVersion = watchFrom;
        watchFrom = undefined;
        return watchOn(resourceVersion);
      }
      let result: ListResult;
      try {
        result = await list(kind, { signal: controller.signal });
      } catch (error) {
        if (!(error instanceof CancelledError) && !controller.signal.aborted) {
          subscriber.error(error);
        } else {
          subscriber.complete();
        }
        return;
      }
      if (controller.signal.aborted) {
        return subscriber.complete();
      }
      if (!result.resourceVersion) {
        return subscriber.error(
          new BadResponseError(
            `The list of ${KINDS[kind].plural} came without a resourceVersion to watch from.`,
            'Check that the cluster URL points at the Kubernetes API server itself.'
          )
        );
      }
      subscriber.next({
        type: 'SYNC',
        items: result.items,
        resourceVersion: result.resourceVersion,
        stats: result.stats,
      });
      watchOn(result.resourceVersion);
    };

    const watchOn = (resourceVersion: string) => {
      watch = watchKind(source, kind, {
        ...options,
        resourceVersion,
        signal: controller.signal,
      }).subscribe({
        next: (notice) => {
          if (notice.type === 'ADDED' || notice.type === 'MODIFIED' || notice.type === 'DELETED') {
            relists = 0;
          }
          subscriber.next(notice);
          if (notice.type === 'RELIST') {
            relists++;
            const cap = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (relists - 2));
            const delay = relists === 1 ? 0 : cap * (0.5 + random() / 2);
            cancelTimer = clock.setTimeout(() => void cycle(), delay);
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => {
          if (controller.signal.aborted) {
            subscriber.complete();
          }
        },
      });
    };

    void cycle();
    return () => {
      controller.abort();
      watch?.unsubscribe();
      cancelTimer?.();
      options.signal?.removeEventListener('abort', onAbort);
    };
  });
}

/** An error answer's body, streamed in chunks: its Kubernetes Status when it is JSON, else its text. */
export function decodeBody(chunks: Uint8Array[]): unknown {
  const text = new TextDecoder().decode(concat(chunks)).trim();
  try {
    return JSON.parse(text) as KubernetesStatus;
  } catch {
    return text;
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    total.set(chunk, offset);
    offset += chunk.length;
  }
  return total;
}
