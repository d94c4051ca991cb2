/**
 * What the pages' selectors cost on a 10,000-pod cluster in the live store, first and after one pod changed (a
 * benchmark: prints figures, asserts nothing). Jest runs it for its jsdom, which @grafana/data needs:
 *   npx jest --testMatch '**' src/selectors/selectors.bench.ts
 */
import type { RawObject } from '../k8s/client';
import { ClusterStore } from '../model/store';
import { rawEvents, rawNodes, rawPods } from '../model/testdata/cluster';
import type { ClusterSnapshot } from '../model/types';
import { selectNodeUsage } from './nodeUsage';
import { selectOverviewCounts } from './overview';
import { selectProblems } from './problems';

const PODS = 10_000;
const NAMESPACES = 300;
const NODES = 200;
const RUNS = 21;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** A cluster where every `problemEvery`-th pod crashloops and every other pod has a recent Warning event. */
function liveCluster(problemEvery: number) {
  const nodes = Array.from({ length: NODES }, (_, n) => ({
    ...clone(rawNodes[0]),
    metadata: { name: `node-${n}`, uid: `node-${n}` },
  }));
  const pods: RawObject[] = [];
  const events: RawObject[] = [];
  for (let i = 0; i < PODS; i++) {
    const namespace = `ns-${i % NAMESPACES}`;
    const template = clone(rawPods[i % problemEvery === 0 ? 1 : 0]);
    const metadata = { name: `pod-${i}`, namespace, uid: `pod-${i}`, creationTimestamp: '2026-01-01T00:00:00Z' };
    pods.push({ ...template, metadata, spec: { ...template.spec, nodeName: `node-${i % NODES}` } });
    if (i % 2 === 0) {
      events.push({
        ...clone(rawEvents[0]),
        metadata: { name: `pod-${i}.1`, namespace, uid: `event-${i}` },
        involvedObject: { kind: 'Pod', namespace, name: `pod-${i}`, uid: `pod-${i}` },
        lastTimestamp: new Date().toISOString(),
      });
    }
  }
  const store = new ClusterStore();
  store.replace('Node', nodes);
  store.replace('Pod', pods);
  store.replace('Event', events);
  return { store, pods };
}

const SELECTORS: Array<[string, (snapshot: ClusterSnapshot) => unknown]> = [
  ['selectProblems', (s) => selectProblems(s)],
  ['selectNodeUsage', (s) => selectNodeUsage(s, {})],
  ['selectOverviewCounts', (s) => selectOverviewCounts(s)],
];

function timed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

test('prints the selectors’ cost, first and after one pod changed', () => {
  const rows: string[] = [];
  for (const problemEvery of [1, 20]) {
    const { store, pods } = liveCluster(problemEvery);
    let snapshot = store.snapshot();
    const first = SELECTORS.map(([, select]) => timed(() => select(snapshot)));
    const after: number[][] = SELECTORS.map(() => []);
    for (let run = 0; run < RUNS; run++) {
      const changed = clone(pods[(run * 7919) % pods.length]);
      changed.metadata = { ...changed.metadata, resourceVersion: `v${run}` };
      changed.status = { ...(changed.status as object), podIP: `10.9.${run}.1` };
      store.apply('Pod', 'MODIFIED', changed);
      snapshot = store.snapshot();
      SELECTORS.forEach(([, select], i) => after[i].push(timed(() => select(snapshot))));
    }
    const problems = selectProblems(snapshot).length;
    SELECTORS.forEach(([name], i) => {
      const median = [...after[i]].sort((a, b) => a - b)[RUNS >> 1];
      rows.push(`| ${name} | ${problems} | ${first[i].toFixed(1)} | ${median.toFixed(1)} |`);
    });
  }
  process.stdout.write(
    `\n${PODS} pods, ${NAMESPACES} namespaces, ${NODES} nodes in the live store (ms; median of ${RUNS} changes)\n` +
      `| selector | problems | first | after one pod changed |\n| --- | ---: | ---: | ---: |\n${rows.join('\n')}\n`
  );
});
