/**
 * Figures for the table and variable paths on a 10,000-pod cluster: `npx tsx src/datasource/frames.bench.ts`.
 * Prints timings (median of 5 runs); asserts nothing. The LIST itself is measured by the simulator's API benchmark.
 */
import { performance } from 'node:perf_hooks';
import { normalizeAll } from '../model/normalize';

const PODS = 10_000;
const NAMESPACES = 300;

function rawPod(i: number) {
  const namespace = `team-${i % NAMESPACES}`;
  return {
    metadata: {
      name: `app-${i}-7d9f8b6c5-x${i % 97}`,
      namespace,
      uid: `uid-${i}`,
      creationTimestamp: '2026-11-20T10:00:00Z',
      labels: { app: `app-${i % 1000}`, tier: i % 2 ? 'web' : 'worker' },
      ownerReferences: [{ kind: 'ReplicaSet', name: `app-${i}-7d9f8b6c5`, uid: `rs-${i}`, controller: true }],
    },
    spec: {
      nodeName: `node-${i % 200}`,
      containers: [
        {
          name: 'app',
          image: 'registry/app:1.2.3',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        },
        { name: 'sidecar', image: 'registry/proxy:2', resources: { requests: { cpu: '10m', memory: '32Mi' } } },
      ],
    },
    status: {
      phase: 'Running',
      podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      qosClass: 'Burstable',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: i % 5, state: { running: { startedAt: '2026-11-20T10:01:00Z' } } },
        { name: 'sidecar', ready: true, restartCount: 0, state: { running: { startedAt: '2026-11-20T10:01:00Z' } } },
      ],
    },
  };
}

function median(run: () => void): number {
  const times = Array.from({ length: 5 }, () => {
    const start = performance.now();
    run();
    return performance.now() - start;
  });
  return times.sort((a, b) => a - b)[2];
}

async function main() {
  // @grafana/data touches window.addEventListener when it loads; node has no window.
  Object.assign(globalThis, { window: { addEventListener: () => undefined } });
  const { buildFrame } = await import('./frames');
  const { variableValues } = await import('./variables');

  const raw = Array.from({ length: PODS }, (_, i) => rawPod(i));
  const pods = normalizeAll('Pod', raw);
  const identity = (text: string, format: (value: string | string[]) => string) => format(text);

  console.log(`${PODS} pods in ${NAMESPACES} namespaces`);
  console.log(`normalize:                 ${median(() => normalizeAll('Pod', raw)).toFixed(1)} ms`);
  console.log(`pods table (17 fields):    ${median(() => buildFrame('pods', pods)).toFixed(1)} ms`);
  console.log(
    `pods($namespace), 1 of 300: ${median(() => variableValues({ type: 'pods', namespace: 'team-7' }, { Pod: pods }, identity)).toFixed(1)} ms`
  );
  console.log(
    `label_values(pods, app):   ${median(() => variableValues({ type: 'labelValues', labelKind: 'pods', labelKey: 'app' }, { Pod: pods }, identity)).toFixed(1)} ms`
  );
}

main();
