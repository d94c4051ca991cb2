/**
 * @jest-environment node
 */
import { KIND_NAMES } from '../k8s/kinds';
import { normalize, normalizeAll } from './normalize';
import { parseQuantity } from './quantity';
import * as raw from './testdata/cluster';
import { Health, type PodModel } from './types';

const t = (iso: string) => Date.parse(iso);

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['2k', 2000],
    ['1G', 1e9],
    ['1e3', 1000],
    ['500n', 5e-7],
    [3, 3],
  ])('%s → %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value as number, 12);
  });

  it.each([undefined, null, '', 'abc', '1Xi', '--1', {}])('%p is not a quantity', (value) => {
    expect(parseQuantity(value)).toBeUndefined();
  });
});

describe('normalize: minimal and malformed objects', () => {
  it.each(KIND_NAMES)('%s: an object with only a name yields a model with empty defaults', (kind) => {
    const model = normalize(kind, {
      metadata: { name: 'x', namespace: 'ns' },
      involvedObject: { kind: 'Pod', name: 'p' },
    });
    expect(model).toBeDefined();
    expect(model).toMatchObject({ kind, name: 'x', uid: `${kind}/ns/x`, labels: {}, owners: [] });
    expect(Object.values(Health)).toContain(model?.status.health);
  });

  it.each(KIND_NAMES)('%s: garbage in every field never throws', (kind) => {
    const garbage = {
      metadata: { name: 'x', labels: 'no', ownerReferences: [null, 1, { kind: 'A' }], creationTimestamp: 'never' },
      spec: { containers: 'none', ports: [{ port: 'eighty' }], rules: [null], selector: [], replicas: '3', taints: {} },
      status: { conditions: {}, containerStatuses: [{}], phase: 7, loadBalancer: { ingress: 'x' }, capacity: [] },
      endpoints: 'none',
      involvedObject: { kind: 'Pod', name: 'p' },
    };
    const model = normalize(kind, garbage);
    expect(model?.name).toBe('x');
    expect(model?.createdAt).toBeUndefined();
    expect(model?.labels).toEqual({});
    expect(model?.owners).toEqual([]);
  });

  it('objects without a name, and non-objects, are dropped', () => {
    expect(normalize('Pod', { metadata: {} })).toBeUndefined();
    expect(normalize('Pod', null)).toBeUndefined();
    expect(normalize('Pod', 'pod')).toBeUndefined();
    expect(normalizeAll('Pod', [null, { metadata: { name: 'a' } }, 42])).toHaveLength(1);
  });

  it('an Event without involvedObject is dropped (it cannot be placed)', () => {
    expect(normalize('Event', { metadata: { name: 'e' }, reason: 'X' })).toBeUndefined();
  });

  it('missing workload status counts are zero and missing spec.replicas is 1 (API defaults)', () => {
    expect(normalize('Deployment', { metadata: { name: 'd' } })?.replicas).toEqual({
      desired: 1,
      current: 0,
      ready: 0,
      available: 0,
      updated: 0,
    });
  });
});

describe('normalize: pods', () => {
  const [healthy, crashing, completed, unschedulable] = normalizeAll('Pod', raw.rawPods) as PodModel[];

  it('summarizes a healthy pod with its container spec and state', () => {
    expect(healthy).toMatchObject({
      uid: 'p-web-1',
      namespace: 'shop',
      phase: 'Running',
      nodeName: 'node-a',
      podIP: '10.1.0.5',
      ready: true,
      readyContainers: 1,
      restarts: 0,
      serviceAccount: 'web',
      owners: [{ kind: 'ReplicaSet', name: 'web-7d9', uid: 'rs-web', controller: true }],
      status: { health: Health.Healthy, phase: 'Running' },
      requests: { cpu: 0.25, memory: 128 * 2 ** 20 },
      limits: { cpu: 1, memory: 256 * 2 ** 20 },
    });
    expect(healthy.containers[0]).toMatchObject({
      name: 'web',
      image: 'shop/web:1.2',
      state: 'running',
      startedAt: t('2026-01-01T10:00:06Z'),
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      probes: {
        readiness: { handler: 'http', port: 'http', path: '/healthz', periodSeconds: 5 },
        liveness: { handler: 'tcp', port: 8080 },
      },
    });
  });

  it('keeps when a ready pod became Ready, and nothing for a pod that is not ready', () => {
    const withReady = (status: string) =>
      normalize('Pod', {
        metadata: { name: 'p' },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status, lastTransitionTime: '2026-01-01T10:00:09Z', lastProbeTime: null }],
        },
      });
    expect(withReady('True')?.readySince).toBe(t('2026-01-01T10:00:09Z'));
    expect(withReady('False')?.readySince).toBeUndefined();
    expect(healthy.readySince).toBeUndefined();
  });

  it('a crash-looping container fails the pod, naming the container, with the last termination', () => {
    expect(crashing.status).toEqual({
      health: Health.Failed,
      phase: 'Running',
      reason: 'CrashLoopBackOff',
      message: 'Container web: back-off 5m0s restarting failed container',
    });
    expect(crashing.restarts).toBe(7);
    expect(crashing.containers[0].lastTermination).toEqual({
      reason: 'OOMKilled',
      exitCode: 137,
      finishedAt: t('2026-01-01T11:00:00Z'),
    });
    expect(crashing.initContainers[0]).toMatchObject({
      name: 'migrate',
      init: true,
      state: 'terminated',
      reason: 'Completed',
    });
  });

  it('effective requests take the largest init container (scheduler rule)', () => {
    // app: 250m / 128Mi; init: 2 cores / 64Mi → cpu from init, memory from app
    expect(crashing.requests).toEqual({ cpu: 2, memory: 128 * 2 ** 20 });
  });

  it('succeeded pods are healthy; unschedulable pending pods fail with the scheduler message', () => {
    expect(completed.status).toMatchObject({ health: Health.Healthy, reason: 'Completed' });
    expect(unschedulable.status).toEqual({
      health: Health.Failed,
      phase: 'Pending',
      reason: 'Unschedulable',
      message: '0/2 nodes are available',
    });
    expect(unschedulable.claimNames).toEqual(['data-pg-0']);
  });

  it('a terminating pod is progressing', () => {
    const pod = normalize('Pod', {
      metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' },
      status: { phase: 'Running' },
    });
    expect(pod?.terminating).toBe(true);
    expect(pod?.status.reason).toBe('Terminating');
  });
});

describe('normalize: other kinds', () => {
  it('nodes: roles, readiness, taints, allocatable, versions', () => {
    const [a, b] = normalizeAll('Node', raw.rawNodes);
    expect(a).toMatchObject({
      roles: ['control-plane'],
      ready: true,
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
      allocatable: { cpu: 3.8, memory: 15 * 2 ** 30, pods: 110 },
      kubeletVersion: 'v1.31.2',
      containerRuntime: 'containerd://1.7',
      internalIP: '10.0.0.1',
      zone: 'z1',
      status: { health: Health.Healthy },
    });
    expect(b).toMatchObject({
      roles: ['worker'],
      ready: false,
      unschedulable: true,
      status: { health: Health.Failed, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting' },
    });
  });

  it('deployments: replicas, selector, template containers, kept annotations only', () => {
    const [web] = normalizeAll('Deployment', raw.rawDeployments);
    expect(web).toMatchObject({
      replicas: { desired: 2, current: 2, ready: 1, available: 1, updated: 2 },
      selector: { matchLabels: { app: 'web' }, matchExpressions: [] },
      strategy: 'RollingUpdate',
      generationPending: false,
      paused: false,
      status: { health: Health.Warning, reason: 'ReplicasUnavailable', phase: '1/2 ready' },
    });
    expect(web.annotations).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/restartedAt': '2026-01-01T10:00:00Z',
    });
    expect(web.containers.map((c) => c.image)).toEqual(['shop/web:1.2']);
  });

  it('a deployment past its progress deadline fails; one scaled to zero is healthy', () => {
    const stuck = normalize('Deployment', {
      metadata: { name: 'd' },
      spec: { replicas: 1 },
      status: {
        conditions: [
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' },
        ],
      },
    });
    expect(stuck?.status).toMatchObject({ health: Health.Failed, reason: 'ProgressDeadlineExceeded' });
    expect(normalize('Deployment', { metadata: { name: 'z' }, spec: { replicas: 0 } })?.status.health).toBe(
      Health.Healthy
    );
  });

  it('services: type, ports, LB address, headless, no selector', () => {
    const [web, pg, external] = normalizeAll('Service', raw.rawServices);
    expect(web).toMatchObject({
      type: 'LoadBalancer',
      clusterIP: '10.96.0.10',
      loadBalancerAddresses: ['203.0.113.7'],
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080 }],
      status: { health: Health.Healthy },
    });
    expect(pg).toMatchObject({ type: 'ClusterIP', headless: true, ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(external).toMatchObject({ type: 'ExternalName', externalName: 'db.example.com', selector: undefined });
  });

  it('ingresses: one rule per host/path with backend service and port', () => {
    const [shop] = normalizeAll('Ingress', raw.rawIngresses);
    expect(shop.rules).toEqual([
      {
        host: 'shop.example.com',
        path: '/',
        pathType: 'Prefix',
        backend: { serviceName: 'web', servicePort: 'http', resource: undefined },
      },
      {
        host: 'shop.example.com',
        path: '/api',
        pathType: 'Prefix',
        backend: { serviceName: 'api', servicePort: 8080, resource: undefined },
      },
    ]);
    expect(shop).toMatchObject({
      ingressClassName: 'nginx',
      addresses: ['lb.example.com'],
      tls: [{ hosts: ['shop.example.com'] }],
    });
  });

  it('jobs, cronjobs, statefulsets, daemonsets, HPAs, PVCs', () => {
    const [report, migrate] = normalizeAll('Job', raw.rawJobs);
    expect(report).toMatchObject({ outcome: 'Complete', succeeded: 1, completedAt: t('2026-01-01T11:00:30Z') });
    expect(migrate).toMatchObject({
      outcome: 'Failed',
      failed: 3,
      status: { health: Health.Failed, reason: 'BackoffLimitExceeded' },
    });
    expect(normalizeAll('CronJob', raw.rawCronJobs)[0]).toMatchObject({
      schedule: '0 * * * *',
      suspend: false,
      lastSuccessfulAt: t('2026-01-01T11:00:30Z'),
      containers: [{ image: 'shop/report' }],
    });
    expect(normalizeAll('StatefulSet', raw.rawStatefulSets)[0]).toMatchObject({
      serviceName: 'pg',
      volumeClaimTemplates: ['data'],
      replicas: { desired: 1, ready: 0, available: 0 },
      status: { health: Health.Failed },
    });
    expect(normalizeAll('DaemonSet', raw.rawDaemonSets)[0]).toMatchObject({
      replicas: { desired: 2, ready: 2 },
      status: { health: Health.Healthy },
    });
    expect(normalizeAll('HorizontalPodAutoscaler', raw.rawHpas)[0]).toMatchObject({
      target: { kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', name: 'cpu', target: '80%', current: '35%' }],
    });
    expect(normalizeAll('PersistentVolumeClaim', raw.rawPvcs)[0]).toMatchObject({
      phase: 'Pending',
      requestedBytes: 10 * 2 ** 30,
      storageClassName: 'standard',
      status: { health: Health.Progressing },
    });
  });

  it('events: core fields, and events.k8s.io-style series when first/last timestamps are absent', () => {
    const [backoff, scheduling] = normalizeAll('Event', raw.rawEvents);
    expect(backoff).toMatchObject({
      type: 'Warning',
      reason: 'BackOff',
      count: 12,
      firstAt: t('2026-01-01T10:05:00Z'),
      lastAt: t('2026-01-01T11:00:00Z'),
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d9-bbb', uid: 'p-web-2' },
      source: 'kubelet',
      status: { health: Health.Warning },
    });
    expect(scheduling).toMatchObject({
      count: 4,
      firstAt: t('2026-01-01T10:00:00Z'),
      lastAt: t('2026-01-01T10:30:00Z'),
      source: 'default-scheduler',
    });
  });

  it('namespaces: terminating is progressing', () => {
    expect(normalizeAll('Namespace', raw.rawNamespaces).map((n) => n.status.health)).toEqual([
      Health.Healthy,
      Health.Progressing,
    ]);
  });
});
