/**
 * The live store's edges, redone per changed object instead of per namespace or per snapshot.
 *
 * Every edge has one deriving object, the one whose change can alter it on its own:
 * - an owner reference: the child (it names its owners);
 * - a named reference: the object that names (a pod its node, an event its object);
 * - a label selector: the selected object (a pod is matched against the services of its namespace), so that a pod's
 *   change redoes its own few edges and not every edge of each service that selects it.
 *
 * An edge also depends on other objects: an owner's or a named target's presence, a selector's source. Indexes from
 * owner uid and from named key to the deriving objects say which to redo when those appear or disappear, and a
 * selector's source dirties the selected kind in its namespace. A ReplicaSet's status update, the commonest event
 * after a pod's, so redoes one edge.
 *
 * The published maps (`from`, `to`) are shared between snapshots and updated in place, with a new array wherever a
 * list changes, so a list a previous snapshot handed out never changes.
 */
import { RELATIONS, matchesSelector, type RelationSpec } from './relations';
import { deriveEdges, edgeContext, edgeSourceKind, objectKey, push, refOf } from './snapshot';
import type { AnyModel, Edge, KindName, LabelSelector } from './types';

type SelectorSpec = Extract<RelationSpec, { match: 'labelSelector' }>;

/** What the store gives the edges to read: current objects by uid and by key, and a namespace's objects of a kind. */
export interface EdgeSources {
  byUid: Map<string, AnyModel>;
  byKey: Map<string, AnyModel>;
  model(kind: KindName, uid: string): AnyModel | undefined;
  inNamespace(kind: KindName, namespace: string): Iterable<AnyModel>;
}

interface Derived {
  edges: Edge[];
  /** the owner references the edges were derived from (the model's own array) */
  owners: AnyModel['owners'];
}

/** The relations each kind derives, and the selector relations each kind is the source of. */
const DERIVED_BY = new Map<KindName, RelationSpec[]>();
const SELECTOR_SOURCE_OF = new Map<KindName, SelectorSpec[]>();
for (const spec of RELATIONS) {
  const deriver = spec.match === 'labelSelector' ? spec.to : edgeSourceKind(spec);
  DERIVED_BY.set(deriver, [...(DERIVED_BY.get(deriver) ?? []), spec]);
  if (spec.match === 'labelSelector') {
    SELECTOR_SOURCE_OF.set(spec.from, [...(SELECTOR_SOURCE_OF.get(spec.from) ?? []), spec]);
  }
}

const idOf = (kind: KindName, uid: string) => `${kind} ${uid}`;
/** Named references are emitted even when their target is missing, so an object's edges tell what it names. */
const NAMED_RELATIONS = new Set(RELATIONS.flatMap((spec) => (spec.match === 'name' ? [spec.relation] : [])));

export class LiveEdges {
  readonly from = new Map<string, Edge[]>();
  readonly to = new Map<string, Edge[]>();
  private readonly derived = new Map<string, Derived>();
  /** owner uid → ids of the objects naming it in their owner references (one id, the common case, or a set) */
  private readonly ownedBy = new Map<string, Ids>();
  /** object key → ids of the objects naming it */
  private readonly namedBy = new Map<string, Ids>();
  /** id → kind of the objects to redo */
  private readonly dirty = new Map<string, KindName>();
  /** selector relation → namespaces whose sources changed: every target there is redone at the next flush */
  private readonly dirtySelections = new Map<SelectorSpec, Set<string>>();

  constructor(private readonly sources: EdgeSources) {}

  /**
   * An object was added, changed or removed. `presence` is true when it appeared or disappeared (the same uid and key
   * modified is not): only then can the edges of objects that name it or are owned by it change.
   */
  touched(model: AnyModel, presence: boolean) {
    this.markDirty(model.kind, model.uid);
    if (presence) {
      forEachId(this.ownedBy.get(model.uid), (id) => this.markId(id));
      forEachId(this.namedBy.get(objectKey(model.kind, model.namespace, model.name)), (id) => this.markId(id));
    }
    if (model.namespace !== undefined) {
      for (const spec of SELECTOR_SOURCE_OF.get(model.kind) ?? []) {
        const namespaces = this.dirtySelections.get(spec) ?? new Set();
        this.dirtySelections.set(spec, namespaces.add(model.namespace));
      }
    }
  }

  /** Redoes the edges of every object touched since the last flush; returns whether any list changed. */
  flush(): boolean {
    this.dirtySelections.forEach((namespaces, spec) =>
      namespaces.forEach((namespace) => {
        for (const target of this.sources.inNamespace(spec.to, namespace)) {
          this.markDirty(target.kind, target.uid);
        }
      })
    );
    this.dirtySelections.clear();
    if (this.dirty.size === 0) {
      return false;
    }
    const removed = new Set<Edge>();
    const addedFrom = new Map<string, Edge[]>();
    const addedTo = new Map<string, Edge[]>();
    // No namespace listing for selectTargets: a selector's edges are derived from the selected pod's side, through
    // the per-flush SelectionIndex below, so the selector's side never scans its namespace here.
    const context = edgeContext(this.sources.byUid, this.sources.byKey, () => []);
    const selections = new Map<string, SelectionIndex>();
    for (const [id, kind] of this.dirty) {
      const uid = id.slice(kind.length + 1);
      const before = this.derived.get(id);
      if (before) {
        this.forget(id, before);
        before.edges.forEach((edge) => removed.add(edge));
      }
      const model = this.sources.model(kind, uid);
      if (!model) {
        this.derived.delete(id);
        continue;
      }
      const now = this.derive(model, context, selections);
      this.derived.set(id, now);
      this.register(id, now, addId);
      for (const edge of now.edges) {
        push(addedFrom, edge.from, edge);
        if (edge.to) {
          push(addedTo, edge.to, edge);
        }
      }
    }
    this.dirty.clear();
    const touchedFrom = new Set(addedFrom.keys());
    const touchedTo = new Set(addedTo.keys());
    for (const edge of removed) {
      touchedFrom.add(edge.from);
      if (edge.to) {
        touchedTo.add(edge.to);
      }
    }
    republish(this.from, touchedFrom, removed, addedFrom);
    republish(this.to, touchedTo, removed, addedTo);
    return touchedFrom.size > 0 || touchedTo.size > 0;
  }

  private derive(
    model: AnyModel,
    context: ReturnType<typeof edgeContext>,
    selections: Map<string, SelectionIndex>
  ): Derived {
    const edges: Edge[] = [];
    for (const spec of DERIVED_BY.get(model.kind) ?? []) {
      if (spec.match === 'labelSelector') {
        this.deriveSelectedBy(spec, model, selections, edges);
      } else {
        deriveEdges(spec, [model], context, (edge) => edges.push(edge));
      }
    }
    return { edges, owners: model.owners };
  }

  /** The edges from the sources of a selector relation in the target's namespace whose selector matches it. */
  private deriveSelectedBy(
    spec: SelectorSpec,
    target: AnyModel,
    selections: Map<string, SelectionIndex>,
    edges: Edge[]
  ) {
    if (target.namespace === undefined) {
      return;
    }
    const indexKey = `${spec.from}/${spec.to}/${target.namespace}`;
    let index = selections.get(indexKey);
    if (!index) {
      index = indexSelections(spec, this.sources.inNamespace(spec.from, target.namespace));
      selections.set(indexKey, index);
    }
    const match = ({ source, selector }: Selection) => {
      if (matchesSelector(selector, target.labels)) {
        edges.push({ relation: spec.relation, from: source.uid, to: target.uid, toRef: refOf(target), missing: false });
      }
    };
    index.unkeyed.forEach(match);
    for (const label in target.labels) {
      index.byPair.get(`${label}=${target.labels[label]}`)?.forEach(match);
    }
  }

  private forget(id: string, derived: Derived) {
    this.register(id, derived, removeId);
  }

  /** Adds or removes an object's entries in the indexes of what it names: its owners, and its named targets. */
  private register(id: string, derived: Derived, change: (map: Map<string, Ids>, key: string, id: string) => void) {
    derived.owners.forEach((owner) => change(this.ownedBy, owner.uid, id));
    for (const edge of derived.edges) {
      if (NAMED_RELATIONS.has(edge.relation)) {
        change(this.namedBy, objectKey(edge.toRef.kind, edge.toRef.namespace, edge.toRef.name), id);
      }
    }
  }

  private markDirty(kind: KindName, uid: string) {
    this.dirty.set(idOf(kind, uid), kind);
  }

  private markId(id: string) {
    this.dirty.set(id, id.slice(0, id.indexOf(' ')) as KindName);
  }
}

interface Selection {
  source: AnyModel;
  selector: LabelSelector;
}

/**
 * A namespace's selector sources by one of their required label pairs (any one will do: a target must carry them
 * all), so that a target is checked against the few sources that can select it. Selectors without a required pair
 * (only expressions, or empty) are checked against every target.
 */
interface SelectionIndex {
  byPair: Map<string, Selection[]>;
  unkeyed: Selection[];
}

function indexSelections(spec: SelectorSpec, sources: Iterable<AnyModel>): SelectionIndex {
  const index: SelectionIndex = { byPair: new Map(), unkeyed: [] };
  for (const source of sources) {
    const selector = (spec.selector as (m: AnyModel) => LabelSelector | undefined)(source);
    if (!selector) {
      continue;
    }
    const first = Object.keys(selector.matchLabels)[0];
    if (first === undefined) {
      index.unkeyed.push({ source, selector });
    } else {
      push(index.byPair, `${first}=${selector.matchLabels[first]}`, { source, selector });
    }
  }
  return index;
}

/** Each touched list becomes a new array: the old one without the removed edges, then the added ones. */
function republish(map: Map<string, Edge[]>, touched: Set<string>, removed: Set<Edge>, added: Map<string, Edge[]>) {
  for (const key of touched) {
    const held = map.get(key);
    const kept = held && removed.size > 0 ? held.filter((edge) => !removed.has(edge)) : (held ?? []);
    // The added lists are this flush's own, so one can be handed out as it is.
    const next = kept.length === 0 ? (added.get(key) ?? []) : kept.concat(added.get(key) ?? []);
    if (next.length > 0) {
      map.set(key, next);
    } else {
      map.delete(key);
    }
  }
}

type Ids = string | Set<string>;

function forEachId(ids: Ids | undefined, each: (id: string) => void) {
  if (typeof ids === 'string') {
    each(ids);
  } else {
    ids?.forEach(each);
  }
}

function addId(map: Map<string, Ids>, key: string, id: string) {
  const ids = map.get(key);
  if (ids === undefined || ids === id) {
    map.set(key, id);
  } else if (typeof ids === 'string') {
    map.set(key, new Set([ids, id]));
  } else {
    ids.add(id);
  }
}

function removeId(map: Map<string, Ids>, key: string, id: string) {
  const ids = map.get(key);
  if (ids === id) {
    map.delete(key);
  } else if (typeof ids !== 'string' && ids?.delete(id) && ids.size === 0) {
    map.delete(key);
  }
}
