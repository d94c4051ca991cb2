/**
 * @jest-environment node
 */
import fc from 'fast-check';
import type { RawObject } from '../k8s/client';
import { ForbiddenError } from '../k8s/errors';
import { ClusterStore } from './store';
import { objectKey } from './snapshot';
import * as raw from './testdata/cluster';
import { FIXTURE, mutate, play, rebuilt, stepArb } from './testdata/storeSteps';
import type { AnyModel, ClusterSnapshot, Edge } from './types';

const edgeId = (e: Edge) =>
  `${e.relation} ${e.from} → ${e.to ?? `${objectKey(e.toRef.kind, e.toRef.namespace, e.toRef.name)}?`}#${e.port ?? ''}`;

/** What a page can read from a snapshot, in a form that ignores order. */
function view(snapshot: ClusterSnapshot) {
  const uids = (list: AnyModel[]) => list.map((m) => `${m.uid}@${m.resourceVersion}`).sort();
  const edges: string[] = [];
  snapshot.edgesFrom.forEach((list, from) => list.forEach((e) => edges.push(`${from}: ${edgeId(e)}`)));
  const incoming: string[] = [];
  snapshot.edgesTo.forEach((list, to) => list.forEach((e) => incoming.push(`${to}: ${edgeId(e)}`)));
  const namespaces: Record<string, Record<string, string[]>> = {};
  snapshot.byNamespace.forEach((index, namespace) => {
    namespaces[namespace] = Object.fromEntries(
      Object.entries(index)
        .filter(([, list]) => list.length > 0)
        .map(([kind, list]) => [kind, uids(list as AnyModel[])])
    );
  });
  return {
    byKind: Object.fromEntries(Object.entries(snapshot.byKind).map(([k, list]) => [k, uids(list as AnyModel[])])),
    byUid: [...snapshot.byUid.keys()].sort(),
    byKey: [...snapshot.byKey.entries()].map(([k, m]) => `${k}=${m.uid}`).sort(),
    namespaces,
    edges: edges.sort(),
    incoming: incoming.sort(),
  };
}

describe('ClusterStore', () => {
  it('after any sequence of watch events and relists, equals a snapshot built from scratch of the same objects', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), fc.integer({ min: 1, max: 40 }), (steps, every) => {
        const { store, expected } = play(steps, every);
        expect(view(store.snapshot())).toEqual(view(rebuilt(expected)));
      }),
      { numRuns: 300 }
    );
  });

  it('keeps the NamespaceIndex of namespaces a change does not touch, and returns the same snapshot when nothing changed', () => {
    const store = new ClusterStore();
    FIXTURE.forEach(([kind, items]) => store.replace(kind, items));
    const elsewhere = structuredClone(raw.rawPods[0]) as RawObject;
    elsewhere.metadata = { ...elsewhere.metadata, namespace: 'billing', uid: 'pod-billing' };
    store.apply('Pod', 'ADDED', elsewhere);
    const first = store.snapshot();
    expect(store.snapshot()).toBe(first);
    const pod = raw.rawPods.find((p) => p.metadata.namespace === 'shop')!;
    expect(store.apply('Pod', 'MODIFIED', pod)).toBe(false); // same resourceVersion: nothing to do
    expect(store.snapshot()).toBe(first);

    const untouched = [...first.byNamespace.keys()].filter((ns) => ns !== 'shop');
    expect(untouched.length).toBeGreaterThan(0);
    store.apply('Pod', 'MODIFIED', mutate('Pod', pod, 4, 1));
    const second = store.snapshot();
    expect(second).not.toBe(first);
    expect(second.byNamespace.get('shop')).not.toBe(first.byNamespace.get('shop'));
    for (const ns of untouched) {
      expect(second.byNamespace.get(ns)).toBe(first.byNamespace.get(ns));
    }
    expect(second.byKind.Deployment).toBe(first.byKind.Deployment);
    expect(second.byKind.Pod).not.toBe(first.byKind.Pod);
  });

  it('a relist keeps the model of each object at the version held and renews the changed ones', () => {
    const store = new ClusterStore();
    store.replace('Pod', raw.rawPods);
    const before = new Map(store.snapshot().byKind.Pod.map((pod) => [pod.uid, pod]));
    const changed = mutate('Pod', raw.rawPods[0], 5, 1);
    store.replace('Pod', [changed, ...raw.rawPods.slice(1)]);
    const after = store.snapshot().byKind.Pod;
    expect(after).toHaveLength(raw.rawPods.length);
    for (const pod of after) {
      const same = pod.uid !== raw.rawPods[0].metadata.uid;
      expect(pod === before.get(pod.uid)).toBe(same);
    }
    expect(after.find((pod) => pod.uid === raw.rawPods[0].metadata.uid)?.resourceVersion).toBe(
      changed.metadata?.resourceVersion
    );
  });

  it('keeps a failed kind’s objects under its error, and drops an absent kind’s', () => {
    const store = new ClusterStore();
    store.replace('Pod', raw.rawPods);
    store.replace('Service', raw.rawServices);
    const error = new ForbiddenError('Pod', 'watch', undefined, 'verbs: [watch]');
    store.setState('Pod', { state: 'error', count: 0, error });
    store.setState('Service', { state: 'absent', count: 0 });
    const snapshot = store.snapshot();
    expect(snapshot.kinds.Pod).toMatchObject({ state: 'error', count: raw.rawPods.length, error });
    expect(snapshot.byKind.Pod).toHaveLength(raw.rawPods.length);
    expect(snapshot.kinds.Service).toMatchObject({ state: 'absent', count: 0 });
    expect(snapshot.byKind.Service).toHaveLength(0);
    // The next event clears the error: the kind is live again.
    store.apply('Pod', 'MODIFIED', mutate('Pod', raw.rawPods[0], 3, 2));
    expect(store.snapshot().kinds.Pod).toMatchObject({ state: 'ok', error: undefined });
  });
});
