/**
 * Raw objects shaped as kube-apiserver 1.34 returns them with kwok playing the kubelets, as the testbed (testbed/)
 * lists them: metav1.Time in whole seconds, eventTime and series.lastObservedTime in microseconds, zero counts
 * omitted, and the timestamps an events.k8s.io/v1 writer leaves empty read back as null through core/v1.
 */
import { KINDS } from '../../k8s/kinds';
import { ListOutcome } from '../../k8s/client';
import { buildSnapshot } from '../../model/snapshot';
import { ClusterSnapshot, KindName } from '../../model/types';

export const SEC = 1000;
export const MIN = 60 * SEC;

/** metav1.Time: whole seconds. */
export const time = (ms: number) => new Date(Math.floor(ms / SEC) * SEC).toISOString().replace('.000Z', 'Z');
/** metav1.MicroTime: microseconds. */
const microTime = (ms: number) => new Date(ms).toISOString().replace('Z', '123Z');

let uidCounter = 0;
/** Makes uids (and names derived from them) the same on every build of a fixture. */
export function resetUids() {
  uidCounter = 0;
}
export const newUid = () => `5f0c${String(++uidCounter).padStart(4, '0')}-8a1e-4c2b-9d3f-3c6b1e0a7d42`;

export interface Meta {
  name: string;
  namespace?: string;
  uid: string;
}

export function metadata(name: string, namespace: string | undefined, created: number, extra = {}) {
  const uid = newUid();
  return {
    name,
    namespace,
    uid,
    resourceVersion: String(400 + uidCounter),
    creationTimestamp: time(created),
    ...extra,
  };
}

export function ownedBy(kind: string, apiVersion: string, target: { metadata: Meta }) {
  const { name, uid } = target.metadata;
  return [{ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }];
}

export function readyNode(name: string, created: number, readySince: number, heartbeat: number) {
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: time(heartbeat),
    lastTransitionTime: time(readySince),
  });
  const resources = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    metadata: metadata(name, undefined, created, { annotations: { 'kwok.x-k8s.io/node': 'fake' } }),
    spec: {},
    status: {
      allocatable: resources,
      capacity: resources,
      conditions: [
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      ],
      nodeInfo: { kubeletVersion: 'v1.34.2', osImage: 'kwok', containerRuntimeVersion: 'kwok-v0.8.0' },
    },
  };
}

export interface PodOptions {
  created: number;
  owners?: unknown[];
  labels?: Record<string, string>;
  /** Not scheduled without it: Pending with PodScheduled=False, the scheduler's message as its reason. */
  nodeName?: string;
  unschedulableMessage?: string;
  scheduledAt?: number;
  /** Ready since then; not ready without it. */
  readyAt?: number;
  /** The container waits (CrashLoopBackOff, ContainerCreating) instead of running. */
  waiting?: { reason: string; message?: string };
  /** Bound but still creating its containers: phase Pending. */
  creating?: boolean;
  restarts?: number;
  lastTermination?: { reason: string; exitCode: number; at: number };
}

function podStatus(opts: PodOptions, image: string) {
  const condition = (type: string, status: boolean, at: number, reason?: string) => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: time(at),
    ...(reason ? { reason } : {}),
  });
  if (!opts.nodeName) {
    const scheduled = { ...condition('PodScheduled', false, opts.created, 'Unschedulable'), observedGeneration: 1 };
    return {
      phase: 'Pending',
      qosClass: 'Burstable',
      conditions: [{ ...scheduled, message: opts.unschedulableMessage }],
    };
  }
  const scheduledAt = opts.scheduledAt ?? opts.created;
  const ready = opts.readyAt !== undefined;
  const termination = opts.lastTermination;
  return {
    phase: opts.creating ? 'Pending' : 'Running',
    hostIP: '127.0.0.1',
    podIP: opts.creating ? undefined : `10.244.0.${uidCounter}`,
    qosClass: 'Burstable',
    startTime: time(scheduledAt),
    conditions: [
      condition('PodScheduled', true, scheduledAt),
      condition('Initialized', true, scheduledAt),
      condition('ContainersReady', ready, opts.readyAt ?? scheduledAt, ready ? undefined : 'ContainersNotReady'),
      condition('Ready', ready, opts.readyAt ?? scheduledAt, ready ? undefined : 'ContainersNotReady'),
    ],
    containerStatuses: [
      {
        name: 'main',
        image,
        imageID: `${image}@sha256:6eee59239eda6d582b652a554b5452f53a1a7ec460f5fd33a9e831edb5db28af`,
        ready,
        started: !opts.waiting,
        restartCount: opts.restarts ?? 0,
        state: opts.waiting ? { waiting: opts.waiting } : { running: { startedAt: time(scheduledAt) } },
        lastState: termination
          ? {
              terminated: {
                exitCode: termination.exitCode,
                reason: termination.reason,
                finishedAt: time(termination.at),
              },
            }
          : {},
      },
    ],
  };
}

export function pod(name: string, namespace: string, opts: PodOptions) {
  const image = `registry.example.com/${namespace}/${name.split('-')[0]}:1.4.2`;
  return {
    metadata: metadata(name, namespace, opts.created, { labels: opts.labels ?? {}, ownerReferences: opts.owners }),
    spec: {
      nodeName: opts.nodeName,
      containers: [{ name: 'main', image, resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
      schedulerName: 'default-scheduler',
    },
    status: podStatus(opts, image),
  };
}

/** A Deployment, its ReplicaSet and the ownerReferences of its pods; `ready` of `replicas` ready and available. */
export function deploymentWithReplicaSet(
  name: string,
  namespace: string,
  created: number,
  replicas: number,
  ready: number
) {
  const labels = { app: name };
  const counts = { replicas, readyReplicas: ready || undefined, availableReplicas: ready || undefined };
  const deployment = {
    metadata: metadata(name, namespace, created, { labels, generation: 1 }),
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: `${name}:1.4.2` }] } },
    },
    status: {
      observedGeneration: 1,
      ...counts,
      updatedReplicas: replicas,
      unavailableReplicas: replicas - ready || undefined,
    },
  };
  const replicaSet = {
    metadata: metadata(`${name}-745cbbf7b8`, namespace, created, {
      labels: { ...labels, 'pod-template-hash': '745cbbf7b8' },
      ownerReferences: ownedBy('Deployment', 'apps/v1', deployment),
      generation: 1,
    }),
    spec: { replicas, selector: deployment.spec.selector, template: deployment.spec.template },
    status: { observedGeneration: 1, ...counts },
  };
  return { deployment, replicaSet, podOwners: ownedBy('ReplicaSet', 'apps/v1', replicaSet), labels };
}

const eventName = (about: { metadata: Meta }) => `${about.metadata.name}.18ed724a${(uidCounter + 1).toString(16)}`;

/** An event the scheduler wrote through events.k8s.io/v1, as the core/v1 list returns it. */
export function schedulerEvent(
  about: { metadata: Meta },
  event: { type?: string; reason: string; message: string; at: number; series?: { count: number; last: number } }
) {
  const { namespace, name, uid } = about.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: metadata(eventName(about), namespace, event.at),
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid, resourceVersion: '411' },
    type: event.type ?? 'Warning',
    reason: event.reason,
    message: event.message,
    action: event.reason === 'Scheduled' ? 'Binding' : 'Scheduling',
    eventTime: microTime(event.at),
    ...(event.series ? { series: { count: event.series.count, lastObservedTime: microTime(event.series.last) } } : {}),
    firstTimestamp: null,
    lastTimestamp: null,
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-vm',
    source: {},
  };
}

/** A Warning of the core/v1 recorder (kubelet or kwok, the controllers). `uid` overrides the object's own. */
export function coreEvent(
  about: { kind: string; apiVersion: string; metadata: Meta },
  event: {
    reason: string;
    message: string;
    first: number;
    last: number;
    count: number;
    component: string;
    uid?: string;
  }
) {
  const { namespace, name, uid } = about.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: metadata(eventName(about), namespace ?? 'default', event.first),
    involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name, namespace, uid: event.uid ?? uid },
    type: 'Warning',
    reason: event.reason,
    message: event.message,
    count: event.count,
    eventTime: null,
    firstTimestamp: time(event.first),
    lastTimestamp: time(event.last),
    reportingComponent: event.component,
    reportingInstance: '',
    source: { component: event.component },
  };
}

/** The snapshot built from raw lists as the pages build it, optionally with some kinds failing to list. */
export function snapshotFromRaw(
  raw: Partial<Record<KindName, unknown[]>>,
  now: number,
  failures: Partial<Record<KindName, ListOutcome & { ok: false }>> = {}
): ClusterSnapshot {
  const outcomes: Partial<Record<KindName, ListOutcome>> = {};
  for (const [kind, items] of Object.entries(raw) as Array<[KindName, unknown[]]>) {
    outcomes[kind] = failures[kind] ?? {
      ok: true,
      result: { kind: KINDS[kind], items: items as never, stats: { requests: 1, pages: 1, retries: 0, restarts: 0 } },
    };
  }
  return buildSnapshot(outcomes, now);
}
