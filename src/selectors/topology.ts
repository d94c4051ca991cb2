/**
 * The topology graph: Ingress → Service → workload (Deployment / StatefulSet / DaemonSet / CronJob → Job) → Pod →
 * Node, plus HPA → workload and PVC → Pod, read from the snapshot's edges (src/model/relations.ts). ReplicaSets owned
 * by a Deployment fold into it. Above the thresholds, healthy pods fold into their workload and then healthy
 * namespaced objects into their namespace; objects with a problem never fold. Pure: the page and the datasource's
 * node graph query (src/datasource/topologyFrames.ts) both read it.
 */
import { objectKey } from '../model/snapshot';
import { AnyModel, ClusterSnapshot, Health, HEALTH_ORDER, ObjectRef, RelationName } from '../model/types';
import { controller } from './graph';

export const TOPOLOGY_KINDS = [
  'Ingress',
  'Service',
  'HorizontalPodAutoscaler',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'CronJob',
  'Job',
  'Pod',
  'PersistentVolumeClaim',
  'Node',
] as const;
export type TopologyKind = (typeof TOPOLOGY_KINDS)[number];

const WORKLOAD_KINDS = new Set<string>(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob', 'Job']);
const KIND_SET = new Set<string>(TOPOLOGY_KINDS);

export type GroupBy = 'namespace' | 'node';

export interface TopologyFilter {
  /** Empty: every namespace. */
  namespaces: string[];
  /** Empty: every kind. */
  kinds: TopologyKind[];
  /** `key=value` or `key` (has the label); empty: no label filter. */
  label: string;
  /** Objects with a problem and their direct neighbours. */
  problemsOnly: boolean;
  groupBy: GroupBy;
}

/**
 * Fold healthy pods into their workload above `pods` pods; then fold into namespaces above `objects` graph nodes or
 * `edges` connections (pods folded, a workload keeps an edge to every node its pods run on: the edges, not the nodes,
 * are what an SVG map cannot paint or pan smoothly).
 */
export interface Thresholds {
  pods: number;
  objects: number;
  edges: number;
}

/** Measured with scripts/bench-topology.ts (docs/topology.md): layout plus first paint stay under 2 s below these. */
export const DEFAULT_THRESHOLDS: Thresholds = { pods: 1000, objects: 1500, edges: 4000 };

/** How many distinct connections the graph has with each object drawn as `drawnAs` says. */
function drawnEdgeCount(edges: readonly BaseEdge[], drawnAs: Map<string, string>): number {
  const ids = new Set<string>();
  for (const edge of edges) {
    const source = drawnAs.get(edge.from);
    const target = drawnAs.get(edge.to);
    if (source && target && source !== target) {
      ids.add(`${source}>${target}`);
    }
  }
  return ids.size;
}

export type Collapse = 'none' | 'pods' | 'namespaces';

export interface TopologyNode {
  /** `Kind/namespace/name` (objectKey); a folded namespace is `Namespace//name`. */
  id: string;
  kind: TopologyKind | 'Namespace';
  name: string;
  namespace?: string;
  health: Health;
  /** Has a problem (src/selectors/problems.ts) or failed health: never folded. */
  problem: boolean;
  /** Reason shown under the name (the status reason or phase). */
  reason?: string;
  /** How many objects of each kind were folded into this node. */
  folded: Partial<Record<string, number>>;
  group: string;
  /** What the details drawer opens. */
  ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>;
}

export interface TopologyEdge {
  id: string;
  source: string;
  target: string;
  relation: RelationName;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  /** Group names in display order. */
  groups: string[];
  collapse: Collapse;
  /** Objects that passed the filters, before folding. */
  objects: number;
}

export const UNSCHEDULED_GROUP = 'Unscheduled';
export const OFF_NODE_GROUP = 'Not on a node';
export const CLUSTER_GROUP = 'Cluster';

export const EMPTY_FILTER: TopologyFilter = {
  namespaces: [],
  kinds: [],
  label: '',
  problemsOnly: false,
  groupBy: 'namespace',
};

const idOf = (m: AnyModel) => objectKey(m.kind, m.namespace, m.name);

interface BaseEdge {
  from: string;
  to: string;
  relation: RelationName;
}

/** The workload a pod's Service edge and folding point to: its controller (a Deployment for ReplicaSet pods). */
function workloadOf(snapshot: ClusterSnapshot, pod: AnyModel, shown: (m: AnyModel) => AnyModel): AnyModel | undefined {
  const owner = controller(snapshot, pod);
  return owner && WORKLOAD_KINDS.has(owner.kind) ? shown(owner) : undefined;
}

/** Base graph: one entry per shown object (ReplicaSets under a Deployment are not shown) and its edges by id. */
function baseGraph(snapshot: ClusterSnapshot) {
  const shown = (model: AnyModel): AnyModel => {
    const owner = model.kind === 'ReplicaSet' ? controller(snapshot, model) : undefined;
    return owner?.kind === 'Deployment' ? owner : model;
  };
  // Keyed by kind/namespace/name, not uid: a duplicated uid in hostile data must not merge two objects.
  const byId = new Map<string, AnyModel>();
  const edges: BaseEdge[] = [];
  for (const kind of TOPOLOGY_KINDS) {
    for (const model of snapshot.byKind[kind] as AnyModel[]) {
      if (shown(model) === model && !byId.has(idOf(model))) {
        byId.set(idOf(model), model);
      }
    }
  }
  const objects = [...byId.values()];
  for (const model of objects) {
    for (const edge of snapshot.edgesFrom.get(model.uid) ?? []) {
      const target = edge.to ? snapshot.byUid.get(edge.to) : undefined;
      if (!target || !KIND_SET.has(target.kind)) {
        continue;
      }
      if (edge.relation === 'selects') {
        const workload = workloadOf(snapshot, target, shown);
        edges.push({ from: idOf(model), to: idOf(workload ?? target), relation: 'selects' });
      } else if (edge.relation === 'mounts') {
        edges.push({ from: idOf(target), to: idOf(model), relation: 'mounts' });
      } else if (edge.relation === 'owns' && model.kind === 'Deployment') {
        // Deployment → ReplicaSet is folded: the ReplicaSet's pods are the Deployment's.
        for (const podEdge of snapshot.edgesFrom.get(target.uid) ?? []) {
          const pod = podEdge.relation === 'owns' && podEdge.to ? snapshot.byUid.get(podEdge.to) : undefined;
          if (pod) {
            edges.push({ from: idOf(model), to: idOf(pod), relation: 'owns' });
          }
        }
      } else if (['owns', 'routesTo', 'scales', 'runsOn'].includes(edge.relation)) {
        edges.push({ from: idOf(model), to: idOf(shown(target)), relation: edge.relation });
      }
    }
  }
  return { objects, edges, shown };
}

function labelMatcher(label: string): (labels: Record<string, string>) => boolean {
  const text = label.trim();
  if (!text) {
    return () => true;
  }
  const eq = text.indexOf('=');
  if (eq < 0) {
    return (labels) => Object.prototype.hasOwnProperty.call(labels, text);
  }
  const key = text.slice(0, eq).trim();
  const value = text.slice(eq + 1).trim();
  return (labels) => labels[key] === value;
}

function worse(a: Health, b: Health): Health {
  return HEALTH_ORDER.indexOf(a) >= HEALTH_ORDER.indexOf(b) ? a : b;
}

export function selectTopology(
  snapshot: ClusterSnapshot,
  filter: TopologyFilter,
  problems: Set<string>,
  thresholds: Thresholds = DEFAULT_THRESHOLDS
): Topology {
  const { objects, edges, shown } = baseGraph(snapshot);
  const isProblem = (m: AnyModel) => problems.has(m.uid) || m.status.health === Health.Failed;
  const namespaces = new Set(filter.namespaces);
  const kinds = new Set<string>(filter.kinds);
  const labelOk = labelMatcher(filter.label);
  const passes = (m: AnyModel) =>
    (kinds.size === 0 || kinds.has(m.kind)) &&
    labelOk(m.labels) &&
    (namespaces.size === 0 || m.namespace === undefined || namespaces.has(m.namespace));

  let kept = new Set(objects.filter(passes).map(idOf));
  if (filter.problemsOnly) {
    const seeds = new Set(objects.filter((m) => kept.has(idOf(m)) && isProblem(m)).map(idOf));
    const withNeighbours = new Set(seeds);
    for (const edge of edges) {
      if (seeds.has(edge.from) && kept.has(edge.to)) {
        withNeighbours.add(edge.to);
      }
      if (seeds.has(edge.to) && kept.has(edge.from)) {
        withNeighbours.add(edge.from);
      }
    }
    kept = withNeighbours;
  }
  if (namespaces.size > 0) {
    // Cluster-scoped Nodes stay only where a kept pod runs.
    const hosting = new Set(edges.filter((e) => e.relation === 'runsOn' && kept.has(e.from)).map((e) => e.to));
    kept = new Set([...kept].filter((id) => !id.startsWith('Node/') || hosting.has(id)));
  }
  const keptObjects = objects.filter((m) => kept.has(idOf(m)));

  // Where each kept object is drawn: itself, its workload (pods folded) or its namespace (namespaces folded).
  const drawnAs = new Map<string, string>(keptObjects.map((m) => [idOf(m), idOf(m)]));
  const pods = keptObjects.filter((m) => m.kind === 'Pod');
  let collapse: Collapse = 'none';
  if (pods.length > thresholds.pods) {
    collapse = 'pods';
    for (const pod of pods) {
      const workload = isProblem(pod) ? undefined : workloadOf(snapshot, pod, shown);
      if (workload && kept.has(idOf(workload))) {
        drawnAs.set(idOf(pod), idOf(workload));
      }
    }
  }
  const namespaceNodes = new Map<string, string>();
  if (new Set(drawnAs.values()).size > thresholds.objects || drawnEdgeCount(edges, drawnAs) > thresholds.edges) {
    collapse = 'namespaces';
    for (const model of keptObjects) {
      // Pods already folded follow their workload (which may stay: a failing Deployment keeps its healthy pods).
      if (model.namespace !== undefined && !isProblem(model) && drawnAs.get(idOf(model)) === idOf(model)) {
        const id = objectKey('Namespace', undefined, model.namespace);
        namespaceNodes.set(id, model.namespace);
        drawnAs.set(idOf(model), id);
      }
    }
  }

  for (const [id, at] of drawnAs) {
    const next = drawnAs.get(at);
    if (next !== undefined && next !== at) {
      drawnAs.set(id, next);
    }
  }

  const nodes = new Map<string, TopologyNode>();
  const groupOf = (m: AnyModel): string => {
    if (filter.groupBy === 'namespace') {
      return m.namespace ?? CLUSTER_GROUP;
    }
    if (m.kind === 'Node') {
      return m.name;
    }
    return m.kind === 'Pod' ? m.nodeName || UNSCHEDULED_GROUP : OFF_NODE_GROUP;
  };
  for (const [id, namespace] of namespaceNodes) {
    nodes.set(id, {
      id,
      kind: 'Namespace',
      name: namespace,
      health: Health.Healthy,
      problem: false,
      folded: {},
      group: filter.groupBy === 'namespace' ? namespace : OFF_NODE_GROUP,
      ref: { kind: 'Namespace', name: namespace },
    });
  }
  const folded: AnyModel[] = [];
  for (const model of keptObjects) {
    const id = idOf(model);
    if (drawnAs.get(id) !== id) {
      folded.push(model);
      continue;
    }
    nodes.set(id, {
      id,
      kind: model.kind as TopologyKind,
      name: model.name,
      namespace: model.namespace,
      health: model.status.health,
      problem: isProblem(model),
      reason: model.status.reason ?? model.status.phase,
      folded: {},
      group: groupOf(model),
      ref: { kind: model.kind, namespace: model.namespace, name: model.name },
    });
  }
  for (const model of folded) {
    const host = nodes.get(drawnAs.get(idOf(model))!);
    if (host) {
      host.folded[model.kind] = (host.folded[model.kind] ?? 0) + 1;
      host.health = worse(host.health, model.status.health);
    }
  }
  // A folded namespace runs pods on most Nodes: 300 namespaces × 33 Nodes drew about 10,000 lines at L that say only
  // "runs everywhere". It keeps its edges to the Nodes with a problem.
  const healthyNode = (id: string) => id.startsWith('Node/') && nodes.get(id)?.problem === false;
  const outEdges = new Map<string, TopologyEdge>();
  for (const edge of edges) {
    const source = drawnAs.get(edge.from);
    const target = drawnAs.get(edge.to);
    if (edge.relation === 'runsOn' && source && namespaceNodes.has(source) && healthyNode(target ?? '')) {
      continue;
    }
    if (source && target && source !== target) {
      const id = `${source}>${target}`;
      if (!outEdges.has(id)) {
        outEdges.set(id, { id, source, target, relation: edge.relation });
      }
    }
  }
  const list = [...nodes.values()];
  const groups = [...new Set(list.map((n) => n.group))].sort(compareGroups);
  return { nodes: list, edges: [...outEdges.values()], groups, collapse, objects: keptObjects.length };
}

/** Groups by name, with the catch-all groups last. */
function compareGroups(a: string, b: string): number {
  const rank = (g: string) => ([CLUSTER_GROUP, OFF_NODE_GROUP, UNSCHEDULED_GROUP].includes(g) ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b);
}

const KIND_ABBREVIATION: Record<string, string> = {
  Ingress: 'ing',
  Service: 'svc',
  HorizontalPodAutoscaler: 'hpa',
  Deployment: 'deploy',
  StatefulSet: 'sts',
  DaemonSet: 'ds',
  ReplicaSet: 'rs',
  CronJob: 'cronjob',
  Job: 'job',
  Pod: 'pod',
  PersistentVolumeClaim: 'pvc',
  Node: 'node',
  Namespace: 'ns',
};

/** "deploy · 3 pod" (what is folded into it) or "pod · CrashLoopBackOff" (its status reason). */
export function nodeSubtitle(node: TopologyNode): string {
  const folded = Object.entries(node.folded)
    .map(([kind, n]) => `${n} ${KIND_ABBREVIATION[kind] ?? kind}`)
    .join(', ');
  const kind = KIND_ABBREVIATION[node.kind] ?? node.kind;
  return folded ? `${kind} · ${folded}` : node.reason ? `${kind} · ${node.reason}` : kind;
}
