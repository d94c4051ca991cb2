/**
 * Keeps one cluster's model current: a paged LIST of every kind once, then changes only.
 *
 * - Kinds with a held watch (connectionBudget.ts decides which): every change arrives within moments; a RELIST
 *   (410 Gone, an ERROR event, a long disconnection) lists that kind again and watches on from there.
 * - The other kinds are polled every interval by a short watch from their resourceVersion (`once`, one request of
 *   `pollTimeoutSeconds`), one kind at a time: it brings only the changes, so a quiet kind costs a few hundred bytes.
 * - A kind that cannot be watched (the `watch` verb forbidden, no streaming transport) or failed to list is listed
 *   again every interval: the old refresh, kept as the fallback.
 * - The Prometheus figures are queried every interval (they are rates, not objects); the first snapshot does not
 *   wait for them.
 * Events are applied to a ClusterStore and published in batches (`flushMs`), so a burst costs one render.
 * A failure keeps the last good data: a failed kind keeps its objects under its error; a stream that is down shows
 * as `reconnecting` with the time since when.
 */
import type { Subscription } from 'rxjs';
import type { K8sClient, ListOutcome } from '../../k8s/client';
import {
  ApiMissingError,
  BadResponseError,
  ForbiddenError,
  isK8sError,
  K8sError,
  NotFoundError,
  UnauthorizedError,
} from '../../k8s/errors';
import { KIND_NAMES, KINDS } from '../../k8s/kinds';
import { listThenWatch, watchKind, type ListKind, type WatchNotice, type WatchSource } from '../../k8s/watch';
import { ClusterStore } from '../../model/store';
import type { KindName } from '../../model/types';
import type { Figures } from '../../prometheus/figures';
import type { TargetHealth } from '../../prometheus/targets';
import { takeWatchSlot, WATCH_SLOTS, type WatchSlot } from './connectionBudget';
import { ClusterLoadError, type ClusterLoad } from './clusterLoad';
import type { RefreshLoop, RefreshState } from './refreshLoop';

export interface LiveStatus {
  /**
   * connecting: the first LIST is running; live: every held watch is streaming; reconnecting: one is down (the data
   * is as of `downSince`); polling: nothing can be watched, kinds are listed every interval.
   */
  phase: 'connecting' | 'live' | 'reconnecting' | 'polling';
  watched: KindName[];
  polled: KindName[];
  listed: KindName[];
  downSince?: number;
  cause?: K8sError;
  /** When this status was taken (epoch ms): the age of the data is `at - downSince`. */
  at: number;
}

export interface LiveState extends RefreshState<ClusterLoad> {
  live?: LiveStatus;
}

export interface Extras {
  figures: Figures;
  targets?: TargetHealth;
}

export interface LiveClusterOptions {
  client: K8sClient;
  /** How watches reach the cluster; undefined when there is no streaming transport (then every kind is listed). */
  source?: WatchSource;
  loadExtras: (signal: AbortSignal) => Promise<Extras>;
  intervalMs: number;
  onChange: (state: LiveState) => void;
  /** Requests to Grafana share one connection (HTTP/2 or 3): watch every kind. */
  multiplexed?: boolean;
  /** Kinds that deserve a held watch, most wanted first. */
  hotKinds?: KindName[];
  takeSlot?: (heldByThisTab: number) => Promise<WatchSlot | undefined>;
  /** How long events are gathered before one publish. Default 200 ms. */
  flushMs?: number;
  /** The least time between two publishes. Default 1 s. */
  minPublishIntervalMs?: number;
  pollTimeoutSeconds?: number;
  /** A hidden tab skips its polls (its held watches stay). */
  isVisible?: () => boolean;
  now?: () => number;
}

/** Pods change most and carry most problems, then nodes going NotReady and Deployments being scaled or rolled out. */
export const DEFAULT_HOT_KINDS: KindName[] = ['Pod', 'Node', 'Deployment', 'ReplicaSet', 'Event'];

const BUILT_IN_KINDS = KIND_NAMES.filter((k) => !KINDS[k].installedBy);
const OPTIONAL_KINDS = KIND_NAMES.filter((k) => KINDS[k].installedBy);

type Mode = 'watch' | 'poll' | 'list';

interface Feed {
  mode: Mode;
  resourceVersion?: string;
  /** The next cycle lists the kind (it failed, or its watch ended with an error). */
  needsList: boolean;
  watch?: Subscription;
  slot?: WatchSlot;
  /**
   * Its held watch was refused (403). Maybe for good, maybe only while a restarted apiserver loads its RBAC policies:
   * once listed again it is polled by a short watch once more, and listed for good only if that is refused too.
   */
  rewatch?: boolean;
  downSince?: number;
  cause?: K8sError;
}

/** A failure of one kind (RBAC, an API not served), as opposed to the cluster failing as a whole. */
function kindSpecific(error: Error | undefined): boolean {
  return error instanceof ForbiddenError || error instanceof ApiMissingError || error instanceof NotFoundError;
}

export function startLiveCluster(options: LiveClusterOptions): RefreshLoop {
  const { client, source, intervalMs, onChange } = options;
  const now = options.now ?? Date.now;
  const flushMs = options.flushMs ?? 200;
  const minPublishIntervalMs = options.minPublishIntervalMs ?? 1000;
  const hotKinds = options.hotKinds ?? DEFAULT_HOT_KINDS;
  const takeSlot = options.takeSlot ?? takeWatchSlot;
  const isVisible = options.isVisible ?? (() => globalThis.document?.visibilityState !== 'hidden');
  const lifetime = new AbortController();
  const signal = lifetime.signal;
  const store = new ClusterStore();
  const feeds = new Map<KindName, Feed>();
  let extras: Extras = { figures: {} };
  let state: LiveState = { loading: true, refreshing: true };
  let sessionError: Error | undefined;
  let lastUpdated: number | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let cycleTimer: ReturnType<typeof setTimeout> | undefined;
  let started = false;
  let firstInFlight = false;
  let cycling = false;
  let failedCycles = 0;

  const status = (): LiveStatus => {
    const of = (mode: Mode) => [...feeds].filter(([, f]) => f.mode === mode).map(([k]) => k);
    const down = [...feeds.values()].filter((f) => f.mode === 'watch' && f.downSince !== undefined);
    const downSince = down.length ? Math.min(...down.map((f) => f.downSince!)) : undefined;
    const watched = of('watch');
    return {
      phase: !started ? 'connecting' : down.length ? 'reconnecting' : watched.length ? 'live' : 'polling',
      watched,
      polled: of('poll'),
      listed: of('list'),
      downSince,
      cause: down.find((f) => f.cause)?.cause,
      at: now(),
    };
  };

  const publish = (patch: Partial<LiveState> = {}) => {
    if (signal.aborted) {
      return;
    }
    const live = status();
    if (started && live.phase !== 'reconnecting') {
      lastUpdated = now();
    }
    publishedAt = now();
    state = {
      ...state,
      ...patch,
      data: started ? { snapshot: store.snapshot(now()), figures: extras.figures, targets: extras.targets } : undefined,
      error: sessionError,
      lastUpdated,
      live,
    };
    onChange(state);
  };

  // Events are gathered for flushMs, and snapshots go out at most once a second: a steady stream of changes on a big
  // cluster then costs one render a second, not one per event.
  let publishedAt = 0;
  const scheduleFlush = () => {
    flushTimer ??= setTimeout(
      () => {
        flushTimer = undefined;
        publish();
      },
      Math.max(flushMs, publishedAt + minPublishIntervalMs - now())
    );
  };

  // The figures of the first load can still be on their way when a cycle asks again: the older answer is dropped.
  let extrasAsked = 0;
  let extrasApplied = 0;
  const loadExtras = () => {
    const asked = ++extrasAsked;
    return options
      .loadExtras(signal)
      .then((loaded) => {
        if (asked > extrasApplied) {
          extrasApplied = asked;
          extras = loaded;
        }
      })
      .catch(() => undefined);
  };

  /** A kind failed: it keeps its objects under the error; `relist` when its resourceVersion can no longer be used. */
  const failKind = (kind: KindName, error: unknown, relist: boolean) => {
    if (signal.aborted) {
      return;
    }
    const cause = isK8sError(error) ? error : new BadResponseError(String(error), '');
    store.setState(kind, { state: 'error', count: 0, error: cause });
    // A revoked token stops everything: say it once, above the page.
    if (cause instanceof UnauthorizedError) {
      sessionError = cause;
    }
    feeds.get(kind)!.needsList ||= relist;
  };

  /** The kind answered again: clear its error. */
  const recovered = (kind: KindName) => {
    if (store.stateOf(kind)?.state === 'error') {
      store.setState(kind, { state: 'ok', count: 0, fetchedAt: now() });
      scheduleFlush();
    }
  };

  const list = async (kind: KindName) => {
    const feed = feeds.get(kind)!;
    try {
      // Nothing older than what was already shown: served from the apiserver's watch cache.
      const result = await client.list(kind, { signal, notOlderThan: feed.resourceVersion });
      store.replace(kind, result.items, now());
      feed.resourceVersion = result.resourceVersion;
      feed.needsList = false;
      return true;
    } catch (error) {
      failKind(kind, error, true);
      return false;
    }
  };

  const onNotice = (kind: KindName, feed: Feed, notice: WatchNotice) => {
    switch (notice.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        feed.resourceVersion = notice.resourceVersion ?? feed.resourceVersion;
        if (store.apply(kind, notice.type, notice.object)) {
          scheduleFlush();
        }
        return;
      case 'BOOKMARK':
        feed.resourceVersion = notice.resourceVersion;
        return;
      case 'STATE':
        if (notice.state.phase === 'live') {
          feed.downSince = undefined;
          feed.cause = undefined;
          recovered(kind);
        } else if (notice.state.phase === 'retrying') {
          feed.downSince = feed.downSince ?? now();
          feed.cause = notice.state.cause;
        }
        scheduleFlush();
        return;
      case 'RELIST':
        return;
    }
  };

  const watch = (kind: KindName) => {
    const feed = feeds.get(kind)!;
    if (!source || !feed.resourceVersion || signal.aborted) {
      return;
    }
    // listThenWatch relists on RELIST, waiting between relists that follow each other, and watches on.
    const relist: ListKind = (k, o) => client.list(k, { ...o, notOlderThan: feed.resourceVersion });
    feed.watch = listThenWatch(relist, source, kind, { signal, watchFrom: feed.resourceVersion }).subscribe({
      next: (notice) => {
        if (notice.type === 'SYNC') {
          store.replace(kind, notice.items, now());
          feed.resourceVersion = notice.resourceVersion;
          recovered(kind);
          scheduleFlush();
        } else {
          onNotice(kind, feed, notice);
        }
      },
      error: (error: unknown) => {
        feed.watch = undefined;
        feed.downSince = undefined;
        failKind(kind, error, true);
        if (error instanceof ForbiddenError) {
          // May list but not watch: poll by listing.
          feed.slot?.release();
          feed.slot = undefined;
          feed.mode = 'list';
          feed.rewatch = true;
        }
        scheduleFlush();
      },
    });
  };

  /** One short watch from the kind's resourceVersion: the changes since the last poll. Resolves whether it worked. */
  const poll = (kind: KindName) =>
    new Promise<boolean>((resolve) => {
      const feed = feeds.get(kind)!;
      if (!source || !feed.resourceVersion) {
        return resolve(false);
      }
      let relist = false;
      watchKind(source, kind, {
        resourceVersion: feed.resourceVersion,
        signal,
        once: true,
        timeoutSeconds: options.pollTimeoutSeconds ?? 1,
      }).subscribe({
        next: (notice) => {
          relist ||= notice.type === 'RELIST';
          onNotice(kind, feed, notice);
        },
        error: (error: unknown) => {
          // The resourceVersion is still good: the next cycle polls from it again.
          failKind(kind, error, false);
          if (error instanceof ForbiddenError) {
            feed.mode = 'list';
          }
          resolve(false);
        },
        complete: () => {
          if (relist) {
            void list(kind).then(resolve);
          } else {
            recovered(kind);
            resolve(true);
          }
        },
      });
    });

  /** Moves the most wanted polled kind to a held watch when a slot is free (another tab closed). */
  const upgrade = async () => {
    if (options.multiplexed || !source) {
      return;
    }
    const held = [...feeds.values()].filter((f) => f.slot).length;
    const wanted = hotKinds.find((k) => feeds.get(k)?.mode === 'poll' && !feeds.get(k)?.needsList);
    if (!wanted || held >= WATCH_SLOTS) {
      return;
    }
    const slot = await takeSlot(held);
    if (!slot || signal.aborted) {
      slot?.release();
      return;
    }
    const feed = feeds.get(wanted)!;
    feed.slot = slot;
    feed.mode = 'watch';
    watch(wanted);
  };

  /** Polls and lists what is not watched, and the figures; `manual` shows as refreshing (the scheduled ones do not). */
  const cycle = async (manual: boolean) => {
    if (cycling || signal.aborted) {
      return;
    }
    cycling = true;
    clearTimeout(cycleTimer);
    if (manual) {
      publish({ refreshing: true });
    }
    const figures = loadExtras();
    let succeeded = 0;
    let attempted = 0;
    if (isVisible()) {
      for (const [kind, feed] of feeds) {
        if (signal.aborted) {
          break;
        }
        let ok: boolean;
        if (feed.needsList || feed.mode === 'list') {
          ok = await list(kind);
          if (ok && feed.mode === 'watch' && !feed.watch) {
            watch(kind);
          } else if (ok && feed.rewatch) {
            feed.rewatch = false;
            feed.mode = 'poll';
          }
        } else if (feed.mode === 'poll') {
          ok = await poll(kind);
        } else {
          continue;
        }
        attempted++;
        succeeded += ok ? 1 : 0;
        // The cluster as a whole is failing: asking for every other kind now would only add requests.
        if (!ok && !kindSpecific(store.stateOf(kind)?.error)) {
          break;
        }
      }
      await upgrade();
    }
    await figures;
    if (attempted === 0 || succeeded > 0) {
      sessionError = sessionError instanceof UnauthorizedError && succeeded === 0 ? sessionError : undefined;
    }
    cycling = false;
    publish({ refreshing: false });
    // Cycles that fail as a whole back off (doubling, jittered, up to 10 intervals), as the held watches do.
    failedCycles = attempted > 0 && succeeded === 0 ? failedCycles + 1 : 0;
    const delay = intervalMs * Math.min(10, 2 ** failedCycles) * (failedCycles ? 0.75 + Math.random() / 4 : 1);
    if (!signal.aborted) {
      cycleTimer = setTimeout(() => void cycle(false), delay);
    }
  };

  const assignModes = async (listed: KindName[]) => {
    let held = 0;
    for (const kind of listed) {
      const feed = feeds.get(kind)!;
      if (!source) {
        feed.mode = 'list';
      } else if (options.multiplexed) {
        feed.mode = 'watch';
      } else if (hotKinds.includes(kind)) {
        feed.slot = held < WATCH_SLOTS ? await takeSlot(held) : undefined;
        held += feed.slot ? 1 : 0;
        feed.mode = feed.slot ? 'watch' : 'poll';
      } else {
        feed.mode = 'poll';
      }
    }
  };

  const first = async () => {
    if (firstInFlight || signal.aborted) {
      return;
    }
    firstInFlight = true;
    clearTimeout(cycleTimer);
    publish({ refreshing: true });
    // The figures do not hold the first snapshot back: on a big cluster a page's per-pod queries can take longer
    // than the LISTs, and the structure is worth showing while they run. They go out with the next flush.
    void loadExtras().then(() => started && scheduleFlush());
    // A stop() during the load rejects the LISTs with a cancellation: nothing awaits first(), so it ends here.
    const lists = await Promise.all([
      client.listKinds(BUILT_IN_KINDS, { signal }),
      client.listOptionalKinds(OPTIONAL_KINDS, { signal }),
    ]).catch((error: unknown) => {
      if (signal.aborted) {
        return undefined;
      }
      throw error;
    });
    firstInFlight = false;
    if (!lists || signal.aborted) {
      return;
    }
    const [builtIn, optional] = lists;
    const builtInResults = Object.values(builtIn) as ListOutcome[];
    if (builtInResults.length > 0 && builtInResults.every((o) => !o.ok)) {
      const failed = builtInResults.find((o) => !o.ok);
      sessionError = new ClusterLoadError((failed as { error: K8sError }).error);
      publish({ loading: false, refreshing: false });
      cycleTimer = setTimeout(() => void first(), intervalMs);
      return;
    }
    sessionError = undefined;
    const outcomes: Partial<Record<KindName, ListOutcome>> = { ...builtIn, ...optional };
    const ordered = [...hotKinds, ...KIND_NAMES.filter((k) => !hotKinds.includes(k))];
    const listedOk: KindName[] = [];
    for (const kind of ordered) {
      const outcome = outcomes[kind];
      if (!outcome) {
        continue;
      }
      if (outcome.ok) {
        store.replace(kind, outcome.result.items, now());
        feeds.set(kind, { mode: 'poll', resourceVersion: outcome.result.resourceVersion, needsList: false });
        listedOk.push(kind);
      } else if (KINDS[kind].installedBy && outcome.error instanceof ApiMissingError) {
        store.setState(kind, { state: 'absent', count: 0 });
      } else {
        feeds.set(kind, { mode: 'list', needsList: true });
        store.setState(kind, { state: 'error', count: 0, error: outcome.error });
      }
    }
    await assignModes(listedOk);
    if (signal.aborted) {
      return;
    }
    started = true;
    publish({ loading: false, refreshing: false });
    for (const [kind, feed] of feeds) {
      if (feed.mode === 'watch') {
        watch(kind);
      }
    }
    cycleTimer = setTimeout(() => void cycle(false), intervalMs);
  };

  void first();
  return {
    refresh: () => void (started ? cycle(true) : first()),
    stop: () => {
      lifetime.abort();
      clearTimeout(flushTimer);
      clearTimeout(cycleTimer);
      for (const feed of feeds.values()) {
        feed.watch?.unsubscribe();
        feed.slot?.release();
      }
    },
  };
}
