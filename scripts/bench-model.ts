/**
 * Prints how long normalizing and indexing a large cluster takes, and then what changes cost the live model
 * (src/model/store.ts): one pod, and the batches a steady state brings in one snapshot (pods replaced, every
 * ReplicaSet's status as a poll of them answers) (no assertions: a benchmark, not a test).
 * Usage: npx tsx scripts/bench-model.ts [pods=10000]
 */
import type { ListOutcome, RawObject } from '../src/k8s/client';
import { KINDS } from '../src/k8s/kinds';
import { buildSnapshot } from '../src/model/snapshot';
import { ClusterStore } from '../src/model/store';
import { rawPods, rawReplicaSets, rawServices } from '../src/model/testdata/cluster';
import type { KindName } from '../src/model/types';

const podCount = Number(process.argv[2] ?? 10_000);
const namespaces = Math.max(1, Math.round(podCount / 100));
const template = rawPods[1];
const pods: RawObject[] = [];
const services: RawObject[] = [];
const replicaSets: RawObject[] = [];
const rsUid = (namespace: string, app: string) => `rs-${namespace}-${app}`;
for (let i = 0; i < podCount; i++) {
  const namespace = `ns-${i % namespaces}`;
  const app = `app-${Math.floor(i / namespaces) % 20}`;
  pods.push({
    ...structuredClone(template),
    metadata: {
      name: `pod-${i}`,
      namespace,
      uid: `pod-${i}`,
      labels: { app, tier: 'front' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: app, uid: rsUid(namespace, app) }],
    },
    spec: { ...template.spec, nodeName: `node-${i % 50}` },
  });
}
for (let n = 0; n < namespaces; n++) {
  for (let a = 0; a < 20; a++) {
    services.push({
      ...structuredClone(rawServices[0]),
      metadata: { name: `app-${a}`, namespace: `ns-${n}`, uid: `svc-${n}-${a}` },
      spec: { ...rawServices[0].spec, selector: { app: `app-${a}` } },
    });
    replicaSets.push({
      ...structuredClone(rawReplicaSets[0]),
      metadata: {
        name: `app-${a}`,
        namespace: `ns-${n}`,
        uid: rsUid(`ns-${n}`, `app-${a}`),
        labels: { app: `app-${a}` },
      },
    });
  }
}
const ok = (kind: KindName, items: RawObject[]): ListOutcome => ({
  ok: true,
  result: { kind: KINDS[kind], items, stats: { requests: 0, pages: 0, retries: 0, restarts: 0 } },
});

let full = 0;
for (let run = 1; run <= 3; run++) {
  const started = performance.now();
  const snapshot = buildSnapshot({
    Pod: ok('Pod', pods),
    Service: ok('Service', services),
    ReplicaSet: ok('ReplicaSet', replicaSets),
  });
  const ms = performance.now() - started;
  full = ms;
  let edges = 0;
  snapshot.edgesFrom.forEach((list) => (edges += list.length));
  console.log(
    `run ${run}: ${snapshot.byKind.Pod.length} pods, ${snapshot.byKind.Service.length} services, ` +
      `${namespaces} namespaces → ${edges} edges in ${ms.toFixed(0)} ms`
  );
}

// The live path: the same cluster in the incremental store, then one pod changing, as a watch event brings it.
const store = new ClusterStore();
const loadStarted = performance.now();
store.replace('Pod', pods);
store.replace('Service', services);
store.replace('ReplicaSet', replicaSets);
store.snapshot();
console.log(`store: first load of the same objects in ${(performance.now() - loadStarted).toFixed(0)} ms`);

/** Median and max of `runs` timings of `change` followed by a new snapshot. */
function timeBatches(label: string, runs: number, change: (run: number) => void) {
  const timings: number[] = [];
  for (let run = 0; run < runs; run++) {
    const at = performance.now();
    change(run);
    store.snapshot();
    timings.push(performance.now() - at);
  }
  const sorted = [...timings].sort((a, b) => a - b);
  console.log(
    `store: ${label}, applied and a new snapshot out: median ${sorted[Math.floor(runs / 2)].toFixed(1)} ms, ` +
      `max ${sorted[runs - 1].toFixed(1)} ms (${runs} runs), against ${full.toFixed(0)} ms for a full build`
  );
}

const withVersion = (object: RawObject, version: string, extra: Partial<RawObject['metadata']> = {}) => ({
  ...object,
  metadata: { ...object.metadata, ...extra, resourceVersion: version },
});
timeBatches('one pod relabelled', 20, (run) => {
  const pod = pods[(run * 7919) % pods.length];
  store.apply('Pod', 'MODIFIED', withVersion(pod, `v${run}`, { labels: { app: `app-${run % 20}`, tier: 'back' } }));
});
// 1 % of the pods replaced a minute arrive in 10 s batches: a sixth of them deleted and as many created.
const perBatch = Math.max(1, Math.round(podCount / 100 / 6));
timeBatches(`${perBatch} pods replaced`, 20, (run) => {
  for (let i = 0; i < perBatch; i++) {
    const pod = pods[((run * perBatch + i) * 7) % pods.length];
    store.apply('Pod', 'DELETED', pod);
    store.apply('Pod', 'ADDED', withVersion(pod, `r${run}`, { uid: `${pod.metadata!.uid}-r${run}` }));
  }
});
timeBatches(`all ${replicaSets.length} ReplicaSets' status`, 10, (run) =>
  replicaSets.forEach((rs) => store.apply('ReplicaSet', 'MODIFIED', withVersion(rs, `s${run}`)))
);
