/**
 * Which Warning events still describe a problem. Kubernetes keeps an event for an hour after its last occurrence,
 * long after the cause may be over: a FailedScheduling from before the nodes were Ready stays on a pod that has been
 * Running for minutes. An event is superseded when the object it is about shows now that the cause is over, or when
 * that object no longer exists. When nothing tells, the event stays a problem.
 */
import { KINDS } from '../k8s/kinds';
import { objectKey } from '../model/snapshot';
import { AnyModel, ClusterSnapshot, EventModel, Health, KindName } from '../model/types';

/**
 * The object an event is about, as the snapshot has it: the model, 'gone' when its kind was listed and the object is
 * not there, or undefined when the snapshot cannot tell (a kind the app does not list, or one that failed to load).
 */
export type InvolvedObject = AnyModel | 'gone' | undefined;

/**
 * PersistentVolumeClaim warnings about finding a volume, over once the claim is Bound (a resize failure on a bound
 * claim is not one of them).
 */
const BINDING_REASONS = new Set(['ProvisioningFailed', 'FailedBinding', 'VolumeMismatch']);

/**
 * When the event last happened: the normalizer's lastAt (core/v1 lastTimestamp, else events.k8s.io
 * series.lastObservedTime, else firstTimestamp or eventTime), else the Event object's creation.
 */
export function lastSeenAt(event: EventModel): number | undefined {
  return event.lastAt ?? event.firstAt ?? event.createdAt;
}

function isKindName(kind: string): kind is KindName {
  return Object.prototype.hasOwnProperty.call(KINDS, kind);
}

export function involvedObject(snapshot: ClusterSnapshot, event: EventModel): InvolvedObject {
  const ref = event.involvedObject;
  if (!isKindName(ref.kind) || snapshot.kinds[ref.kind]?.state !== 'ok') {
    return undefined;
  }
  // Events live in their object's namespace, so the event's own namespace stands in for a reference without one.
  const namespace = KINDS[ref.kind].namespaced ? (ref.namespace ?? event.namespace) : undefined;
  const byUid = ref.uid ? snapshot.byUid.get(ref.uid) : undefined;
  if (byUid?.kind === ref.kind && byUid.namespace === namespace) {
    return byUid;
  }
  const namesake = snapshot.byKey.get(objectKey(ref.kind, namespace, ref.name));
  // Kubelets put a Node's name in the uid field. Any other uid on a namesake names an earlier object of that name
  // (a StatefulSet pod deleted and created again), which is gone.
  return namesake && (!ref.uid || ref.uid === ref.name) ? namesake : 'gone';
}

/** Did the object turn healthy after `seen`? Both are from the API server's clock; equal seconds cannot tell. */
function healthySince(since: number | undefined, seen: number | undefined): boolean {
  return since !== undefined && seen !== undefined && since > seen;
}

function causeIsOver(model: AnyModel, event: EventModel): boolean {
  switch (model.kind) {
    case 'Pod':
      // A bound pod is never scheduled again, whatever the clocks say (conditions have whole seconds, eventTime has
      // microseconds).
      if (event.reason === 'FailedScheduling') {
        return model.nodeName !== undefined;
      }
      return model.phase === 'Succeeded' || healthySince(model.readySince, lastSeenAt(event));
    case 'Node': {
      const ready = model.conditions.find((c) => c.type === 'Ready');
      return model.ready && healthySince(ready?.lastTransitionAt, lastSeenAt(event));
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      // Every replica ready, available and up to date: the controller has nothing left to create or replace.
      return model.status.health === Health.Healthy;
    case 'Job':
      return model.outcome === 'Complete';
    case 'PersistentVolumeClaim':
      return model.phase === 'Bound' && BINDING_REASONS.has(event.reason ?? '');
    default:
      return false;
  }
}

/** Is the event's cause over, judged from the object it is about (see {@link involvedObject})? */
export function isSuperseded(event: EventModel, involved: InvolvedObject): boolean {
  if (involved === 'gone') {
    return true;
  }
  return involved !== undefined && causeIsOver(involved, event);
}
