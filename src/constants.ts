import pluginJson from './plugin.json';

export const APP_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** Route segments of the app pages, relative to PLUGIN_BASE_URL. */
export enum ROUTES {
  Overview = 'overview',
  Applications = 'applications',
  Nodes = 'nodes',
  AllClusters = 'clusters',
  Topology = 'topology',
}

export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
