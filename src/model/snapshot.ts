/**
 * Builds the ClusterSnapshot the pages read: normalizes listed objects, indexes them by uid, kind, namespace and key,
 * and turns the relation table (./relations.ts) into edges. Linear in the number of objects: selectors are matched
 * per namespace through a label → pods index, never every service against every pod.
 */
import type { ListOutcome } from '../k8s/client';
import { ApiMissingError } from '../k8s/errors';
import { KIND_NAMES, KINDS } from '../k8s/kinds';
import { normalizeAll } from './normalize';
import { matchesSelector, RELATIONS, type NamedTarget, type RelationSpec } from './relations';
import type {
  AnyModel,
  ClusterSnapshot,
  Edge,
  KindLoadState,
  KindName,
  ModelByKind,
  LabelSelector,
  NamespaceIndex,
  ObjectRef,
} from './types';

export type ModelLists = { [K in KindName]?: Array<ModelByKind[K]> };

/** The reference to a normalized object that edges and problems carry. */
export function refOf(model: { kind: string; namespace?: string; name: string; uid: string }): ObjectRef {
  return { kind: model.kind, namespace: model.namespace, name: model.name, uid: model.uid };
}

/** Key of an object in `byKey`: kind, namespace ('' when cluster-scoped) and name. */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** Snapshot from the client's listKinds() outcomes: failed kinds are recorded in `kinds`, the others indexed. */
export function buildSnapshot(
  outcomes: Partial<Record<KindName, ListOutcome>>,
  builtAt: number = Date.now()
): ClusterSnapshot {
  const models: ModelLists = {};
  const kinds = {} as Record<KindName, KindLoadState>;
  for (const kind of KIND_NAMES) {
    const outcome = outcomes[kind];
    if (!outcome) {
      kinds[kind] = { state: 'skipped', count: 0 };
    } else if (outcome.ok) {
      const list = normalizeAll(kind, outcome.result.items);
      (models as Record<KindName, AnyModel[]>)[kind] = list;
      kinds[kind] = { state: 'ok', count: list.length, fetchedAt: builtAt };
    } else if (KINDS[kind].installedBy && outcome.error instanceof ApiMissingError) {
      kinds[kind] = { state: 'absent', count: 0 };
    } else {
      kinds[kind] = { state: 'error', count: 0, error: outcome.error };
    }
  }
  return indexSnapshot(models, kinds, builtAt);
}

/** Snapshot from already normalized models (fixtures, tests). Kinds absent from `kinds` count as loaded when listed. */
export function indexSnapshot(
  models: ModelLists,
  kinds: Partial<Record<KindName, KindLoadState>> = {},
  builtAt: number = Date.now()
): ClusterSnapshot {
  const byKind = emptyIndex();
  const byNamespace = new Map<string, NamespaceIndex>();
  const byUid = new Map<string, AnyModel>();
  const byKey = new Map<string, AnyModel>();
  const loadStates = {} as Record<KindName, KindLoadState>;

  for (const kind of KIND_NAMES) {
    const list = (models[kind] ?? []) as AnyModel[];
    loadStates[kind] =
      kinds[kind] ??
      (models[kind] ? { state: 'ok', count: list.length, fetchedAt: builtAt } : { state: 'skipped', count: 0 });
    (byKind[kind] as AnyModel[]) = list;
    for (const model of list) {
      byUid.set(model.uid, model);
      byKey.set(objectKey(model.kind, model.namespace, model.name), model);
      if (model.namespace !== undefined) {
        let index = byNamespace.get(model.namespace);
        if (!index) {
          index = emptyIndex();
          byNamespace.set(model.namespace, index);
        }
        (index[kind] as AnyModel[]).push(model);
      }
    }
  }

  const snapshot: ClusterSnapshot = {
    builtAt,
    byUid,
    byKind,
    byNamespace,
    byKey,
    edgesFrom: new Map(),
    edgesTo: new Map(),
    kinds: loadStates,
  };
  const context = edgeContext(byUid, byKey, (kind, namespace) => byNamespace.get(namespace)?.[kind] ?? []);
  for (const spec of RELATIONS) {
    deriveEdges(spec, byKind[edgeSourceKind(spec)] as AnyModel[], context, (edge) => addEdge(snapshot, edge));
  }
  return snapshot;
}

export function emptyIndex(): NamespaceIndex {
  return Object.fromEntries(KIND_NAMES.map((k) => [k, []])) as unknown as NamespaceIndex;
}

function addEdge(snapshot: ClusterSnapshot, edge: Edge) {
  push(snapshot.edgesFrom, edge.from, edge);
  if (edge.to) {
    push(snapshot.edgesTo, edge.to, edge);
  }
}

export function push<V>(map: Map<string, V[]>, key: string, value: V) {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/** What deriving edges looks up: objects by uid and by key, and the candidates of a label selector. */
export interface EdgeContext {
  byUid: Map<string, AnyModel>;
  byKey: Map<string, AnyModel>;
  selectTargets(kind: KindName, namespace: string, selector: LabelSelector): AnyModel[];
}

/**
 * An EdgeContext over indexes; `inNamespace` gives the objects of a kind in a namespace. Label lookups are indexed
 * per namespace and kind on first use, and kept for the context's lifetime (one build).
 */
export function edgeContext(
  byUid: Map<string, AnyModel>,
  byKey: Map<string, AnyModel>,
  inNamespace: (kind: KindName, namespace: string) => AnyModel[]
): EdgeContext {
  const labelIndexes = new Map<string, LabelIndex>();
  return {
    byUid,
    byKey,
    selectTargets: (kind, namespace, selector) =>
      selectTargets(inNamespace(kind, namespace), `${kind}/${namespace}`, selector, labelIndexes),
  };
}

/** The edges of one relation whose sources are `sources` (all of `spec.from`, or those of one namespace). */
export function deriveEdges(
  spec: RelationSpec,
  sources: readonly AnyModel[],
  context: EdgeContext,
  emit: (edge: Edge) => void
) {
  switch (spec.match) {
    case 'ownerReference':
      // Sources here are the children: an owner reference points from child to owner.
      for (const child of sources) {
        for (const owner of child.owners) {
          const target = owner.kind === spec.from ? context.byUid.get(owner.uid) : undefined;
          if (target) {
            emit({ relation: spec.relation, from: target.uid, to: child.uid, toRef: refOf(child), missing: false });
          }
        }
      }
      return;
    case 'labelSelector':
      for (const source of sources) {
        const selector = (spec.selector as (m: AnyModel) => LabelSelector | undefined)(source);
        if (!selector || source.namespace === undefined) {
          continue;
        }
        for (const target of context.selectTargets(spec.to, source.namespace, selector)) {
          emit({ relation: spec.relation, from: source.uid, to: target.uid, toRef: refOf(target), missing: false });
        }
      }
      return;
    case 'name':
      for (const source of sources) {
        const named = (spec.targets as (m: AnyModel) => NamedTarget[])(source);
        // Most sources name one target (a pod's node): dedupe only when there are several.
        const seen = named.length > 1 ? new Set<string>() : undefined;
        for (const { name, kind = spec.to, port } of named) {
          const namespace = KINDS[kind].namespaced ? source.namespace : undefined;
          const key = objectKey(kind, namespace, name);
          if (seen) {
            const dedupe = `${key}#${port ?? ''}`;
            if (seen.has(dedupe)) {
              continue;
            }
            seen.add(dedupe);
          }
          const target = context.byKey.get(key);
          emit({
            relation: spec.relation,
            from: source.uid,
            to: target?.uid,
            toRef: { kind, namespace, name, uid: target?.uid },
            missing: !target,
            port,
          });
        }
      }
      return;
  }
}

/** The kind whose objects `deriveEdges` iterates for a relation: owner references are read on the children. */
export function edgeSourceKind(spec: RelationSpec): KindName {
  return spec.match === 'ownerReference' ? spec.to : spec.from;
}

/** Per namespace and target kind: "key=value" → objects carrying that label. */
type LabelIndex = Map<string, AnyModel[]>;

function selectTargets(
  candidatesAll: AnyModel[],
  indexKey: string,
  selector: LabelSelector,
  labelIndexes: Map<string, LabelIndex>
): AnyModel[] {
  const pairs = Object.entries(selector.matchLabels);
  let candidates = candidatesAll;
  if (pairs.length > 0) {
    let index = labelIndexes.get(indexKey);
    if (!index) {
      index = new Map();
      for (const model of candidatesAll) {
        for (const label in model.labels) {
          push(index, `${label}=${model.labels[label]}`, model);
        }
      }
      labelIndexes.set(indexKey, index);
    }
    // Start from the rarest label pair, then verify the whole selector on those few.
    candidates = pairs
      .map(([key, value]) => index!.get(`${key}=${value}`) ?? [])
      .reduce((smallest, list) => (list.length < smallest.length ? list : smallest));
  }
  return candidates.filter((model) => matchesSelector(selector, model.labels));
}
