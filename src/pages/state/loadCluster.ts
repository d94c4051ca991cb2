import { getBackendSrv } from '@grafana/runtime';
import { K8sClient } from '../../k8s/client';
import { CancelledError } from '../../k8s/errors';
import { backendSrvFetch } from '../../k8s/http';
import { KIND_NAMES, KINDS } from '../../k8s/kinds';
import { grafanaProxyRoutes } from '../../k8s/routes';
import { buildSnapshot } from '../../model/snapshot';
import { loadFigures, PrometheusLink } from '../../prometheus/figures';
import { FigureId } from '../../prometheus/promql';
import { loadTargetHealth } from '../../prometheus/targets';
import { KubernetesDataSourceOptions } from '../../datasource/types';
import { ClusterDatasource } from './clusters';
import { ClusterLoad, ClusterLoadError, LoadOptions } from './clusterLoad';

const BUILT_IN_KINDS = KIND_NAMES.filter((k) => !KINDS[k].installedBy);
const OPTIONAL_KINDS = KIND_NAMES.filter((k) => KINDS[k].installedBy);

export function clientFor(cluster: ClusterDatasource): K8sClient {
  const timeoutSeconds = Number(cluster.jsonData?.timeout);
  return new K8sClient({
    routes: grafanaProxyRoutes(cluster.uid),
    fetch: backendSrvFetch(getBackendSrv()),
    timeoutMs: Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : undefined,
  });
}

export function prometheusLink(settings: KubernetesDataSourceOptions | undefined): PrometheusLink {
  return {
    datasourceUid: settings?.prometheusDatasourceUid || undefined,
    cluster: { name: settings?.clusterLabelName, value: settings?.clusterLabelValue },
  };
}

/**
 * One refresh: a paged cluster-wide LIST per kind and the page's Prometheus figures, in parallel, under one signal.
 * Kinds that fail alone (forbidden, API missing) leave the rest loaded; only when no kind loads is it a failure.
 */
export async function loadCluster(
  cluster: ClusterDatasource,
  figureIds: FigureId[],
  signal: AbortSignal,
  options: LoadOptions = {}
): Promise<ClusterLoad> {
  const link = prometheusLink(cluster.jsonData);
  const client = clientFor(cluster);
  const [builtIn, optional, figures, targets] = await Promise.all([
    client.listKinds(BUILT_IN_KINDS, { signal }),
    client.listOptionalKinds(OPTIONAL_KINDS, { signal }),
    loadFigures(link, figureIds, signal),
    options.targets ? loadTargetHealth(link, signal) : undefined,
  ]);
  if (signal.aborted) {
    throw new CancelledError('The request was cancelled.', '');
  }
  const outcomes = { ...builtIn, ...optional };
  // The cluster as a whole failed only when no built-in kind loads: optional kinds are absent on most clusters.
  const results = Object.values(builtIn);
  if (results.length > 0 && results.every((o) => !o.ok)) {
    const first = results.find((o) => !o.ok);
    if (first && !first.ok) {
      throw new ClusterLoadError(first.error);
    }
  }
  return { snapshot: buildSnapshot(outcomes), figures, targets };
}
