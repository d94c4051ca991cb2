/**
 * @jest-environment node
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createSandboxServer } from './app';
import { cleanRelativePath, selectRoute, type OrgRole, type PluginRoleRegistration, type PluginRoute } from './dsProxy';
import { renderGoTemplate } from './goTemplate';
import { fixtureDist, listen, storedDatasource } from './testing';
import { declarePluginRoles, userPermissions, type AccessControlSettings } from './rbac';
import { interpolateValue, loadProvisioning, type StoredDataSource } from './provisioning';

// Grafana's rules (pkg/api/pluginproxy/ds_proxy.go validateRequest) as a table of cases.
const routes: PluginRoute[] = [
  { path: 'k8s', method: 'GET' },
  { path: 'k8s-read', method: 'GET' },
  { path: 'k8s-write', method: 'PATCH', reqRole: 'Editor' },
  { path: 'k8s-act', method: 'POST', reqAction: 'example-datasource.resources:write' },
  { path: 'admin', method: '*', reqRole: 'Admin' },
  { path: 'anything' },
  { path: 'k8s-write', method: 'PATCH' },
];
const pluginRoles: PluginRoleRegistration[] = [
  { role: { name: 'Operator', permissions: [{ action: 'example-datasource.resources:write' }] }, grants: ['Editor'] },
];
// Every edition and version case is in editions.test.ts.
const ACCESS: AccessControlSettings = { edition: 'oss', grafanaVersion: '12.4.0', accessControlOnCall: false };
const declared = declarePluginRoles([{ id: 'example-datasource', roles: pluginRoles }]);
const asUser = (orgRole: OrgRole) => ({
  login: 'u',
  orgRole,
  permissions: userPermissions({ orgRole }, declared, ACCESS),
});

describe('route selection', () => {
  it.each<[string, string, string, OrgRole, string]>([
    ['first match wins', 'k8s-read/api/v1/pods', 'GET', 'Viewer', 'route k8s'],
    ['prefix match has no "/" boundary', 'k8sx/anything', 'GET', 'Viewer', 'route k8s'],
    ['method mismatch skips the route', 'k8s-read/api', 'DELETE', 'Admin', 'none'],
    ['"*" matches any method', 'admin/x', 'DELETE', 'Admin', 'route admin'],
    ['an empty method matches any method', 'anything/else', 'PUT', 'Viewer', 'route anything'],
    ['reqRole above the user is denied, no fall-through', 'k8s-write/apis/apps/v1', 'PATCH', 'Viewer', 'denied'],
    ['reqRole met', 'k8s-write/apis/apps/v1', 'PATCH', 'Editor', 'route k8s-write'],
    ['reqAction granted to Editor by a plugin role', 'k8s-act/x', 'POST', 'Editor', 'route k8s-act'],
    ['reqAction not granted to Viewer', 'k8s-act/x', 'POST', 'Viewer', 'denied'],
    ['paths are cleaned before matching', 'nothing/../admin/x', 'GET', 'Viewer', 'denied'],
    ['no route matches', 'other/path', 'GET', 'Admin', 'none'],
  ])('%s', (_name, proxyPath, method, orgRole, expected) => {
    const decision = selectRoute(routes, proxyPath, method, asUser(orgRole), ACCESS);
    const summary = decision.kind === 'route' ? `route ${decision.route.path}` : decision.kind;
    expect(summary).toBe(expected);
  });

  it('an empty route path matches every request', () => {
    const decision = selectRoute([{ path: '', method: 'GET' }], 'api/v1', 'GET', asUser('Viewer'), ACCESS);
    expect(decision.kind).toBe('route');
  });

  it.each([
    ['', '.'],
    ['a/b/', 'a/b'],
    ['/a//b', 'a/b'],
    ['a/../../b', 'b'],
    ['./a/./b', 'a/b'],
  ])('CleanRelativePath(%j) = %j', (input, output) => {
    expect(cleanRelativePath(input)).toBe(output);
  });
});

describe('Go templates and provisioning values', () => {
  const data = { JsonData: { clusterUrl: 'https://c:6443', n: 3 }, SecureJsonData: { bearerToken: 't0k' } };
  it.each([
    ['{{ .JsonData.clusterUrl }}/api', 'https://c:6443/api'],
    ['Bearer {{.SecureJsonData.bearerToken}}', 'Bearer t0k'],
    ['{{ .JsonData.missing }}', '<no value>'],
    ['{{ .JsonData.missing | orEmpty }}', ''],
    ['n={{ .JsonData.n }}', 'n=3'],
  ])('%s', (template, expected) => {
    expect(renderGoTemplate(template, data)).toBe(expected);
  });

  it('rejects template syntax it cannot evaluate', () => {
    expect(() => renderGoTemplate('{{ printf "%s" .JsonData.x }}', data)).toThrow(/could not parse template/);
  });

  it('expands $VAR, ${VAR}, $__env{}, $__file{} and keeps $$ as a literal $', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prov-'));
    fs.writeFileSync(path.join(dir, 'token'), ' secret-from-file\n');
    const env = { HOST: 'example', PORT: '6443' };
    expect(interpolateValue('https://$HOST:${PORT}/x', env, dir)).toBe('https://example:6443/x');
    expect(interpolateValue('$__env{HOST}-$__file{token}', env, dir)).toBe('example-secret-from-file');
    expect(interpolateValue('pa$$word $UNSET!', env, dir)).toBe('pa$word !');
  });
});

// The proxy end to end: a sandbox server over a fixture plugin, in front of real local upstreams.
function openssl(args: string[], cwd: string) {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

function makeCertificates(dir: string) {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=test-ca',
    ],
    dir
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=cluster.test',
    ],
    dir
  );
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:cluster.test\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ],
    dir
  );
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  return { ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key') };
}

interface Seen {
  method?: string;
  url?: string;
  headers?: http.IncomingHttpHeaders;
}

describe('datasource proxy against local upstreams', () => {
  const seen: Seen = {};
  const servers: Array<http.Server | https.Server> = [];
  let sandboxUrl = '';
  let certs: { ca: string; cert: string; key: string };
  let upstreamPort = 0;
  let tlsPort = 0;
  let closedPort = 0;

  const upstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.method = req.method;
    seen.url = req.url;
    seen.headers = req.headers;
    if (req.url?.includes('/unauthorized')) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"kind":"Status","message":"Unauthorized"}');
    } else if (req.url?.includes('/slow-headers')) {
      setTimeout(() => res.writeHead(200).end('late'), 3000);
    } else if (req.url?.includes('/watch')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
      setTimeout(() => res.end('{"type":"MODIFIED"}\n'), 1500);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'upstream=1' });
      res.end('{"ok":true}');
    }
  };

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-proxy-'));
    certs = makeCertificates(dir);

    const plain = http.createServer(upstreamHandler);
    const tls = https.createServer({ cert: certs.cert, key: certs.key }, upstreamHandler);
    const closed = http.createServer();
    servers.push(plain, tls);
    upstreamPort = await listen(plain);
    tlsPort = await listen(tls);
    closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));

    // A fixture "dist" with one datasource plugin: the test does not depend on a build.
    const dist = fixtureDist('sandbox-proxy-dist-', {
      id: 'example-datasource',
      type: 'datasource',
      name: 'Example',
      routes: [
        {
          path: 'cluster',
          method: 'GET',
          url: '{{ .JsonData.clusterUrl }}/base',
          urlParams: [{ name: 'zeta', content: '{{ .JsonData.label }}' }],
          headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.bearerToken }}' }],
        },
        { path: 'write', method: 'POST', reqRole: 'Editor', url: '{{ .JsonData.clusterUrl }}' },
      ],
    });
    const datasource = (
      uid: string,
      url: string,
      jsonData: Record<string, unknown>,
      secure: Record<string, string> = {}
    ): StoredDataSource => storedDatasource({ uid, type: 'example-datasource', url, jsonData, secureJsonData: secure });
    const plainUrl = `http://127.0.0.1:${upstreamPort}`;
    const tlsUrl = `https://127.0.0.1:${tlsPort}`;
    const sandbox = createSandboxServer({
      distDir: dist,
      hostBundleFile: path.join(dir, 'none.js'),
      provisioning: {
        apps: [],
        datasources: [
          datasource(
            'plain',
            `${plainUrl}/root`,
            { clusterUrl: plainUrl, label: 'x' },
            { bearerToken: 'route-secret' }
          ),
          datasource('verify', '', { clusterUrl: tlsUrl }, { bearerToken: 'route-secret' }),
          datasource(
            'with-ca',
            '',
            { clusterUrl: tlsUrl, tlsAuthWithCACert: true, serverName: 'cluster.test' },
            { tlsCACert: certs.ca }
          ),
          datasource('skip-verify', '', { clusterUrl: tlsUrl, tlsSkipVerify: true }),
          datasource('closed', '', { clusterUrl: `http://127.0.0.1:${closedPort}` }),
          datasource('fast-timeout', plainUrl, { clusterUrl: plainUrl, timeout: 1 }),
          { ...datasource('prom', plainUrl, {}), type: 'prometheus' },
        ],
      },
    });
    servers.push(sandbox);
    sandboxUrl = `http://127.0.0.1:${await listen(sandbox)}`;
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const call = (pathname: string, init: RequestInit & { role?: OrgRole } = {}) =>
    fetch(`${sandboxUrl}${pathname}`, {
      ...init,
      headers: {
        cookie: `grafana_sandbox_role=${init.role ?? 'Viewer'}; grafana_session=abc`,
        ...(init.headers as Record<string, string>),
      },
    });

  it('a matched route gets the templated url, sorted urlParams and headers that override the incoming ones', async () => {
    const response = await call('/api/datasources/proxy/uid/plain/cluster/api/v1/pods?b=2&a=1', {
      headers: { authorization: 'Bearer browser-token', 'x-ds-authorization': 'Basic ignored' },
    });
    expect(response.status).toBe(200);
    expect(seen.url).toBe('/base/api/v1/pods?a=1&b=2&zeta=x');
    expect(seen.headers?.authorization).toBe('Bearer route-secret');
    expect(seen.headers?.cookie).toBeUndefined();
    expect(seen.headers?.['user-agent']).toMatch(/^Grafana\//);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
  });

  it('no route: the datasource url plus the path, no route headers, X-DS-Authorization renamed', async () => {
    const response = await call('/api/datasources/proxy/uid/plain/other/thing', {
      headers: { authorization: 'Bearer browser-token', 'x-ds-authorization': 'Bearer from-plugin' },
    });
    expect(response.status).toBe(200);
    expect(seen.url).toBe('/root/other/thing');
    expect(seen.headers?.authorization).toBe('Bearer from-plugin');
    expect(seen.headers?.['x-ds-authorization']).toBeUndefined();
  });

  it('a role-gated route refuses a Viewer with 403 and lets an Editor through', async () => {
    const denied = await call('/api/datasources/proxy/uid/plain/write', { method: 'POST', body: '{}', role: 'Viewer' });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: 'plugin proxy route access denied' });
    const allowed = await call('/api/datasources/proxy/uid/plain/write', {
      method: 'POST',
      body: '{}',
      role: 'Editor',
    });
    expect(allowed.status).toBe(200);
    expect(seen.method).toBe('POST');
  });

  it('an upstream 401 becomes 400 "Authentication to data source failed"', async () => {
    const response = await call('/api/datasources/proxy/uid/plain/cluster/unauthorized');
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Authentication to data source failed');
  });

  it.each([
    ['verify', 502, 'an unknown CA fails verification'],
    ['with-ca', 200, 'tlsAuthWithCACert + serverName trust the cluster CA'],
    ['skip-verify', 200, 'tlsSkipVerify accepts any certificate'],
    ['closed', 502, 'an unreachable upstream is a 502'],
  ])('TLS and reachability: %s → %d (%s)', async (uid, status) => {
    const response = await call(`/api/datasources/proxy/uid/${uid}/cluster/anything`);
    expect(response.status).toBe(status);
  });

  it('jsonData.timeout bounds the wait for response headers (504) but not a streaming body', async () => {
    const slow = await call('/api/datasources/proxy/uid/fast-timeout/slow-headers');
    expect(slow.status).toBe(504);
    const watch = await call('/api/datasources/proxy/uid/fast-timeout/watch');
    expect(watch.status).toBe(200);
    expect(await watch.text()).toBe('{"type":"ADDED"}\n{"type":"MODIFIED"}\n');
  });

  it('unmatched writes to a Prometheus datasource are refused', async () => {
    const response = await call('/api/datasources/proxy/uid/prom/api/v1/admin/tsdb/delete_series', {
      method: 'PUT',
      role: 'Admin',
    });
    expect(response.status).toBe(403);
  });

  it('GET /api/datasources/uid/:uid shows secureJsonFields, never the secrets; PUT keeps unchanged secrets', async () => {
    const response = await call('/api/datasources/uid/plain', { role: 'Admin' });
    const text = await response.text();
    expect(text).not.toContain('route-secret');
    const dto = JSON.parse(text);
    expect(dto.secureJsonFields).toEqual({ bearerToken: true });
    const viewerPut = await call('/api/datasources/uid/plain', {
      method: 'PUT',
      body: JSON.stringify(dto),
      role: 'Viewer',
    });
    expect(viewerPut.status).toBe(403);
    const put = await call('/api/datasources/uid/plain', {
      method: 'PUT',
      role: 'Admin',
      body: JSON.stringify({ ...dto, jsonData: { ...dto.jsonData, label: 'y' } }),
    });
    expect(put.status).toBe(200);
    expect(await put.text()).not.toContain('route-secret');
    await call('/api/datasources/proxy/uid/plain/cluster/x');
    expect(seen.headers?.authorization).toBe('Bearer route-secret');
    expect(seen.url).toBe('/base/x?zeta=y');
  });
});

describe('provisioning files', () => {
  it('reads datasources and apps with env interpolation; editable false means read-only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prov-'));
    fs.mkdirSync(path.join(dir, 'datasources'));
    fs.mkdirSync(path.join(dir, 'plugins'));
    fs.writeFileSync(
      path.join(dir, 'datasources/ds.yaml'),
      'apiVersion: 1\ndatasources:\n  - name: Cluster\n    uid: c1\n    type: t\n    jsonData:\n      clusterUrl: ${URL}\n    secureJsonData:\n      bearerToken: $TOKEN\n'
    );
    fs.writeFileSync(
      path.join(dir, 'plugins/app.yaml'),
      'apiVersion: 1\napps:\n  - type: my-app\n    jsonData:\n      a: 1\n'
    );
    const loaded = loadProvisioning(dir, { URL: 'https://c', TOKEN: 'tok' });
    expect(loaded.datasources[0]).toMatchObject({
      uid: 'c1',
      readOnly: true,
      jsonData: { clusterUrl: 'https://c' },
      secureJsonData: { bearerToken: 'tok' },
    });
    expect(loaded.apps[0]).toMatchObject({ pluginId: 'my-app', enabled: true, jsonData: { a: 1 } });
  });
});
