/**
 * @jest-environment node
 *
 * src/k8s's client against the real simulator (its API server, TLS, RBAC from deploy/kubernetes, fault injection),
 * authenticated as the kubeatlas ServiceAccount those manifests create: straight over HTTPS, and through the
 * sandbox's Grafana datasource proxy with the routes of src/datasource/plugin.json, as the browser does.
 */
import type { RunningSimulator } from '../../simulator/src/main';
import {
  BadResponseError,
  CancelledError,
  ForbiddenError,
  RouteDeniedError,
  TimeoutError,
  TlsError,
  UnauthorizedError,
  UnavailableError,
  UnreachableError,
} from '../../src/k8s/errors';
import { K8sClient } from '../../src/k8s/client';
import { KIND_NAMES } from '../../src/k8s/kinds';
import { nodeHttpFetch } from '../../src/k8s/nodeHttp';
import { isGranted, OPERATOR_PERMISSIONS, READER_PERMISSIONS } from '../../src/k8s/rbac';
import { directRoutes } from '../../src/k8s/routes';
import { buildSnapshot } from '../../src/model/snapshot';
import { direct, setFaults, simulator, throughProxy, type Transport } from './harness';

const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sim: RunningSimulator;
const transports: Record<string, Transport> = {};

beforeAll(async () => {
  sim = await simulator();
  transports.direct = direct(sim);
  transports.proxy = await throughProxy(sim, { role: 'Editor' });
});
afterAll(async () => {
  await Promise.all(Object.values(transports).map((t) => t.close()));
  await sim.close();
});
afterEach(() => setFaults(sim, []));

describe.each(['direct', 'proxy'])('client %s', (which) => {
  const transport = () => transports[which];

  it('happy path: every kind lists with the reader role, and the snapshot relates them', async () => {
    const { client } = transport().client();
    expect((await client.version()).gitVersion).toMatch(/^v1\./);

    const outcomes = await client.listKinds(KIND_NAMES);
    expect(KIND_NAMES.filter((kind) => !outcomes[kind]?.ok)).toEqual([]);
    const snapshot = buildSnapshot(outcomes);
    expect(snapshot.byKind.Pod.length).toBe(sim.sim.store.count('pods'));
    expect(snapshot.byKind.Node.length).toBe(sim.sim.store.count('nodes'));

    // Every scheduled pod's node is in the snapshot; a ReplicaSet-owned pod reaches its Deployment.
    const allEdges = [...snapshot.edgesFrom.values()].flat();
    const runsOn = allEdges.filter((e) => e.relation === 'runsOn');
    expect(runsOn.length).toBeGreaterThan(0);
    expect(runsOn.filter((e) => e.missing)).toEqual([]);
    const rsPod = snapshot.byKind.Pod.find((p) => p.owners.some((o) => o.kind === 'ReplicaSet'));
    const replicaSet = snapshot.edgesTo.get(rsPod!.uid)!.find((e) => e.relation === 'owns')!.from;
    const deployment = snapshot.edgesTo.get(replicaSet)!.find((e) => e.relation === 'owns')!.from;
    expect(snapshot.byUid.get(deployment)?.kind).toBe('Deployment');
    expect(allEdges.filter((e) => e.relation === 'selects').length).toBeGreaterThan(0);
  });

  it('discovery serves every kind; RBAC reviews show deploy/kubernetes grants what the app needs', async () => {
    const { client } = transport().client();
    expect((await client.discover(KIND_NAMES)).missing).toEqual([]);

    const rules = await client.selfSubjectRulesReview('default');
    expect(READER_PERMISSIONS.filter((p) => !isGranted(rules.resourceRules, p))).toEqual([]);
    expect(OPERATOR_PERMISSIONS.filter((p) => !isGranted(rules.resourceRules, p))).toEqual([]);
    expect(
      await client.selfSubjectAccessReview({ group: 'apps', resource: 'deployments', verb: 'list' })
    ).toMatchObject({
      allowed: true,
    });
    expect(await client.selfSubjectAccessReview({ group: '', resource: 'secrets', verb: 'list' })).toMatchObject({
      allowed: false,
    });
  });

  it('writes: scale, rolling restart and delete pod', async () => {
    const { client } = transport().client();
    const { namespace, name } = sim.sim.store.list('deployments')[0].metadata as { namespace: string; name: string };
    await client.scale('Deployment', namespace, name, 3);
    expect((await client.get('Deployment', name, namespace)).spec).toMatchObject({ replicas: 3 });

    await client.restart('Deployment', namespace, name, new Date('2026-01-10T12:30:00Z'));
    const restarted = (await client.get('Deployment', name, namespace)) as {
      spec: { template: { metadata: { annotations: object } } };
    };
    expect(restarted.spec.template.metadata.annotations).toMatchObject({
      'kubectl.kubernetes.io/restartedAt': '2026-01-10T12:30:00.000Z',
    });

    const pod = sim.sim.store.list('pods').find((p) => p.metadata.namespace === namespace)!.metadata;
    await client.deletePod(pod.namespace!, pod.name);
    expect(sim.sim.store.get('pods', pod.namespace, pod.name)?.metadata.deletionTimestamp ?? 'deleted').toBeTruthy();
  });

  it('one forbidden kind: the others still load; the error names the kind and the rule to add', async () => {
    await setFaults(sim, [{ type: 'forbidden', resource: 'nodes' }]);
    const { client } = transport().client();
    const outcomes = await client.listKinds(KIND_NAMES);
    expect(KIND_NAMES.filter((kind) => !outcomes[kind]?.ok)).toEqual(['Node']);
    const node = outcomes.Node;
    const error = node && !node.ok ? node.error : undefined;
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      kind: 'Node',
      verb: 'list',
      rule: '{apiGroups: [""], resources: ["nodes"], verbs: ["list"]}',
    });
    expect(buildSnapshot(outcomes).kinds.Node.state).toBe('error');
  });

  it("429 is retried after the server's Retry-After, then succeeds", async () => {
    await setFaults(sim, [{ type: 'error', status: 429, retryAfter: 1, path: '^/api/v1/pods$' }]);
    const sleeps: number[] = [];
    const { client } = transport().client({
      sleep: async (ms) => {
        sleeps.push(ms);
        await setFaults(sim, []); // the server recovers during the backoff
      },
    });
    const result = await client.list('Pod');
    expect(sleeps).toEqual([1000]);
    expect(result.stats.retries).toBe(1);
    expect(result.stats.requests).toBe(result.stats.pages + 1);
    expect(result.items.length).toBe(sim.sim.store.count('pods'));
  });

  it('429 and 5xx that persist are surfaced after the bounded retries', async () => {
    for (const status of [429, 503]) {
      await setFaults(sim, [{ type: 'error', status, retryAfter: 1, path: '^/apis/apps/v1/deployments$' }]);
      const { client, requests } = transport().client({ retry: { maxRetries: 2, maxDelayMs: 20 } });
      const error = await client.list('Deployment').catch((e) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.message).toContain(`answered ${status}`);
      expect(error.message).toContain('after 2 retries');
      expect(requests).toHaveLength(3);
    }
  });

  it('a body that is not JSON is a BadResponse naming the list', async () => {
    await setFaults(sim, [{ type: 'invalid-json', path: '^/api/v1/namespaces$' }]);
    const { client } = transport().client();
    const error = await client.list('Namespace').catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toContain('list namespaces');
  });

  it('cancellation aborts the request in flight', async () => {
    await setFaults(sim, [{ type: 'latency', ms: 3000, path: '^/api/v1/pods$' }]);
    const { client } = transport().client();
    const controller = new AbortController();
    const started = Date.now();
    const pending = client.list('Pod', { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a request slower than the timeout is a Timeout', async () => {
    await setFaults(sim, [{ type: 'latency', ms: 3000, path: '^/api/v1/pods$' }]);
    const { client } = transport().client({ timeoutMs: 200 });
    await expect(client.list('Pod')).rejects.toBeInstanceOf(TimeoutError);
  });

  it('5,000 pods with limit 500 take exactly 10 list requests', async () => {
    const store = sim.sim.store;
    const template = store.list('pods')[0];
    for (let i = 0; store.count('pods') < 5000; i++) {
      // uid, resourceVersion and creationTimestamp left empty: the store assigns them.
      store.create('pods', {
        ...template,
        metadata: {
          name: `load-${which}-${i}`,
          namespace: 'default',
          uid: '',
          resourceVersion: '',
          creationTimestamp: '',
        },
      });
    }
    const { client, requests } = transport().client();
    const result = await client.list('Pod');
    expect(result.items).toHaveLength(5000);
    expect(new Set(result.items.map((p) => p.metadata?.uid)).size).toBe(5000);
    expect(requests).toHaveLength(10);
    expect(requests.every((r) => new URL(r.url, 'http://x').searchParams.get('limit') === '500')).toBe(true);
    expect(result.stats).toEqual({ requests: 10, pages: 10, retries: 0, restarts: 0 });
  });
});

describe('direct only', () => {
  it('a wrong token is Unauthorized, naming the token as the fix', async () => {
    const { client } = transports.direct.client({ headers: { Authorization: 'Bearer not-a-token' } });
    const error = await client.list('Pod').catch((e) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain('kubeatlas-token');
  });

  it('a dropped connection is retried', async () => {
    await setFaults(sim, [{ type: 'reset', path: '^/api/v1/namespaces$' }]);
    const { client, requests } = transports.direct.client({ sleep: () => setFaults(sim, []) });
    const result = await client.list('Namespace');
    expect(result.items.length).toBe(sim.sim.store.count('namespaces'));
    expect(requests).toHaveLength(2);
  });

  it('an untrusted certificate is a TLS error; a closed port is Unreachable', async () => {
    const untrusted = new K8sClient({
      routes: directRoutes(sim.url),
      fetch: nodeHttpFetch(),
      retry: { maxRetries: 0 },
    });
    const tls = await untrusted.version().catch((e) => e);
    expect(tls).toBeInstanceOf(TlsError);
    expect(tls.message).toContain('CA certificate');

    const closed = new K8sClient({
      routes: directRoutes('https://127.0.0.1:1'),
      fetch: nodeHttpFetch(),
      retry: { maxRetries: 0 },
    });
    const unreachable = await closed.version().catch((e) => e);
    expect(unreachable).toBeInstanceOf(UnreachableError);
    expect(unreachable.message).toContain('ECONNREFUSED');
  });
});

describe('through the proxy only', () => {
  it("a wrong token: Grafana's 400 'Authentication to data source failed' is Unauthorized", async () => {
    const proxy = await throughProxy(sim, { env: { KUBEATLAS_TOKEN: 'not-a-token' } });
    try {
      const { client, requests } = proxy.client();
      const error = await client.list('Pod').catch((e) => e);
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error.status).toBe(400);
      expect(requests).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('a Viewer may read and review access, but the write routes are denied by Grafana', async () => {
    const proxy = await throughProxy(sim, { role: 'Viewer' });
    try {
      const { client } = proxy.client();
      expect((await client.list('Namespace')).items.length).toBeGreaterThan(0);
      expect((await client.selfSubjectAccessReview({ group: '', resource: 'pods', verb: 'list' })).allowed).toBe(true);
      const pod = sim.sim.store.list('pods')[0].metadata;
      const error = await client.deletePod(pod.namespace!, pod.name).catch((e) => e);
      expect(error).toBeInstanceOf(RouteDeniedError);
      expect(error.message).toContain('Editor');
      expect(sim.sim.store.get('pods', pod.namespace, pod.name)).toBeDefined();
    } finally {
      await proxy.close();
    }
  });

  it("an unreachable cluster and an unknown CA are Grafana's 502: Unreachable, naming TLS too", async () => {
    for (const env of [{ KUBEATLAS_CLUSTER_URL: 'https://127.0.0.1:1' }, { KUBEATLAS_CA_CERT: '' }]) {
      const proxy = await throughProxy(sim, { env });
      try {
        const error = await proxy
          .client({ retry: { maxRetries: 0 } })
          .client.version()
          .catch((e) => e);
        expect(error).toBeInstanceOf(UnreachableError);
        expect(error.status).toBe(502);
        expect(error.message).toContain('TLS');
      } finally {
        await proxy.close();
      }
    }
  });
});

describe('continue token expiry (410)', () => {
  let expiring: RunningSimulator;
  const proxies: Transport[] = [];

  beforeAll(async () => {
    expiring = await simulator('--continue-ttl', '1');
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await expiring.close();
  });

  it.each(['direct', 'proxy'])('%s: restarts the list once when its continue token expired', async (which) => {
    const transport = which === 'direct' ? direct(expiring) : await throughProxy(expiring);
    proxies.push(transport);
    const { client } = transport.client();
    let firstPage = true;
    const result = await client.list('Pod', {
      pageSize: 20,
      onPage: async () => {
        // Outlive the 1 s token lifetime after the very first page only.
        if (firstPage) {
          firstPage = false;
          await realSleep(1200);
        }
      },
    });
    expect(result.stats.restarts).toBe(1);
    expect(result.items.length).toBe(expiring.sim.store.count('pods'));
  });
});
