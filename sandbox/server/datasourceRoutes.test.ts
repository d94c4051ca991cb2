/**
 * Replays Grafana's datasource-proxy route selection over the real src/datasource/plugin.json.
 *
 * Mirrored from Grafana's source (read, not copied):
 * - pkg/api/pluginproxy/ds_proxy.go `validateRequest`: routes are tried in declaration order; a route is skipped when
 *   its method is set, is not "*" and differs from the request's; otherwise the cleaned request path must start with
 *   the cleaned route path (plain string prefix, no "/" boundary). The first match wins: if the user may not use it
 *   the request is refused (403 "plugin proxy route access denied"), there is no fall-through to later routes.
 *   Since issue 116273 an empty route path cleans to "" and matches everything; before, it cleaned to "." and matched
 *   nothing. Either way an empty path is wrong, and the plugin.json schema warns against it.
 * - pkg/plugins CleanRelativePath (earlier pkg/util): path.Clean("/" + p) made relative to "/": leading and trailing
 *   slashes go, "." and ".." segments are resolved.
 * - ds_proxy.go `hasAccessToRoute`: a route with `reqAction` is checked only against the user's RBAC permissions
 *   (reqRole is then ignored); datasources:* actions are scoped to the datasource's uid, any other action is checked
 *   unscoped (pkg/services/pluginsintegration/pluginaccesscontrol GetDataSourceRouteEvaluator). Without reqAction,
 *   `reqRole` is compared with the org role (Viewer < Editor < Admin).
 * - ApplyRoute (pkg/api/pluginproxy/ds_auth_provider.go): the upstream path is the route URL's path joined
 *   (pkg/util JoinURLFragments) with the request path minus the raw route path.
 * - A request matching no route goes to the datasource's top-level `url` without the route's headers; KubeAtlas
 *   leaves that URL empty, so such a request fails (no token is ever attached to it).
 * - Plugin roles (pkg/services/accesscontrol/acimpl DeclarePluginRoles, pluginutils ValidatePluginRole): actions must
 *   start with "<plugin id>." or "<plugin id>:"; a grant to a basic role also reaches its parents (Editor → Admin).
 */
import { readFileSync } from 'fs';
import path from 'path';
import { K8S_ROUTE_PATHS, ROUTE_METHODS, type RouteName } from '../k8s/routes';

interface PluginRoute {
  path: string;
  method?: string;
  url?: string;
  reqRole?: string;
  reqAction?: string;
  headers?: Array<{ name: string; content: string }>;
}

interface PluginJson {
  id: string;
  routes: PluginRoute[];
  roles: Array<{ role: { name: string; permissions: Array<{ action: string; scope?: string }> }; grants: string[] }>;
}

const pluginJson: PluginJson = JSON.parse(readFileSync(path.join(__dirname, 'plugin.json'), 'utf8'));
const routes = pluginJson.routes;
const WRITE_ACTION = `${pluginJson.id}.resources:write`;

type OrgRole = 'Viewer' | 'Editor' | 'Admin';
const ROLE_RANK: Record<OrgRole, number> = { Viewer: 0, Editor: 1, Admin: 2 };

interface User {
  name: string;
  role: OrgRole;
  /** RBAC actions the user holds (unscoped, as plugin actions are evaluated). */
  actions: Set<string>;
}

/** pkg/plugins CleanRelativePath. */
function cleanRelativePath(p: string): string {
  const cleaned = path.posix.normalize('/' + p).replace(/\/+$/, '');
  return cleaned === '' ? '.' : cleaned.replace(/^\/+/, '');
}

type Matcher = (requestPath: string, routePath: string) => boolean;

/** Current Grafana (11.6 → 13): both paths cleaned, "." treated as "" unless literally ".". */
const cleanedPrefix: Matcher = (requestPath, routePath) => {
  let r1 = cleanRelativePath(requestPath);
  let r2 = cleanRelativePath(routePath);
  if (r1 === '.' && requestPath !== '.') {
    r1 = '';
  }
  if (r2 === '.' && routePath !== '.') {
    r2 = '';
  }
  return r1.startsWith(r2);
};

/** Older Grafana: raw string prefix. The routes must be unambiguous under this rule too. */
const rawPrefix: Matcher = (requestPath, routePath) => requestPath.startsWith(routePath);

function methodMatches(route: PluginRoute, method: string): boolean {
  return !route.method || route.method === '*' || route.method === method;
}

type Outcome = { kind: 'routed'; route: PluginRoute } | { kind: 'denied'; route: PluginRoute } | { kind: 'unmatched' };

function hasAccess(route: PluginRoute, user: User): boolean {
  if (route.reqAction) {
    return user.actions.has(route.reqAction);
  }
  if (route.reqRole) {
    return ROLE_RANK[user.role] >= ROLE_RANK[route.reqRole as OrgRole];
  }
  return true;
}

function selectRoute(method: string, requestPath: string, user: User, matches: Matcher = cleanedPrefix): Outcome {
  for (const route of routes) {
    if (!methodMatches(route, method) || !matches(requestPath, route.path)) {
      continue;
    }
    return hasAccess(route, user) ? { kind: 'routed', route } : { kind: 'denied', route };
  }
  return { kind: 'unmatched' };
}

/** pkg/util JoinURLFragments. */
function joinUrlFragments(a: string, b: string): string {
  if (b === '') {
    return a;
  }
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) {
    return a + b.slice(1);
  }
  if (!aSlash && !bSlash) {
    return a + '/' + b;
  }
  return a + b;
}

/** The upstream URL ApplyRoute builds, with the route templates rendered for a cluster URL. */
function upstreamUrl(route: PluginRoute, requestPath: string, clusterUrl: string): string {
  const rendered = new URL((route.url ?? '').replace('{{ .JsonData.clusterUrl }}', clusterUrl));
  const rest = requestPath.startsWith(route.path) ? requestPath.slice(route.path.length) : requestPath;
  return `${rendered.origin}${joinUrlFragments(rendered.pathname, rest)}`;
}

/** The actions each basic role receives from the plugin's declared roles, parents included. */
function grantedActions(role: OrgRole): Set<string> {
  const actions = new Set<string>();
  for (const { role: declared, grants } of pluginJson.roles) {
    const reaches = grants.some((grant) => grant in ROLE_RANK && ROLE_RANK[role] >= ROLE_RANK[grant as OrgRole]);
    if (reaches) {
      declared.permissions.forEach((p) => actions.add(p.action));
    }
  }
  return actions;
}

const viewer: User = { name: 'Viewer', role: 'Viewer', actions: grantedActions('Viewer') };
const editor: User = { name: 'Editor', role: 'Editor', actions: grantedActions('Editor') };
const admin: User = { name: 'Admin', role: 'Admin', actions: grantedActions('Admin') };
/** An Editor whose organisation revoked the plugin role (RBAC customisation): reqAction wins over reqRole. */
const editorWithoutWrite: User = { name: 'Editor without the plugin role', role: 'Editor', actions: new Set() };

describe('plugin.json routes under Grafana route matching', () => {
  it('declares no empty path and only known methods', () => {
    for (const route of routes) {
      expect(route.path.trim()).not.toBe('');
      expect(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']).toContain(route.method);
    }
  });

  it.each([
    ['cleaned (Grafana 11.6 → 13)', cleanedPrefix],
    ['raw (older Grafana)', rawPrefix],
  ])('lets no route shadow a later one with the same method: %s', (_name, matches) => {
    routes.forEach((later, i) => {
      routes.slice(0, i).forEach((earlier) => {
        const sameMethod = methodMatches(earlier, later.method ?? '') || methodMatches(later, earlier.method ?? '');
        if (sameMethod) {
          expect({ earlier: earlier.path, later: later.path, shadows: matches(later.path, earlier.path) }).toEqual({
            earlier: earlier.path,
            later: later.path,
            shadows: false,
          });
        }
      });
    });
  });

  it('sends the bearer token from secureJsonData on every route and sets no other Authorization source', () => {
    for (const route of routes) {
      expect(route.url?.startsWith('{{ .JsonData.clusterUrl }}')).toBe(true);
      expect(route.headers).toEqual([{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.bearerToken }}' }]);
    }
  });

  const cases: Array<[string, string, User, string]> = [
    ['GET', 'k8s-read/version', viewer, 'k8s-read'],
    ['GET', 'k8s-read/api/v1/pods?limit=500', viewer, 'k8s-read'],
    ['GET', 'k8s-read/apis/batch/v1/cronjobs', viewer, 'k8s-read'],
    ['POST', 'k8s-review/selfsubjectaccessreviews', viewer, 'k8s-review/selfsubjectaccessreviews'],
    ['POST', 'k8s-review/selfsubjectrulesreviews', viewer, 'k8s-review/selfsubjectrulesreviews'],
    // No other POST reaches the cluster, whatever the role.
    ['POST', 'k8s-review/subjectaccessreviews', admin, 'unmatched'],
    ['POST', 'k8s-review/namespaces/default/localsubjectaccessreviews', admin, 'unmatched'],
    ['POST', 'k8s-read/api/v1/namespaces/default/pods', admin, 'unmatched'],
    ['POST', 'k8s-review/selfsubjectaccessreviews/../../../../api/v1/namespaces/default/pods', admin, 'unmatched'],
    // Writes: Editor and Admin through the plugin role, never a Viewer, and not an Editor whose role was revoked.
    ['PATCH', 'k8s-patch/apis/apps/v1/namespaces/shop/deployments/web/scale', viewer, 'denied'],
    ['PATCH', 'k8s-patch/apis/apps/v1/namespaces/shop/deployments/web/scale', editor, 'k8s-patch'],
    ['PATCH', 'k8s-patch/apis/apps/v1/namespaces/shop/deployments/web', editorWithoutWrite, 'denied'],
    ['PUT', 'k8s-put/apis/apps/v1/namespaces/shop/deployments/web', admin, 'k8s-put'],
    ['PUT', 'k8s-put/apis/apps/v1/namespaces/shop/deployments/web', viewer, 'denied'],
    ['DELETE', 'k8s-delete/api/v1/namespaces/shop/pods/web-0', editor, 'k8s-delete'],
    ['DELETE', 'k8s-delete/api/v1/namespaces/shop/pods/web-0', viewer, 'denied'],
    // A verb on another verb's route matches nothing.
    ['DELETE', 'k8s-read/api/v1/namespaces/shop/pods/web-0', admin, 'unmatched'],
    ['GET', 'k8s-patch/api/v1/pods', admin, 'unmatched'],
    ['PATCH', 'k8s-read/api/v1/namespaces/shop/pods/web-0', admin, 'unmatched'],
  ];

  it.each(
    cases.map(([method, requestPath, user, expected]) => [method, requestPath, user.name, expected, user] as const)
  )('%s %s as %s → %s', (method, requestPath, _userName, expected, user) => {
    for (const matches of [cleanedPrefix, rawPrefix]) {
      // The traversal case is resolved only by the cleaned matcher; the raw matcher of old Grafana never saw
      // unresolved ".." from browsers, which resolve dot segments before sending.
      if (matches === rawPrefix && requestPath.includes('..')) {
        continue;
      }
      const outcome = selectRoute(method, requestPath, user, matches);
      const got = outcome.kind === 'routed' ? outcome.route.path : outcome.kind;
      expect(got).toBe(expected);
    }
  });

  it('reaches the intended Kubernetes API URL', () => {
    const clusterUrl = 'https://10.0.0.1:6443/proxy/cluster-a';
    const at = (method: string, requestPath: string) => {
      const outcome = selectRoute(method, requestPath, admin);
      if (outcome.kind !== 'routed') {
        throw new Error(`${method} ${requestPath} was ${outcome.kind}`);
      }
      return upstreamUrl(outcome.route, requestPath, clusterUrl);
    };
    expect(at('GET', 'k8s-read/api/v1/pods')).toBe(`${clusterUrl}/api/v1/pods`);
    expect(at('GET', 'k8s-read/version')).toBe(`${clusterUrl}/version`);
    expect(at('POST', 'k8s-review/selfsubjectrulesreviews')).toBe(
      `${clusterUrl}/apis/authorization.k8s.io/v1/selfsubjectrulesreviews`
    );
    expect(at('DELETE', 'k8s-delete/api/v1/namespaces/a/pods/b')).toBe(`${clusterUrl}/api/v1/namespaces/a/pods/b`);
  });

  it('serves every route the client in src/k8s/routes.ts calls, with the method it calls it with', () => {
    const sample: Record<RouteName, string> = {
      read: '/api/v1/nodes',
      review: '/selfsubjectaccessreviews',
      patch: '/apis/apps/v1/namespaces/a/deployments/b',
      put: '/apis/apps/v1/namespaces/a/deployments/b',
      delete: '/api/v1/namespaces/a/pods/b',
    };
    for (const name of Object.keys(K8S_ROUTE_PATHS) as RouteName[]) {
      const outcome = selectRoute(ROUTE_METHODS[name], K8S_ROUTE_PATHS[name] + sample[name], admin);
      expect(outcome.kind).toBe('routed');
    }
  });

  it('declares its write action in a plugin role granted to Editor (and so to Admin), never to Viewer', () => {
    for (const { role } of pluginJson.roles) {
      for (const permission of role.permissions) {
        expect(
          permission.action.startsWith(`${pluginJson.id}.`) || permission.action.startsWith(`${pluginJson.id}:`)
        ).toBe(true);
      }
    }
    expect(routes.filter((r) => r.reqAction).map((r) => r.reqAction)).toEqual([
      WRITE_ACTION,
      WRITE_ACTION,
      WRITE_ACTION,
    ]);
    expect([viewer, editor, admin].map((u) => u.actions.has(WRITE_ACTION))).toEqual([false, true, true]);
  });
});
