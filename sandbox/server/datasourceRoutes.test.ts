/**
 * Replays Grafana's datasource-proxy route selection over the real src/datasource/plugin.json, with the sandbox's
 * implementation of Grafana's rules (sandbox/server/dsProxy.ts `selectRoute`, which mirrors
 * pkg/api/pluginproxy/ds_proxy.go validateRequest + hasAccessToRoute and pkg/plugins CleanRelativePath):
 * routes in declaration order, method equal (or empty/"*"), cleaned request path starts with the cleaned route path
 * (plain prefix, no "/" boundary), first match wins and a denied match does not fall through; reqAction, when set,
 * is the only check (reqRole is then ignored), and a plugin action is held by the basic roles its plugin role grants.
 * A request matching no route goes to the datasource's top-level `url` without the route headers; KubeAtlas leaves
 * that URL empty, so such a request fails and never carries the token.
 * Older Grafana compared raw paths; the shadowing test checks both forms.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { joinURLFragments, selectRoute, type OrgRole, type PluginRoleRegistration, type PluginRoute } from './dsProxy';
import { declarePluginRoles, userPermissions, type AccessControlSettings, type PermissionOverrides } from './rbac';
import { K8S_ROUTE_PATHS, ROUTE_METHODS, type RouteName } from '../../src/k8s/routes';

interface PluginJson {
  id: string;
  routes: PluginRoute[];
  roles: PluginRoleRegistration[];
}

const pluginJson: PluginJson = JSON.parse(
  readFileSync(path.join(__dirname, '../../src/datasource/plugin.json'), 'utf8')
);
const routes = pluginJson.routes;
const WRITE_ACTION = `${pluginJson.id}.resources:write`;
// Where a role can be taken from one user; editions.test.ts covers OSS and older versions.
const ACCESS: AccessControlSettings = { edition: 'enterprise', grafanaVersion: '12.4.0', accessControlOnCall: false };
const declared = declarePluginRoles([pluginJson]);

interface User {
  name: string;
  role: OrgRole;
  /** What an admin changed for this user (RBAC customisation). */
  overrides?: PermissionOverrides;
}

const viewer: User = { name: 'Viewer', role: 'Viewer' };
const editor: User = { name: 'Editor', role: 'Editor' };
const admin: User = { name: 'Admin', role: 'Admin' };
const editorWithoutWrite: User = {
  name: 'Editor without the plugin role',
  role: 'Editor',
  overrides: { revoke: [WRITE_ACTION] },
};

const proxyUser = (user: User) => ({
  login: user.name,
  orgRole: user.role,
  permissions: userPermissions({ orgRole: user.role }, declared, ACCESS, user.overrides),
});

/** The matched route's path, "denied" or "unmatched". */
function outcome(method: string, proxyPath: string, user: User): string {
  const decision = selectRoute(routes, proxyPath, method, proxyUser(user), ACCESS);
  return decision.kind === 'route' ? decision.route.path : decision.kind === 'denied' ? 'denied' : 'unmatched';
}

const sameMethod = (a: PluginRoute, b: PluginRoute) =>
  !a.method || !b.method || a.method === '*' || b.method === '*' || a.method === b.method;

describe('plugin.json routes under Grafana route matching', () => {
  it('declares no empty path and only known methods', () => {
    for (const route of routes) {
      expect(route.path.trim()).not.toBe('');
      expect(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']).toContain(route.method);
    }
  });

  it('lets no route shadow a later one with the same method, with cleaned (11.6 → 13) or raw (older) paths', () => {
    routes.forEach((later, i) => {
      routes.slice(0, i).forEach((earlier) => {
        if (!sameMethod(earlier, later)) {
          return;
        }
        // Cleaned: the later route's own path would be taken by the earlier route.
        expect({ later: later.path, takenBy: outcome(later.method!, later.path, admin) }).toEqual({
          later: later.path,
          takenBy: later.path,
        });
        // Raw: plain prefix of the declared strings.
        expect({ earlier: earlier.path, later: later.path, rawPrefix: later.path.startsWith(earlier.path) }).toEqual({
          earlier: earlier.path,
          later: later.path,
          rawPrefix: false,
        });
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
    ['GET', 'k8s-read/api/v1/pods', viewer, 'k8s-read'],
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
    ['POST', 'k8s-jobs/shop/jobs', editor, 'k8s-jobs'],
    ['POST', 'k8s-jobs/shop/jobs', viewer, 'denied'],
    ['POST', 'k8s-jobs/shop/jobs', editorWithoutWrite, 'denied'],
    // Other batch/v1 collections share the route's prefix: the operator ClusterRole (create on jobs only) bounds them.
    ['POST', 'k8s-jobs/shop/cronjobs', editor, 'k8s-jobs'],
    // The jobs route cannot be walked out of: the cleaned path no longer starts with it.
    ['POST', 'k8s-jobs/../k8s-read/api/v1/namespaces/shop/pods', admin, 'unmatched'],
    // No route takes PUT: no action replaces a whole object.
    ['PUT', 'k8s-patch/apis/apps/v1/namespaces/shop/deployments/web', admin, 'unmatched'],
    ['DELETE', 'k8s-delete/api/v1/namespaces/shop/pods/web-0', editor, 'k8s-delete'],
    ['DELETE', 'k8s-delete/api/v1/namespaces/shop/pods/web-0', viewer, 'denied'],
    // A verb on another verb's route matches nothing.
    ['DELETE', 'k8s-read/api/v1/namespaces/shop/pods/web-0', admin, 'unmatched'],
    ['GET', 'k8s-patch/api/v1/pods', admin, 'unmatched'],
    ['PATCH', 'k8s-read/api/v1/namespaces/shop/pods/web-0', admin, 'unmatched'],
  ];

  it.each(cases.map(([method, proxyPath, user, expected]) => [method, proxyPath, user.name, expected, user] as const))(
    '%s %s as %s → %s',
    (method, proxyPath, _userName, expected, user) => {
      expect(outcome(method, proxyPath, user)).toBe(expected);
    }
  );

  it('reaches the intended Kubernetes API URL (ApplyRoute: route URL path joined with the rest of the proxy path)', () => {
    const clusterUrl = 'https://10.0.0.1:6443/proxy/cluster-a';
    const upstream = (method: string, proxyPath: string) => {
      const decision = selectRoute(routes, proxyPath, method, proxyUser(admin), ACCESS);
      if (decision.kind !== 'route') {
        throw new Error(`${method} ${proxyPath} was ${decision.kind}`);
      }
      const url = new URL(decision.route.url!.replace('{{ .JsonData.clusterUrl }}', clusterUrl));
      return url.origin + joinURLFragments(url.pathname, proxyPath.slice(decision.route.path.length));
    };
    expect(upstream('GET', 'k8s-read/api/v1/pods')).toBe(`${clusterUrl}/api/v1/pods`);
    expect(upstream('GET', 'k8s-read/version')).toBe(`${clusterUrl}/version`);
    expect(upstream('POST', 'k8s-review/selfsubjectrulesreviews')).toBe(
      `${clusterUrl}/apis/authorization.k8s.io/v1/selfsubjectrulesreviews`
    );
    expect(upstream('POST', 'k8s-jobs/a/jobs')).toBe(`${clusterUrl}/apis/batch/v1/namespaces/a/jobs`);
    expect(upstream('DELETE', 'k8s-delete/api/v1/namespaces/a/pods/b')).toBe(
      `${clusterUrl}/api/v1/namespaces/a/pods/b`
    );
  });

  it('serves every route the client in src/k8s/routes.ts calls, with the method it calls it with', () => {
    const sample: Record<RouteName, string> = {
      read: '/api/v1/nodes',
      review: '/selfsubjectaccessreviews',
      patch: '/apis/apps/v1/namespaces/a/deployments/b',
      jobs: '/a/jobs',
      delete: '/api/v1/namespaces/a/pods/b',
    };
    for (const name of Object.keys(K8S_ROUTE_PATHS) as RouteName[]) {
      expect(outcome(ROUTE_METHODS[name], K8S_ROUTE_PATHS[name] + sample[name], admin)).not.toMatch(/denied|unmatched/);
    }
  });

  it('declares its write action, prefixed by the plugin id, in a plugin role granted to Editor', () => {
    for (const { role } of pluginJson.roles) {
      for (const permission of role.permissions ?? []) {
        expect(
          permission.action.startsWith(`${pluginJson.id}.`) || permission.action.startsWith(`${pluginJson.id}:`)
        ).toBe(true);
      }
    }
    expect(routes.filter((r) => r.reqAction).map((r) => [r.method, r.reqRole, r.reqAction])).toEqual([
      ['PATCH', 'Editor', WRITE_ACTION],
      ['POST', 'Editor', WRITE_ACTION],
      ['DELETE', 'Editor', WRITE_ACTION],
    ]);
    expect(pluginJson.roles.find((r) => r.role.permissions?.some((p) => p.action === WRITE_ACTION))?.grants).toEqual([
      'Editor',
    ]);
  });
});
