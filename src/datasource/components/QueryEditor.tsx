import { QueryEditorProps } from '@grafana/data';
import type { KubernetesDataSource } from '../datasource';
import type { KubernetesDataSourceOptions, KubernetesQuery } from '../types';

export function QueryEditor(_props: QueryEditorProps<KubernetesDataSource, KubernetesQuery, KubernetesDataSourceOptions>) {
  return null;
}
