/**
 * @jest-environment node
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createSandboxServer } from './app';
import { selectRoute, type PluginRoute } from './dsProxy';
import {
  declarePluginRoles,
  userPermissions,
  type AccessControlSettings,
  type Edition,
  type OrgRole,
  type PermissionOverrides,
  type PluginRoleRegistration,
} from './rbac';
import { accessControlFromEnv } from './sandboxUser';
import { fixtureDist, listen, storedDatasource } from './testing';

/**
 * Who may write, per edition × version/toggle × route × user: the matrix of docs/editions.md, written out by hand so
 * that a change in sandbox/server/rbac.ts shows up here as a changed cell.
 */
const PLUGIN = 'example-datasource';
const WRITE = `${PLUGIN}.resources:write`;
const ROLES: PluginRoleRegistration[] = [
  { role: { name: 'Cluster operator', permissions: [{ action: WRITE }] }, grants: ['Editor'] },
];
const declared = declarePluginRoles([{ id: PLUGIN, roles: ROLES }]);

const ROUTES: Record<string, PluginRoute> = {
  'reqRole only': { path: 'w', method: 'PATCH', reqRole: 'Editor' },
  'reqAction only': { path: 'w', method: 'PATCH', reqAction: WRITE },
  'reqRole + reqAction': { path: 'w', method: 'PATCH', reqRole: 'Editor', reqAction: WRITE },
  'reqRole + an action no role grants': {
    path: 'w',
    method: 'PATCH',
    reqRole: 'Editor',
    reqAction: `${PLUGIN}.other:write`,
  },
};

// The columns of each expected string, y = may write.
const USERS: Array<[string, OrgRole, PermissionOverrides]> = [
  ['Viewer', 'Viewer', {}],
  ['Editor', 'Editor', {}],
  ['Admin', 'Admin', {}],
  ['Editor, role taken away', 'Editor', { revoke: [WRITE] }],
  ['Viewer, role given', 'Viewer', { grant: [WRITE] }],
];

type Cell = [Edition, string, boolean, string, string];
const cells: Cell[] = [];
const row = (edition: Edition, version: string, toggle: boolean, expected: Record<string, string>) => {
  for (const [route, users] of Object.entries(expected)) {
    cells.push([edition, version, toggle, route, users]);
  }
};
for (const [version, toggle] of [
  ['11.6.0', false],
  ['11.6.0', true],
  ['12.4.0', false],
  ['13.2.0', false],
] as const) {
  // OSS: the plugin role reaches Editor and Admin; nothing can be taken from or given to one user.
  row('oss', version, toggle, {
    'reqRole only': 'nyyyn',
    'reqAction only': 'nyyyn',
    'reqRole + reqAction': 'nyyyn',
    'reqRole + an action no role grants': 'nnnnn',
  });
  // Enterprise: the same defaults, and per user; reqRole is not read once reqAction is set.
  row('enterprise', version, toggle, {
    'reqRole only': 'nyyyn',
    'reqAction only': 'nyyny',
    'reqRole + reqAction': 'nyyny',
    'reqRole + an action no role grants': 'nnnnn',
  });
}
for (const edition of ['oss', 'enterprise'] as const) {
  // ≤ 11.5 without the toggle: reqAction ignored, so a route without reqRole is open to every role.
  row(edition, '11.5.2', false, {
    'reqRole only': 'nyyyn',
    'reqAction only': 'yyyyy',
    'reqRole + reqAction': 'nyyyn',
    'reqRole + an action no role grants': 'nyyyn',
  });
}
// ≤ 11.5 with the toggle: as from 11.6 on.
row('oss', '11.5.2', true, { 'reqAction only': 'nyyyn', 'reqRole + reqAction': 'nyyyn' });
row('enterprise', '11.5.2', true, { 'reqAction only': 'nyyny', 'reqRole + reqAction': 'nyyny' });

describe('who may write, per edition, version and accessControlOnCall', () => {
  it.each(cells)('%s %s, accessControlOnCall %s, route with %s: %s', (edition, version, toggle, route, expected) => {
    const settings: AccessControlSettings = { edition, grafanaVersion: version, accessControlOnCall: toggle };
    const outcome = USERS.map(([, orgRole, overrides]) => {
      const user = { login: 'u', orgRole, permissions: userPermissions({ orgRole }, declared, settings, overrides) };
      return selectRoute([ROUTES[route]], 'w/apis/apps/v1', 'PATCH', user, settings).kind === 'route' ? 'y' : 'n';
    });
    expect(outcome.join('')).toBe(expected);
  });

  it('a Grafana server admin whose org role is Viewer does not get a role granted to Editor', () => {
    const settings: AccessControlSettings = { edition: 'oss', grafanaVersion: '12.4.0', accessControlOnCall: false };
    expect(userPermissions({ orgRole: 'Viewer', isGrafanaAdmin: true }, declared, settings)[WRITE]).toBeUndefined();
  });

  it('refuses a role whose action another plugin id prefixes, as Grafana does when it loads the plugin', () => {
    expect(() => declarePluginRoles([{ id: 'kubeatlas-kubernetes-app', roles: ROLES }])).toThrow(
      `Plugin kubeatlas-kubernetes-app: role "Cluster operator" grants "${WRITE}", which does not start with ` +
        '"kubeatlas-kubernetes-app." or "kubeatlas-kubernetes-app:"'
    );
    expect(() => declarePluginRoles([{ id: PLUGIN, roles: [{ ...ROLES[0], grants: ['Operator'] }] }])).toThrow(
      'is granted to "Operator", which is no basic role'
    );
  });

  it("accepts KubeAtlas's own plugin.json files: the role sits in the datasource's, the app declares none", () => {
    const read = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '../../src', file), 'utf8'));
    const app = read('plugin.json');
    const datasource = read('datasource/plugin.json');
    expect(app.roles).toBeUndefined();
    expect(declarePluginRoles([app, datasource]).map(({ pluginId }) => pluginId)).toEqual([datasource.id]);
  });

  it('reads the edition and the toggle from the environment, as Grafana reads GF_FEATURE_TOGGLES_ENABLE', () => {
    expect(accessControlFromEnv({})).toEqual({ edition: 'oss', accessControlOnCall: false });
    expect(
      accessControlFromEnv({
        KUBEATLAS_GRAFANA_EDITION: 'enterprise',
        GF_FEATURE_TOGGLES_ENABLE: 'a, accessControlOnCall',
      })
    ).toEqual({ edition: 'enterprise', accessControlOnCall: true });
    expect(() => accessControlFromEnv({ KUBEATLAS_GRAFANA_EDITION: 'cloud' })).toThrow('oss or enterprise');
  });
});

describe('the sandbox server per edition: boot data and proxy agree', () => {
  let upstream: http.Server;
  let sandbox: http.Server;
  let base = '';
  let writes = 0;

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      writes += req.method === 'PATCH' ? 1 : 0;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;
    const dist = fixtureDist('sandbox-editions-', {
      id: PLUGIN,
      type: 'datasource',
      name: 'Example',
      routes: [{ ...ROUTES['reqRole + reqAction'], url: '{{ .JsonData.clusterUrl }}' }],
      roles: ROLES,
    });
    sandbox = createSandboxServer({
      distDir: dist,
      hostBundleFile: path.join(dist, 'none.js'),
      accessControl: { edition: 'oss', accessControlOnCall: false },
      provisioning: {
        apps: [],
        datasources: [storedDatasource({ uid: 'ds', type: PLUGIN, jsonData: { clusterUrl: upstreamUrl } })],
      },
    });
    base = `http://127.0.0.1:${await listen(sandbox)}`;
  });

  afterAll(async () => {
    for (const server of [sandbox, upstream]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** Opens a page with the query, then PATCHes through the proxy with the cookies the page set, as a browser would. */
  async function visit(query: string) {
    const page = await fetch(`${base}/?${query}`);
    const cookie = page.headers
      .getSetCookie()
      .map((header) => header.split(';')[0])
      .join('; ');
    const html = await page.text();
    const boot = JSON.parse(/window\.grafanaBootData = (.*);<\/script>/.exec(html)![1]);
    const before = writes;
    const proxied = await fetch(`${base}/api/datasources/proxy/uid/ds/w/apis/apps/v1/namespaces/a/deployments/b`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/merge-patch+json' },
      body: '{}',
    });
    return {
      permission: boot.user.permissions[WRITE] === true,
      edition: boot.settings.buildInfo.edition as string,
      status: proxied.status,
      body: await proxied.text(),
      reachedCluster: writes > before,
    };
  }

  it('OSS (the default): an Editor holds the permission and writes; a revoke list changes nothing', async () => {
    expect(await visit('role=Editor')).toMatchObject({ permission: true, edition: 'Open Source', status: 200 });
    expect(await visit(`role=Editor&revoke=${WRITE}`)).toMatchObject({ permission: true, status: 200 });
  });

  it('Enterprise: an Editor the role was taken from lacks it in the boot data and the proxy answers 403', async () => {
    expect(await visit('role=Editor&edition=enterprise')).toMatchObject({ edition: 'Enterprise', status: 200 });
    expect(await visit(`role=Editor&edition=enterprise&revoke=${WRITE}`)).toEqual({
      permission: false,
      edition: 'Enterprise',
      status: 403,
      body: '{"message":"plugin proxy route access denied"}',
      reachedCluster: false,
    });
  });

  it('a Viewer has no permission and is refused on either edition', async () => {
    for (const edition of ['oss', 'enterprise']) {
      expect(await visit(`role=Viewer&edition=${edition}`)).toMatchObject({
        permission: false,
        status: 403,
        reachedCluster: false,
      });
    }
  });
});
