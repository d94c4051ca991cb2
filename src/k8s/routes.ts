/**
 * The Grafana datasource proxy routes the client calls, shared with src/datasource/plugin.json (the datasource
 * owner may edit the paths here; the plugin.json route `path`s must equal these values, and a test checks that).
 *
 * Grafana picks the first route whose method matches and whose `path` is a raw string prefix of the requested path
 * (pkg/api/pluginproxy/ds_proxy.go validateRequest): so no path here may be a prefix of another.
 * A Viewer's POST can reach only the two SelfSubject*Review endpoints (see `review` below).
 */
export const K8S_ROUTE_PATHS = {
  /** GET, any role: {clusterUrl} */
  read: 'k8s-read',
  /**
   * POST, any role. plugin.json declares exactly two routes under it, `k8s-review/selfsubjectaccessreviews` and
   * `k8s-review/selfsubjectrulesreviews`, each proxied to that one endpoint under {clusterUrl}/apis/authorization.k8s.io/v1:
   * no other POST path matches a route (src/datasource/routes.test.ts replays Grafana's matching).
   */
  review: 'k8s-review',
  /** PATCH, Editor: {clusterUrl} */
  patch: 'k8s-patch',
  /**
   * POST, Editor: {clusterUrl}/apis/batch/v1/namespaces, so the only POST that writes reaches namespaced batch/v1
   * collections (a CronJob's "Run now" creates a Job); the operator role grants create on jobs alone.
   */
  jobs: 'k8s-jobs',
  /** DELETE, Editor: {clusterUrl} */
  delete: 'k8s-delete',
} as const;

export type RouteName = keyof typeof K8S_ROUTE_PATHS;

/** Path the review route's upstream URL already ends with. */
export const REVIEW_UPSTREAM_PATH = '/apis/authorization.k8s.io/v1';
/** Path the jobs route's upstream URL already ends with; the client appends `/<namespace>/jobs`. */
export const JOBS_UPSTREAM_PATH = '/apis/batch/v1/namespaces';

/** HTTP method each route is declared with. */
export const ROUTE_METHODS: Record<RouteName, 'GET' | 'POST' | 'PATCH' | 'DELETE'> = {
  read: 'GET',
  review: 'POST',
  patch: 'PATCH',
  jobs: 'POST',
  delete: 'DELETE',
};

/** Base URL of every route: where the client appends the Kubernetes API path. */
export type RouteUrls = Record<RouteName, string>;

/** Routes through Grafana's datasource proxy (the browser; the token stays in Grafana). */
export function grafanaProxyRoutes(datasourceUid: string): RouteUrls {
  const base = `/api/datasources/proxy/uid/${encodeURIComponent(datasourceUid)}`;
  return mapRoutes((route) => `${base}/${K8S_ROUTE_PATHS[route]}`);
}

/**
 * Routes straight to an API server (node tests and tools): the same path layout the proxy produces upstream, so
 * requests are identical to what the cluster sees behind Grafana.
 */
export function directRoutes(clusterUrl: string): RouteUrls {
  const base = clusterUrl.replace(/\/+$/, '');
  const upstream: Partial<Record<RouteName, string>> = { review: REVIEW_UPSTREAM_PATH, jobs: JOBS_UPSTREAM_PATH };
  return mapRoutes((route) => base + (upstream[route] ?? ''));
}

function mapRoutes(urlOf: (route: RouteName) => string): RouteUrls {
  const names = Object.keys(K8S_ROUTE_PATHS) as RouteName[];
  return Object.fromEntries(names.map((route) => [route, urlOf(route)])) as RouteUrls;
}
