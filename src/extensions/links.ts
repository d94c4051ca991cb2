import { PluginExtensionPoints, type PluginExtensionAddedLinkConfig } from '@grafana/data';
import { getDataSourceSrv, getTemplateSrv } from '@grafana/runtime';
import { prefixRoute, ROUTES } from '../constants';
import { CLUSTER_DATASOURCE_TYPE, kubeAtlasLink, readKubeTarget, type LinkContext } from './context';

/**
 * The links KubeAtlas adds to Grafana's panel menu and Explore toolbar. Title, description and targets must equal the
 * plugin.json `extensions.addedLinks` entries (Grafana looks the link up there by title; links.test.ts checks it).
 */
function configure(context: LinkContext | undefined) {
  const templateSrv = getTemplateSrv();
  const target = readKubeTarget(context, {
    interpolate: (text, scopedVars) => templateSrv.replace(text, scopedVars),
    clusters: getDataSourceSrv().getList({ type: CLUSTER_DATASOURCE_TYPE }),
  });
  const link = kubeAtlasLink(target);
  // Nothing Kubernetes in this panel or query: hide the link rather than open an unrelated page.
  return link ? { path: link.path, description: `Opens ${link.what} in KubeAtlas` } : undefined;
}

export const linkConfigs: Array<PluginExtensionAddedLinkConfig<LinkContext>> = [
  {
    targets: [PluginExtensionPoints.DashboardPanelMenu],
    title: 'Open in KubeAtlas',
    description: "Opens the panel's pod, workload, node or namespace in KubeAtlas",
    icon: 'apps',
    path: prefixRoute(ROUTES.Overview),
    configure,
  },
  {
    targets: [PluginExtensionPoints.ExploreToolbarAction],
    title: 'Open query in KubeAtlas',
    description: "Opens the query's pod, workload, node or namespace in KubeAtlas",
    icon: 'apps',
    path: prefixRoute(ROUTES.Overview),
    configure,
  },
];
