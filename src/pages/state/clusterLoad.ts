/** What one load of a cluster yields, whether by a full reload (loadCluster.ts) or live (liveCluster.ts). */
import type { K8sError } from '../../k8s/errors';
import type { ClusterSnapshot } from '../../model/types';
import type { Figures } from '../../prometheus/figures';
import type { TargetHealth } from '../../prometheus/targets';

export interface ClusterLoad {
  snapshot: ClusterSnapshot;
  figures: Figures;
  /** `up` per Service and pod, when the page shows scrape coverage. */
  targets?: TargetHealth;
}

export interface LoadOptions {
  /** Also query the scrape targets' `up` (one batched query), for coverage badges. */
  targets?: boolean;
}

/** No kind could be listed: the cluster as a whole failed (unreachable, TLS, token). Carries the typed cause. */
export class ClusterLoadError extends Error {
  constructor(readonly cause: K8sError) {
    super(cause.message);
    this.name = 'ClusterLoadError';
  }
}
