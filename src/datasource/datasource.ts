import { DataQueryRequest, DataQueryResponse, DataSourceApi, DataSourceInstanceSettings } from '@grafana/data';
import type { KubernetesDataSourceOptions, KubernetesQuery } from './types';

export class KubernetesDataSource extends DataSourceApi<KubernetesQuery, KubernetesDataSourceOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<KubernetesDataSourceOptions>) {
    super(instanceSettings);
  }

  async query(_request: DataQueryRequest<KubernetesQuery>): Promise<DataQueryResponse> {
    return { data: [] };
  }

  async testDatasource() {
    return { status: 'error', message: 'Not implemented yet' };
  }
}
