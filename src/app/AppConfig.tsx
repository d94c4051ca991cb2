import React from 'react';
import { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Alert, Stack, Text } from '@grafana/ui';

import { BundledDashboards } from '../dashboards/BundledDashboards';

export default function AppConfig({ plugin }: PluginConfigPageProps<AppPluginMeta>) {
  return (
    <Stack direction="column" gap={2}>
      <Alert severity="info" title="Clusters are datasources">
        KubeAtlas reads each cluster through a “KubeAtlas Kubernetes” datasource. Add one per cluster under Connections
        → Data sources. {plugin.meta.enabled ? 'The app is enabled.' : 'Enable the app to see its pages.'}
      </Alert>
      <Text element="h3">Dashboards</Text>
      <Text color="secondary">
        Prometheus dashboards for kube-state-metrics v2, cAdvisor and node-exporter. Each asks for a Prometheus and a
        KubeAtlas datasource when opened.
      </Text>
      <BundledDashboards pluginId={plugin.meta.id} enabled={Boolean(plugin.meta.enabled)} />
    </Stack>
  );
}
