import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import type { KubernetesDataSourceOptions } from '../types';

export function ConfigEditor(_props: DataSourcePluginOptionsEditorProps<KubernetesDataSourceOptions>) {
  return null;
}
