import { ClusterSnapshot, Health } from '../model/types';
import { Problem, selectProblems } from './problems';

export interface OverviewCounts {
  nodes: { ready: number; total: number };
  /** Pod phase → count, Terminating counted apart from its phase. */
  podPhases: Array<{ phase: string; count: number }>;
  pods: number;
  workloads: { healthy: number; total: number };
}

const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'];

/**
 * The overview's headline counts. Workloads are Deployments, StatefulSets and DaemonSets (long-running). Pods and
 * workloads are counted in `namespaces` when given (nodes are cluster-wide).
 */
export function selectOverviewCounts(snapshot: ClusterSnapshot, namespaces: string[] = []): OverviewCounts {
  const inScope = (m: { namespace?: string }) => namespaces.length === 0 || namespaces.includes(m.namespace ?? '');
  const pods = snapshot.byKind.Pod.filter(inScope);
  const phases = new Map<string, number>(PHASES.map((p) => [p, 0]));
  let terminating = 0;
  for (const pod of pods) {
    if (pod.terminating) {
      terminating++;
      continue;
    }
    const phase = pod.phase ?? 'Unknown';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
  }
  const podPhases = [...phases.entries()].map(([phase, count]) => ({ phase, count }));
  podPhases.push({ phase: 'Terminating', count: terminating });

  const workloads = [
    ...snapshot.byKind.Deployment,
    ...snapshot.byKind.StatefulSet,
    ...snapshot.byKind.DaemonSet,
  ].filter(inScope);
  return {
    nodes: { ready: snapshot.byKind.Node.filter((n) => n.ready).length, total: snapshot.byKind.Node.length },
    podPhases: podPhases.filter((p) => p.count > 0 || PHASES.slice(0, 2).includes(p.phase)),
    pods: pods.length,
    workloads: { healthy: workloads.filter((w) => w.status.health === Health.Healthy).length, total: workloads.length },
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
