import { AnyModel, ClusterSnapshot, KindName, ModelByKind, RelationName } from '../model/types';

/** Objects an object points to through one relation (e.g. a Deployment's ReplicaSets via 'owns'). */
export function targets<K extends KindName>(
  snapshot: ClusterSnapshot,
  uid: string,
  relation: RelationName,
  kind?: K
): Array<ModelByKind[K]> {
  const out: Array<ModelByKind[K]> = [];
  for (const edge of snapshot.edgesFrom.get(uid) ?? []) {
    if (edge.relation !== relation || !edge.to) {
      continue;
    }
    const model = snapshot.byUid.get(edge.to);
    if (model && (!kind || model.kind === kind)) {
      out.push(model as ModelByKind[K]);
    }
  }
  return out;
}

/** Objects pointing to an object through one relation (e.g. the Services that select a Pod). */
export function sources<K extends KindName>(
  snapshot: ClusterSnapshot,
  uid: string,
  relation: RelationName,
  kind?: K
): Array<ModelByKind[K]> {
  const out: Array<ModelByKind[K]> = [];
  for (const edge of snapshot.edgesTo.get(uid) ?? []) {
    if (edge.relation !== relation) {
      continue;
    }
    const model = snapshot.byUid.get(edge.from);
    if (model && (!kind || model.kind === kind)) {
      out.push(model as ModelByKind[K]);
    }
  }
  return out;
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
