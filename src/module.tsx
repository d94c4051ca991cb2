import React, { Suspense, lazy } from 'react';
import { AppPlugin, type AppRootProps, type AppPluginMeta, type PluginConfigPageProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { linkConfigs } from './extensions/links';
import type { StatusCardProps } from './extensions/StatusCard';

// Everything but this file (and the small link configure() of src/extensions/links.ts, which Grafana runs whenever it
// builds a panel menu) is loaded on demand, so Grafana's start-up only pays for these few lines.
const LazyApp = lazy(() => import('./app/App'));
const LazyAppConfig = lazy(() => import('./app/AppConfig'));
const LazyStatusCard = lazy(() => import('./extensions/StatusCard'));

const App = (props: AppRootProps) => (
  <Suspense fallback={<LoadingPlaceholder text="Loading KubeAtlas…" />}>
    <LazyApp {...props} />
  </Suspense>
);

const AppConfig = (props: PluginConfigPageProps<AppPluginMeta>) => (
  <Suspense fallback={<LoadingPlaceholder text="Loading configuration…" />}>
    <LazyAppConfig {...props} />
  </Suspense>
);

const StatusCard = (props: StatusCardProps) => (
  <Suspense fallback={<LoadingPlaceholder text="Loading status…" />}>
    <LazyStatusCard {...props} />
  </Suspense>
);

export const plugin = new AppPlugin<{}>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});

// UI extensions: each must match its plugin.json `extensions` entry (id or title), or Grafana ignores it.
for (const link of linkConfigs) {
  plugin.addLink(link);
}
plugin.exposeComponent<StatusCardProps>({
  id: 'kubeatlas-kubernetes-app/status-card/v1',
  title: 'Kubernetes status card',
  description:
    'Status of one pod, Deployment, StatefulSet, DaemonSet or node, read from a KubeAtlas Kubernetes datasource. Props: { datasource?: string (uid or name), kind, namespace?, name }.',
  component: StatusCard,
});
