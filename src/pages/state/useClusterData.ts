import { useCallback, useEffect, useRef, useState } from 'react';
import { ClusterSnapshot } from '../../model/types';
import { Figures } from '../../prometheus/figures';
import { FigureId } from '../../prometheus/promql';
import { ClusterDatasource, refreshSeconds } from './clusters';
import { loadCluster } from './loadCluster';

export interface ClusterData {
  snapshot?: ClusterSnapshot;
  figures: Figures;
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

function isCancel(error: unknown): boolean {
  return (
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledError')) ||
    (typeof DOMException !== 'undefined' && error instanceof DOMException && error.name === 'AbortError')
  );
}

/**
 * Loads a cluster and keeps it fresh: refreshes every `refreshIntervalSeconds` of the datasource (30 s by default),
 * counted from the end of the previous load so refreshes never overlap; a manual refresh while one runs is ignored.
 * Changing cluster or unmounting aborts the in-flight requests. A failed refresh keeps the last good data.
 */
export function useClusterData(cluster: ClusterDatasource | undefined, figureIds: FigureId[]): ClusterData {
  const [state, setState] = useState<Omit<ClusterData, 'refresh'>>({ figures: {}, loading: true, refreshing: false });
  const figureKey = figureIds.join(',');
  const runRef = useRef<() => void>(() => {});

  useEffect(() => {
    setState({ figures: {}, loading: !!cluster, refreshing: false });
    if (!cluster) {
      return undefined;
    }
    const ids = figureKey ? (figureKey.split(',') as FigureId[]) : [];
    const lifetime = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;

    const run = async () => {
      if (inFlight || lifetime.signal.aborted) {
        return;
      }
      inFlight = true;
      clearTimeout(timer);
      setState((s) => ({ ...s, refreshing: true }));
      try {
        const { snapshot, figures } = await loadCluster(cluster, ids, lifetime.signal);
        if (!lifetime.signal.aborted) {
          setState({ snapshot, figures, loading: false, refreshing: false, lastUpdated: Date.now() });
        }
      } catch (error) {
        if (lifetime.signal.aborted || isCancel(error)) {
          return;
        }
        setState((s) => ({
          ...s,
          loading: false,
          refreshing: false,
          error: error instanceof Error ? error : new Error(String(error)),
        }));
      } finally {
        inFlight = false;
        if (!lifetime.signal.aborted) {
          timer = setTimeout(run, refreshSeconds(cluster.jsonData) * 1000);
        }
      }
    };
    runRef.current = run;
    run();
    return () => {
      lifetime.abort();
      clearTimeout(timer);
      runRef.current = () => {};
    };
  }, [cluster, figureKey]);

  const refresh = useCallback(() => runRef.current(), []);
  return { ...state, refresh };
}
