/**
 * @jest-environment node
 *
 * The API server end to end over real HTTP: auth, RBAC, errors, paging, Tables, gzip, watch, logs, writes, faults.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createCluster, Simulation } from '../cluster';
import { createApiServer } from './server';
import { Discovery } from './discovery';
import { Rbac } from './rbac';
import { TokenAuthenticator, DEFAULT_ADMIN_TOKEN, defaultServiceAccountToken } from './auth';
import { Faults } from './faults';

const VIEWER = defaultServiceAccountToken({ namespace: 'tools', name: 'viewer' });
let sim: Simulation;
let server: http.Server;
let base: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

function call(
  path: string,
  options: { method?: string; token?: string | null; headers?: Record<string, string>; body?: unknown } = {}
): Promise<Reply> {
  const token = options.token === undefined ? DEFAULT_ADMIN_TOKEN : options.token;
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, {
      method: options.method ?? 'GET',
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...options.headers },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

beforeAll(async () => {
  sim = createCluster({ scenario: 'demo', seed: 7, startTime: Date.parse('2026-01-10T12:00:00Z'), frozen: true });
  const rbac = Rbac.load(join(__dirname, '../../test/fixtures/rbac'));
  server = createApiServer({
    sim,
    discovery: new Discovery(true),
    rbac,
    auth: TokenAuthenticator.defaults(rbac.serviceAccounts),
    faults: new Faults(),
    continueTtlSeconds: 1,
    bookmarkSeconds: 1,
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe('authentication and authorization', () => {
  it('answers 401 Status without a valid token', async () => {
    for (const token of [null, 'wrong']) {
      const reply = await call('/api/v1/pods', { token });
      expect(reply.status).toBe(401);
      expect(reply.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    }
  });

  it('answers 403 with the apiserver message for what RBAC does not grant', async () => {
    expect((await call('/api/v1/pods?limit=1', { token: VIEWER })).status).toBe(200);
    const reply = await call('/api/v1/nodes', { token: VIEWER });
    expect(reply.status).toBe(403);
    expect(reply.json).toMatchObject({
      reason: 'Forbidden',
      message:
        'nodes is forbidden: User "system:serviceaccount:tools:viewer" cannot list resource "nodes" in API group "" at the cluster scope',
      details: { kind: 'nodes' },
    });
  });

  it('answers access reviews from the same rules', async () => {
    const review = (verb: string, resource: string, namespace?: string) =>
      call('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        method: 'POST',
        token: VIEWER,
        body: {
          kind: 'SelfSubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          spec: { resourceAttributes: { verb, resource, group: 'apps', namespace } },
        },
      });
    expect((await review('list', 'deployments', 'shop')).json.status.allowed).toBe(true);
    expect((await review('list', 'deployments', 'data')).json.status.allowed).toBe(false);
    const rules = await call('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      method: 'POST',
      token: VIEWER,
      body: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: { namespace: 'shop' } },
    });
    expect(rules.json.status.resourceRules).toContainEqual({
      verbs: ['get', 'list'],
      apiGroups: ['apps'],
      resources: ['deployments'],
    });
  });
});

describe('errors', () => {
  it('404 for unknown paths and objects, 405 for unsupported verbs, 400 for bad selectors', async () => {
    expect((await call('/apis/nope/v1/things')).status).toBe(404);
    const missing = await call('/apis/apps/v1/namespaces/shop/deployments/nope');
    expect(missing.json).toMatchObject({ code: 404, reason: 'NotFound', message: 'deployments.apps "nope" not found' });
    expect((await call('/api/v1/pods', { method: 'POST', body: {} })).json).toMatchObject({
      code: 405,
      reason: 'MethodNotAllowed',
    });
    const bad = await call('/api/v1/pods?labelSelector=app%20in%20(x');
    expect(bad.json).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(bad.json.message).toMatch(/unable to parse requirement/);
    expect((await call('/api/v1/pods?fieldSelector=spec.bogus%3Dx')).json.message).toBe(
      'field label not supported: spec.bogus'
    );
  });
});

describe('discovery', () => {
  it('lists groups and resources with verbs, short names and subresources', async () => {
    expect((await call('/api')).json.versions).toEqual(['v1']);
    const groups = (await call('/apis')).json.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'networking.k8s.io',
        'discovery.k8s.io',
        'events.k8s.io',
        'autoscaling',
        'authorization.k8s.io',
        'monitoring.coreos.com',
      ])
    );
    const apps = (await call('/apis/apps/v1')).json.resources;
    expect(apps).toContainEqual(
      expect.objectContaining({ name: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] })
    );
    expect(apps).toContainEqual(
      expect.objectContaining({ name: 'deployments/scale', group: 'autoscaling', version: 'v1', kind: 'Scale' })
    );
  });
});

describe('reads', () => {
  it('pages a cluster-wide list with limit/continue and remainingItemCount, then expires the token', async () => {
    const all = (await call('/api/v1/pods')).json;
    expect(all.kind).toBe('PodList');
    const names: string[] = [];
    let next = '';
    let pages = 0;
    do {
      const page = (await call(`/api/v1/pods?limit=20${next ? `&continue=${next}` : ''}`)).json;
      names.push(
        ...page.items.map(
          (p: { metadata: { namespace: string; name: string } }) => `${p.metadata.namespace}/${p.metadata.name}`
        )
      );
      next = page.metadata.continue ?? '';
      if (next) {
        expect(page.metadata.remainingItemCount).toBe(all.items.length - names.length);
      }
      pages++;
    } while (next);
    expect(pages).toBe(Math.ceil(all.items.length / 20));
    expect(names).toEqual(
      all.items.map(
        (p: { metadata: { namespace: string; name: string } }) => `${p.metadata.namespace}/${p.metadata.name}`
      )
    );

    const first = (await call('/api/v1/pods?limit=5')).json;
    await new Promise((done) => setTimeout(done, 1100));
    const expired = await call(`/api/v1/pods?limit=5&continue=${first.metadata.continue}`);
    expect(expired.status).toBe(410);
    expect(expired.json).toMatchObject({ reason: 'Expired', code: 410 });
  });

  it('filters by label and field selectors', async () => {
    const cart = (await call('/api/v1/namespaces/shop/pods?labelSelector=app%3Dcart')).json.items;
    expect(cart.length).toBe(5);
    const pending = (await call('/api/v1/pods?fieldSelector=status.phase%3DPending')).json.items;
    expect(pending.map((p: { metadata: { name: string } }) => p.metadata.name).join()).toMatch(
      /fraud-detector.*recommendations|recommendations.*fraud-detector/
    );
  });

  it('answers Table requests with the columns kubectl prints, and gzips large bodies', async () => {
    const reply = await call('/api/v1/pods', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', 'Accept-Encoding': 'gzip' },
    });
    expect(reply.json.kind).toBe('Table');
    expect(reply.json.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    const statuses = reply.json.rows.map((r: { cells: string[] }) => r.cells[2]);
    expect(statuses).toEqual(
      expect.arrayContaining(['Running', 'CrashLoopBackOff', 'ImagePullBackOff', 'Pending', 'Error', 'Completed'])
    );
    expect(reply.json.rows[0].object.kind).toBe('PartialObjectMetadata');
    const big = await call('/api/v1/pods', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(big.headers['content-encoding']).toBe('gzip');
  });

  it('serves pod logs with tailLines, previous and timestamps', async () => {
    const crash = sim.store.list('pods', 'shop').find((p) => sim.behaviorOf(p) === 'crashloop')!;
    const path = `/api/v1/namespaces/shop/pods/${crash.metadata.name}/log`;
    const tail = await call(`${path}?tailLines=2&previous=true&timestamps=true`);
    expect(tail.text.trim().split('\n')).toHaveLength(2);
    expect(tail.text).toMatch(/^\d{4}-\d\d-\d\dT\S+Z .*\n.*out of memory\n$/);
    const pull = sim.store.list('pods', 'shop').find((p) => sim.behaviorOf(p) === 'imagepull')!;
    const waiting = await call(`/api/v1/namespaces/shop/pods/${pull.metadata.name}/log`);
    expect(waiting.json.message).toMatch(/is waiting to start: trying and failing to pull image/);
  });
});

describe('writes and watch', () => {
  it('scales through /scale, and a watch sees the new pods', async () => {
    const list = (await call('/api/v1/namespaces/default/pods')).json;
    const events: string[] = [];
    const watch = http.get(
      `${base}/api/v1/namespaces/default/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
      {
        headers: { Authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` },
      }
    );
    const seen = new Promise<void>((done) =>
      watch.on('response', (res) =>
        res.on('data', (chunk: Buffer) => {
          events.push(
            ...chunk
              .toString()
              .trim()
              .split('\n')
              .map((line) => JSON.parse(line).type)
          );
          if (events.filter((e) => e === 'ADDED').length >= 2) {
            done();
          }
        })
      )
    );
    await new Promise((done) => setTimeout(done, 100));
    const scaled = await call('/apis/apps/v1/namespaces/default/deployments/hello/scale', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { spec: { replicas: 5 } },
    });
    expect(scaled.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 } });
    await seen;
    watch.destroy();
    expect(events).toContain('ADDED');
    expect((await call('/apis/apps/v1/namespaces/default/deployments/hello')).json.status.readyReplicas).toBe(5);
  });

  it('tells a selector watch when an object stops matching', async () => {
    const pod = sim.store.list('pods', 'data').find((p) => p.metadata.labels?.app === 'kafka')!;
    const watch = http.get(
      `${base}/api/v1/namespaces/data/pods?watch=1&labelSelector=app%3Dkafka&resourceVersion=${sim.store.resourceVersion}`,
      {
        headers: { Authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` },
      }
    );
    const first = new Promise<{ type: string; object: { metadata: { name: string } } }>((done) =>
      watch.on('response', (res) =>
        res.once('data', (chunk: Buffer) => done(JSON.parse(chunk.toString().split('\n')[0])))
      )
    );
    await new Promise((done) => setTimeout(done, 100));
    const patched = await call(`/api/v1/namespaces/data/pods/${pod.metadata.name}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { metadata: { labels: { app: 'kafka-debug' } } },
    });
    expect(patched.json.metadata.labels.app).toBe('kafka-debug');
    const event = await first;
    watch.destroy();
    expect(event.type).toBe('DELETED');
    expect(event.object.metadata.name).toBe(pod.metadata.name);
  });

  it('rolls a deployment out on a restartedAt strategic merge patch', async () => {
    const before = sim.store.list('replicasets', 'shop').filter((r) => r.metadata.labels?.app === 'cart');
    const patched = await call('/apis/apps/v1/namespaces/shop/deployments/cart', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      body: {
        spec: {
          template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-10T12:00:00Z' } } },
        },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.metadata.generation).toBe(2);
    const after = sim.store.list('replicasets', 'shop').filter((r) => r.metadata.labels?.app === 'cart');
    expect(after).toHaveLength(before.length + 1);
    const pods = sim.store.list('pods', 'shop').filter((p) => p.metadata.labels?.app === 'cart');
    expect(new Set(pods.map((p) => p.metadata.labels!['pod-template-hash'])).size).toBe(1);
    expect(pods).toHaveLength(5);
  });

  it('restarts a StatefulSet and a DaemonSet on a template change', async () => {
    const restart = {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } } } },
    };
    const headers = { 'Content-Type': 'application/strategic-merge-patch+json' };
    const oldKafka = sim.store.list('pods', 'data').filter((p) => p.metadata.name.startsWith('kafka-'));
    await call('/apis/apps/v1/namespaces/data/statefulsets/kafka', { method: 'PATCH', headers, body: restart });
    const newKafka = sim.store.list('pods', 'data').filter((p) => p.metadata.name.startsWith('kafka-'));
    expect(newKafka.map((p) => p.metadata.name)).toEqual(oldKafka.map((p) => p.metadata.name));
    expect(newKafka.map((p) => p.metadata.uid)).not.toContain(oldKafka[0].metadata.uid);
    const sts = (await call('/apis/apps/v1/namespaces/data/statefulsets/kafka')).json;
    expect(newKafka.every((p) => p.metadata.labels!['controller-revision-hash'] === sts.status.updateRevision)).toBe(
      true
    );
    const proxies = () => sim.store.list('pods', 'kube-system').filter((p) => p.metadata.labels?.app === 'kube-proxy');
    const before = proxies().map((p) => p.metadata.name);
    await call('/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy', {
      method: 'PATCH',
      headers,
      body: restart,
    });
    expect(proxies()).toHaveLength(before.length);
    expect(proxies().filter((p) => before.includes(p.metadata.name))).toHaveLength(0);
  });

  it('replaces a deleted pod through its owner', async () => {
    const victim = sim.store.list('pods', 'payments').find((p) => p.metadata.labels?.app === 'ledger')!;
    const deleted = await call(`/api/v1/namespaces/payments/pods/${victim.metadata.name}`, { method: 'DELETE' });
    expect(deleted.json.metadata.deletionTimestamp).toBeDefined();
    const ledger = sim.store.list('pods', 'payments').filter((p) => p.metadata.labels?.app === 'ledger');
    expect(ledger).toHaveLength(3);
    expect(ledger.map((p) => p.metadata.name)).not.toContain(victim.metadata.name);
  });

  it('answers dryRun=All writes without storing them', async () => {
    const before = sim.store.get('deployments', 'payments', 'ledger')!;
    const scaled = await call('/apis/apps/v1/namespaces/payments/deployments/ledger/scale?dryRun=All', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { spec: { replicas: 9 } },
    });
    expect(scaled.json.spec.replicas).toBe(9);
    const pod = sim.store.list('pods', 'payments').find((p) => p.metadata.labels?.app === 'ledger')!;
    const deleted = await call(`/api/v1/namespaces/payments/pods/${pod.metadata.name}?dryRun=All`, {
      method: 'DELETE',
    });
    expect(deleted.json.metadata.deletionTimestamp).toBeDefined();
    expect(sim.store.get('deployments', 'payments', 'ledger')).toBe(before);
    expect(sim.store.get('pods', 'payments', pod.metadata.name)).toBeDefined();
    expect((await call('/api/v1/namespaces/payments/pods/x?dryRun=Some', { method: 'DELETE' })).status).toBe(400);
  });

  it('refuses a stale resourceVersion with 409 Conflict', async () => {
    const reply = await call('/apis/apps/v1/namespaces/shop/deployments/catalog', {
      method: 'PUT',
      body: {
        ...sim.store.get('deployments', 'shop', 'catalog'),
        metadata: { name: 'catalog', namespace: 'shop', resourceVersion: '1' },
      },
    });
    expect(reply.json).toMatchObject({ code: 409, reason: 'Conflict' });
  });
});

describe('fault injection', () => {
  afterEach(() => call('/__sim/faults', { method: 'DELETE' }));

  it('answers 429 with Retry-After, then recovers when the fault is removed', async () => {
    await call('/__sim/faults', {
      method: 'PUT',
      body: [{ type: 'error', status: 429, retryAfter: 3, path: '^/api/v1/nodes' }],
    });
    const limited = await call('/api/v1/nodes');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect((await call('/api/v1/namespaces')).status).toBe(200);
    await call('/__sim/faults', { method: 'DELETE' });
    expect((await call('/api/v1/nodes')).status).toBe(200);
  });

  it('resets connections and sends invalid JSON', async () => {
    await call('/__sim/faults', {
      method: 'PUT',
      body: [
        { type: 'reset', resource: 'pods' },
        { type: 'invalid-json', resource: 'services' },
      ],
    });
    await expect(call('/api/v1/pods')).rejects.toThrow(/socket hang up|ECONNRESET/);
    const garbage = await call('/api/v1/services');
    expect(garbage.status).toBe(200);
    expect(garbage.json).toBeUndefined();
  });

  it('denies one resource with an RBAC-shaped 403', async () => {
    await call('/__sim/faults', { method: 'PUT', body: [{ type: 'forbidden', resource: 'nodes' }] });
    const denied = await call('/api/v1/nodes');
    expect(denied.json).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'nodes is forbidden: User "admin" cannot list resource "nodes" in API group "" at the cluster scope',
    });
    expect((await call('/api/v1/pods?limit=1')).status).toBe(200);
  });

  it('truncates bodies and trickles headers', async () => {
    await call('/__sim/faults', {
      method: 'PUT',
      body: [
        { type: 'truncate', resource: 'pods' },
        { type: 'slow-headers', ms: 300, resource: 'nodes' },
      ],
    });
    await expect(call('/api/v1/pods')).rejects.toThrow(/aborted|ECONNRESET|socket hang up/);
    const started = Date.now();
    const slow = await call('/api/v1/nodes');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(slow.json).toMatchObject({ kind: 'Status', code: 503 });
  });

  it('rejects unknown fault types', async () => {
    expect((await call('/__sim/faults', { method: 'PUT', body: [{ type: 'meteor' }] })).status).toBe(400);
  });
});
