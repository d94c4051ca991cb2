import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

export interface KubernetesQuery extends DataQuery {
  resource?: string;
}

export interface KubernetesDataSourceOptions extends DataSourceJsonData {
  clusterUrl?: string;
}
