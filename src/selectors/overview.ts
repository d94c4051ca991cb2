import { ClusterSnapshot, Health, NamespaceIndex } from '../model/types';
import { looseObjects } from './looseObjects';
import { Problem, selectProblems } from './problems';

export interface OverviewCounts {
  nodes: { ready: number; total: number };
  /** Pod phase → count, Terminating counted apart from its phase. */
  podPhases: Array<{ phase: string; count: number }>;
  pods: number;
  workloads: { healthy: number; total: number };
}

const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'];

/** One namespace's share of the counts. */
interface NamespaceCounts {
  phases: Map<string, number>;
  terminating: number;
  pods: number;
  workloads: number;
  healthy: number;
}

/**
 * Per namespace index: the live store keeps the index object of a namespace no change touched, so after a watch
 * event only the changed namespaces are counted again, not every pod of the cluster.
 */
const namespaceCounts = new WeakMap<CountedKinds, NamespaceCounts>();

const COUNTED_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet'] as const;
type CountedKinds = Pick<NamespaceIndex, (typeof COUNTED_KINDS)[number]>;

function countsOf(index: CountedKinds): NamespaceCounts {
  const known = namespaceCounts.get(index);
  if (known) {
    return known;
  }
  const counts: NamespaceCounts = {
    phases: new Map(),
    terminating: 0,
    pods: index.Pod.length,
    workloads: 0,
    healthy: 0,
  };
  for (const pod of index.Pod) {
    if (pod.terminating) {
      counts.terminating++;
    } else {
      const phase = pod.phase ?? 'Unknown';
      counts.phases.set(phase, (counts.phases.get(phase) ?? 0) + 1);
    }
  }
  for (const w of [...index.Deployment, ...index.StatefulSet, ...index.DaemonSet]) {
    counts.workloads++;
    counts.healthy += w.status.health === Health.Healthy ? 1 : 0;
  }
  namespaceCounts.set(index, counts);
  return counts;
}

/**
 * The overview's headline counts. Workloads are Deployments, StatefulSets and DaemonSets (long-running). Pods and
 * workloads are counted in `namespaces` when given (nodes are cluster-wide).
 */
export function selectOverviewCounts(snapshot: ClusterSnapshot, namespaces: string[] = []): OverviewCounts {
  const phases = new Map<string, number>(PHASES.map((p) => [p, 0]));
  const total = { terminating: 0, pods: 0, workloads: 0, healthy: 0 };
  const add = (counts: NamespaceCounts) => {
    counts.phases.forEach((count, phase) => phases.set(phase, (phases.get(phase) ?? 0) + count));
    total.terminating += counts.terminating;
    total.pods += counts.pods;
    total.workloads += counts.workloads;
    total.healthy += counts.healthy;
  };
  for (const [namespace, index] of snapshot.byNamespace) {
    if (namespaces.length === 0 || namespaces.includes(namespace)) {
      add(countsOf(index));
    }
  }
  // Objects without a namespace are in no namespace index; only the unfiltered counts include them.
  const loose = namespaces.length === 0 ? looseObjects(snapshot, COUNTED_KINDS) : undefined;
  if (loose) {
    add(countsOf(loose));
  }
  const podPhases = [...phases.entries()].map(([phase, count]) => ({ phase, count }));
  podPhases.push({ phase: 'Terminating', count: total.terminating });
  return {
    nodes: { ready: snapshot.byKind.Node.filter((n) => n.ready).length, total: snapshot.byKind.Node.length },
    podPhases: podPhases.filter((p) => p.count > 0 || PHASES.slice(0, 2).includes(p.phase)),
    pods: total.pods,
    workloads: { healthy: total.healthy, total: total.workloads },
  };
}

export interface OverviewProblems {
  /** The list's rows; the Problems tile shows their number. */
  problems: Problem[];
  critical: number;
}

/** The overview's problems: cluster-scoped ones (nodes) always, namespaced ones in `namespaces` when given. */
export function selectOverviewProblems(snapshot: ClusterSnapshot, namespaces: string[] = []): OverviewProblems {
  const all = selectProblems(snapshot);
  const problems =
    namespaces.length === 0 ? all : all.filter((p) => !p.object.namespace || namespaces.includes(p.object.namespace));
  return { problems, critical: problems.filter((p) => p.severity === 'critical').length };
}
