/**
 * Benchmark (prints figures, asserts nothing): size and time of a kube-state-metrics scrape and of one node's cAdvisor
 * scrape at a scale preset, generated in-process and fetched over HTTP from the metrics listener (plain and gzip).
 * Run: npx tsx exporters/test/metrics-bench.ts [S|M|L|XL]   (default L)
 */
import http from 'node:http';
import { createCluster, ScaleName } from '../../simulator/src/cluster';
import { KubeStateMetrics } from '../src/ksm';
import { writeCadvisor } from '../src/cadvisor';
import { startMetricsServer } from '../src/server';
import { clusterView } from '../../simulator/src/metrics/view';

const scale = (process.argv[2] ?? 'L') as ScaleName;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Wall time and CPU time of `run`: on a shared machine the CPU time is the figure that compares across runs. */
function timed<T>(run: () => T): [T, string] {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = run();
  const { user, system } = process.cpuUsage(cpu);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  return [value, `${wallMs.toFixed(0)} ms (${((user + system) / 1000).toFixed(0)} ms CPU)`];
}

function fetchBytes(url: string, gzip: boolean): Promise<[number, number]> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve([bytes, Number(process.hrtime.bigint() - start) / 1e6]));
      })
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const [sim, buildMs] = timed(() => createCluster({ scenario: 'demo', seed: 1, scale, frozen: true }));
  const view = clusterView(sim.store, sim.clock);
  console.log(
    `scale ${scale}: ${sim.store.count('pods')} pods, ${sim.store.count('nodes')} nodes, built in ${buildMs}`
  );

  const ksm = new KubeStateMetrics({ labelsAllowlist: new Map(), annotationsAllowlist: new Map() });
  const heapBefore = process.memoryUsage().heapUsed;
  // toChunks is what the listener streams; joining 60 MB into one string would only measure the join.
  const [coldChunks, coldMs] = timed(() => ksm.write(view).toChunks());
  const series = coldChunks.reduce((sum, chunk) => sum + (chunk.match(/^[^#\n]/gm)?.length ?? 0), 0);
  const bytes = coldChunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
  console.log(`KSM exposition: ${mb(bytes)}, ${series} series; first scrape generated in ${coldMs}`);
  const [, warmMs] = timed(() => ksm.write(view).toChunks());
  global.gc?.();
  console.log(
    `KSM next scrape (unchanged objects come from the per-object cache): ${warmMs}; cache and output hold ${mb(process.memoryUsage().heapUsed - heapBefore)} of heap`
  );

  const busiest = [...view.nodes()].sort(
    (a, b) => [...view.podsOnNode(b.metadata.name)].length - [...view.podsOnNode(a.metadata.name)].length
  )[0];
  const pods = [...view.podsOnNode(busiest.metadata.name)].length;
  const [cadvisorText, cadvisorMs] = timed(() => writeCadvisor(view, busiest).toChunks().join(''));
  console.log(
    `cAdvisor of ${busiest.metadata.name} (${pods} pods): ${mb(Buffer.byteLength(cadvisorText))}, generated in ${cadvisorMs}`
  );
  const [, allNodesMs] = timed(() => [...view.nodes()].forEach((node) => writeCadvisor(view, node).toChunks()));
  console.log(`cAdvisor of all ${sim.store.count('nodes')} nodes (one Prometheus scrape round): ${allNodesMs}`);

  const server = await startMetricsServer(view, {
    host: '127.0.0.1',
    port: 0,
    ksm: { labelsAllowlist: new Map(), annotationsAllowlist: new Map() },
  });
  try {
    for (const gzip of [false, true]) {
      const [ksmBytes, ksmHttpMs] = await fetchBytes(`${server.url}/metrics`, gzip);
      const [nodeBytes, nodeHttpMs] = await fetchBytes(
        `${server.url}/nodes/${busiest.metadata.name}/metrics/cadvisor`,
        gzip
      );
      console.log(
        `HTTP${gzip ? ' gzip' : ''}: KSM ${mb(ksmBytes)} in ${ksmHttpMs.toFixed(0)} ms; one node's cAdvisor ${mb(nodeBytes)} in ${nodeHttpMs.toFixed(1)} ms`
      );
    }
  } finally {
    await server.close();
  }
  console.log(`heap used ${mb(process.memoryUsage().heapUsed)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
