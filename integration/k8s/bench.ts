/**
 * Prints what loading a large cluster costs (no assertions: a benchmark): every kind listed with limit 500 from the
 * testbed's kube-apiserver at a scale (testbed --scale: M ≈ 2,000 pods, L ≈ 10,000), as the kubeatlas ServiceAccount,
 * straight and through the sandbox's Grafana proxy, then normalized and indexed.
 * Usage: npx tsx integration/k8s/bench.ts [S|M|L|XL]   (L and XL take minutes to start on 2 cores)
 */
import type { ScaleName } from '../../testbed/src/scenario';
import { KIND_NAMES } from '../../src/k8s/kinds';
import { buildSnapshot } from '../../src/model/snapshot';
import { direct, startGround, throughProxy } from './harness';

async function main() {
  const scale = (process.argv[2] ?? 'M') as ScaleName;
  const started = performance.now();
  const ground = await startGround({ scale, readOnly: true });
  console.log(`testbed at scale ${scale} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const proxy = await throughProxy(ground.cluster);
  try {
    for (const transport of [direct(ground.cluster), proxy]) {
      for (let run = 1; run <= 2; run++) {
        const { client, requests } = transport.client();
        const begin = performance.now();
        const outcomes = await client.listKinds(KIND_NAMES);
        const listed = performance.now();
        const snapshot = buildSnapshot(outcomes);
        const built = performance.now();
        const failed = KIND_NAMES.filter((kind) => !outcomes[kind]?.ok);
        console.log(
          `${transport.name}, run ${run}: ${snapshot.byKind.Pod.length} pods, ${snapshot.byUid.size} objects in ` +
            `${requests.length} requests: list ${(listed - begin).toFixed(0)} ms, normalize+index ` +
            `${(built - listed).toFixed(0)} ms${failed.length ? `; failed: ${failed.join(', ')}` : ''}`
        );
      }
    }
  } finally {
    await proxy.close();
    await ground.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
