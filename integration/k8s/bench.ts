/**
 * Prints what loading a large cluster costs (no assertions: a benchmark): every kind listed with limit 500 from the
 * simulator at scale L (≈10,000 pods), straight and through the sandbox's Grafana proxy, then normalized and indexed.
 * Usage: npx tsx integration/k8s/bench.ts [S|M|L|XL]
 */
import { KIND_NAMES } from '../../src/k8s/kinds';
import { buildSnapshot } from '../../src/model/snapshot';
import { direct, simulator, throughProxy } from './harness';

async function main() {
  const scale = process.argv[2] ?? 'L';
  const sim = await simulator('--scale', scale);
  const proxy = await throughProxy(sim);
  try {
    for (const transport of [direct(sim), proxy]) {
      for (let run = 1; run <= 2; run++) {
        const { client, requests } = transport.client();
        const started = performance.now();
        const outcomes = await client.listKinds(KIND_NAMES);
        const listed = performance.now();
        const snapshot = buildSnapshot(outcomes);
        const built = performance.now();
        const failed = KIND_NAMES.filter((kind) => !outcomes[kind]?.ok);
        console.log(
          `${transport.name}, run ${run}: ${snapshot.byKind.Pod.length} pods, ${snapshot.byUid.size} objects in ` +
            `${requests.length} requests: list ${(listed - started).toFixed(0)} ms, normalize+index ` +
            `${(built - listed).toFixed(0)} ms${failed.length ? `; failed: ${failed.join(', ')}` : ''}`
        );
      }
    }
  } finally {
    await proxy.close();
    await sim.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
