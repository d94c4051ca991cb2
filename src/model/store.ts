/**
 * The live, incrementally updated model of one cluster: watch events (ADDED, MODIFIED, DELETED) and whole-kind
 * replacements (a LIST, a relist) change it in place, and `snapshot()` hands the pages a ClusterSnapshot that differs
 * from the previous one only where something changed.
 *
 * What a change costs: normalizing the changed object, redoing its own edges and those of the objects whose edges it
 * can alter (./liveEdges.ts), and a new array for its kind in its namespace's index. Namespaces that did not change
 * keep their NamespaceIndex object, and a namespace's kinds that did not change keep their arrays, so selectors can
 * memoize per namespace on its identity.
 *
 * byUid, byKey, edgesFrom and edgesTo are shared between successive snapshots and updated in place (a snapshot is
 * read within one render, never kept beside a newer one); byKind arrays and byNamespace are new where changed.
 */
import type { RawObject } from '../k8s/client';
import { KIND_NAMES } from '../k8s/kinds';
import { LiveEdges } from './liveEdges';
import { normalize } from './normalize';
import { emptyIndex, objectKey } from './snapshot';
import type { AnyModel, ClusterSnapshot, KindLoadState, KindName, NamespaceIndex } from './types';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Partition {
  /** kind → uid → model, for this namespace. */
  members: Map<KindName, Map<string, AnyModel>>;
  index: NamespaceIndex;
}

export class ClusterStore {
  private readonly models = new Map<KindName, Map<string, AnyModel>>(KIND_NAMES.map((k) => [k, new Map()]));
  private readonly states = new Map<KindName, KindLoadState>();
  private readonly partitions = new Map<string, Partition>();
  private readonly byUid = new Map<string, AnyModel>();
  private readonly byKey = new Map<string, AnyModel>();
  private readonly edges = new LiveEdges({
    byUid: this.byUid,
    byKey: this.byKey,
    model: (kind, uid) => this.models.get(kind)!.get(uid),
    inNamespace: (kind, namespace) => this.partitions.get(namespace)?.members.get(kind)!.values() ?? [],
  });
  private readonly byKind: NamespaceIndex = emptyIndex();
  /** namespace → its kinds that changed */
  private readonly dirtyNamespaces = new Map<string, Set<KindName>>();
  private readonly dirtyKinds = new Set<KindName>();
  private current?: ClusterSnapshot;

  /** Replaces every object of a kind (a LIST or relist): objects not in `items` are gone. */
  replace(kind: KindName, items: readonly RawObject[], fetchedAt: number = Date.now()) {
    const held = this.models.get(kind)!;
    const next = new Map<string, AnyModel>();
    for (const raw of items) {
      // An object at the version already held keeps its model: a relist mostly brings back what the page has.
      const { uid, resourceVersion } = (raw.metadata ?? {}) as { uid?: unknown; resourceVersion?: unknown };
      const kept = typeof uid === 'string' ? held.get(uid) : undefined;
      const model = kept?.resourceVersion && kept.resourceVersion === resourceVersion ? kept : normalize(kind, raw);
      if (model) {
        next.set(model.uid, model as AnyModel);
      }
    }
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
    const edgesChanged = this.edges.flush();
    if (this.current && this.dirtyKinds.size === 0 && this.dirtyNamespaces.size === 0 && !edgesChanged) {
      return this.current;
    }
    for (const kind of this.dirtyKinds) {
      (this.byKind[kind] as AnyModel[]) = [...this.models.get(kind)!.values()];
    }
    for (const [namespace, kinds] of this.dirtyNamespaces) {
      this.reindex(namespace, kinds);
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
    this.current = {
      builtAt: now,
      byUid: this.byUid,
      byKind: { ...this.byKind },
      byNamespace,
      byKey: this.byKey,
      edgesFrom: this.edges.from,
      edgesTo: this.edges.to,
      kinds,
    };
    return this.current;
  }

  private upsert(model: AnyModel, before: AnyModel | undefined) {
    if (before && (before.namespace !== model.namespace || before.name !== model.name)) {
      this.remove(before);
      before = undefined;
    }
    this.models.get(model.kind)!.set(model.uid, model);
    this.byUid.set(model.uid, model);
    this.byKey.set(objectKey(model.kind, model.namespace, model.name), model);
    if (model.namespace !== undefined) {
      this.partition(model.namespace).members.get(model.kind)!.set(model.uid, model);
      this.markNamespace(model.namespace, model.kind);
    }
    this.edges.touched(model, !before);
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
      this.markNamespace(model.namespace, model.kind);
    }
    this.edges.touched(model, true);
  }

  private markNamespace(namespace: string, kind: KindName) {
    const kinds = this.dirtyNamespaces.get(namespace);
    if (kinds) {
      kinds.add(kind);
    } else {
      this.dirtyNamespaces.set(namespace, new Set([kind]));
    }
  }

  private partition(namespace: string): Partition {
    let partition = this.partitions.get(namespace);
    if (!partition) {
      partition = {
        members: new Map(KIND_NAMES.map((k) => [k, new Map()])),
        index: emptyIndex(),
      };
      this.partitions.set(namespace, partition);
    }
    return partition;
  }

  /** A new index for a namespace, with new arrays for the kinds that changed; an empty namespace is dropped. */
  private reindex(namespace: string, kinds: Set<KindName>) {
    const partition = this.partitions.get(namespace);
    if (!partition) {
      return;
    }
    let size = 0;
    partition.members.forEach((members) => (size += members.size));
    if (size === 0) {
      this.partitions.delete(namespace);
      return;
    }
    const index = { ...partition.index };
    for (const kind of kinds) {
      (index[kind] as AnyModel[]) = [...partition.members.get(kind)!.values()];
    }
    partition.index = index;
  }
}
