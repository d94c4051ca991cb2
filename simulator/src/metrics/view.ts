/** The metrics generators' read-only view of the simulated cluster's store and clock. */
import { ClusterStore } from '../cluster/store';
import { Clock } from '../cluster/simulation';
import type * as shapes from '../../../exporters/src/shapes';

export function clusterView(store: ClusterStore, clock: Clock): shapes.ClusterView {
  // Pods grouped by node, rebuilt only when the store changed: 200 per-node scrapes must not scan every pod each.
  let indexedAt = -1;
  let podsByNode = new Map<string, shapes.Pod[]>();
  const list = <T>(resource: string) => store.list(resource) as unknown as T[];
  return {
    nowMs: () => clock.now(),
    pods: () => list<shapes.Pod>('pods'),
    podsOnNode(node) {
      if (indexedAt !== store.resourceVersion) {
        podsByNode = new Map();
        for (const pod of list<shapes.Pod>('pods')) {
          const name = pod.spec.nodeName;
          if (name) {
            const onNode = podsByNode.get(name);
            if (onNode) {
              onNode.push(pod);
            } else {
              podsByNode.set(name, [pod]);
            }
          }
        }
        indexedAt = store.resourceVersion;
      }
      return podsByNode.get(node) ?? [];
    },
    node: (name) => store.get('nodes', undefined, name) as unknown as shapes.Node | undefined,
    nodes: () => list<shapes.Node>('nodes'),
    deployments: () => list<shapes.Deployment>('deployments'),
    replicaSets: () => list<shapes.ReplicaSet>('replicasets'),
    statefulSets: () => list<shapes.StatefulSet>('statefulsets'),
    daemonSets: () => list<shapes.DaemonSet>('daemonsets'),
    jobs: () => list<shapes.Job>('jobs'),
    cronJobs: () => list<shapes.CronJob>('cronjobs'),
    namespaces: () => list<shapes.Namespace>('namespaces'),
    services: () => list<shapes.Service>('services'),
    ingresses: () => list<shapes.Ingress>('ingresses'),
    horizontalPodAutoscalers: () => list<shapes.HorizontalPodAutoscaler>('horizontalpodautoscalers'),
    persistentVolumeClaims: () => list<shapes.PersistentVolumeClaim>('persistentvolumeclaims'),
  };
}
