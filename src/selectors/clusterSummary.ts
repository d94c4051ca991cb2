/**
 * One cluster's headline figures for the All clusters page, from the API server's Table form of three LISTs (nodes,
 * pods, pods in phase Pending) instead of the full objects: a Table row is what `kubectl get` prints, a few cells
 * per object. The pod Status cell is kubectl's reason (CrashLoopBackOff, ImagePullBackOff, Terminating, …), not
 * the phase; the API server marks Succeeded and Failed pods with a row condition (printPod in
 * pkg/printers/internalversion/printers.go), and the Pending phase comes from its own field-selected list.
 *
 * The problems counted here are those the cells show; workloads, Jobs, node pressure and Warning events need the
 * full objects and are on each cluster's Overview. The page says so.
 */
import {
  CONFIG_REASONS,
  HIGH_RESTARTS,
  IMAGE_PULL_REASONS,
  PENDING_GRACE_MS,
  SEVERITY_ORDER,
  type Severity,
} from './problems';

/** A meta.k8s.io/v1 Table as the API server returns it (cells follow columnDefinitions). */
export interface KubeTable {
  columnDefinitions?: Array<{ name?: string }>;
  rows?: Array<{ cells?: unknown[]; conditions?: Array<{ type?: string; status?: string; reason?: string }> }>;
}

export interface SummaryTables {
  nodes: KubeTable;
  pods: KubeTable;
  /** LIST pods with fieldSelector status.phase=Pending. */
  pendingPods: KubeTable;
}

export type SummaryProblemType =
  'NodeNotReady' | 'CrashLoopBackOff' | 'ImagePull' | 'ContainerConfig' | 'OOMKilled' | 'Pending' | 'HighRestarts';

export interface SummaryProblem {
  type: SummaryProblemType;
  severity: Severity;
  label: string;
  count: number;
}

export interface ClusterSummary {
  nodes: { ready: number; total: number };
  /** Pods by phase (Terminating apart, as on the Overview); `total` counts every pod. */
  pods: { total: number; phases: Array<{ phase: string; count: number }> };
  /** Non-zero counts only, most severe first. */
  problems: SummaryProblem[];
  bySeverity: Record<Severity, number>;
}

const LABELS: Record<SummaryProblemType, [Severity, string]> = {
  NodeNotReady: ['critical', 'NotReady nodes'],
  CrashLoopBackOff: ['critical', 'CrashLoopBackOff'],
  ImagePull: ['critical', 'Image pull failing'],
  ContainerConfig: ['critical', 'Container config error'],
  OOMKilled: ['warning', 'OOMKilled'],
  Pending: ['warning', 'Pending over 5 min'],
  HighRestarts: ['warning', `${HIGH_RESTARTS}+ restarts`],
};

const TYPES = Object.keys(LABELS) as SummaryProblemType[];

type Row = { cell: (column: string) => string; conditionReason?: string };

/** The rows of a Table with their cells looked up by column name (the column order differs between versions). */
export function tableRows(table: KubeTable): Row[] {
  const index = new Map((table.columnDefinitions ?? []).map((c, i) => [c.name ?? '', i]));
  return (table.rows ?? []).map((row) => {
    const cells = Array.isArray(row.cells) ? row.cells : [];
    const completed = row.conditions?.find((c) => c.type === 'Completed' && c.status === 'True');
    return {
      cell: (column: string) => {
        const i = index.get(column);
        const value = i === undefined ? undefined : cells[i];
        return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
      },
      conditionReason: completed?.reason,
    };
  });
}

/** kubectl's short ages ("45s", "5m12s", "3h", "2d3h", "4y10d") in ms; undefined when unreadable. */
export function parseAge(age: string): number | undefined {
  const parts = [...age.matchAll(/(\d+)([smhdy])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== age) {
    return undefined;
  }
  const unit: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, y: 365 * 86400e3 };
  return parts.reduce((ms, [, n, u]) => ms + Number(n) * unit[u], 0);
}

/** The pod problem a Status cell names, if any ("Init:" prefixes an init container's reason). */
function podStatusProblem(status: string): SummaryProblemType | undefined {
  const reason = status.startsWith('Init:') ? status.slice('Init:'.length) : status;
  if (reason === 'CrashLoopBackOff') {
    return 'CrashLoopBackOff';
  }
  if (IMAGE_PULL_REASONS.has(reason)) {
    return 'ImagePull';
  }
  if (CONFIG_REASONS.has(reason)) {
    return 'ContainerConfig';
  }
  return reason === 'OOMKilled' ? 'OOMKilled' : undefined;
}

export function summarizeCluster(tables: SummaryTables): ClusterSummary {
  const counts = new Map<SummaryProblemType, number>();
  const add = (type: SummaryProblemType) => counts.set(type, (counts.get(type) ?? 0) + 1);

  const nodes = tableRows(tables.nodes);
  // "Ready", "Ready,SchedulingDisabled", "NotReady", "Unknown".
  const ready = nodes.filter((n) => n.cell('Status').split(',')[0] === 'Ready').length;
  for (let i = ready; i < nodes.length; i++) {
    add('NodeNotReady');
  }

  const phases = new Map<string, number>([
    ['Running', 0],
    ['Pending', 0],
    ['Succeeded', 0],
    ['Failed', 0],
  ]);
  let terminating = 0;
  const pods = tableRows(tables.pods);
  for (const pod of pods) {
    const status = pod.cell('Status');
    if (status === 'Terminating') {
      terminating++;
    } else if (pod.conditionReason === 'Succeeded' || pod.conditionReason === 'Failed') {
      phases.set(pod.conditionReason, phases.get(pod.conditionReason)! + 1);
    }
    const problem = podStatusProblem(status);
    if (problem) {
      add(problem);
    } else if (parseInt(pod.cell('Restarts'), 10) >= HIGH_RESTARTS) {
      // "7 (3m ago)": the count comes first.
      add('HighRestarts');
    }
  }
  for (const pod of tableRows(tables.pendingPods)) {
    const status = pod.cell('Status');
    if (status === 'Terminating') {
      continue;
    }
    phases.set('Pending', phases.get('Pending')! + 1);
    const age = parseAge(pod.cell('Age'));
    if (!podStatusProblem(status) && age !== undefined && age > PENDING_GRACE_MS) {
      add('Pending');
    }
  }
  // Running is the rest: the Unknown phase has not been set since Kubernetes 1.1. The two pod LISTs are a moment
  // apart, so a pod that just started may be in both: never below zero.
  const settled = phases.get('Pending')! + phases.get('Succeeded')! + phases.get('Failed')!;
  phases.set('Running', Math.max(0, pods.length - terminating - settled));

  const problems = [...counts.entries()]
    .map(([type, count]) => ({ type, severity: LABELS[type][0], label: LABELS[type][1], count }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        TYPES.indexOf(a.type) - TYPES.indexOf(b.type)
    );
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  problems.forEach((p) => (bySeverity[p.severity] += p.count));
  const podPhases = [...phases.entries()].map(([phase, count]) => ({ phase, count }));
  podPhases.push({ phase: 'Terminating', count: terminating });
  return {
    nodes: { ready, total: nodes.length },
    pods: { total: pods.length, phases: podPhases.filter((p) => p.count > 0 || p.phase === 'Running') },
    problems,
    bySeverity,
  };
}
