import React, { Suspense, lazy } from 'react';
import { AppPlugin, type AppRootProps, type AppPluginMeta, type PluginConfigPageProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';

// Everything but this file is loaded on demand, so Grafana's start-up only pays for these few lines.
const LazyApp = lazy(() => import('./app/App'));
const LazyAppConfig = lazy(() => import('./app/AppConfig'));

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

export const plugin = new AppPlugin<{}>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
