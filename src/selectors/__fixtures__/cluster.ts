/**
 * A small cluster as raw Kubernetes objects, run through the real normalizer and snapshot builder, with one of each
 * problem the demo scenario plants. Times are relative to NOW so "recent" is deterministic.
 */
import { ListOutcome } from '../../k8s/client';
import { ClusterSnapshot, KindName } from '../../model/types';
import { snapshotFromRaw } from './apiObjects';

export const NOW = Date.parse('2026-01-10T12:00:00Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const MIN = 60_000;

let uidCounter = 0;
const uid = (name: string) => `${name}-uid-${++uidCounter}`;

function meta(name: string, namespace?: string, extra: Record<string, unknown> = {}) {
  return { name, namespace, uid: uid(name), creationTimestamp: iso(60 * MIN), ...extra };
}

function owner(kind: string, target: { metadata: { name: string; uid: string } }) {
  return [{ apiVersion: 'v1', kind, name: target.metadata.name, uid: target.metadata.uid, controller: true }];
}

const resources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

function node(name: string, ready: boolean, extraConditions: Array<Record<string, string>> = []) {
  return {
    metadata: meta(name, undefined, { labels: { 'node-role.kubernetes.io/worker': '' } }),
    spec: {},
    status: {
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      nodeInfo: { kubeletVersion: 'v1.30.2' },
      conditions: [
        ready
          ? { type: 'Ready', status: 'True', reason: 'KubeletReady' }
          : {
              type: 'Ready',
              status: 'Unknown',
              reason: 'NodeStatusUnknown',
              message: 'Kubelet stopped posting node status.',
            },
        ...extraConditions,
      ],
    },
  };
}

function pod(
  name: string,
  namespace: string,
  opts: {
    labels?: Record<string, string>;
    owners?: unknown[];
    node?: string;
    phase?: string;
    ready?: boolean;
    containerStatus?: Record<string, unknown>;
    conditions?: unknown[];
    resources?: unknown;
    image?: string;
  }
) {
  const ready = opts.ready ?? true;
  return {
    metadata: meta(name, namespace, { labels: opts.labels ?? {}, ownerReferences: opts.owners }),
    spec: {
      nodeName: opts.node,
      containers: [
        { name: 'main', image: opts.image ?? `${name.split('-')[0]}:1.0`, resources: opts.resources ?? resources },
      ],
    },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: opts.conditions ?? [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses:
        opts.phase === 'Pending' && !opts.containerStatus
          ? undefined
          : [
              {
                name: 'main',
                image: opts.image ?? `${name.split('-')[0]}:1.0`,
                ready,
                restartCount: 0,
                state: { running: { startedAt: iso(30 * MIN) } },
                ...opts.containerStatus,
              },
            ],
    },
  };
}

function deployment(
  name: string,
  namespace: string,
  desired: number,
  available: number,
  labels: Record<string, string>
) {
  return {
    metadata: meta(name, namespace, { labels, generation: 1 }),
    spec: {
      replicas: desired,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: `${name}:1.0`, resources }] } },
    },
    status: {
      observedGeneration: 1,
      replicas: desired,
      readyReplicas: available,
      availableReplicas: available,
      updatedReplicas: desired,
    },
  };
}

function replicaSet(d: ReturnType<typeof deployment>) {
  return {
    metadata: meta(`${d.metadata.name}-7d9f`, d.metadata.namespace, {
      ownerReferences: owner('Deployment', d),
      labels: d.spec.selector.matchLabels,
    }),
    spec: { replicas: d.spec.replicas, selector: d.spec.selector, template: d.spec.template },
    status: { replicas: d.spec.replicas },
  };
}

export function demoRawObjects(): Partial<Record<KindName, unknown[]>> {
  uidCounter = 0;
  const nodeA = node('node-a', true);
  const nodeB = node('node-b', false, [
    {
      type: 'MemoryPressure',
      status: 'True',
      reason: 'KubeletHasInsufficientMemory',
      message: 'kubelet has insufficient memory available',
    },
  ]);

  const web = deployment('web', 'shop', 3, 2, { app: 'web' });
  const webRs = replicaSet(web);
  const webPods = [1, 2, 3].map((i) =>
    pod(`web-7d9f-${i}`, 'shop', {
      labels: { app: 'web' },
      owners: owner('ReplicaSet', webRs),
      node: 'node-a',
      ready: i < 3,
    })
  );

  const api = deployment('api', 'shop', 1, 0, { app: 'api' });
  const apiRs = replicaSet(api);
  const apiPod = pod('api-7d9f-x', 'shop', {
    labels: { app: 'api' },
    owners: owner('ReplicaSet', apiRs),
    node: 'node-a',
    ready: false,
    containerStatus: {
      restartCount: 12,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
      lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: iso(2 * MIN) } },
    },
  });

  const badImage = pod('broken-image', 'shop', {
    node: 'node-a',
    phase: 'Pending',
    ready: false,
    image: 'registry.invalid/nope:latest',
    containerStatus: { state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } },
  });

  const pending = pod('huge-0', 'batch', {
    phase: 'Pending',
    ready: false,
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/2 nodes are available: 2 Insufficient memory.',
      },
    ],
    resources: { requests: { cpu: '1', memory: '64Gi' } },
  });

  const db = {
    metadata: meta('db', 'shop', { labels: { app: 'db' }, generation: 1 }),
    spec: {
      replicas: 1,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'postgres', image: 'postgres:16' }] },
      },
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      currentReplicas: 1,
      updatedReplicas: 1,
    },
  };
  const dbPod = pod('db-0', 'shop', {
    labels: { app: 'db' },
    owners: owner('StatefulSet', db),
    node: 'node-a',
    resources: {},
  });

  const agent = {
    metadata: meta('agent', 'kube-system', { labels: { app: 'agent' }, generation: 1 }),
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image: 'agent:2', resources }] },
      },
    },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      numberReady: 1,
      numberAvailable: 1,
      updatedNumberScheduled: 1,
    },
  };
  const agentPod = pod('agent-abcde', 'kube-system', {
    labels: { app: 'agent' },
    owners: owner('DaemonSet', agent),
    node: 'node-a',
  });

  const cron = {
    metadata: meta('report', 'batch'),
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'report', image: 'report:1', resources }] } } } },
    },
    status: { lastScheduleTime: iso(5 * MIN) },
  };
  const failedJob = {
    metadata: meta('report-2901', 'batch', {
      ownerReferences: owner('CronJob', cron),
      labels: { 'job-name': 'report-2901' },
    }),
    spec: {
      completions: 1,
      backoffLimit: 0,
      selector: { matchLabels: { 'job-name': 'report-2901' } },
      template: { spec: { containers: [{ name: 'report', image: 'report:1', resources }] } },
    },
    status: {
      startTime: iso(5 * MIN),
      failed: 1,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    },
  };
  const jobPod = pod('report-2901-abc', 'batch', {
    owners: owner('Job', failedJob),
    node: 'node-a',
    phase: 'Failed',
    ready: false,
    containerStatus: { state: { terminated: { reason: 'Error', exitCode: 1 } } },
  });

  const webSvc = {
    metadata: meta('web', 'shop'),
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.0.0.10',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
    status: {},
  };
  const dbSvc = {
    metadata: meta('db', 'shop'),
    spec: {
      type: 'NodePort',
      clusterIP: '10.0.0.11',
      selector: { app: 'db' },
      ports: [{ name: 'pg', port: 5432, targetPort: 'pg', protocol: 'TCP', nodePort: 30432 }],
    },
    status: {},
  };
  const ingress = {
    metadata: meta('shop', 'shop'),
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
          },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
  };

  const event = (
    name: string,
    involved: { kind: string; metadata: { name: string; namespace?: string; uid: string } },
    reason: string,
    message: string,
    agoMs: number
  ) => ({
    metadata: meta(name, involved.metadata.namespace ?? 'default'),
    type: 'Warning',
    reason,
    message,
    count: 3,
    involvedObject: {
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      uid: involved.metadata.uid,
    },
    firstTimestamp: iso(agoMs + MIN),
    lastTimestamp: iso(agoMs),
  });

  return {
    Namespace: ['shop', 'batch', 'kube-system'].map((n) => ({ metadata: meta(n), status: { phase: 'Active' } })),
    Node: [nodeA, nodeB],
    Pod: [...webPods, apiPod, badImage, pending, dbPod, agentPod, jobPod],
    Deployment: [web, api],
    ReplicaSet: [webRs, apiRs],
    StatefulSet: [db],
    DaemonSet: [agent],
    CronJob: [cron],
    Job: [failedJob],
    Service: [webSvc, dbSvc],
    Ingress: [ingress],
    Event: [
      event(
        'huge-0.1',
        { kind: 'Pod', metadata: pending.metadata },
        'FailedScheduling',
        '0/2 nodes are available: 2 Insufficient memory.',
        MIN
      ),
      event(
        'api.1',
        { kind: 'Pod', metadata: apiPod.metadata },
        'BackOff',
        'Back-off restarting failed container',
        MIN
      ),
      event(
        'web.1',
        { kind: 'Service', metadata: webSvc.metadata },
        'SyncLoadBalancerFailed',
        'Error syncing load balancer',
        10 * MIN
      ),
      event('old.1', { kind: 'Service', metadata: dbSvc.metadata }, 'Old', 'long ago', 5 * 60 * MIN),
    ],
    EndpointSlice: [],
    HorizontalPodAutoscaler: [],
    PersistentVolumeClaim: [],
  };
}

/** The snapshot built exactly as the pages build it, optionally with some kinds failing. */
export function demoSnapshot(failures: Partial<Record<KindName, ListOutcome & { ok: false }>> = {}): ClusterSnapshot {
  return snapshotFromRaw(demoRawObjects(), NOW, failures);
}
