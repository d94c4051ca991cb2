/**
 * Random watch events and relists over the fixture cluster, for the property tests of the live store and of the
 * selectors that memoize on its snapshots.
 */
import fc from 'fast-check';
import type { RawObject } from '../../k8s/client';
import { normalizeAll } from '../normalize';
import { indexSnapshot, type ModelLists } from '../snapshot';
import { ClusterStore } from '../store';
import type { AnyModel, ClusterSnapshot, KindName } from '../types';
import * as raw from './cluster';

export const FIXTURE: Array<[KindName, RawObject[]]> = [
  ['Namespace', raw.rawNamespaces],
  ['Node', raw.rawNodes],
  ['Pod', raw.rawPods],
  ['Service', raw.rawServices],
  ['EndpointSlice', raw.rawEndpointSlices],
  ['Ingress', raw.rawIngresses],
  ['Deployment', raw.rawDeployments],
  ['ReplicaSet', raw.rawReplicaSets],
  ['StatefulSet', raw.rawStatefulSets],
  ['DaemonSet', raw.rawDaemonSets],
  ['Job', raw.rawJobs],
  ['CronJob', raw.rawCronJobs],
  ['HorizontalPodAutoscaler', raw.rawHpas],
  ['PersistentVolumeClaim', raw.rawPvcs],
  ['Event', raw.rawEvents],
] as Array<[KindName, RawObject[]]>;

/**
 * A change to a fixture object that moves edges (labels, node, a service's selector, owner) or what a page counts (a
 * pod's phase).
 */
export function mutate(kind: KindName, object: RawObject, variant: number, version: number): RawObject {
  // JSON, not structuredClone: jsdom (the selectors' test environment) has none, and raw objects are JSON.
  const copy = JSON.parse(JSON.stringify(object)) as RawObject & {
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
  };
  const metadata = copy.metadata as Record<string, unknown>;
  metadata.resourceVersion = String(1000 + version);
  switch (variant % 4) {
    case 0:
      metadata.labels = { ...((metadata.labels as object) ?? {}), app: variant % 8 === 0 ? 'web' : 'other' };
      break;
    case 1:
      if (kind === 'Pod') {
        copy.spec = { ...copy.spec, nodeName: variant % 8 === 1 ? 'node-a' : 'node-gone' };
      } else if (kind === 'Service') {
        copy.spec = { ...copy.spec, selector: { app: variant % 8 === 1 ? 'web' : 'other' } };
      }
      break;
    case 2:
      delete metadata.ownerReferences;
      break;
    default:
      if (kind === 'Pod') {
        copy.status = { ...copy.status, phase: variant % 8 === 3 ? 'Failed' : 'Pending' };
      }
      break;
  }
  return copy;
}

/** The reference: a snapshot built from scratch from the objects the store should hold. */
export function rebuilt(objects: Map<KindName, Map<string, RawObject>>): ClusterSnapshot {
  const models: ModelLists = {};
  objects.forEach(
    (byUid, kind) =>
      ((models as Record<string, AnyModel[]>)[kind] = normalizeAll(kind, [...byUid.values()]) as AnyModel[])
  );
  return indexSnapshot(models);
}

export type Step = { op: 'add' | 'modify' | 'delete' | 'relist'; kind: number; item: number; variant: number };

export const stepArb: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom('add', 'modify', 'delete', 'relist'),
  kind: fc.nat(FIXTURE.length - 1),
  item: fc.nat(20),
  variant: fc.nat(15),
});

/**
 * Loads the fixture into a store, then plays `steps`, taking a snapshot after every `every`-th (as the live session
 * batches events) and handing it to `onSnapshot`. Returns the store and the raw objects it should hold.
 */
export function play(
  steps: Step[],
  every: number,
  onSnapshot: (snapshot: ClusterSnapshot, held: Map<KindName, Map<string, RawObject>>) => void = () => undefined
) {
  const store = new ClusterStore();
  const expected = new Map<KindName, Map<string, RawObject>>();
  for (const [kind, items] of FIXTURE) {
    store.replace(kind, items);
    expected.set(kind, new Map(items.map((o) => [o.metadata!.uid!, o])));
  }
  store.snapshot();
  steps.forEach((step, n) => {
    const [kind, items] = FIXTURE[step.kind];
    const held = expected.get(kind)!;
    const source = items[step.item % items.length];
    const uid = source.metadata!.uid!;
    if (step.op === 'delete') {
      store.apply(kind, 'DELETED', held.get(uid) ?? source);
      held.delete(uid);
    } else if (step.op === 'relist') {
      const list = [...held.values()].filter((_, i) => i % 3 !== step.variant % 3);
      store.replace(kind, list);
      expected.set(kind, new Map(list.map((o) => [o.metadata!.uid!, o])));
    } else {
      const next = mutate(kind, held.get(uid) ?? source, step.variant, n);
      store.apply(kind, step.op === 'add' && !held.has(uid) ? 'ADDED' : 'MODIFIED', next);
      held.set(uid, next);
    }
    // Snapshots are taken between some steps only, as the live session batches events.
    if (n % every === 0) {
      onSnapshot(store.snapshot(), expected);
    }
  });
  return { store, expected };
}
