/**
 * Keeps the All clusters page's figures current at a small, bounded cost per cluster, instead of the full live model
 * of every cluster (liveCluster.ts: every kind listed and watched):
 *
 * - per refresh, three LISTs in the API server's Table form with no objects (`includeObject=None`): nodes, pods, and
 *   pods with `status.phase=Pending`; /version every VERSION_MAX_AGE_MS. scripts/bench-all-clusters.ts measures
 *   the bytes against the full LISTs;
 * - every SUMMARY_INTERVAL_MS, counted from the end of each cluster's last refresh (refreshLoop.ts);
 * - at most `concurrency` clusters at once for the whole page: over HTTP/1.1 every cluster goes through the same
 *   Grafana host, whose 6 browser connections are shared with Grafana itself and the other tabs' held watches;
 * - nothing while the tab is hidden (a refresh that falls due waits until it is shown again);
 * - everything in flight cancelled when the page unmounts.
 */
import { useEffect, useState } from 'react';
import { K8sClient } from '../../k8s/client';
import { summarizeCluster, type ClusterSummary } from '../../selectors/clusterSummary';
import { ClusterDatasource } from './clusters';
import { multiplexed } from './connectionBudget';
import { clientFor } from './loadCluster';
import { RefreshState, startRefreshLoop } from './refreshLoop';
import {
  HTTP1_CONCURRENCY,
  limiter,
  MULTIPLEXED_CONCURRENCY,
  SUMMARY_INTERVAL_MS,
  summaryRequests,
  whenVisible,
} from './summaryRequests';

export interface ClusterSummaryData {
  summary: ClusterSummary;
  /** gitVersion of /version, e.g. v1.34.2. */
  version: string;
}

export type ClusterSummaryState = RefreshState<ClusterSummaryData>;

/**
 * The load function of one cluster's refresh loop: waits for the tab to be visible and a free slot, then asks its
 * requests one after the other (one connection per cluster at most).
 */
export function summaryLoader(
  client: K8sClient,
  run: ReturnType<typeof limiter>,
  now: () => number = Date.now
): (signal: AbortSignal) => Promise<ClusterSummaryData> {
  const ask = summaryRequests(client, now);
  // Checked once the slot is free, not before queueing: a refresh that waited for a slot may find the tab hidden.
  return async (signal) =>
    run(async () => {
      await whenVisible(signal);
      const { tables, version } = await ask(signal);
      return { summary: summarizeCluster(tables), version };
    }, signal);
}

/** Every cluster's refresh state by datasource uid; clusters not started yet are absent. */
export function useClusterSummaries(clusters: ClusterDatasource[]): Record<string, ClusterSummaryState> {
  const [states, setStates] = useState<Record<string, ClusterSummaryState>>({});
  useEffect(() => {
    const run = limiter(multiplexed() ? MULTIPLEXED_CONCURRENCY : HTTP1_CONCURRENCY);
    const loops = clusters.map((cluster) =>
      startRefreshLoop({
        load: summaryLoader(clientFor(cluster), run),
        intervalMs: SUMMARY_INTERVAL_MS,
        onChange: (state) => setStates((previous) => ({ ...previous, [cluster.uid]: state })),
      })
    );
    return () => loops.forEach((loop) => loop.stop());
  }, [clusters]);
  return states;
}
