/**
 * @jest-environment node
 *
 * Each fault type as a client sees it through the proxy, with the simulator as the upstream apiserver; rule
 * matching, count-limited rules, the request counters and the admin endpoint's guard.
 */
import { parseFlags, startSimulator, type RunningSimulator } from '../../../simulator/src/main';
import { generateCa } from './certificates';
import { startFaultProxy, type RunningFaultProxy } from './proxy';
import { call, callUntilBroken, open, type CallOptions } from './testClient';

const ADMIN_TOKEN = 'fault-proxy-test-admin';
// Key generation and the simulator's start take seconds when the shared machine is busy: a limit, not an assertion.
jest.setTimeout(30_000);
let sim: RunningSimulator;
let proxy: RunningFaultProxy;
let random = 0;

beforeAll(async () => {
  sim = await startSimulator(
    parseFlags([
      '--port',
      '0',
      '--tick',
      '0',
      '--metrics-port',
      '-1',
      '--frozen',
      '--start-time',
      '2026-01-10T12:00:00Z',
    ])
  );
  proxy = await startFaultProxy({
    upstream: sim.url,
    upstreamCa: sim.caCert,
    ca: generateCa('fault-proxy-test-ca'),
    adminToken: ADMIN_TOKEN,
    random: () => random,
  });
});

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
});

beforeEach(() => {
  random = 0;
  proxy.setFaults([]);
});

/** A request through the proxy as the simulator's admin. */
const viaProxy = (path: string, options: Partial<CallOptions> = {}) =>
  call(`${proxy.url}${path}`, {
    ca: proxy.caPem,
    ...options,
    headers: { Authorization: `Bearer ${sim.token}`, ...options.headers },
  });
const direct = (path: string, options: Partial<CallOptions> = {}) =>
  call(`${sim.url}${path}`, {
    ca: sim.caCert!,
    ...options,
    headers: { Authorization: `Bearer ${sim.token}`, ...options.headers },
  });
const admin = (path: string, options: Partial<CallOptions> = {}) =>
  call(`${proxy.url}${path}`, { ca: proxy.caPem, ...options, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });

describe('without faults', () => {
  it('forwards requests with their Authorization and answers exactly what the upstream answers', async () => {
    const [proxied, straight] = await Promise.all([viaProxy('/api/v1/namespaces'), direct('/api/v1/namespaces')]);
    expect(proxied.status).toBe(200);
    expect(proxied.body.equals(straight.body)).toBe(true);
    expect(proxied.headers['content-type']).toBe('application/json');
    // No token: the upstream's own 401 comes back.
    const anonymous = await call(`${proxy.url}/api/v1/namespaces`, { ca: proxy.caPem });
    expect(anonymous.json).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
  });

  it('passes gzip bodies through untouched', async () => {
    const gzip = { headers: { 'Accept-Encoding': 'gzip' } };
    const [proxied, straight] = await Promise.all([viaProxy('/api/v1/pods', gzip), direct('/api/v1/pods', gzip)]);
    expect(straight.headers['content-encoding']).toBe('gzip');
    expect(proxied.headers['content-encoding']).toBe('gzip');
    expect(proxied.headers['content-length']).toBe(straight.headers['content-length']);
    expect(proxied.body.equals(straight.body)).toBe(true);
  });

  it('forwards writes with their bodies', async () => {
    const name = sim.sim.store.list('deployments')[0].metadata;
    const scaled = await viaProxy(`/apis/apps/v1/namespaces/${name.namespace}/deployments/${name.name}/scale`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { spec: { replicas: 7 } },
    });
    expect(scaled.json).toMatchObject({ kind: 'Scale', spec: { replicas: 7 } });
    expect(sim.sim.store.get('deployments', name.namespace, name.name!)?.spec).toMatchObject({ replicas: 7 });
  });
});

describe('fault types', () => {
  it('error: 500, 502, 503 and 504 Status bodies like the apiserver', async () => {
    const expected: Record<number, string> = {
      500: 'InternalError',
      502: 'InternalError',
      503: 'ServiceUnavailable',
      504: 'Timeout',
    };
    for (const [status, reason] of Object.entries(expected)) {
      proxy.setFaults([{ type: 'error', status: Number(status), resource: 'pods' }]);
      const reply = await viaProxy('/api/v1/pods');
      expect(reply.status).toBe(Number(status));
      expect(reply.json).toMatchObject({ kind: 'Status', status: 'Failure', code: Number(status), reason });
    }
  });

  it('error 429 carries Retry-After in the header and the Status details', async () => {
    proxy.setFaults([{ type: 'error', status: 429, retryAfter: 4, path: '^/api/v1/nodes$' }]);
    const limited = await viaProxy('/api/v1/nodes');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('4');
    expect(limited.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 4 } });
    expect((await viaProxy('/api/v1/namespaces')).status).toBe(200);
  });

  it('unauthorized: a 401 Status although the token is good', async () => {
    proxy.setFaults([{ type: 'unauthorized' }]);
    const reply = await viaProxy('/api/v1/namespaces');
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it("forbidden: the apiserver's RBAC message for the resource, verb and scope asked", async () => {
    proxy.setFaults([{ type: 'forbidden', resource: 'pods', user: 'system:serviceaccount:kubeatlas:kubeatlas' }]);
    const namespaced = await viaProxy('/api/v1/namespaces/shop/pods?watch=1');
    expect(namespaced.status).toBe(403);
    expect(namespaced.json).toMatchObject({
      reason: 'Forbidden',
      message:
        'pods is forbidden: User "system:serviceaccount:kubeatlas:kubeatlas" cannot watch resource "pods" in API group "" in the namespace "shop"',
      details: { kind: 'pods' },
    });
    // The simulator serves no SelfSubjectReview, so without `user` the proxy cannot tell who asked.
    proxy.setFaults([{ type: 'forbidden', resource: 'deployments' }]);
    const clusterWide = await viaProxy('/apis/apps/v1/deployments');
    expect(clusterWide.json).toMatchObject({
      message:
        'deployments.apps is forbidden: User "system:anonymous" cannot list resource "deployments" in API group "apps" at the cluster scope',
      details: { group: 'apps', kind: 'deployments' },
    });
  });

  it('reset: the connection drops without an answer', async () => {
    proxy.setFaults([{ type: 'reset', resource: 'pods' }]);
    await expect(viaProxy('/api/v1/pods')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await viaProxy('/api/v1/namespaces')).status).toBe(200);
  });

  it("truncate: the upstream's status and headers, then half its body, then the connection ends", async () => {
    const whole = await direct('/api/v1/pods');
    proxy.setFaults([{ type: 'truncate', resource: 'pods' }]);
    const cut = await callUntilBroken(`${proxy.url}/api/v1/pods`, {
      ca: proxy.caPem,
      headers: { Authorization: `Bearer ${sim.token}` },
    });
    expect(cut.status).toBe(200);
    expect(cut.headers['content-length']).toBe(String(whole.body.length));
    expect(cut.error).toMatch(/aborted|ECONNRESET|socket hang up/);
    expect(cut.received.equals(whole.body.subarray(0, Math.floor(whole.body.length / 2)))).toBe(true);
  });

  it('invalid-json: a 200 whose body does not parse', async () => {
    proxy.setFaults([{ type: 'invalid-json', path: '^/api/v1/namespaces$' }]);
    const garbage = await viaProxy('/api/v1/namespaces');
    expect(garbage.status).toBe(200);
    expect(garbage.headers['content-type']).toBe('application/json');
    expect(() => JSON.parse(garbage.body.toString())).toThrow();
  });

  it('latency: the answer is held for the time asked, then forwarded', async () => {
    proxy.setFaults([{ type: 'latency', ms: 300, resource: 'namespaces' }]);
    const started = Date.now();
    const slow = await viaProxy('/api/v1/namespaces');
    expect(Date.now() - started).toBeGreaterThanOrEqual(295); // a lower bound only: a busy machine is slower still
    expect(slow.json).toMatchObject({ kind: 'NamespaceList' });
  });

  it('slow-headers: the status line and headers trickle in, then a 503', async () => {
    proxy.setFaults([{ type: 'slow-headers', ms: 300, resource: 'nodes' }]);
    const started = Date.now();
    const slow = await viaProxy('/api/v1/nodes');
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    expect(slow.json).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
  });
});

describe('matching', () => {
  it('by path, resource and method; a rule that does not match leaves the request alone', async () => {
    proxy.setFaults([
      { type: 'error', status: 503, method: 'DELETE' },
      { type: 'error', status: 500, resource: 'services' },
      { type: 'error', status: 502, path: '^/apis/apps/' },
    ]);
    expect((await viaProxy('/api/v1/pods')).status).toBe(200);
    expect((await viaProxy('/api/v1/namespaces/shop/services')).status).toBe(500);
    expect((await viaProxy('/apis/apps/v1/deployments')).status).toBe(502);
    expect((await viaProxy('/api/v1/namespaces/shop/pods/none', { method: 'DELETE' })).status).toBe(503);
  });

  it('by rate: a request is hit when the roll falls under the rate', async () => {
    proxy.setFaults([{ type: 'error', status: 503, rate: 0.5 }]);
    random = 0.7;
    expect((await viaProxy('/api/v1/namespaces')).status).toBe(200);
    random = 0.3;
    expect((await viaProxy('/api/v1/namespaces')).status).toBe(503);
    expect(proxy.stats().rules[0]).toMatchObject({ matched: 2, fired: 1 });
  });

  it('count: the rule hits the next N matching requests, then expires', async () => {
    const setting = await admin('/__faults', { method: 'PUT', body: [{ type: 'error', status: 503, count: 2 }] });
    expect(setting.status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await viaProxy('/api/v1/namespaces')).status);
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect((await admin('/__faults')).json).toEqual({ rules: [] });
    expect((await admin('/__faults/stats')).json).toMatchObject({
      requests: 4,
      rules: [{ rule: { type: 'error', status: 503, count: 2 }, matched: 2, fired: 2, expired: true }],
    });
  });
});

describe('admin endpoint', () => {
  it('refuses requests without the admin token, the apiserver token included', async () => {
    const rules = { method: 'PUT', body: [{ type: 'reset' }] };
    const none = await call(`${proxy.url}/__faults`, { ca: proxy.caPem, ...rules });
    expect(none.status).toBe(401);
    expect(none.json?.message).toContain('needs the admin token');
    expect((await viaProxy('/__faults', rules)).status).toBe(401);
    expect((await viaProxy('/__faults/stats')).status).toBe(401);
    expect(proxy.stats().rules).toEqual([]);
    expect((await viaProxy('/api/v1/namespaces')).status).toBe(200);
  });

  it('adds with POST, lists with GET, clears with DELETE, and names what is wrong with a rule', async () => {
    await admin('/__faults', { method: 'PUT', body: [{ type: 'latency', ms: 1 }] });
    await admin('/__faults', { method: 'POST', body: { type: 'reset', resource: 'secrets' } });
    expect((await admin('/__faults')).json).toEqual({
      rules: [
        { type: 'latency', ms: 1 },
        { type: 'reset', resource: 'secrets' },
      ],
    });
    const wrong = await admin('/__faults', { method: 'PUT', body: [{ type: 'error', status: 418 }] });
    expect(wrong.status).toBe(400);
    expect(wrong.json?.message).toBe('fault-proxy: rule 0: status must be 500, 502, 503, 504, 410 or 429');
    const typo = await admin('/__faults', { method: 'PUT', body: [{ type: 'error', retry_after: 3 }] });
    expect(typo.json?.message).toContain('unknown field retry_after');
    expect((await admin('/__faults', { method: 'DELETE' })).json).toEqual({ rules: [] });
    expect(proxy.stats()).toMatchObject({ requests: 0, responseBytes: 0, rules: [] });
  });

  it('counts every request the clients send, whether a rule hit it or not', async () => {
    proxy.setFaults([{ type: 'error', status: 503, resource: 'pods' }]);
    await Promise.all([viaProxy('/api/v1/pods'), viaProxy('/api/v1/pods'), viaProxy('/api/v1/namespaces')]);
    await admin('/__faults/stats');
    expect(proxy.stats()).toMatchObject({ requests: 3, rules: [{ matched: 2, fired: 2, expired: false }] });
  });

  it('counts the response bytes relayed, and the requests open: a watch until the client leaves', async () => {
    const settled = async (inFlight: number) => {
      for (let i = 0; i < 100 && proxy.stats().inFlight !== inFlight; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return proxy.stats();
    };
    const lists = await Promise.all([viaProxy('/api/v1/namespaces'), viaProxy('/api/v1/nodes')]);
    expect(await settled(0)).toMatchObject({
      requests: 2,
      responseBytes: lists[0].body.length + lists[1].body.length,
      inFlight: 0,
    });
    const watch = await open(`${proxy.url}/api/v1/namespaces?watch=1`, {
      ca: proxy.caPem,
      headers: { Authorization: `Bearer ${sim.token}` },
    });
    expect(await settled(1)).toMatchObject({ requests: 3, inFlight: 1 });
    proxy.setFaults([]);
    expect(proxy.stats()).toMatchObject({ requests: 0, responseBytes: 0, inFlight: 1, peakInFlight: 1 });
    await viaProxy('/api/v1/nodes');
    expect(await settled(1)).toMatchObject({ requests: 1, inFlight: 1, peakInFlight: 2 });
    watch.destroy();
    expect(await settled(0)).toMatchObject({ inFlight: 0, peakInFlight: 2 });
  });
});
