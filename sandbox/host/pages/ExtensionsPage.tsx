import { useMemo } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { PluginExtensionPoints, type PluginExtensionLink, type PluginExtensionPanelContext } from '@grafana/data';
import { usePluginComponent, usePluginLinks } from '@grafana/runtime';
import { LoadingPlaceholder } from '@grafana/ui';

const STATUS_CARD = 'kubeatlas-kubernetes-app/status-card/v1';

interface StatusCardProps {
  datasource?: string;
  kind: string;
  namespace?: string;
  name: string;
}

function LinkList({ label, links, isLoading }: { label: string; links: PluginExtensionLink[]; isLoading: boolean }) {
  if (isLoading) {
    return <LoadingPlaceholder text="Loading extensions…" />;
  }
  return (
    <nav aria-label={label}>
      <strong>{label}</strong>
      <ul>
        {links.map((link) => (
          <li key={link.id} title={link.description}>
            {link.path ? (
              <Link to={link.path}>{link.title}</Link>
            ) : (
              <button onClick={link.onClick}>{link.title}</button>
            )}
          </li>
        ))}
        {links.length === 0 && <li>No extensions for this context</li>}
      </ul>
    </nav>
  );
}

/**
 * An extension host page: what a dashboard panel's menu, an Explore toolbar and another plugin see. The panel shows
 * one Prometheus query for the pod named by `?namespace=&pod=`; dashboard variables come from `var-*` as in Grafana.
 * The context has the shape Grafana's panel menu builds (public/app/features/dashboard-scene/scene/PanelMenuBehavior.tsx
 * createExtensionContext: raw queries as targets, scopedVars only for repeats; it asks for at most 3 links per plugin)
 * and Explore's toolbar (public/app/features/explore/extensions/ToolbarExtensionPoint.tsx useExtensionPointContext,
 * limitPerPlugin 3).
 * `?kind=&name=` pick the status card's object (the pod by default).
 */
export function ExtensionsPage() {
  const search = new URLSearchParams(useLocation().search);
  const namespace = search.get('namespace') ?? '';
  const pod = search.get('pod') ?? '';
  const cluster = search.get('var-cluster') ?? undefined;
  const card: StatusCardProps = {
    datasource: cluster,
    kind: search.get('kind') ?? 'Pod',
    namespace: namespace || undefined,
    name: search.get('name') ?? pod,
  };
  const targets = useMemo(
    () => [
      {
        refId: 'A',
        datasource: { type: 'prometheus', uid: 'kubeatlas-prometheus' },
        expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="${namespace}", pod="${pod}"}[5m]))`,
      },
    ],
    [namespace, pod]
  );
  const panelContext = useMemo<PluginExtensionPanelContext>(
    () => ({
      pluginId: 'timeseries',
      id: 1,
      title: 'Pod CPU',
      timeRange: { from: 'now-1h', to: 'now' },
      timeZone: 'browser',
      dashboard: { uid: 'sandbox-extensions', title: 'Sandbox extensions', tags: [] },
      targets,
      scopedVars: {},
    }),
    [targets]
  );
  const exploreContext = useMemo(
    () => ({
      exploreId: 'left',
      targets,
      timeRange: { from: 'now-1h', to: 'now' },
      timeZone: 'browser',
      shouldShowAddCorrelation: false,
    }),
    [targets]
  );
  const panelMenu = usePluginLinks({
    extensionPointId: PluginExtensionPoints.DashboardPanelMenu,
    context: panelContext,
    limitPerPlugin: 3,
  });
  const explore = usePluginLinks({
    extensionPointId: PluginExtensionPoints.ExploreToolbarAction,
    context: exploreContext,
    limitPerPlugin: 3,
  });
  const { component: StatusCard, isLoading } = usePluginComponent<StatusCardProps>(STATUS_CARD);

  return (
    <section>
      <h1>Extensions</h1>
      <p>
        Panel “Pod CPU” for {namespace}/{pod}
      </p>
      <LinkList label="Panel menu extensions" {...panelMenu} />
      <LinkList label="Explore toolbar extensions" {...explore} />
      <h2>Exposed component {STATUS_CARD}</h2>
      {isLoading ? (
        <LoadingPlaceholder text="Loading component…" />
      ) : StatusCard ? (
        <StatusCard {...card} />
      ) : (
        <p>No plugin exposes {STATUS_CARD}</p>
      )}
    </section>
  );
}
