/**
 * @jest-environment node
 *
 * src/k8s's client against the real simulator over HTTPS (its API server, RBAC from deploy/kubernetes, TLS, faults),
 * authenticated as the kubeatlas ServiceAccount those manifests create.
 */
import { parseFlags, startSimulator, type RunningSimulator } from '../../simulator/src/main';
import { buildSnapshot } from '../../src/model/snapshot';
import { K8sClient, type K8sClientOptions } from '../../src/k8s/client';
import {
  CancelledError,
  ForbiddenError,
  TimeoutError,
  TlsError,
  UnauthorizedError,
  UnavailableError,
  UnreachableError,
} from '../../src/k8s/errors';
import type { HttpRequest } from '../../src/k8s/http';
import { KIND_NAMES } from '../../src/k8s/kinds';
import { nodeHttpFetch } from '../../src/k8s/nodeHttp';
import { isGranted, OPERATOR_PERMISSIONS, READER_PERMISSIONS } from '../../src/k8s/rbac';
import { directRoutes } from '../../src/k8s/routes';

const SERVICE_ACCOUNT = 'system:serviceaccount:kubeatlas:kubeatlas';

async function simulator(...extra: string[]): Promise<RunningSimulator> {
  return startSimulator(
    parseFlags([
      '--scenario',
      'demo',
      '--port',
      '0',
      '--frozen',
      '--start-time',
      '2026-01-10T12:00:00Z',
      '--user',
      SERVICE_ACCOUNT,
      '--rbac',
      'deploy/kubernetes',
      ...extra,
    ])
  );
}

/** A client for the simulator that records every request it sends. */
function clientFor(sim: RunningSimulator, options: Partial<K8sClientOptions> = {}) {
  const requests: HttpRequest[] = [];
  const transport = nodeHttpFetch({ ca: sim.caCert });
  const client = new K8sClient({
    routes: directRoutes(sim.url),
    headers: { Authorization: `Bearer ${sim.token}` },
    fetch: (request) => {
      requests.push(request);
      return transport(request);
    },
    ...options,
  });
  return { client, requests };
}

/** Sets the simulator's fault rules through its admin endpoint (loopback clients may). */
async function setFaults(sim: RunningSimulator, rules: object[]) {
  const response = await nodeHttpFetch({ ca: sim.caCert })({
    method: 'PUT',
    url: `${sim.url}/__sim/faults`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rules),
    responseType: 'json',
    signal: new AbortController().signal,
  });
  expect(response.status).toBe(200);
}

const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('client against the simulator', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await simulator();
  });
  afterAll(() => sim.close());
  afterEach(() => setFaults(sim, []));

  it('happy path: every kind lists with the reader role, and the snapshot relates them', async () => {
    const { client } = clientFor(sim);
    const version = await client.version();
    expect(version.gitVersion).toMatch(/^v1\./);

    const outcomes = await client.listKinds(KIND_NAMES);
    const failed = KIND_NAMES.filter((kind) => !outcomes[kind]?.ok);
    expect(failed).toEqual([]);
    const snapshot = buildSnapshot(outcomes);
    expect(snapshot.byKind.Pod.length).toBe(sim.sim.store.count('pods'));
    expect(snapshot.byKind.Node.length).toBe(sim.sim.store.count('nodes'));

    // Every scheduled pod's node is in the snapshot; every ReplicaSet-owned pod reaches its Deployment.
    const runsOn = [...snapshot.edgesFrom.values()].flat().filter((e) => e.relation === 'runsOn');
    expect(runsOn.length).toBeGreaterThan(0);
    expect(runsOn.filter((e) => e.missing)).toEqual([]);
    const rsPod = snapshot.byKind.Pod.find((p) => p.owners.some((o) => o.kind === 'ReplicaSet'));
    const replicaSet = snapshot.edgesTo.get(rsPod!.uid)!.find((e) => e.relation === 'owns')!.from;
    const deployment = snapshot.edgesTo.get(replicaSet)!.find((e) => e.relation === 'owns')!.from;
    expect(snapshot.byUid.get(deployment)?.kind).toBe('Deployment');
    // Services with selectors select pods.
    const selects = [...snapshot.edgesFrom.values()].flat().filter((e) => e.relation === 'selects');
    expect(selects.length).toBeGreaterThan(0);
  });

  it('discovery serves every kind; RBAC reviews show the manifests grant what the app needs', async () => {
    const { client } = clientFor(sim);
    const discovery = await client.discover(KIND_NAMES);
    expect(discovery.missing).toEqual([]);

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
    const { client } = clientFor(sim);
    const deployment = sim.sim.store.list('deployments')[0];
    const { namespace, name } = deployment.metadata as { namespace: string; name: string };
    await client.scale('Deployment', namespace, name, 3);
    expect((await client.get('Deployment', name, namespace)).spec).toMatchObject({ replicas: 3 });

    await client.restart('Deployment', namespace, name, new Date('2026-01-10T12:30:00Z'));
    const restarted = (await client.get('Deployment', name, namespace)) as {
      spec: { template: { metadata: { annotations: object } } };
    };
    expect(restarted.spec.template.metadata.annotations).toMatchObject({
      'kubectl.kubernetes.io/restartedAt': '2026-01-10T12:30:00.000Z',
    });

    const pod = sim.sim.store.list('pods')[0].metadata as { namespace: string; name: string };
    await client.deletePod(pod.namespace, pod.name);
  });

  it('a wrong token is Unauthorized with the fix', async () => {
    const { client } = clientFor(sim, { headers: { Authorization: 'Bearer not-a-token' } });
    const error = await client.list('Pod').catch((e) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain('kubeatlas-token');
  });

  it('one forbidden kind: the others still load; the error names the kind and the rule to add', async () => {
    await setFaults(sim, [{ type: 'forbidden', resource: 'nodes' }]);
    const { client } = clientFor(sim);
    const outcomes = await client.listKinds(KIND_NAMES);
    const failed = KIND_NAMES.filter((kind) => !outcomes[kind]?.ok);
    expect(failed).toEqual(['Node']);
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
    const { client } = clientFor(sim, {
      sleep: async (ms) => {
        sleeps.push(ms);
        await setFaults(sim, []); // the server recovers during the backoff
      },
    });
    const result = await client.list('Pod');
    expect(sleeps).toEqual([1000]);
    expect(result.stats).toMatchObject({ retries: 1, requests: 2 });
    expect(result.items.length).toBe(sim.sim.store.count('pods'));
  });

  it('429 and 5xx that persist are surfaced after the bounded retries', async () => {
    for (const status of [429, 503]) {
      await setFaults(sim, [{ type: 'error', status, retryAfter: 1, path: '^/apis/apps/v1/deployments$' }]);
      const { client, requests } = clientFor(sim, { retry: { maxRetries: 2, maxDelayMs: 20 } });
      const error = await client.list('Deployment').catch((e) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.message).toContain(`answered ${status}`);
      expect(error.message).toContain('after 2 retries');
      expect(requests).toHaveLength(3);
    }
  });

  it('a dropped connection is retried', async () => {
    await setFaults(sim, [{ type: 'reset', path: '^/api/v1/namespaces$' }]);
    const { client, requests } = clientFor(sim, {
      sleep: async () => {
        await setFaults(sim, []);
      },
    });
    const result = await client.list('Namespace');
    expect(result.items.length).toBe(sim.sim.store.count('namespaces'));
    expect(requests).toHaveLength(2);
  });

  it('cancellation aborts the request in flight', async () => {
    await setFaults(sim, [{ type: 'latency', ms: 3000, path: '^/api/v1/pods$' }]);
    const { client } = clientFor(sim);
    const controller = new AbortController();
    const started = Date.now();
    const pending = client.list('Pod', { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a request slower than the timeout is a Timeout', async () => {
    await setFaults(sim, [{ type: 'latency', ms: 3000, path: '^/api/v1/pods$' }]);
    const { client } = clientFor(sim, { timeoutMs: 200 });
    const error = await client.list('Pod').catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
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

  it('5,000 pods with limit 500 take exactly 10 list requests', async () => {
    const store = sim.sim.store;
    const template = store.list('pods')[0];
    for (let i = 0; store.count('pods') < 5000; i++) {
      // uid, resourceVersion and creationTimestamp empty: the store assigns them on create.
      store.create('pods', {
        ...template,
        metadata: {
          name: `load-${i}`,
          namespace: 'default',
          labels: { load: 'yes' },
          uid: '',
          resourceVersion: '',
          creationTimestamp: '',
        },
      });
    }
    const { client, requests } = clientFor(sim);
    const result = await client.list('Pod');
    expect(result.items).toHaveLength(5000);
    expect(new Set(result.items.map((p) => p.metadata?.uid)).size).toBe(5000);
    expect(requests).toHaveLength(10);
    expect(requests.every((r) => new URL(r.url).searchParams.get('limit') === '500')).toBe(true);
    expect(result.stats).toEqual({ requests: 10, pages: 10, retries: 0, restarts: 0 });
  });
});

describe('continue token expiry (410)', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await simulator('--continue-ttl', '1');
  });
  afterAll(() => sim.close());

  it('restarts the list once when its continue token expired, and returns the full list', async () => {
    const { client } = clientFor(sim);
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
    expect(result.items.length).toBe(sim.sim.store.count('pods'));
  });
});
