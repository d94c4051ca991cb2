/**
 * Prints how long normalizing and indexing a large cluster takes, and then what one changed pod costs the live
 * model (src/model/store.ts) (no assertions: a benchmark, not a test).
 * Usage: npx tsx scripts/bench-model.ts [pods=10000]
 */
import type { ListOutcome, RawObject } from '../src/k8s/client';
import { KINDS } from '../src/k8s/kinds';
import { buildSnapshot } from '../src/model/snapshot';
import { ClusterStore } from '../src/model/store';
import { rawPods, rawServices } from '../src/model/testdata/cluster';
import type { KindName } from '../src/model/types';

const podCount = Number(process.argv[2] ?? 10_000);
const namespaces = Math.max(1, Math.round(podCount / 100));
const template = rawPods[1];
const pods: RawObject[] = [];
const services: RawObject[] = [];
for (let i = 0; i < podCount; i++) {
  const namespace = `ns-${i % namespaces}`;
  const app = `app-${Math.floor(i / namespaces) % 20}`;
  pods.push({
    ...structuredClone(template),
    metadata: { name: `pod-${i}`, namespace, uid: `pod-${i}`, labels: { app, tier: 'front' } },
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
  }
}
const ok = (kind: KindName, items: RawObject[]): ListOutcome => ({
  ok: true,
  result: { kind: KINDS[kind], items, stats: { requests: 0, pages: 0, retries: 0, restarts: 0 } },
});

let full = 0;
for (let run = 1; run <= 3; run++) {
  const started = performance.now();
  const snapshot = buildSnapshot({ Pod: ok('Pod', pods), Service: ok('Service', services) });
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
store.snapshot();
console.log(`store: first load of the same objects in ${(performance.now() - loadStarted).toFixed(0)} ms`);
const timings: number[] = [];
for (let run = 0; run < 20; run++) {
  const changed = structuredClone(pods[(run * 7919) % pods.length]);
  changed.metadata = {
    ...changed.metadata,
    resourceVersion: `v${run}`,
    labels: { app: `app-${run % 20}`, tier: 'back' },
  };
  const at = performance.now();
  store.apply('Pod', 'MODIFIED', changed);
  store.snapshot();
  timings.push(performance.now() - at);
}
const sorted = [...timings].sort((a, b) => a - b);
console.log(
  `store: one pod relabelled, applied and a new snapshot out: median ${sorted[10].toFixed(1)} ms, ` +
    `max ${sorted[19].toFixed(1)} ms (20 runs), against ${full.toFixed(0)} ms for a full build`
);
