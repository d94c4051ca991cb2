/**
 * @jest-environment node
 *
 * src/k8s's client against the testbed's real control plane (kube-apiserver 1.34, RBAC, etcd, controllers, kwok),
 * authenticated as the kubeatlas ServiceAccount that deploy/kubernetes/ creates (applied with kubectl, token read
 * from its Secret): straight over HTTPS, and through the sandbox's Grafana datasource proxy with the routes of
 * src/datasource/plugin.json, as the browser does. Faults come from testbed/fault-proxy/ in front of kube-apiserver.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ApiMissingError,
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
import {
  applyRbacAndReadToken,
  direct,
  readerWithout,
  startGround,
  TESTBED_TIMEOUT_MS,
  throughProxy,
  type Cluster,
  type Ground,
  type Transport,
} from './harness';

interface Listed {
  items: Array<{ metadata: { name: string; namespace?: string; uid: string; deletionTimestamp?: string } }>;
}

let ground: Ground;
/** The kubeatlas account with the reader and operator roles, straight and through the fault proxy. */
const transports: Record<string, Transport> = {};
/** A second account whose reader role lacks nodes (and which has no operator role). */
const noNodes: Record<string, Transport> = {};

beforeAll(async () => {
  ground = await startGround();
  const restricted: Cluster = {
    ...ground.cluster,
    token: await applyRbacAndReadToken(ground.testbed, {
      manifestYaml: readerWithout('kubeatlas-no-nodes', '', 'nodes'),
      namespace: 'kubeatlas-no-nodes',
    }),
  };
  transports.direct = direct(ground.cluster);
  transports.proxy = await throughProxy(ground.cluster, { role: 'Editor' });
  transports.faultyDirect = direct(ground.faulty);
  transports.faultyProxy = await throughProxy(ground.faulty, { role: 'Editor' });
  noNodes.direct = direct(restricted);
  noNodes.proxy = await throughProxy(restricted, { role: 'Editor' });
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([...Object.values(transports), ...Object.values(noNodes)].map((t) => t.close()));
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);
afterEach(() => ground.faults.setFaults([]));

/** What kube-apiserver holds, asked as admin. */
const adminList = (apiPath: string) => ground.testbed.api.get<Listed>(apiPath);
const names = (list: Listed['items']) => list.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();

describe.each(['direct', 'proxy'])('client %s', (which) => {
  const transport = () => transports[which];
  const faulty = () => transports[which === 'direct' ? 'faultyDirect' : 'faultyProxy'];

  it('happy path: every kind lists with the reader role, and the snapshot relates them', async () => {
    const { client } = transport().client();
    expect((await client.version()).gitVersion).toBe('v1.34.2');

    // Job pods come and go (a failing Job retries): every pod there before and after is in the snapshot, no other.
    const podsBefore = names((await adminList('/api/v1/pods')).items);
    const outcomes = await client.listKinds(KIND_NAMES);
    const podsAfter = names((await adminList('/api/v1/pods')).items);
    // The demo installs prometheus-operator's CRDs but not the Grafana Agent Operator's: its group is a 404.
    expect(KIND_NAMES.filter((kind) => !outcomes[kind]?.ok)).toEqual(['MetricsInstance']);
    const snapshot = buildSnapshot(outcomes);
    expect(snapshot.kinds.MetricsInstance).toEqual({ state: 'absent', count: 0 });
    const snapshotPods = snapshot.byKind.Pod.map((p) => `${p.namespace}/${p.name}`);
    expect(podsBefore.filter((p) => podsAfter.includes(p) && !snapshotPods.includes(p))).toEqual([]);
    expect(snapshotPods.filter((p) => !podsBefore.includes(p) && !podsAfter.includes(p))).toEqual([]);
    expect(snapshot.byKind.Node.map((n) => n.name).sort()).toEqual(
      names((await adminList('/api/v1/nodes')).items).map((n) => n.slice(1))
    );

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

  it('pages with the limit it asks for, as many pages as the apiserver says remain', async () => {
    const pageSize = 4;
    const { client, exchanges } = transport().client({ pageSize });
    const result = await client.list('Service');
    const first = exchanges[0].response!.body as { items: unknown[]; metadata: { remainingItemCount: number } };
    const total = first.items.length + first.metadata.remainingItemCount;
    expect(exchanges).toHaveLength(Math.ceil(total / pageSize));
    expect(exchanges.every((e) => new URL(e.request.url, 'http://x').searchParams.get('limit') === '4')).toBe(true);
    expect(result.stats).toEqual({ requests: exchanges.length, pages: exchanges.length, retries: 0, restarts: 0 });
    expect(names(result.items as Listed['items'])).toEqual(names((await adminList('/api/v1/services')).items));
  });

  it('discovery serves every kind; RBAC reviews show deploy/kubernetes grants what the app needs', async () => {
    const { client } = transport().client();
    expect((await client.discover(KIND_NAMES)).missing).toEqual([
      { kind: 'MetricsInstance', groupVersion: 'monitoring.grafana.com/v1alpha1' },
    ]);

    const rules = await client.selfSubjectRulesReview('default');
    expect(rules.incomplete).toBe(false);
    expect(READER_PERMISSIONS.filter((p) => !isGranted(rules.resourceRules, p))).toEqual([]);
    expect(OPERATOR_PERMISSIONS.filter((p) => !isGranted(rules.resourceRules, p))).toEqual([]);
    expect(
      await client.selfSubjectAccessReview({ group: 'apps', resource: 'deployments', verb: 'list' })
    ).toMatchObject({ allowed: true });
    expect(await client.selfSubjectAccessReview({ group: '', resource: 'secrets', verb: 'list' })).toMatchObject({
      allowed: false,
    });
  });

  it('writes with the operator role: delete pod, scale and rolling restart', async () => {
    const { client } = transport().client();
    const namespace = 'shop';
    const name = which === 'direct' ? 'cart' : 'catalog';
    // The pod is deleted first, while the Deployment is at rest: after the restart its controller deletes the old
    // pods itself, and could take the chosen one first.
    const pod = (
      await adminList(`/api/v1/namespaces/${namespace}/pods?labelSelector=app.kubernetes.io/name=${name}`)
    ).items.find((item) => !item.metadata.deletionTimestamp)!.metadata;
    await client.deletePod(namespace, pod.name);
    const after = await ground.testbed.api.request<Listed['items'][0]>(
      'GET',
      `/api/v1/namespaces/${namespace}/pods/${pod.name}`
    );
    // Gone, or terminating with the grace period (kwok removes it shortly).
    expect(
      after.status === 404 || (after.body.metadata.uid === pod.uid && !!after.body.metadata.deletionTimestamp)
    ).toBe(true);

    await client.scale('Deployment', namespace, name, 3);
    expect((await client.get('Deployment', name, namespace)).spec).toMatchObject({ replicas: 3 });

    const at = new Date();
    await client.restart('Deployment', namespace, name, at);
    const restarted = (await client.get('Deployment', name, namespace)) as {
      spec: { template: { metadata: { annotations: object } } };
    };
    expect(restarted.spec.template.metadata.annotations).toMatchObject({
      'kubectl.kubernetes.io/restartedAt': at.toISOString(),
    });
  });

  it("pod logs come through the apiserver's pods/log from the node (kwok)", async () => {
    const { client } = transport().client();
    const pod = (await adminList('/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name=frontend'))
      .items[0];
    const logs = await client.podLogs('shop', pod.metadata.name, { tailLines: 1000 });
    const firstLine = fs
      .readFileSync(path.join(__dirname, '../../testbed/kwok/pod-logs/current.cri'), 'utf8')
      .split('\n')[0];
    // CRI lines are "<time> <stream> <tag> <message>"; the apiserver serves the message.
    expect(logs).toContain(firstLine.split(' ').slice(3).join(' '));
  });

  it('a kind the role lacks: the others still load; the error names the kind and the rule to add', async () => {
    const { client } = noNodes[which].client();
    const outcomes = await client.listKinds(KIND_NAMES);
    expect(KIND_NAMES.filter((kind) => !outcomes[kind]?.ok)).toEqual(['Node', 'MetricsInstance']);
    const node = outcomes.Node;
    const error = node && !node.ok ? node.error : undefined;
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      status: 403,
      kind: 'Node',
      verb: 'list',
      rule: '{apiGroups: [""], resources: ["nodes"], verbs: ["list"]}',
    });
    expect(buildSnapshot(outcomes).kinds.Node.state).toBe('error');
  });

  it('a write without the operator role is Forbidden, naming the subresource rule', async () => {
    const { client } = noNodes[which].client();
    const error = await client.scale('Deployment', 'shop', 'frontend', 2).catch((e) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      kind: 'Deployment',
      verb: 'patch',
      namespace: 'shop',
      rule: '{apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}',
    });
  });

  it('a version the cluster does not serve: its NotFound Status without details is ApiMissing, listed or named', async () => {
    // A cluster without batch/v1 CronJob, played by asking this one for a version it no longer serves (v1beta1).
    const { client, exchanges } = transport().client({
      rewriteUrl: (url) => url.replace('/apis/batch/v1/', '/apis/batch/v1beta1/'),
    });
    for (const call of [() => client.list('CronJob'), () => client.get('CronJob', 'cleanup', 'data')]) {
      const error = await call().catch((e) => e);
      expect(exchanges.at(-1)!.response).toMatchObject({ status: 404, body: { reason: 'NotFound', details: {} } });
      expect(error).toBeInstanceOf(ApiMissingError);
      expect(error.message).toContain('The cluster does not serve batch/v1 (needed for CronJob).');
    }
  });

  it("a group the cluster does not serve: kube-apiserver's plain-text 404 is ApiMissing", async () => {
    // RBAC runs before routing: for a group its role names nothing in, the ServiceAccount gets a 403 instead, so the
    // admin asks for discovery.k8s.io under a name no cluster serves.
    const admin = { ...ground.cluster, token: ground.testbed.adminToken };
    const asAdmin = which === 'direct' ? direct(admin) : await throughProxy(admin);
    try {
      const { client, exchanges } = asAdmin.client({
        rewriteUrl: (url) => url.replace('/apis/discovery.k8s.io/v1/', '/apis/discovery.example.com/v1/'),
      });
      const error = await client.list('EndpointSlice').catch((e) => e);
      expect(exchanges[0].response).toMatchObject({ status: 404, body: '404 page not found\n' });
      expect(error).toBeInstanceOf(ApiMissingError);
      expect(error.message).toContain('The cluster does not serve discovery.k8s.io/v1 (needed for EndpointSlice).');
    } finally {
      await asAdmin.close();
    }
  });

  it("429 is retried after the server's Retry-After, then succeeds", async () => {
    ground.faults.setFaults([{ type: 'error', status: 429, retryAfter: 1, resource: 'pods', count: 1 }]);
    const sleeps: number[] = [];
    const { client } = faulty().client({ sleep: async (ms) => void sleeps.push(ms) });
    const result = await client.list('Pod');
    expect(sleeps).toEqual([1000]);
    expect(result.stats.retries).toBe(1);
    expect(result.stats.requests).toBe(result.stats.pages + 1);
    expect(result.items.length).toBeGreaterThan(0);
    expect(ground.faults.stats().rules[0]).toMatchObject({ fired: 1, expired: true });
  });

  it('429 and 5xx that persist are surfaced after the bounded retries', async () => {
    for (const status of [429, 503]) {
      ground.faults.setFaults([{ type: 'error', status, retryAfter: 1, resource: 'deployments' }]);
      const { client, requests } = faulty().client({ retry: { maxRetries: 2, maxDelayMs: 20 } });
      const error = await client.list('Deployment').catch((e) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.message).toContain(`answered ${status}`);
      expect(error.message).toContain('after 2 retries');
      expect(requests).toHaveLength(3);
      expect(ground.faults.stats().rules[0].fired).toBe(3);
    }
  });

  it('a body that is not JSON is a BadResponse naming the list', async () => {
    ground.faults.setFaults([{ type: 'invalid-json', resource: 'namespaces' }]);
    const { client } = faulty().client();
    const error = await client.list('Namespace').catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toContain('list namespaces');
  });

  it('a dropped connection and a truncated answer are retried', async () => {
    const namespaces = names((await adminList('/api/v1/namespaces')).items);
    for (const type of ['reset', 'truncate']) {
      ground.faults.setFaults([{ type, resource: 'namespaces', count: 1 }]);
      const { client, requests } = faulty().client({ sleep: async () => undefined });
      const result = await client.list('Namespace');
      expect(names(result.items as Listed['items'])).toEqual(namespaces);
      expect(requests).toHaveLength(2);
    }
  });

  it('cancellation aborts the request in flight', async () => {
    ground.faults.setFaults([{ type: 'latency', ms: 3000, resource: 'pods' }]);
    const { client } = faulty().client();
    const controller = new AbortController();
    const pending = client.list('Pod', { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it('a request slower than the timeout is a Timeout', async () => {
    ground.faults.setFaults([{ type: 'latency', ms: 3000, resource: 'pods' }]);
    const { client } = faulty().client({ timeoutMs: 200 });
    await expect(client.list('Pod')).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe('direct only', () => {
  it('a wrong token is Unauthorized (401), naming the token as the fix', async () => {
    const { client, exchanges } = transports.direct.client({ headers: { Authorization: 'Bearer not-a-token' } });
    const error = await client.list('Pod').catch((e) => e);
    expect(exchanges[0].response?.status).toBe(401);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain('kubeatlas-token');
  });

  it('no token at all: the apiserver treats the request as system:anonymous; the error says no token reached it', async () => {
    const { client, exchanges } = transports.direct.client({ headers: {} });
    // /version is public (ClusterRole system:public-info-viewer); listing is not.
    expect((await client.version()).gitVersion).toBe('v1.34.2');
    const error = await client.list('Pod').catch((e) => e);
    expect(exchanges[1].response?.status).toBe(403);
    expect(JSON.stringify(exchanges[1].response?.body)).toContain('User \\"system:anonymous\\"');
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain('anonymous');
    expect(error.message).toContain('kubeatlas-token');
  });

  it('an untrusted certificate is a TLS error; a closed port is Unreachable', async () => {
    const untrusted = new K8sClient({
      routes: directRoutes(ground.cluster.url),
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
  it("a wrong token: Grafana's 400 'Authentication to data source failed' for the cluster's 401 is Unauthorized", async () => {
    const proxy = await throughProxy(ground.cluster, { env: { KUBEATLAS_TOKEN: 'not-a-token' } });
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
    const proxy = await throughProxy(ground.cluster, { role: 'Viewer' });
    try {
      const { client } = proxy.client();
      expect((await client.list('Namespace')).items.length).toBeGreaterThan(0);
      expect((await client.selfSubjectAccessReview({ group: '', resource: 'pods', verb: 'list' })).allowed).toBe(true);
      const pod = (await adminList('/api/v1/namespaces/shop/pods')).items.find(
        (p) => !p.metadata.deletionTimestamp
      )!.metadata;
      const error = await client.deletePod('shop', pod.name).catch((e) => e);
      expect(error).toBeInstanceOf(RouteDeniedError);
      expect(error.message).toContain('Editor');
      const still = await ground.testbed.api.get<Listed['items'][0]>(`/api/v1/namespaces/shop/pods/${pod.name}`);
      expect(still.metadata).toMatchObject({ uid: pod.uid });
      expect(still.metadata.deletionTimestamp).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it("an unreachable cluster and an unknown CA are Grafana's 502: Unreachable, naming TLS too", async () => {
    for (const env of [{ KUBEATLAS_CLUSTER_URL: 'https://127.0.0.1:1' }, { KUBEATLAS_CA_CERT: '' }]) {
      const proxy = await throughProxy(ground.cluster, { env });
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
