import React from 'react';
import { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Alert } from '@grafana/ui';

export default function AppConfig({ plugin }: PluginConfigPageProps<AppPluginMeta>) {
  return (
    <Alert severity="info" title="Clusters are datasources">
      KubeAtlas reads each cluster through a “KubeAtlas Kubernetes” datasource. Add one per cluster under Connections →
      Data sources. {plugin.meta.enabled ? 'The app is enabled.' : 'Enable the app to see its pages.'}
    </Alert>
  );
}
