/**
 * @jest-environment node
 *
 * src/k8s/actions.ts on the testbed's real control plane (kube-apiserver 1.34, controllers, scheduler, kwok), through
 * the sandbox's Grafana datasource proxy as an Editor, the way the drawer sends them: with the kubeatlas account
 * (reader + operator roles, applied from deploy/kubernetes/), with a reader-only account, and as a Viewer. Every
 * effect is read back as the cluster admin.
 */
import { applyAction, checkAccess, planAction, previewAction, type ActionTarget } from '../../src/k8s/actions';
import { ForbiddenError, RouteDeniedError } from '../../src/k8s/errors';
import { waitUntil } from '../../testbed/src/processes';
import {
  applyRbacAndReadToken,
  readerWithout,
  startGround,
  TESTBED_TIMEOUT_MS,
  throughProxy,
  type Ground,
  type Transport,
} from './harness';

interface Obj {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
  };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}
interface List {
  items: Obj[];
}

let ground: Ground;
let editor: Transport;
let readerOnly: Transport;
let viewer: Transport;

beforeAll(async () => {
  ground = await startGround();
  // The reader manifest alone, in its own namespace: nothing taken out, no operator role.
  const token = await applyRbacAndReadToken(ground.testbed, {
    manifestYaml: readerWithout('kubeatlas-readonly', 'none.invalid', 'none'),
    namespace: 'kubeatlas-readonly',
  });
  editor = await throughProxy(ground.cluster, { role: 'Editor' });
  readerOnly = await throughProxy({ ...ground.cluster, token }, { role: 'Editor' });
  viewer = await throughProxy(ground.cluster, { role: 'Viewer' });
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([editor, readerOnly, viewer].filter(Boolean).map((t) => t.close()));
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);

const admin = <T = Obj>(apiPath: string) => ground.testbed.api.get<T>(apiPath);
const until = (what: string, probe: () => Promise<boolean>) =>
  waitUntil(what, probe, { timeoutMs: 60_000, watch: [], intervalMs: 300 });

describe('dry run', () => {
  const cases: Array<[Parameters<typeof planAction>[1], ActionTarget, string]> = [
    [
      'scale',
      { kind: 'Deployment', namespace: 'shop', name: 'cart' },
      '/apis/apps/v1/namespaces/shop/deployments/cart',
    ],
    [
      'restart',
      { kind: 'StatefulSet', namespace: 'shop', name: 'redis' },
      '/apis/apps/v1/namespaces/shop/statefulsets/redis',
    ],
    [
      'restart',
      { kind: 'DaemonSet', namespace: 'data', name: 'log-collector' },
      '/apis/apps/v1/namespaces/data/daemonsets/log-collector',
    ],
    ['cordon', { kind: 'Node', name: 'kwok-worker-2' }, '/api/v1/nodes/kwok-worker-2'],
    [
      'suspend',
      { kind: 'CronJob', namespace: 'data', name: 'cleanup' },
      '/apis/batch/v1/namespaces/data/cronjobs/cleanup',
    ],
  ];

  it.each(cases)('%s %j: shows what would change and changes nothing', async (action, target, apiPath) => {
    const { client, exchanges } = editor.client();
    const before = await admin(apiPath);
    const plan = await planAction(client, action, target, { replicas: 7 });
    const changes = await previewAction(client, plan);
    expect(changes.length).toBeGreaterThan(0);
    expect(exchanges.at(-1)!.request.url).toContain('dryRun=All');
    const after = await admin(apiPath);
    // Not resourceVersion: kwok and the controllers keep writing status. Spec and generation are the object's intent.
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata.generation).toBe(before.metadata.generation);
  });

  it('delete pod: the dry run shows the grace period, the pod stays', async () => {
    const { client } = editor.client();
    const pod = (await admin<List>('/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name=catalog'))
      .items[0];
    const plan = await planAction(client, 'delete', { kind: 'Pod', namespace: 'shop', name: pod.metadata.name });
    const changes = await previewAction(client, plan);
    expect(changes.map((c) => c.field)).toEqual(['metadata.deletionTimestamp', 'metadata.deletionGracePeriodSeconds']);
    const still = await admin(`/api/v1/namespaces/shop/pods/${pod.metadata.name}`);
    expect(still.metadata.uid).toBe(pod.metadata.uid);
    expect(still.metadata.deletionTimestamp).toBeUndefined();
  });

  it('run now: the dry run names the Job it would create, and none is created', async () => {
    const { client } = editor.client();
    const jobs = () => admin<List>('/apis/batch/v1/namespaces/data/jobs');
    const count = (await jobs()).items.length;
    const plan = await planAction(client, 'run', { kind: 'CronJob', namespace: 'data', name: 'cleanup' });
    const changes = await previewAction(client, plan);
    expect(changes.find((c) => c.field === 'metadata.name')?.after).toMatch(/^cleanup-manual-[0-9a-z]+$/);
    expect((await jobs()).items.length).toBe(count);
  });
});

describe('applied', () => {
  it('scale: replicas 5 → 7 and kwok runs the new pods', async () => {
    const { client } = editor.client();
    const target: ActionTarget = { kind: 'Deployment', namespace: 'shop', name: 'cart' };
    const plan = await planAction(client, 'scale', target, { replicas: 7 });
    expect(await previewAction(client, plan)).toEqual([{ field: 'spec.replicas', before: '5', after: '7' }]);
    await applyAction(client, plan);
    expect((await admin('/apis/apps/v1/namespaces/shop/deployments/cart')).spec.replicas).toBe(7);
    await until('7 cart pods running', async () => {
      const pods = await admin<List>('/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name=cart');
      const running = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
      return running.length === 7;
    });
  });

  it('cordon sets spec.unschedulable, uncordon clears it', async () => {
    const { client } = editor.client();
    const node: ActionTarget = { kind: 'Node', name: 'kwok-worker-1' };
    const cordon = await planAction(client, 'cordon', node);
    expect(await previewAction(client, cordon)).toEqual([
      { field: 'spec.unschedulable', before: 'false', after: 'true' },
    ]);
    await applyAction(client, cordon);
    expect((await admin('/api/v1/nodes/kwok-worker-1')).spec.unschedulable).toBe(true);

    const uncordon = await planAction(client, 'uncordon', node);
    expect(await previewAction(client, uncordon)).toEqual([
      { field: 'spec.unschedulable', before: 'true', after: 'false' },
    ]);
    await applyAction(client, uncordon);
    expect((await admin('/api/v1/nodes/kwok-worker-1')).spec.unschedulable).toBeUndefined();
  });

  it('suspend sets spec.suspend, resume clears it', async () => {
    const { client } = editor.client();
    const cronJob: ActionTarget = { kind: 'CronJob', namespace: 'data', name: 'nightly-report' };
    const suspend = await planAction(client, 'suspend', cronJob);
    expect(await previewAction(client, suspend)).toEqual([{ field: 'spec.suspend', before: 'false', after: 'true' }]);
    await applyAction(client, suspend);
    expect((await admin('/apis/batch/v1/namespaces/data/cronjobs/nightly-report')).spec.suspend).toBe(true);
    await applyAction(client, await planAction(client, 'resume', cronJob));
    expect((await admin('/apis/batch/v1/namespaces/data/cronjobs/nightly-report')).spec.suspend).toBe(false);
  });

  it('run now creates a Job owned by the CronJob, annotated as manual, whose pod runs', async () => {
    const { client } = editor.client();
    const cronJob = await admin('/apis/batch/v1/namespaces/data/cronjobs/cleanup');
    const plan = await planAction(client, 'run', { kind: 'CronJob', namespace: 'data', name: 'cleanup' });
    const created = (await applyAction(client, plan)) as unknown as Obj;
    const job = await admin(`/apis/batch/v1/namespaces/data/jobs/${created.metadata.name}`);
    expect(job.metadata.annotations).toMatchObject({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'CronJob', name: 'cleanup', uid: cronJob.metadata.uid, controller: true }),
    ]);
    await until(`a pod of Job ${created.metadata.name}`, async () => {
      const pods = await admin<List>(`/api/v1/namespaces/data/pods?labelSelector=job-name=${created.metadata.name}`);
      return pods.items.length > 0;
    });
  });

  it('rollout restart stamps the template; delete pod removes the pod', async () => {
    const { client } = editor.client();
    const plan = await planAction(client, 'restart', { kind: 'Deployment', namespace: 'shop', name: 'catalog' });
    const [change] = await previewAction(client, plan);
    expect(change.field).toBe('spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]');
    await applyAction(client, plan);
    const deployment = await admin('/apis/apps/v1/namespaces/shop/deployments/catalog');
    const template = deployment.spec.template as { metadata: { annotations: Record<string, string> } };
    expect(template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(change.after);

    const pod = (await admin<List>('/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name=frontend'))
      .items[0];
    await applyAction(
      client,
      await planAction(client, 'delete', { kind: 'Pod', namespace: 'shop', name: pod.metadata.name })
    );
    const after = await ground.testbed.api.request<Obj>('GET', `/api/v1/namespaces/shop/pods/${pod.metadata.name}`);
    expect(after.status === 404 || !!after.body.metadata.deletionTimestamp).toBe(true);
  });
});

describe('who may', () => {
  it('the kubeatlas account may do every action (SelfSubjectAccessReview)', async () => {
    const { client } = editor.client();
    const targets: Array<[Parameters<typeof checkAccess>[1], ActionTarget]> = [
      ['scale', { kind: 'ReplicaSet', namespace: 'shop', name: 'x' }],
      ['restart', { kind: 'DaemonSet', namespace: 'data', name: 'log-collector' }],
      ['delete', { kind: 'Pod', namespace: 'shop', name: 'x' }],
      ['cordon', { kind: 'Node', name: 'kwok-worker-1' }],
      ['suspend', { kind: 'CronJob', namespace: 'data', name: 'cleanup' }],
      ['run', { kind: 'CronJob', namespace: 'data', name: 'cleanup' }],
    ];
    for (const [action, target] of targets) {
      expect({ action, access: await checkAccess(client, action, target) }).toEqual({
        action,
        access: { allowed: true },
      });
    }
  });

  it('the reader-only token: the review names the missing rule, the dry run is a ForbiddenError naming it', async () => {
    const { client } = readerOnly.client();
    const target: ActionTarget = { kind: 'Deployment', namespace: 'shop', name: 'cart' };
    expect(await checkAccess(client, 'scale', target)).toEqual({
      allowed: false,
      reason: expect.stringContaining('{apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}'),
    });
    const error = await previewAction(client, await planAction(client, 'scale', target, { replicas: 2 })).catch(
      (e) => e
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      status: 403,
      kind: 'Deployment',
      verb: 'patch',
      namespace: 'shop',
      rule: '{apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}',
    });
    const run = await previewAction(
      client,
      await planAction(client, 'run', { kind: 'CronJob', namespace: 'data', name: 'cleanup' })
    ).catch((e) => e);
    expect(run).toBeInstanceOf(ForbiddenError);
    expect(run.message).toContain('{apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"]}');
    const cordon = await checkAccess(client, 'cordon', { kind: 'Node', name: 'kwok-worker-1' });
    expect(cordon).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('may not patch Node cluster-wide'),
    });
  });

  it('a Viewer: Grafana refuses the dry run on the write route, before the cluster sees it', async () => {
    const { client } = viewer.client();
    const plan = await planAction(client, 'cordon', { kind: 'Node', name: 'kwok-worker-1' });
    const error = await previewAction(client, plan).catch((e) => e);
    expect(error).toBeInstanceOf(RouteDeniedError);
    const job = await planAction(client, 'run', { kind: 'CronJob', namespace: 'data', name: 'cleanup' });
    expect(await previewAction(client, job).catch((e) => e)).toBeInstanceOf(RouteDeniedError);
  });
});
