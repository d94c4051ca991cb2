/**
 * A cluster twelve minutes after its start, as kube-apiserver 1.34 with kwok returns it through the core/v1 lists the
 * client reads (src/k8s/kinds.ts). The scheduler writes its events through events.k8s.io/v1, so they come back with
 * `eventTime`, a `series` once repeated, null `firstTimestamp`/`lastTimestamp` and no `count`; kwok's, the kubelets'
 * and the controllers' events carry `firstTimestamp`/`lastTimestamp`/`count`; kubelets name a Node by its name in
 * the uid field. Pods were created a second after the start, the nodes turned Ready 5 s after it.
 *
 * Planted, with what the Problems list should make of it:
 * - catalog (Deployment 4/4): each pod has FailedScheduling from before the nodes were Ready, one a readiness
 *   failure from before it became Ready; the HPA still cannot get metrics → only the HPA's warning;
 * - a replaced catalog pod's FailedScheduling (that pod no longer exists) → nothing;
 * - redis (StatefulSet 1/1): FailedScheduling for unbound claims, its claim's ProvisioningFailed from before it was
 *   Bound, a BackOff of the earlier redis-0 (same name, another uid) → nothing;
 * - ledger: crash-looped, Ready again since after its last BackOff → nothing;
 * - cart: Ready, then readiness failures again a minute ago → its Unhealthy warning;
 * - payments/fraud-detector: still Pending, FailedScheduling repeated until a minute ago → one Unschedulable pod and
 *   its Deployment at 0/1;
 * - checkout: crash-looping with BackOff events → one CrashLoopBackOff pod and its Deployment at 0/1;
 * - frontend: Running, never Ready, readiness failures → its Unhealthy warning and its Deployment at 0/1;
 * - warmup: bound a minute ago, still creating its container, a FailedScheduling from before → nothing yet;
 * - kwok-worker-3: InvalidDiskCapacity before it became Ready → nothing; FreeDiskSpaceFailed since → a warning.
 */
import { ListOutcome } from '../../k8s/client';
import { ClusterSnapshot, KindName } from '../../model/types';
import {
  coreEvent,
  deploymentWithReplicaSet,
  Meta,
  metadata,
  MIN,
  newUid,
  ownedBy,
  pod,
  readyNode,
  resetUids,
  schedulerEvent,
  SEC,
  snapshotFromRaw,
} from './apiObjects';

export const NOW = Date.parse('2026-12-02T13:30:00Z');
const START = NOW - 12 * MIN;
const NODES_READY = START + 5 * SEC;

const NOT_READY_NODES =
  '0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: ' +
  '0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
const NO_MATCHING_NODE =
  "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, " +
  'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
const READINESS_FAILED = 'Readiness probe failed: HTTP probe failed with statuscode: 503';
const NO_METRICS =
  'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource ' +
  'metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

const asPod = (p: { metadata: Meta }) => ({ kind: 'Pod', apiVersion: 'v1', metadata: p.metadata });
const backOff = (p: { metadata: Meta }, first: number, last: number, count: number) =>
  coreEvent(asPod(p), {
    reason: 'BackOff',
    message: `Back-off restarting failed container main in pod ${p.metadata.name}_${p.metadata.namespace}`,
    first,
    last,
    count,
    component: 'kwok_controller',
  });
const unhealthy = (p: { metadata: Meta }, first: number, last: number, count: number) =>
  coreEvent(asPod(p), {
    reason: 'Unhealthy',
    message: READINESS_FAILED,
    first,
    last,
    count,
    component: 'kwok_controller',
  });
const failedScheduling = (
  p: { metadata: Meta },
  message: string,
  at: number,
  series?: { count: number; last: number }
) => schedulerEvent(p, { reason: 'FailedScheduling', message, at, series });

export function staleEventsRawObjects(): Partial<Record<KindName, unknown[]>> {
  resetUids();
  const nodes = ['kwok-worker-1', 'kwok-worker-2', 'kwok-worker-3'].map((n) =>
    readyNode(n, START, NODES_READY, NOW - 10 * SEC)
  );
  const events: unknown[] = [];
  const created = START + SEC;

  const catalog = deploymentWithReplicaSet('catalog', 'shop', START, 4, 4);
  const catalogPods = [1, 2, 3, 4].map((i) =>
    pod(`catalog-745cbbf7b8-p${i}`, 'shop', {
      created,
      owners: catalog.podOwners,
      labels: catalog.labels,
      nodeName: nodes[i % 3].metadata.name,
      scheduledAt: NODES_READY + 2 * SEC,
      readyAt: NODES_READY + 20 * SEC,
    })
  );
  for (const [i, p] of catalogPods.entries()) {
    const first = created + 150 * i;
    events.push(failedScheduling(p, NOT_READY_NODES, first));
    if (i % 2 === 0) {
      // Retried within the same second with the same message: another Event object, with a series.
      events.push(failedScheduling(p, NOT_READY_NODES, first + 100, { count: 2, last: first + 102 }));
    }
    const assigned = `Successfully assigned shop/${p.metadata.name} to ${p.spec.nodeName}`;
    events.push(
      schedulerEvent(p, { type: 'Normal', reason: 'Scheduled', message: assigned, at: NODES_READY + 2 * SEC })
    );
  }
  events.push(unhealthy(catalogPods[0], NODES_READY + 10 * SEC, NODES_READY + 15 * SEC, 2));
  const replaced = { metadata: { name: 'catalog-745cbbf7b8-gone1', namespace: 'shop', uid: newUid() } };
  events.push(failedScheduling(replaced, NOT_READY_NODES, created));

  const hpa = {
    metadata: metadata('catalog', 'shop', START),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
    status: { currentReplicas: 4, desiredReplicas: 0, currentMetrics: [{ type: '' }] },
  };
  events.push(
    coreEvent(
      { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', metadata: hpa.metadata },
      {
        reason: 'FailedGetResourceMetric',
        message: NO_METRICS,
        first: START + 16 * SEC,
        last: NOW - 15 * SEC,
        count: 24,
        component: 'horizontal-pod-autoscaler',
      }
    )
  );

  const redisLabels = { app: 'redis' };
  const redisCounts = { replicas: 1, readyReplicas: 1, availableReplicas: 1, currentReplicas: 1, updatedReplicas: 1 };
  const redis = {
    metadata: metadata('redis', 'shop', START, { labels: redisLabels, generation: 1 }),
    spec: {
      replicas: 1,
      serviceName: 'redis',
      selector: { matchLabels: redisLabels },
      template: { metadata: { labels: redisLabels }, spec: { containers: [{ name: 'main', image: 'redis:7.4' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
    },
    status: { observedGeneration: 1, ...redisCounts },
  };
  const recreated = NOW - 6 * MIN;
  const redisPod = pod('redis-0', 'shop', {
    created: recreated,
    owners: ownedBy('StatefulSet', 'apps/v1', redis),
    labels: redisLabels,
    nodeName: 'kwok-worker-1',
    readyAt: recreated + 3 * SEC,
  });
  const claim = {
    metadata: metadata('data-redis-0', 'shop', START, { labels: redisLabels }),
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '8Gi' } } },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '8Gi' } },
  };
  const unbound = '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found';
  events.push(
    failedScheduling(redisPod, unbound, recreated + 400, { count: 2, last: recreated + 900 }),
    coreEvent(
      { kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: claim.metadata },
      {
        reason: 'ProvisioningFailed',
        message: 'no volume plugin matched name: kubernetes.io/no-provisioner',
        first: created,
        last: created,
        count: 1,
        component: 'persistentvolume-controller',
      }
    ),
    // The redis-0 before this one, deleted and created again under the same name.
    backOff({ metadata: { ...redisPod.metadata, uid: newUid() } }, NOW - 9 * MIN, NOW - 7 * MIN, 6)
  );

  const ledger = deploymentWithReplicaSet('ledger', 'shop', START, 1, 1);
  const ledgerPod = pod('ledger-745cbbf7b8-l1', 'shop', {
    created,
    owners: ledger.podOwners,
    labels: ledger.labels,
    nodeName: 'kwok-worker-2',
    readyAt: NOW - 3 * MIN,
    restarts: 4,
    lastTermination: { reason: 'Error', exitCode: 1, at: NOW - 3 * MIN - 20 * SEC },
  });
  events.push(backOff(ledgerPod, NOW - 9 * MIN, NOW - 4 * MIN, 5));

  const cart = deploymentWithReplicaSet('cart', 'shop', START, 1, 1);
  const cartPod = pod('cart-745cbbf7b8-c1', 'shop', {
    created,
    owners: cart.podOwners,
    labels: cart.labels,
    nodeName: 'kwok-worker-3',
    readyAt: NODES_READY + 20 * SEC,
  });
  events.push(unhealthy(cartPod, NOW - 2 * MIN, NOW - MIN, 3));

  const fraud = deploymentWithReplicaSet('fraud-detector', 'payments', START, 1, 0);
  const fraudPod = pod('fraud-detector-745cbbf7b8-f1', 'payments', {
    created,
    owners: fraud.podOwners,
    labels: fraud.labels,
    unschedulableMessage: NO_MATCHING_NODE,
  });
  events.push(
    failedScheduling(fraudPod, NOT_READY_NODES, created),
    failedScheduling(fraudPod, NO_MATCHING_NODE, NODES_READY + SEC, { count: 14, last: NOW - MIN })
  );

  const checkout = deploymentWithReplicaSet('checkout', 'shop', START, 1, 0);
  const checkoutPod = pod('checkout-745cbbf7b8-k1', 'shop', {
    created,
    owners: checkout.podOwners,
    labels: checkout.labels,
    nodeName: 'kwok-worker-1',
    waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=main' },
    restarts: 6,
    lastTermination: { reason: 'OOMKilled', exitCode: 137, at: NOW - 40 * SEC },
  });
  events.push(backOff(checkoutPod, NODES_READY + 30 * SEC, NOW - 30 * SEC, 9));

  const frontend = deploymentWithReplicaSet('frontend', 'shop', START, 1, 0);
  const frontendPod = pod('frontend-745cbbf7b8-r1', 'shop', {
    created,
    owners: frontend.podOwners,
    labels: frontend.labels,
    nodeName: 'kwok-worker-2',
  });
  events.push(unhealthy(frontendPod, NODES_READY + 10 * SEC, NOW - 10 * SEC, 70));

  const warmup = pod('warmup', 'shop', {
    created: NOW - MIN,
    nodeName: 'kwok-worker-3',
    scheduledAt: NOW - 50 * SEC,
    creating: true,
    waiting: { reason: 'ContainerCreating' },
  });
  events.push(failedScheduling(warmup, NOT_READY_NODES, NOW - MIN + 300));

  const worker3 = { kind: 'Node', apiVersion: 'v1', metadata: nodes[2].metadata };
  const byKubelet = { component: 'kubelet', uid: worker3.metadata.name };
  events.push(
    coreEvent(worker3, {
      ...byKubelet,
      reason: 'InvalidDiskCapacity',
      message: 'invalid capacity 0 on image filesystem',
      first: START + 2 * SEC,
      last: START + 2 * SEC,
      count: 1,
    }),
    coreEvent(worker3, {
      ...byKubelet,
      reason: 'FreeDiskSpaceFailed',
      message: 'Failed to garbage collect required amount of images.',
      first: NOW - 5 * MIN,
      last: NOW - 2 * MIN,
      count: 2,
    })
  );

  const deployments = [catalog, ledger, cart, fraud, checkout, frontend];
  return {
    Namespace: ['default', 'shop', 'payments'].map((n) => ({
      metadata: metadata(n, undefined, START),
      status: { phase: 'Active' },
    })),
    Node: nodes,
    Pod: [...catalogPods, redisPod, ledgerPod, cartPod, fraudPod, checkoutPod, frontendPod, warmup],
    Deployment: deployments.map((d) => d.deployment),
    ReplicaSet: deployments.map((d) => d.replicaSet),
    StatefulSet: [redis],
    DaemonSet: [],
    Job: [],
    CronJob: [],
    Service: [],
    Ingress: [],
    EndpointSlice: [],
    HorizontalPodAutoscaler: [hpa],
    PersistentVolumeClaim: [claim],
    Event: events,
  };
}

export function staleEventsSnapshot(
  failures: Partial<Record<KindName, ListOutcome & { ok: false }>> = {}
): ClusterSnapshot {
  return snapshotFromRaw(staleEventsRawObjects(), NOW, failures);
}
