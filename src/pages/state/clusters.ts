import { useEffect, useMemo } from 'react';
import { DataSourceInstanceSettings, store } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import datasourcePluginJson from '../../datasource/plugin.json';
import { DEFAULT_REFRESH_INTERVAL_SECONDS, KubernetesDataSourceOptions } from '../../datasource/types';
import { URL_KEYS, UrlState } from './urlState';

export const CLUSTER_DATASOURCE_TYPE = datasourcePluginJson.id;
const LAST_CLUSTER_KEY = 'grafana.kubeatlas.lastCluster';

export type ClusterDatasource = DataSourceInstanceSettings<KubernetesDataSourceOptions>;

export function listClusters(): ClusterDatasource[] {
  return getDataSourceSrv().getList({ type: CLUSTER_DATASOURCE_TYPE }) as ClusterDatasource[];
}

/** The cluster to show: the URL's, else the last one used here, else the first. */
export function chooseCluster(
  clusters: ClusterDatasource[],
  fromUrl: string | undefined,
  remembered: string | undefined
): ClusterDatasource | undefined {
  return clusters.find((c) => c.uid === fromUrl) ?? clusters.find((c) => c.uid === remembered) ?? clusters[0];
}

/**
 * Resolves the selected cluster datasource, writes it back to the URL when it came from memory (so the link is
 * complete) and remembers it for the next visit.
 */
export function useSelectedCluster(url: UrlState): {
  clusters: ClusterDatasource[];
  cluster?: ClusterDatasource;
  /** The URL names a cluster datasource that does not exist (deleted, or a link from another Grafana). */
  unknownUid?: string;
} {
  const clusters = useMemo(() => listClusters(), []);
  const fromUrl = url.get(URL_KEYS.cluster);
  const cluster = chooseCluster(clusters, fromUrl, store.get(LAST_CLUSTER_KEY));
  const unknownUid = fromUrl && cluster?.uid !== fromUrl ? fromUrl : undefined;

  useEffect(() => {
    if (cluster) {
      store.set(LAST_CLUSTER_KEY, cluster.uid);
      if (!fromUrl) {
        url.update({ [URL_KEYS.cluster]: cluster.uid });
      }
    }
  }, [cluster, fromUrl, url]);

  return { clusters, cluster, unknownUid };
}

export function refreshSeconds(settings: KubernetesDataSourceOptions | undefined): number {
  const seconds = Number(settings?.refreshIntervalSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_REFRESH_INTERVAL_SECONDS;
}
