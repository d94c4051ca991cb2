import { Figures, figureValue } from '../prometheus/figures';
import { ClusterSnapshot, Edge, NodeModel, PodModel } from '../model/types';
import { looseObjects } from './looseObjects';

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

/** What the API tells of a node's load: it changes only when the node or the pods placed on it do. */
interface Placement {
  podsByNamespace: NodeUsage['podsByNamespace'];
  requests: { cpu: number; memory: number };
  limits: { cpu: number; memory: number };
  /** Pods holding resources. */
  active: number;
}

function placementOf(pods: PodModel[]): Placement {
  const podsByNamespace = groupByNamespace(pods);
  const requests = { cpu: 0, memory: 0 };
  const limits = { cpu: 0, memory: 0 };
  let active = 0;
  // Summed in the groups' order, so that the same pods always give the same figures to the last bit.
  for (const group of podsByNamespace) {
    for (const pod of group.pods.filter(holdsResources)) {
      active++;
      requests.cpu += pod.requests.cpu ?? 0;
      requests.memory += pod.requests.memory ?? 0;
      limits.cpu += pod.limits.cpu ?? 0;
      limits.memory += pod.limits.memory ?? 0;
    }
  }
  return { podsByNamespace, requests, limits, active };
}

/**
 * What is kept of each node between snapshots, keyed by uid since a heartbeat makes a new node model:
 * - its placement, while the node holds the very same pod models. The live store (src/model/store.ts) keeps the model
 *   of a pod that did not change, and gives a node a new array of edges only when an object pointing to it (a pod on
 *   it, an event about it) changed. So after a watch event only the nodes whose pods changed are grouped and summed
 *   again, and a node's own status updates (a heartbeat) cost nothing here;
 * - its last NodeUsage, given again while its node model, placement and usage figures are the same: the node cards
 *   are memoized on it, so only the cards of the nodes that changed render again.
 */
interface KeptNode {
  edges: Edge[] | undefined;
  pods: Set<PodModel>;
  placement: Placement;
  usage?: { node: NodeModel; cpu?: number; memory?: number; value: NodeUsage };
}

const kept = new Map<string, KeptNode>();

function keptNode(snapshot: ClusterSnapshot, node: NodeModel): KeptNode {
  const edges = snapshot.edgesTo.get(node.uid);
  const known = kept.get(node.uid);
  if (known && known.edges === edges) {
    return known;
  }
  const pods: PodModel[] = [];
  for (const edge of edges ?? []) {
    const pod = edge.relation === 'runsOn' ? snapshot.byUid.get(edge.from) : undefined;
    if (pod?.kind === 'Pod') {
      pods.push(pod);
    }
  }
  if (known && known.pods.size === pods.length && pods.every((pod) => known.pods.has(pod))) {
    known.edges = edges;
    return known;
  }
  const fresh = { edges, pods: new Set(pods), placement: placementOf(pods) };
  kept.set(node.uid, fresh);
  return fresh;
}

/** Forgets the nodes gone from the cluster, once they are many. */
function forgetGoneNodes(nodes: NodeModel[]) {
  if (kept.size > 2 * nodes.length + 100) {
    const present = new Set(nodes.map((node) => node.uid));
    [...kept.keys()].filter((uid) => !present.has(uid)).forEach((uid) => kept.delete(uid));
  }
}

/** Per-node allocatable vs requests vs limits (API) vs usage (Prometheus, one `by (node)` query per figure). */
export function selectNodeUsage(snapshot: ClusterSnapshot, figures: Figures): NodeUsage[] {
  forgetGoneNodes(snapshot.byKind.Node);
  return snapshot.byKind.Node.map((node) => {
    const entry = keptNode(snapshot, node);
    const cpu = figureValue(figures, 'nodeCpuUsage', node.name);
    const memory = figureValue(figures, 'nodeMemoryUsage', node.name);
    const last = entry.usage;
    if (last && last.node === node && last.cpu === cpu && last.memory === memory) {
      return last.value;
    }
    const value = nodeUsageOf(node, entry.placement, cpu, memory);
    entry.usage = { node, cpu, memory, value };
    return value;
  });
}

function nodeUsageOf(node: NodeModel, placement: Placement, cpuUsage?: number, memoryUsage?: number): NodeUsage {
  const { podsByNamespace, requests, limits, active } = placement;
  return {
    node,
    cpu: { allocatable: node.allocatable.cpu, requests: requests.cpu, limits: limits.cpu, usage: cpuUsage },
    memory: {
      allocatable: node.allocatable.memory,
      requests: requests.memory,
      limits: limits.memory,
      usage: memoryUsage,
    },
    pods: { allocatable: node.allocatable.pods, requests: active, limits: active, usage: active },
    podsByNamespace,
    pressure: node.conditions.filter((c) => PRESSURE.includes(c.type) && c.status === 'True').map((c) => c.type),
  };
}

const unscheduledOf = new WeakMap<PodModel[], PodModel[]>();

function unscheduledIn(pods: PodModel[]): PodModel[] {
  let found = unscheduledOf.get(pods);
  if (!found) {
    found = pods.filter((p) => !p.nodeName && p.phase === 'Pending');
    unscheduledOf.set(pods, found);
  }
  return found;
}

/**
 * Pods the scheduler has not placed: the nodes page's "Unscheduled" group. Found per namespace index, which the live
 * store renews only when one of its pods changed, so a watch event does not filter every pod of the cluster again.
 */
export function selectUnscheduledPods(snapshot: ClusterSnapshot): PodModel[] {
  const lists = [...snapshot.byNamespace.values()].map((index) => unscheduledIn(index.Pod));
  const loose = looseObjects(snapshot, ['Pod']);
  if (loose) {
    lists.push(unscheduledIn(loose.Pod));
  }
  // flat(), not push(...list): a namespace's list can be longer than a call's arguments may be.
  return lists
    .flat()
    .sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
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
