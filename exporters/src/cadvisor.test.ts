/**
 * @jest-environment node
 */
import zlib from 'node:zlib';
import { fixtureCluster } from '../test/fixtureCluster';
import { parseExposition, Sample } from '../test/exposition-parser';
import { writeCadvisor, writeKubelet } from './cadvisor';
import { parseQuantity } from './quantity';
import { checkNodeExporterNode, startMetricsServer } from './server';
import { Pod } from './shapes';

/** What the testbed's kube-apiserver listed (kwok nodes, demo scenario), with a clock the test moves by hand. */
function demo() {
  const cluster = fixtureCluster();
  return { ...cluster, pods: () => cluster.list<Pod>('pods') };
}

function scrapeNode(view: ReturnType<typeof demo>['view'], nodeName: string): Sample[] {
  return parseExposition(writeCadvisor(view, view.node(nodeName)!).toString()).samples;
}

const CADVISOR_LABELS = ['container', 'id', 'image', 'name', 'namespace', 'pod'];

describe('kubelet cAdvisor exposition', () => {
  it('has a series per running container and per pod cgroup, with exactly cAdvisor labels', () => {
    const { view } = demo();
    for (const node of view.nodes()) {
      const samples = scrapeNode(view, node.metadata.name);
      const memory = samples.filter((s) => s.name === 'container_memory_working_set_bytes');
      for (const sample of samples.filter((s) => s.name.startsWith('container_'))) {
        const extra = sample.name.startsWith('container_network_')
          ? ['interface']
          : sample.name.startsWith('container_fs_')
            ? ['device']
            : [];
        expect(Object.keys(sample.labels).sort()).toEqual([...CADVISOR_LABELS, ...extra].sort());
      }
      for (const pod of view.podsOnNode(node.metadata.name) as Pod[]) {
        const series = memory.filter(
          (s) => s.labels.pod === pod.metadata.name && s.labels.namespace === pod.metadata.namespace
        );
        if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') {
          expect(series).toEqual([]);
          continue;
        }
        if (!pod.status?.startTime) {
          continue;
        }
        expect(series.filter((s) => s.labels.container === '' && s.labels.image === '')).toHaveLength(1);
        for (const status of pod.status.containerStatuses ?? []) {
          const own = series.filter((s) => s.labels.container === status.name);
          if (status.state?.running) {
            expect(own).toHaveLength(1);
            expect(own[0].labels.image).toBe(status.image);
          } else if (!status.lastState?.terminated) {
            expect(own).toEqual([]); // never started (image pull): no container cgroup
          }
        }
      }
      expect(memory.filter((s) => s.labels.id === '/')).toHaveLength(1);
    }
  });

  it('grows counters with the clock and keeps memory under the limits; the OOM-killed container sits at its limit', () => {
    const { view, advance, pods } = demo();
    const nodes = [...view.nodes()].map((n) => n.metadata.name);
    // Prometheus tells the nodes' series apart by the target's node label.
    const scrapeAll = () => nodes.flatMap((n) => scrapeNode(view, n).map((s) => ({ ...s, node: n })));
    const before = scrapeAll();
    advance(120);
    const after = scrapeAll();
    const key = (s: Sample & { node: string }) => `${s.node}/${s.name}${JSON.stringify(s.labels)}`;
    const previous = new Map(before.map((s) => [key(s), s.value]));
    const counters = after.filter((s) => s.name.endsWith('_total'));
    expect(counters.length).toBeGreaterThan(100);
    let grew = 0;
    for (const sample of counters) {
      const old = previous.get(key(sample));
      expect(old).toBeDefined();
      expect(sample.value).toBeGreaterThanOrEqual(old!);
      grew += sample.value > old! ? 1 : 0;
    }
    // Everything grows except the frozen OOM-killed run.
    expect(grew).toBeGreaterThan(counters.length * 0.9);

    for (const sample of after.filter((s) => s.name === 'container_memory_working_set_bytes' && s.labels.container)) {
      const pod = pods().find(
        (p) => p.metadata.name === sample.labels.pod && p.metadata.namespace === sample.labels.namespace
      )!;
      const limit = parseQuantity(
        pod.spec.containers.find((c) => c.name === sample.labels.container)!.resources?.limits?.memory
      );
      if (limit) {
        expect(sample.value).toBeLessThan(limit);
      }
    }
    // kwok reports the killed run with no container ID; it still gets one cgroup, the same at every scrape.
    const oomPod = pods().find((p) => p.status?.containerStatuses?.[0]?.lastState?.terminated?.reason === 'OOMKilled')!;
    const oomStatus = oomPod.status!.containerStatuses![0];
    expect(oomStatus.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(oomStatus.containerID ?? oomStatus.lastState?.terminated?.containerID).toBeUndefined();
    const oomMemory = (samples: Sample[]) =>
      samples.filter(
        (s) =>
          s.name === 'container_memory_working_set_bytes' &&
          s.labels.pod === oomPod.metadata.name &&
          s.labels.container === oomStatus.name
      );
    expect(oomMemory(after)).toHaveLength(1);
    expect(oomMemory(after)[0].labels.name).toMatch(/^[0-9a-f]{64}$/);
    expect(oomMemory(after)[0].labels.name).toBe(oomMemory(before)[0].labels.name);
    const oomLimit = parseQuantity(oomPod.spec.containers[0].resources!.limits!.memory);
    expect(oomMemory(after)[0].value / oomLimit).toBeGreaterThan(0.95);
  });

  it('uses CPU in proportion to requests (between 10% and 100% of the request on average) while running', () => {
    const { view, advance, pods } = demo();
    const nodes = [...view.nodes()].map((n) => n.metadata.name);
    const cpu = () =>
      new Map(
        nodes
          .flatMap((n) => scrapeNode(view, n))
          .filter((s) => s.name === 'container_cpu_usage_seconds_total' && s.labels.container)
          .map((s) => [`${s.labels.namespace}/${s.labels.pod}/${s.labels.container}`, s.value])
      );
    const before = cpu();
    advance(3600);
    const after = cpu();
    let checked = 0;
    for (const [id, value] of after) {
      const [namespace, podName, container] = id.split('/');
      const pod = pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === podName)!;
      const request = parseQuantity(pod.spec.containers.find((c) => c.name === container)!.resources?.requests?.cpu);
      const running = pod.status!.containerStatuses!.find((c) => c.name === container)!.state?.running;
      if (request && running && before.has(id)) {
        const cores = (value - before.get(id)!) / 3600;
        expect(cores / request).toBeGreaterThan(0.1);
        expect(cores / request).toBeLessThan(1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('counts running pods per node in kubelet_running_pods', () => {
    const { view, pods } = demo();
    for (const node of view.nodes()) {
      const { samples } = parseExposition(writeKubelet(view, node).toString());
      const running = samples.find((s) => s.name === 'kubelet_running_pods')!;
      const expected = pods().filter(
        (p) =>
          p.spec.nodeName === node.metadata.name &&
          p.status?.startTime &&
          !['Succeeded', 'Failed'].includes(p.status.phase ?? '')
      ).length;
      expect(running.value).toBe(expected);
    }
  });
});

const NO_ALLOWLISTS = { labelsAllowlist: new Map(), annotationsAllowlist: new Map() };

describe('metrics listener', () => {
  it('serves KSM, per-node kubelet paths and HTTP service discovery for every node', async () => {
    const { view } = demo();
    const metrics = await startMetricsServer(view, {
      host: '127.0.0.1',
      port: 0,
      ksm: NO_ALLOWLISTS,
      nodeExporter: { target: '127.0.0.1:9', node: 'kwok-worker-1' },
    });
    try {
      const host = new URL(metrics.url).host;
      const kubelet = (await (await fetch(`${metrics.url}/sd/kubelet`)).json()) as Array<{
        targets: string[];
        labels: Record<string, string>;
      }>;
      expect(kubelet).toHaveLength([...view.nodes()].length);
      expect(kubelet[0].targets).toEqual([host]);
      expect(kubelet.map((g) => g.labels.__meta_kubernetes_node_name)).toEqual(
        [...view.nodes()].map((n) => n.metadata.name)
      );
      expect(kubelet.every((g) => g.labels.__meta_kubernetes_node_address_InternalIP === '127.0.0.1')).toBe(true);
      expect(await (await fetch(`${metrics.url}/sd/node-exporter`)).json()).toEqual([
        { targets: ['127.0.0.1:9'], labels: { __meta_kubernetes_pod_node_name: 'kwok-worker-1' } },
      ]);
      const cadvisor = await fetch(`${metrics.url}/nodes/kwok-worker-1/metrics/cadvisor`);
      expect(cadvisor.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
      expect(parseExposition(await cadvisor.text()).samples.length).toBeGreaterThan(10);
      const missing = await fetch(`${metrics.url}/nodes/no-such-node/metrics/cadvisor`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toMatch(/no node "no-such-node"/);
      expect((await fetch(`${metrics.url}/healthz`)).status).toBe(200);
      // Prometheus asks for gzip; the body must inflate to the same exposition.
      const gzipped = await new Promise<Buffer>((resolve, reject) => {
        require('node:http').get(
          `${metrics.url}/metrics`,
          { headers: { 'Accept-Encoding': 'gzip' } },
          (res: NodeJS.ReadableStream & { headers: Record<string, string> }) => {
            expect(res.headers['content-encoding']).toBe('gzip');
            const parts: Buffer[] = [];
            res
              .on('data', (part: Buffer) => parts.push(part))
              .on('end', () => resolve(Buffer.concat(parts)))
              .on('error', reject);
          }
        );
      });
      const { samples } = parseExposition(zlib.gunzipSync(gzipped).toString());
      expect(samples.filter((s) => s.name === 'kube_pod_info')).toHaveLength([...view.pods()].length);
    } finally {
      await metrics.close();
    }
  });

  it('answers 503 with the reason on every path until the view has the cluster', async () => {
    const { view } = demo();
    let unsynced: string | undefined = 'waiting for the first LIST of pods';
    const metrics = await startMetricsServer(view, {
      host: '127.0.0.1',
      port: 0,
      ksm: NO_ALLOWLISTS,
      // Not checked while unsynced: the view may not have the nodes yet.
      nodeExporter: { target: '127.0.0.1:9', node: 'ghost' },
      unsynced: () => unsynced,
    });
    try {
      for (const path of ['/healthz', '/metrics', '/nodes/kwok-worker-1/metrics/cadvisor', '/sd/kubelet']) {
        const response = await fetch(`${metrics.url}${path}`);
        expect([path, response.status, await response.text()]).toEqual([
          path,
          503,
          'not ready: waiting for the first LIST of pods\n',
        ]);
      }
      unsynced = undefined;
      expect((await fetch(`${metrics.url}/healthz`)).status).toBe(200);
      const exposition = await fetch(`${metrics.url}/metrics`);
      expect(exposition.status).toBe(200);
      expect(parseExposition(await exposition.text()).samples.length).toBeGreaterThan(1000);
    } finally {
      await metrics.close();
    }
  });

  it('refuses to map node-exporter onto a node the cluster lacks, naming the nodes it has', async () => {
    const { view } = demo();
    expect(() => checkNodeExporterNode(view, 'ghost')).toThrow(
      /no node "ghost"; pick one of: kwok-control-plane, kwok-worker-1/
    );
    await expect(
      startMetricsServer(view, {
        host: '127.0.0.1',
        port: 0,
        ksm: NO_ALLOWLISTS,
        nodeExporter: { target: '127.0.0.1:9', node: 'ghost' },
      })
    ).rejects.toThrow(/no node "ghost"/);
  });
});
