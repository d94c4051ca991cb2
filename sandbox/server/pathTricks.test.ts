/**
 * @jest-environment node
 *
 * A Viewer cannot reach a write route of src/datasource/plugin.json by a method or path trick. Each row goes to the
 * sandbox's datasource proxy with the real routes, in front of an upstream that records what arrives, and states what
 * Grafana's rules give for it; the sandbox must give the same, and no write may reach the cluster with the token.
 *
 * Grafana's rules (grafana/grafana):
 * - pkg/web/router.go matches `req.URL.EscapedPath()` and pkg/services/datasourceproxy/datasourceproxy.go takes the
 *   proxy path from it: the path as sent, with `%2e` and `%2F` still escaped and no dot segment resolved.
 * - pkg/api/pluginproxy/ds_proxy.go validateRequest: method compared exactly with `proxy.ctx.Req.Method` (override
 *   headers are only forwarded); route path a byte prefix of the proxy path, both cleaned by CleanRelativePath
 *   (`filepath.Clean(filepath.Join("/", p))` made relative: `..`, `.`, `//` and a trailing slash resolved, `%2F` and
 *   `%2e` not, case kept); a matched route the user may not use is a 403, no fall-through; an unmatched request goes
 *   to the datasource URL without the route's headers, so without the token.
 * - pkg/api/pluginproxy/ds_auth_provider.go ApplyRoute: the unescaped `req.URL.Path` becomes the route URL's path plus
 *   the escaped rest, which net/url escapes again when sending: `%2F` reaches the cluster as `%252F`.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createSandboxServer } from './app';
import { fixtureDist, listen, storedDatasource } from './testing';

const TOKEN = 'viewer-must-not-write-with-this';
const PLUGIN = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../src/datasource/plugin.json'), 'utf8'));
const REVIEWS = [
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
];

interface Received {
  method: string;
  path: string;
  withToken: boolean;
}
const received: Received[] = [];
const servers: http.Server[] = [];
let port = 0;

beforeAll(async () => {
  const upstream = http.createServer((req, res) => {
    received.push({
      method: req.method ?? '',
      path: req.url ?? '',
      withToken: req.headers.authorization === `Bearer ${TOKEN}`,
    });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  servers.push(upstream);
  const clusterUrl = `http://127.0.0.1:${await listen(upstream)}`;
  const dist = fixtureDist('kubeatlas-path-tricks-', PLUGIN);
  const sandbox = createSandboxServer({
    distDir: dist,
    hostBundleFile: path.join(dist, 'none.js'),
    defaultRole: 'Viewer',
    provisioning: {
      apps: [],
      datasources: [
        storedDatasource({
          uid: 'ds',
          type: PLUGIN.id,
          url: clusterUrl,
          jsonData: { clusterUrl },
          secureJsonData: { bearerToken: TOKEN },
        }),
      ],
    },
  });
  servers.push(sandbox);
  port = await listen(sandbox);
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Sends the path as written (http.request does no cleaning) and gives the status. */
function send(method: string, proxyPath: string, headers: Record<string, string>): Promise<number> {
  // Node's client frames no DELETE or OPTIONS body by itself (no Content-Length, no chunking): on a kept-alive
  // socket the bytes would be read as the next request.
  const body = method === 'GET' || method === 'HEAD' ? undefined : '{}';
  const framed = body === undefined ? headers : { ...headers, 'Content-Length': String(body.length) };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: `/api/datasources/proxy/uid/ds/${proxyPath}`, headers: framed },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The path as kube-apiserver routes it: decoded once (Go's URL.Path), dot segments resolved. */
const clusterPath = (raw: string) => path.posix.normalize(decodeURIComponent(raw.split('?')[0]));

/** A request with the token that is neither a GET nor a POST inside a review endpoint. */
const isWriteWithToken = (r: Received) =>
  r.withToken &&
  r.method !== 'GET' &&
  !(r.method === 'POST' && REVIEWS.some((review) => `${clusterPath(r.path)}/`.startsWith(`${review}/`)));

type Outcome = 'denied' | 'no token' | 'read' | 'review';

/** What happened, in the terms of Grafana's rules. */
function outcomeOf(status: number, forwarded: Received[]): Outcome | string {
  if (status === 403 && forwarded.length === 0) {
    return 'denied';
  }
  if (forwarded.length === 1 && !forwarded[0].withToken) {
    return 'no token';
  }
  if (forwarded.length === 1 && forwarded[0].method === 'GET') {
    return 'read';
  }
  if (forwarded.length === 1 && forwarded[0].method === 'POST') {
    return 'review';
  }
  return `${status}: ${JSON.stringify(forwarded)}`;
}

const POD = 'api/v1/namespaces/default/pods/web';
const JOBS = 'apis/batch/v1/namespaces/default/jobs';
const SSAR = 'k8s-review/selfsubjectaccessreviews';
const up4 = (sep: string) => `${sep}..${sep}..${sep}..${sep}..${sep}`;
const NONE = {};
// [trick, method, proxy path, headers, what Grafana's rules give]
const TRICKS: Array<[string, string, string, Record<string, string>, Outcome]> = [
  ['the PATCH route itself', 'PATCH', `k8s-patch/${POD}`, NONE, 'denied'],
  ['the Job route itself', 'POST', 'k8s-jobs/default/jobs', NONE, 'denied'],
  ['.. from the read route', 'PATCH', `k8s-read/../k8s-patch/${POD}`, NONE, 'denied'],
  ['./ inside the route', 'DELETE', `./k8s-delete/./${POD}`, NONE, 'denied'],
  ['%2e%2e from the read route', 'PATCH', `k8s-read/%2e%2e/k8s-patch/${POD}`, NONE, 'no token'],
  ['%2E%2E from the read route', 'DELETE', `k8s-read/%2E%2E/k8s-delete/${POD}`, NONE, 'no token'],
  [
    '%2F..%2F from the read route',
    'PATCH',
    `k8s-read%2F..%2Fk8s-patch%2F${POD.replace(/\//g, '%2F')}`,
    NONE,
    'no token',
  ],
  ['%2F after the write route', 'PATCH', `k8s-patch%2F${POD}`, NONE, 'denied'],
  ['a double slash before the route', 'PATCH', `/k8s-patch/${POD}`, NONE, 'denied'],
  ['a double slash inside', 'PATCH', `k8s-patch//${POD}`, NONE, 'denied'],
  ['a trailing slash', 'DELETE', `k8s-delete/${POD}/`, NONE, 'denied'],
  ['the route in capitals', 'PATCH', `K8S-PATCH/${POD}`, NONE, 'no token'],
  ['the route in mixed case', 'DELETE', `K8s-Delete/${POD}`, NONE, 'no token'],
  ['PATCH on the read route', 'PATCH', `k8s-read/${POD}`, NONE, 'no token'],
  ['DELETE on the read route', 'DELETE', `k8s-read/${POD}`, NONE, 'no token'],
  ['POST a Job through the read route', 'POST', `k8s-read/${JOBS}`, NONE, 'no token'],
  ['POST on a review route, .. to pods', 'POST', `${SSAR}${up4('/')}api/v1/namespaces/default/pods`, NONE, 'no token'],
  [
    'POST on a review route, %2F.. to pods',
    'POST',
    `${SSAR}${up4('%2F')}api%2Fv1%2Fnamespaces%2Fdefault%2Fpods`,
    NONE,
    'review',
  ],
  ['X-HTTP-Method-Override: PATCH on a GET', 'GET', `k8s-read/${POD}`, { 'X-HTTP-Method-Override': 'PATCH' }, 'read'],
  ['X-Method-Override: DELETE on a GET', 'GET', `k8s-read/${POD}`, { 'X-Method-Override': 'DELETE' }, 'read'],
  [
    'X-HTTP-Method-Override: GET on a PATCH',
    'PATCH',
    `k8s-read/${POD}`,
    { 'X-HTTP-Method-Override': 'GET' },
    'no token',
  ],
  ['X-Method-Override: GET on a POST', 'POST', `k8s-read/${JOBS}`, { 'X-Method-Override': 'GET' }, 'no token'],
  ['X-HTTP-Method-Override: PATCH on a review POST', 'POST', SSAR, { 'X-HTTP-Method-Override': 'PATCH' }, 'review'],
  ['HEAD on the write route', 'HEAD', `k8s-patch/${POD}`, NONE, 'no token'],
  ['OPTIONS on the write route', 'OPTIONS', `k8s-delete/${POD}`, NONE, 'no token'],
  ['PUT (no route declares it)', 'PUT', `k8s-patch/${POD}`, NONE, 'no token'],
];

it.each(TRICKS)(
  '%s (%s): no write with the token, as Grafana: %#',
  async (_trick, method, proxyPath, headers, grafana) => {
    const since = received.length;
    const status = await send(method, proxyPath, headers);
    const forwarded = received.slice(since);
    expect(forwarded.filter(isWriteWithToken)).toEqual([]);
    expect(outcomeOf(status, forwarded)).toBe(grafana);
  }
);

it('the %2F.. review trick reaches the cluster as one escaped segment, not as a slash', async () => {
  const since = received.length;
  await send('POST', `${SSAR}${up4('%2F')}api%2Fv1%2Fnamespaces%2Fdefault%2Fpods`, NONE);
  expect(received.slice(since).map((r) => r.path)).toEqual([
    `/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/${up4('%252F')}api%252Fv1%252Fnamespaces%252Fdefault%252Fpods`,
  ]);
});

it('the check can fail: an Editor’s writes, plain and with a trick that resolves, arrive with the token', async () => {
  const editor = { Cookie: 'grafana_sandbox_role=Editor' };
  const since = received.length;
  expect(await send('PATCH', `k8s-patch/${POD}`, editor)).toBe(200);
  expect(await send('DELETE', `k8s-delete/${POD}/`, editor)).toBe(200);
  expect(received.slice(since).filter(isWriteWithToken)).toEqual([
    { method: 'PATCH', path: `/${POD}`, withToken: true },
    { method: 'DELETE', path: `/${POD}/`, withToken: true },
  ]);
});

it('a Viewer still reads through the read route with the token', async () => {
  const since = received.length;
  expect(await send('GET', `k8s-read/${POD}`, NONE)).toBe(200);
  expect(received.slice(since)).toEqual([{ method: 'GET', path: `/${POD}`, withToken: true }]);
});
