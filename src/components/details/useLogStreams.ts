import { useCallback, useEffect, useRef, useState } from 'react';
import { Subscription } from 'rxjs';
import { config, getBackendSrv } from '@grafana/runtime';
import type { K8sError } from '../../k8s/errors';
import { capLines, LineReader, mergeLines, MAX_LINES, resumeFilter, type LogLine } from '../../k8s/logLines';
import { streamLog, type LogRequest } from '../../k8s/logs';
import { grafanaProxyRoutes } from '../../k8s/routes';
import type { WatchSource } from '../../k8s/watch';
import { backendSrvStream, type ChunkedBackendSrvLike } from '../../k8s/watchStream';
import type { ClusterDatasource } from '../../pages/state/clusters';
import { multiplexed, WATCH_SLOTS } from '../../pages/state/connectionBudget';

/**
 * Followed logs held open at once. Over HTTP/1.1 Chromium gives a host 6 connections for all tabs together; the live
 * pages hold WATCH_SLOTS of them (connectionBudget.ts) and Grafana's own requests need at least one, which leaves 2.
 * Over HTTP/2 streams share one connection.
 */
export const FOLLOWED_PODS_HTTP1 = 6 - WATCH_SLOTS - 1;
export const FOLLOWED_PODS_MULTIPLEXED = 20;
/** Pods of a workload whose logs are read (the others are named on screen). */
export const MAX_LOG_PODS = 50;
/** Logs read at once when not followed: short requests, but still connections. */
const READ_CONCURRENCY = 2;
/** Lines reach React at most this often: a chatty container must not render per line. */
const FLUSH_MS = 100;

export interface LogTarget {
  namespace: string;
  pod: string;
  container?: string;
}

export type StreamPhase = 'waiting' | 'loading' | 'open' | 'done' | 'ended' | 'error';

export interface StreamState {
  phase: StreamPhase;
  followed: boolean;
  error?: K8sError;
}

export interface LogStreams {
  lines: LogLine[];
  /** Older lines dropped to stay within MAX_LINES. */
  dropped: number;
  states: Record<string, StreamState>;
  /** Pods followed at most at once on this connection (HTTP/1.1 or multiplexed). */
  followLimit: number;
  /** Reopens a pod's stream after the last line held of it. */
  resume(pod: string): void;
}

type Options = Pick<LogRequest, 'previous' | 'tailLines' | 'sinceSeconds' | 'follow'>;

function followBudget(): number {
  return multiplexed() ? FOLLOWED_PODS_MULTIPLEXED : FOLLOWED_PODS_HTTP1;
}

function sourceFor(cluster: ClusterDatasource): WatchSource {
  return {
    routes: grafanaProxyRoutes(cluster.uid),
    stream: backendSrvStream(getBackendSrv() as unknown as ChunkedBackendSrvLike, {
      orgId: config.bootData?.user?.orgId,
    }),
  };
}

/**
 * The logs of one pod, or of several merged by time with a pod label per line. Lines always come with timestamps
 * (the merge and a resume need them; showing them is the view's choice). At most `followLimit` pods are followed;
 * the others are read once, READ_CONCURRENCY at a time. Any change of targets or options starts over.
 */
export function useLogStreams(cluster: ClusterDatasource, targets: LogTarget[], options: Options): LogStreams {
  const key = JSON.stringify([cluster.uid, targets, options]);
  // Each view and state names the streams it belongs to: one left from other options shows as empty, not reset.
  const [view, setView] = useState<{ key: string; lines: LogLine[]; dropped: number }>({ key, lines: [], dropped: 0 });
  const [states, setStates] = useState<{ key: string; byPod: Record<string, StreamState> }>({ key, byPod: {} });
  const held = useRef<LogLine[]>([]);
  const open = useRef<(target: LogTarget, resumed: boolean) => void>(() => undefined);

  useEffect(() => {
    const source = sourceFor(cluster);
    const several = targets.length > 1;
    const followLimit = options.follow ? followBudget() : 0;
    const subscriptions = new Map<string, Subscription>();
    let seq = 0;
    let pending: LogLine[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let queue = targets.slice(followLimit);
    let reading = 0;
    held.current = [];

    const flush = () => {
      timer = undefined;
      const added = pending;
      pending = [];
      setView((previous) => {
        const kept = previous.key === key ? previous : { key, lines: [], dropped: 0 };
        const capped = capLines(mergeLines(kept.lines, added), MAX_LINES);
        held.current = capped.lines;
        return { key, lines: capped.lines, dropped: kept.dropped + capped.dropped };
      });
    };
    const setState = (pod: string, state: StreamState) =>
      setStates((previous) => ({ key, byPod: { ...(previous.key === key ? previous.byPod : {}), [pod]: state } }));

    const start = (target: LogTarget, follow: boolean, resumed: boolean, queued = false) => {
      const reader = new LineReader(several ? target.pod : undefined, () => seq++);
      const mine = resumed ? held.current.filter((l) => l.pod === (several ? target.pod : undefined)) : [];
      const last = mine[mine.length - 1];
      const fresh = resumeFilter(mine);
      const request: LogRequest = {
        ...target,
        previous: options.previous,
        timestamps: true,
        follow,
        ...(last?.stamp
          ? { sinceTime: last.stamp }
          : { tailLines: options.tailLines, sinceSeconds: options.sinceSeconds }),
      };
      setState(target.pod, { phase: 'loading', followed: follow });
      subscriptions.get(target.pod)?.unsubscribe();
      const finished = (state: StreamState) => {
        setState(target.pod, state);
        if (queued) {
          reading--;
          next();
        }
      };
      subscriptions.set(
        target.pod,
        streamLog(source, request).subscribe({
          next: (part) => {
            if (part.type === 'open') {
              return setState(target.pod, { phase: 'open', followed: follow });
            }
            pending.push(...reader.read(part.lines).filter(fresh));
            timer ??= setTimeout(flush, FLUSH_MS);
          },
          error: (error: K8sError) => finished({ phase: 'error', followed: follow, error }),
          complete: () => finished({ phase: follow ? 'ended' : 'done', followed: follow }),
        })
      );
    };
    const next = () => {
      for (; reading < READ_CONCURRENCY && queue.length > 0; reading++) {
        const [target, ...rest] = queue;
        queue = rest;
        start(target, false, false, true);
      }
    };
    open.current = (target, resumed) => start(target, targets.indexOf(target) < followLimit, resumed);

    targets.slice(0, followLimit).forEach((target) => start(target, true, false));
    next();
    return () => {
      queue = [];
      subscriptions.forEach((s) => s.unsubscribe());
      if (timer) {
        clearTimeout(timer);
      }
    };
    // `key` stands for cluster, targets and options (new arrays on every render of the caller).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const resume = useCallback(
    (pod: string) => {
      const target = targets.find((t) => t.pod === pod);
      if (target) {
        open.current(target, true);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key]
  );
  const current = view.key === key ? view : { lines: [], dropped: 0 };
  const followLimit = options.follow ? followBudget() : 0;
  const byPod = Object.fromEntries(
    targets.map((t, i) => [
      t.pod,
      (states.key === key && states.byPod[t.pod]) || { phase: 'waiting' as const, followed: i < followLimit },
    ])
  );
  return { lines: current.lines, dropped: current.dropped, states: byPod, followLimit: followBudget(), resume };
}
