import { DataSourcePlugin } from '@grafana/data';
import { KubernetesDataSource } from './datasource';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import type { KubernetesQuery, KubernetesDataSourceOptions } from './types';

export const plugin = new DataSourcePlugin<KubernetesDataSource, KubernetesQuery, KubernetesDataSourceOptions>(
  KubernetesDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
