import React, { lazy, Suspense, useMemo } from 'react';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import { PluginPage } from '@grafana/runtime';
import { ClusterToolbar } from '../components/ClusterToolbar';
import {
  KindErrorsBanner,
  MissingFiguresBanner,
  NoClustersAlert,
  RefreshFailedBanner,
  StaleDataBanner,
} from '../components/StatusBanners';
import { ClusterSnapshot } from '../model/types';
import { Figures } from '../prometheus/figures';
import { FigureId } from '../prometheus/promql';
import { TargetHealth } from '../prometheus/targets';
import { namespaceNames } from '../selectors/appMap';
import { ClusterDatasource, useSelectedCluster } from './state/clusters';
import { useClusterData } from './state/useClusterData';
import { URL_KEYS, UrlState, useUrlState } from './state/urlState';

const DetailsDrawer = lazy(() => import('../components/details/DetailsDrawer'));

export interface ClusterView {
  url: UrlState;
  cluster: ClusterDatasource;
  snapshot: ClusterSnapshot;
  figures: Figures;
  /** Scrape target health, on pages that ask for it (`targets`). */
  targets?: TargetHealth;
  /** Selected namespaces; empty means all. */
  namespaces: string[];
}

interface Props {
  /** The Prometheus figures this page shows (one batched query each). */
  figureIds: FigureId[];
  /** Also load the scrape targets' `up` (coverage badges). */
  targets?: boolean;
  /** Offer the namespace filter. */
  namespaceFilter?: boolean;
  /** Page-specific filters, rendered in the toolbar. */
  filters?: (url: UrlState) => React.ReactNode;
  children: (view: ClusterView) => React.ReactNode;
}

/**
 * The frame of every app page: cluster picker, namespace filter, refresh, the status banners (refresh failed,
 * forbidden kinds with their RBAC rules, missing Prometheus figures) and the details drawer for `?detail=`.
 */
export function ClusterPage({ figureIds, targets, namespaceFilter, filters, children }: Props) {
  const url = useUrlState();
  const { clusters, cluster, unknownUid } = useSelectedCluster(url);
  const data = useClusterData(cluster, figureIds, { targets });
  const namespaceOptions = useMemo(
    () => (namespaceFilter ? (data.snapshot ? namespaceNames(data.snapshot) : []) : undefined),
    [namespaceFilter, data.snapshot]
  );
  const detail = url.get(URL_KEYS.detail);

  if (clusters.length === 0) {
    return (
      <PluginPage>
        <NoClustersAlert />
      </PluginPage>
    );
  }

  return (
    <PluginPage>
      <ClusterToolbar
        url={url}
        clusters={clusters}
        cluster={cluster}
        namespaceOptions={namespaceOptions}
        refreshing={data.refreshing}
        lastUpdated={data.lastUpdated}
        live={data.live}
        onRefresh={data.refresh}
      >
        {filters?.(url)}
      </ClusterToolbar>
      {unknownUid && (
        <Alert severity="warning" title={`Cluster datasource "${unknownUid}" not found`}>
          The link names a datasource that does not exist here; showing {cluster?.name} instead.
        </Alert>
      )}
      {data.error && data.snapshot && <RefreshFailedBanner error={data.error} lastUpdated={data.lastUpdated} />}
      {!data.error && data.live?.downSince !== undefined && (
        <StaleDataBanner since={data.live.downSince} cause={data.live.cause} now={data.live.at} />
      )}
      {data.error && !data.snapshot && (
        <Alert severity="error" title={`Cannot load cluster ${cluster?.name ?? ''}`} data-testid="load-failed">
          {data.error.message}
        </Alert>
      )}
      {data.loading && !data.snapshot && !data.error && (
        <LoadingPlaceholder text={`Loading ${cluster?.name ?? 'cluster'}…`} data-testid="first-load" />
      )}
      {data.snapshot && cluster && (
        <>
          <KindErrorsBanner snapshot={data.snapshot} />
          <MissingFiguresBanner figures={data.figures} />
          {children({
            url,
            cluster,
            snapshot: data.snapshot,
            figures: data.figures,
            targets: data.targets,
            namespaces: url.getAll(URL_KEYS.namespace),
          })}
          {detail && (
            <Suspense fallback={null}>
              <DetailsDrawer url={url} detail={detail} cluster={cluster} snapshot={data.snapshot} />
            </Suspense>
          )}
        </>
      )}
    </PluginPage>
  );
}
