import { Figures, figureValue } from '../prometheus/figures';
import { ClusterSnapshot, NodeModel, PodModel, ResourceQuantities } from '../model/types';

/** KubeGraf's colours: green / yellow / red. */
export type Level = 'ok' | 'warn' | 'high';

/** Usage or requests against allocatable: ≤50% ok, 50–80% warn, >80% high. */
export function usageLevel(ratio: number): Level {
  return ratio <= 0.5 ? 'ok' : ratio <= 0.8 ? 'warn' : 'high';
}

/** Limits against allocatable (overcommit): ≤90% ok, ≤100% warn, >100% high. */
export function limitLevel(ratio: number): Level {
  return ratio <= 0.9 ? 'ok' : ratio <= 1 ? 'warn' : 'high';
}

/** One resource on one node (or the whole cluster): figures in cores, bytes or pods. */
export interface ResourceFigures {
  allocatable?: number;
  requests: number;
  limits: number;
  /** From Prometheus; undefined when the figure is missing. */
  usage?: number;
}

export interface NodeUsage {
  node: NodeModel;
  cpu: ResourceFigures;
  memory: ResourceFigures;
  pods: ResourceFigures;
  /** Pods placed on the node (spec.nodeName), grouped by namespace, namespaces sorted. */
  podsByNamespace: Array<{ namespace: string; pods: PodModel[] }>;
  /** True pressure conditions (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable). */
  pressure: string[];
}

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

/** Pods that hold node resources: finished pods release their requests (the scheduler ignores them too). */
export function holdsResources(pod: PodModel): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

function sum(pods: PodModel[], pick: (q: ResourceQuantities) => number | undefined, of: 'requests' | 'limits'): number {
  let total = 0;
  for (const pod of pods) {
    total += pick(pod[of]) ?? 0;
  }
  return total;
}

export function groupByNamespace(pods: PodModel[]): Array<{ namespace: string; pods: PodModel[] }> {
  const groups = new Map<string, PodModel[]>();
  for (const pod of pods) {
    const ns = pod.namespace ?? '';
    const list = groups.get(ns) ?? [];
    list.push(pod);
    groups.set(ns, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, list]) => ({ namespace, pods: list.sort((a, b) => a.name.localeCompare(b.name)) }));
}

function resourceFigures(
  pods: PodModel[],
  allocatable: number | undefined,
  pick: (q: ResourceQuantities) => number | undefined,
  usage: number | undefined
): ResourceFigures {
  return { allocatable, requests: sum(pods, pick, 'requests'), limits: sum(pods, pick, 'limits'), usage };
}

/**
 * The last grouping per node, reused while the node holds the very same pod models: the live store keeps the models
 * of unchanged pods, so after a watch event only the nodes whose pods changed are sorted again.
 */
const lastGrouping = new Map<string, { pods: PodModel[]; groups: Array<{ namespace: string; pods: PodModel[] }> }>();
function groupedOnce(nodeName: string, pods: PodModel[]): Array<{ namespace: string; pods: PodModel[] }> {
  const last = lastGrouping.get(nodeName);
  if (last && last.pods.length === pods.length && last.pods.every((pod, i) => pod === pods[i])) {
    return last.groups;
  }
  const groups = groupByNamespace(pods);
  lastGrouping.set(nodeName, { pods, groups });
  return groups;
}

/** Per-node allocatable vs requests vs limits (API) vs usage (Prometheus, one `by (node)` query per figure). */
export function selectNodeUsage(snapshot: ClusterSnapshot, figures: Figures): NodeUsage[] {
  const podsByNode = new Map<string, PodModel[]>();
  for (const pod of snapshot.byKind.Pod) {
    if (pod.nodeName) {
      const list = podsByNode.get(pod.nodeName) ?? [];
      list.push(pod);
      podsByNode.set(pod.nodeName, list);
    }
  }
  return snapshot.byKind.Node.map((node) => {
    const placed = podsByNode.get(node.name) ?? [];
    const active = placed.filter(holdsResources);
    return {
      node,
      cpu: resourceFigures(active, node.allocatable.cpu, (q) => q.cpu, figureValue(figures, 'nodeCpuUsage', node.name)),
      memory: resourceFigures(
        active,
        node.allocatable.memory,
        (q) => q.memory,
        figureValue(figures, 'nodeMemoryUsage', node.name)
      ),
      pods: {
        allocatable: node.allocatable.pods,
        requests: active.length,
        limits: active.length,
        usage: active.length,
      },
      podsByNamespace: groupedOnce(node.name, placed),
      pressure: node.conditions.filter((c) => PRESSURE.includes(c.type) && c.status === 'True').map((c) => c.type),
    };
  });
}

/** Pods the scheduler has not placed: the nodes page's "Unscheduled" group. */
export function selectUnscheduledPods(snapshot: ClusterSnapshot): PodModel[] {
  return snapshot.byKind.Pod.filter((p) => !p.nodeName && p.phase === 'Pending').sort(
    (a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name)
  );
}

export function ratio(value: number | undefined, of: number | undefined): number | undefined {
  return value === undefined || !of ? undefined : value / of;
}

export type NodeSort = 'name' | 'usage' | 'pressure';

/** The busiest resource as a ratio of allocatable: usage where Prometheus has it, else requests. */
function busiest(u: NodeUsage): number {
  return Math.max(
    ratio(u.cpu.usage ?? u.cpu.requests, u.cpu.allocatable) ?? 0,
    ratio(u.memory.usage ?? u.memory.requests, u.memory.allocatable) ?? 0
  );
}

function pressureScore(u: NodeUsage): number {
  return (u.node.ready ? 0 : 100) + u.pressure.length * 10 + (u.node.unschedulable ? 1 : 0);
}

export function sortNodes(usage: NodeUsage[], by: NodeSort): NodeUsage[] {
  const byName = (a: NodeUsage, b: NodeUsage) => a.node.name.localeCompare(b.node.name);
  const compare =
    by === 'usage'
      ? (a: NodeUsage, b: NodeUsage) => busiest(b) - busiest(a) || byName(a, b)
      : by === 'pressure'
        ? (a: NodeUsage, b: NodeUsage) => pressureScore(b) - pressureScore(a) || byName(a, b)
        : byName;
  return [...usage].sort(compare);
}

/** Cluster totals for the overview: sums over nodes; usage is undefined when no node has a usage figure. */
export function clusterTotals(usage: NodeUsage[]): { cpu: ResourceFigures; memory: ResourceFigures } {
  const total = (pick: (u: NodeUsage) => ResourceFigures): ResourceFigures => {
    const figures = usage.map(pick);
    const allocatable = figures.reduce((s, f) => s + (f.allocatable ?? 0), 0);
    const haveUsage = figures.length > 0 && figures.some((f) => f.usage !== undefined);
    return {
      allocatable,
      requests: figures.reduce((s, f) => s + f.requests, 0),
      limits: figures.reduce((s, f) => s + f.limits, 0),
      usage: haveUsage ? figures.reduce((s, f) => s + (f.usage ?? 0), 0) : undefined,
    };
  };
  return { cpu: total((u) => u.cpu), memory: total((u) => u.memory) };
}
