import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { config, getBackendSrv } from '@grafana/runtime';
import { grafanaProxyRoutes } from '../../k8s/routes';
import { backendSrvStream, type ChunkedBackendSrvLike } from '../../k8s/watchStream';
import { ClusterSnapshot } from '../../model/types';
import { Figures, loadFigures } from '../../prometheus/figures';
import { FigureId } from '../../prometheus/promql';
import { loadTargetHealth, TargetHealth } from '../../prometheus/targets';
import { ClusterDatasource, refreshSeconds } from './clusters';
import { multiplexed } from './connectionBudget';
import { startLiveCluster, type LiveState, type LiveStatus } from './liveCluster';
import type { LoadOptions } from './clusterLoad';
import { clientFor, loadCluster, prometheusLink } from './loadCluster';
import { RefreshLoop, startRefreshLoop } from './refreshLoop';

export interface ClusterData {
  snapshot?: ClusterSnapshot;
  figures: Figures;
  /** Scrape target health, when asked for (`options.targets`). */
  targets?: TargetHealth;
  /** The first load of this cluster is running (nothing to show yet). */
  loading: boolean;
  /** A load is in flight (first load or refresh). */
  refreshing: boolean;
  /** The last refresh failed; `snapshot` is still the last good one. */
  error?: Error;
  /** epoch ms of the last successful load, or (live) when the data was last known current. */
  lastUpdated?: number;
  /** How the data is kept current (watches and polls); absent when the datasource has watching turned off. */
  live?: LiveStatus;
  refresh: () => void;
}

// One object, so pages that memoize on `figures` do not recompute while nothing is loaded.
const NO_FIGURES: Figures = {};

/**
 * Loads a cluster and keeps it current: by default a LIST of every kind, then watches and short polls
 * (liveCluster.ts); with the datasource's `watch: false`, or a Grafana without streaming requests, a full reload every
 * `refreshIntervalSeconds` (startRefreshLoop). Either way the last good data is kept on failure, and changing cluster
 * or unmounting stops everything in flight.
 */
export function useClusterData(
  cluster: ClusterDatasource | undefined,
  figureIds: FigureId[],
  options: LoadOptions = {}
): ClusterData {
  // Tagged with its cluster, so a render right after a cluster change never shows the previous cluster's data.
  const [state, setState] = useState<{ of?: ClusterDatasource } & LiveState>({
    loading: true,
    refreshing: false,
  });
  const figureKey = figureIds.join(',');
  const withTargets = Boolean(options.targets);
  const refreshRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!cluster) {
      return undefined;
    }
    const ids = figureKey ? (figureKey.split(',') as FigureId[]) : [];
    // After the first snapshot, each new one is a transition: React renders it in slices of a few milliseconds and
    // yields between them, so a page of 10,000 pods re-rendering after a watch event never holds the main thread (no
    // long task), and a click or a keystroke during that render goes first. The first snapshot renders at once: a
    // transition would be restarted by every later update and put off the first paint.
    let shown = false;
    const loop = startClusterLoop(cluster, ids, withTargets, (next) => {
      const update = () => setState({ of: cluster, ...next });
      if (shown) {
        startTransition(update);
      } else {
        update();
        shown = Boolean(next.data);
      }
    });
    refreshRef.current = loop.refresh;
    return () => {
      loop.stop();
      refreshRef.current = () => {};
    };
  }, [cluster, figureKey, withTargets]);

  const refresh = useCallback(() => refreshRef.current(), []);
  if (state.of !== cluster || !cluster) {
    return { figures: NO_FIGURES, loading: !!cluster, refreshing: !!cluster, refresh };
  }
  const { data, loading, refreshing, error, lastUpdated, live } = state;
  return {
    snapshot: data?.snapshot,
    figures: data?.figures ?? NO_FIGURES,
    targets: data?.targets,
    loading,
    refreshing,
    error,
    lastUpdated,
    live,
    refresh,
  };
}

function startClusterLoop(
  cluster: ClusterDatasource,
  figureIds: FigureId[],
  targets: boolean,
  onChange: (state: LiveState) => void
): RefreshLoop {
  const intervalMs = refreshSeconds(cluster.jsonData) * 1000;
  const backendSrv = getBackendSrv() as unknown as Partial<ChunkedBackendSrvLike> | undefined;
  if (cluster.jsonData?.watch === false || typeof backendSrv?.chunked !== 'function') {
    return startRefreshLoop({
      load: (signal) => loadCluster(cluster, figureIds, signal, { targets }),
      intervalMs,
      onChange,
    });
  }
  const link = prometheusLink(cluster.jsonData);
  return startLiveCluster({
    client: clientFor(cluster),
    source: {
      routes: grafanaProxyRoutes(cluster.uid),
      stream: backendSrvStream(backendSrv as ChunkedBackendSrvLike, { orgId: config.bootData?.user?.orgId }),
    },
    loadExtras: async (signal) => {
      const [figures, health] = await Promise.all([
        loadFigures(link, figureIds, signal),
        targets ? loadTargetHealth(link, signal) : undefined,
      ]);
      return { figures, targets: health };
    },
    intervalMs,
    multiplexed: multiplexed(),
    onChange,
  });
}
