import { AnyModel, ClusterSnapshot, KindName, ModelByKind, RelationName } from '../model/types';

function related<K extends KindName>(
  snapshot: ClusterSnapshot,
  uid: string,
  relation: RelationName,
  direction: 'from' | 'to',
  kind?: K
): Array<ModelByKind[K]> {
  const out: Array<ModelByKind[K]> = [];
  const edges = (direction === 'from' ? snapshot.edgesFrom : snapshot.edgesTo).get(uid) ?? [];
  for (const edge of edges) {
    const other = direction === 'from' ? edge.to : edge.from;
    const model = edge.relation === relation && other ? snapshot.byUid.get(other) : undefined;
    if (model && (!kind || model.kind === kind)) {
      out.push(model as ModelByKind[K]);
    }
  }
  return out;
}

/** Objects an object points to through one relation (e.g. a Deployment's ReplicaSets via 'owns'). */
export function targets<K extends KindName>(snapshot: ClusterSnapshot, uid: string, relation: RelationName, kind?: K) {
  return related(snapshot, uid, relation, 'from', kind);
}

/** Objects pointing to an object through one relation (e.g. the Services that select a Pod). */
export function sources<K extends KindName>(snapshot: ClusterSnapshot, uid: string, relation: RelationName, kind?: K) {
  return related(snapshot, uid, relation, 'to', kind);
}

/** The controlling owner of an object when it is in the snapshot. */
export function controller(snapshot: ClusterSnapshot, model: AnyModel): AnyModel | undefined {
  const ref = model.owners.find((o) => o.controller) ?? model.owners[0];
  return ref ? snapshot.byUid.get(ref.uid) : undefined;
}

/** The top of the owner chain: a Pod → its Deployment (through the ReplicaSet), a Job → its CronJob. */
export function topOwner(snapshot: ClusterSnapshot, model: AnyModel): AnyModel {
  let current = model;
  // Owner cycles cannot happen in Kubernetes, but a bounded walk costs nothing against corrupt data.
  for (let depth = 0; depth < 8; depth++) {
    const owner = controller(snapshot, current);
    if (!owner) {
      return current;
    }
    current = owner;
  }
  return current;
}
