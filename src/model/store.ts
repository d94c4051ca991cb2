/**
 * The live, incrementally updated model of one cluster: watch events (ADDED, MODIFIED, DELETED) and whole-kind
 * replacements (a LIST, a relist) change it in place, and `snapshot()` hands the pages a ClusterSnapshot that differs
 * from the previous one only where something changed.
 *
 * What a change costs: normalizing the changed object, and rebuilding the index and edges of its namespace (every
 * relation's source is namespaced, and its targets are in the same namespace or cluster-scoped). A change of a node's
 * or namespace's presence relinks everything, as a LIST would; those are rare. Namespaces that did not change keep
 * their NamespaceIndex object, so selectors can memoize per namespace on its identity.
 *
 * byUid, byKey, edgesFrom and edgesTo are shared between successive snapshots and updated in place (a snapshot is
 * read within one render, never kept beside a newer one); byKind arrays and byNamespace are new where changed.
 */
import type { RawObject } from '../k8s/client';
import { KIND_NAMES } from '../k8s/kinds';
import { normalize, normalizeAll } from './normalize';
import { RELATIONS } from './relations';
import { deriveEdges, edgeContext, edgeSourceKind, emptyIndex, objectKey } from './snapshot';
import type { AnyModel, ClusterSnapshot, Edge, KindLoadState, KindName, NamespaceIndex } from './types';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Partition {
  /** kind → uid → model, for this namespace. */
  members: Map<KindName, Map<string, AnyModel>>;
  index: NamespaceIndex;
  edges: Edge[];
}

export class ClusterStore {
  private readonly models = new Map<KindName, Map<string, AnyModel>>(KIND_NAMES.map((k) => [k, new Map()]));
  private readonly states = new Map<KindName, KindLoadState>();
  private readonly partitions = new Map<string, Partition>();
  private readonly byUid = new Map<string, AnyModel>();
  private readonly byKey = new Map<string, AnyModel>();
  private readonly edgesFrom = new Map<string, Edge[]>();
  private readonly edgesTo = new Map<string, Edge[]>();
  private readonly byKind: NamespaceIndex = emptyIndex();
  private readonly dirtyNamespaces = new Set<string>();
  private readonly dirtyKinds = new Set<KindName>();
  private relinkAll = false;
  private current?: ClusterSnapshot;

  /** Replaces every object of a kind (a LIST or relist): objects not in `items` are gone. */
  replace(kind: KindName, items: readonly RawObject[], fetchedAt: number = Date.now()) {
    const next = new Map<string, AnyModel>();
    for (const model of normalizeAll(kind, items) as AnyModel[]) {
      next.set(model.uid, model);
    }
    const held = this.models.get(kind)!;
    for (const [uid, model] of held) {
      if (!next.has(uid)) {
        this.remove(model);
      }
    }
    for (const model of next.values()) {
      const before = held.get(model.uid);
      if (!before || before.resourceVersion !== model.resourceVersion || !model.resourceVersion) {
        this.upsert(model, before);
      }
    }
    this.states.set(kind, { state: 'ok', count: held.size, fetchedAt });
    this.dirtyKinds.add(kind);
  }

  /** One watch event. Returns false when it changed nothing (a MODIFIED at the resourceVersion already held). */
  apply(kind: KindName, type: StoreEventType, raw: RawObject): boolean {
    const model = normalize(kind, raw) as AnyModel | undefined;
    if (!model) {
      return false;
    }
    const held = this.models.get(kind)!;
    const before = held.get(model.uid);
    if (type === 'DELETED') {
      if (!before) {
        return false;
      }
      this.remove(before);
    } else {
      if (before && model.resourceVersion && before.resourceVersion === model.resourceVersion) {
        return false;
      }
      this.upsert(model, before);
    }
    const state = this.states.get(kind);
    this.states.set(kind, { ...(state ?? { state: 'ok' }), state: 'ok', count: held.size, error: undefined });
    this.dirtyKinds.add(kind);
    return true;
  }

  /**
   * A kind that failed (forbidden, unreachable) or is absent. A failed kind keeps the objects it had, so the pages
   * go on showing the last good data under the error; an absent or skipped one has none.
   */
  setState(kind: KindName, state: KindLoadState) {
    if (state.state === 'absent' || state.state === 'skipped') {
      this.replace(kind, []);
    }
    const held = this.models.get(kind)!;
    this.states.set(kind, { ...state, count: held.size, fetchedAt: this.states.get(kind)?.fetchedAt });
    this.dirtyKinds.add(kind);
  }

  stateOf(kind: KindName): KindLoadState | undefined {
    return this.states.get(kind);
  }

  /** The snapshot for the pages: the previous object when nothing changed since. */
  snapshot(now: number = Date.now()): ClusterSnapshot {
    if (this.current && this.dirtyKinds.size === 0 && this.dirtyNamespaces.size === 0 && !this.relinkAll) {
      return this.current;
    }
    if (this.relinkAll) {
      this.partitions.forEach((_, namespace) => this.dirtyNamespaces.add(namespace));
      this.edgesFrom.clear();
      this.edgesTo.clear();
      this.partitions.forEach((partition) => (partition.edges = []));
    }
    for (const kind of this.dirtyKinds) {
      (this.byKind[kind] as AnyModel[]) = [...this.models.get(kind)!.values()];
    }
    const context = edgeContext(
      this.byUid,
      this.byKey,
      (kind, namespace) => (this.partitions.get(namespace)?.index[kind] ?? []) as AnyModel[]
    );
    for (const namespace of this.dirtyNamespaces) {
      this.relink(namespace, context);
    }
    const byNamespace = new Map<string, NamespaceIndex>();
    for (const [namespace, partition] of this.partitions) {
      byNamespace.set(namespace, partition.index);
    }
    const kinds = {} as Record<KindName, KindLoadState>;
    for (const kind of KIND_NAMES) {
      kinds[kind] = this.states.get(kind) ?? { state: 'skipped', count: 0 };
    }
    this.dirtyKinds.clear();
    this.dirtyNamespaces.clear();
    this.relinkAll = false;
    this.current = {
      builtAt: now,
      byUid: this.byUid,
      byKind: { ...this.byKind },
      byNamespace,
      byKey: this.byKey,
      edgesFrom: this.edgesFrom,
      edgesTo: this.edgesTo,
      kinds,
    };
    return this.current;
  }

  private upsert(model: AnyModel, before: AnyModel | undefined) {
    if (before && before.namespace !== model.namespace) {
      this.remove(before);
      before = undefined;
    }
    this.models.get(model.kind)!.set(model.uid, model);
    this.byUid.set(model.uid, model);
    this.byKey.set(objectKey(model.kind, model.namespace, model.name), model);
    if (model.namespace !== undefined) {
      this.partition(model.namespace).members.get(model.kind)!.set(model.uid, model);
      this.dirtyNamespaces.add(model.namespace);
    } else if (!before) {
      // A node that appears may be the missing target of pods or events in any namespace.
      this.relinkAll = true;
    }
  }

  private remove(model: AnyModel) {
    this.models.get(model.kind)!.delete(model.uid);
    this.byUid.delete(model.uid);
    const key = objectKey(model.kind, model.namespace, model.name);
    if (this.byKey.get(key)?.uid === model.uid) {
      this.byKey.delete(key);
    }
    if (model.namespace !== undefined) {
      this.partitions.get(model.namespace)?.members.get(model.kind)!.delete(model.uid);
      this.dirtyNamespaces.add(model.namespace);
    } else {
      this.relinkAll = true;
    }
  }

  private partition(namespace: string): Partition {
    let partition = this.partitions.get(namespace);
    if (!partition) {
      partition = {
        members: new Map(KIND_NAMES.map((k) => [k, new Map()])),
        index: emptyIndex(),
        edges: [],
      };
      this.partitions.set(namespace, partition);
    }
    return partition;
  }

  /** Rebuilds one namespace's index and edges, replacing its old edges in edgesFrom and edgesTo. */
  private relink(namespace: string, context: ReturnType<typeof edgeContext>) {
    const partition = this.partitions.get(namespace);
    if (!partition) {
      return;
    }
    const index = emptyIndex();
    let size = 0;
    for (const kind of KIND_NAMES) {
      const members = partition.members.get(kind)!;
      (index[kind] as AnyModel[]) = [...members.values()];
      size += members.size;
    }
    this.unlink(partition.edges);
    if (size === 0) {
      this.partitions.delete(namespace);
      return;
    }
    partition.index = index;
    const edges: Edge[] = [];
    for (const spec of RELATIONS) {
      deriveEdges(spec, index[edgeSourceKind(spec)] as AnyModel[], context, (edge) => edges.push(edge));
    }
    partition.edges = edges;
    const from = new Map<string, Edge[]>();
    const to = new Map<string, Edge[]>();
    for (const edge of edges) {
      push(from, edge.from, edge);
      if (edge.to) {
        push(to, edge.to, edge);
      }
    }
    // New arrays, so a list a previous snapshot handed out never changes.
    from.forEach((list, uid) => this.edgesFrom.set(uid, list));
    to.forEach((list, uid) => this.edgesTo.set(uid, [...(this.edgesTo.get(uid) ?? []), ...list]));
  }

  /** Takes a namespace's previous edges out of the shared maps (new arrays, so a held list never changes). */
  private unlink(edges: Edge[]) {
    if (edges.length === 0) {
      return;
    }
    const gone = new Set(edges);
    const touched = new Set<string>();
    for (const edge of edges) {
      this.edgesFrom.delete(edge.from);
      if (edge.to) {
        touched.add(edge.to);
      }
    }
    for (const uid of touched) {
      const kept = (this.edgesTo.get(uid) ?? []).filter((edge) => !gone.has(edge));
      if (kept.length > 0) {
        this.edgesTo.set(uid, kept);
      } else {
        this.edgesTo.delete(uid);
      }
    }
  }
}

function push(map: Map<string, Edge[]>, key: string, edge: Edge) {
  const list = map.get(key);
  if (list) {
    list.push(edge);
  } else {
    map.set(key, [edge]);
  }
}
