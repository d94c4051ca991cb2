import { useCallback, useEffect, useRef, useState } from 'react';
import { ClusterSnapshot } from '../../model/types';
import { Figures } from '../../prometheus/figures';
import { FigureId } from '../../prometheus/promql';
import { ClusterDatasource, refreshSeconds } from './clusters';
import { TargetHealth } from '../../prometheus/targets';
import { ClusterLoad, loadCluster, LoadOptions } from './loadCluster';
import { RefreshState, startRefreshLoop } from './refreshLoop';

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
  /** epoch ms of the last successful load. */
  lastUpdated?: number;
  refresh: () => void;
}

// One object, so pages that memoize on `figures` do not recompute while nothing is loaded.
const NO_FIGURES: Figures = {};

/**
 * Loads a cluster and keeps it fresh (startRefreshLoop): every `refreshIntervalSeconds` of the datasource (30 s by
 * default) counted from the end of the previous load, manual refresh ignored while one runs, last good data kept on
 * failure. Changing cluster or unmounting stops the loop, which aborts the in-flight requests.
 */
export function useClusterData(
  cluster: ClusterDatasource | undefined,
  figureIds: FigureId[],
  options: LoadOptions = {}
): ClusterData {
  // Tagged with its cluster, so a render right after a cluster change never shows the previous cluster's data.
  const [state, setState] = useState<{ of?: ClusterDatasource } & RefreshState<ClusterLoad>>({
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
    const loop = startRefreshLoop({
      load: (signal) => loadCluster(cluster, ids, signal, { targets: withTargets }),
      intervalMs: refreshSeconds(cluster.jsonData) * 1000,
      onChange: (next) => setState({ of: cluster, ...next }),
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
  const { data, loading, refreshing, error, lastUpdated } = state;
  return {
    snapshot: data?.snapshot,
    figures: data?.figures ?? NO_FIGURES,
    targets: data?.targets,
    loading,
    refreshing,
    error,
    lastUpdated,
    refresh,
  };
}
