/**
 * CI check: real Prometheus scrapes the metrics stand-in (reading the testbed's real kube-apiserver, demo scenario)
 * and a real node-exporter with the shipped deploy/prometheus/prometheus.yml, and what it stores agrees with what the
 * Kubernetes API lists.
 * Run: npx tsx exporters/test/prometheus-check.ts   (exit code 0 = every assertion held; prints figures)
 */
import { query, startStack, type Stack } from '../../testbed/src/stack';

interface List {
  items: Array<{ metadata: { name: string; namespace?: string } }>;
  metadata: { continue?: string };
}

const failures: string[] = [];

function check(condition: boolean, message: string): void {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${message}`);
  if (!condition) {
    failures.push(message);
  }
}

async function listAll(stack: Stack, resource: string): Promise<List['items']> {
  const items: List['items'] = [];
  let token = '';
  do {
    const page = await stack.kubeGet<List>(
      `${resource}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`
    );
    items.push(...page.items);
    token = page.metadata.continue ?? '';
  } while (token);
  return items;
}

const scalar = async (stack: Stack, promql: string) =>
  Number((await query(stack.prometheusUrl, promql))[0]?.value[1] ?? NaN);

async function main(): Promise<void> {
  const startedAt = Date.now();
  const stack = await startStack({ scrapeIntervalSeconds: 2 });
  const stopAndExit = (code: number) => stack.stop().finally(() => process.exit(code));
  process.once('SIGINT', () => stopAndExit(130));
  process.once('SIGTERM', () => stopAndExit(143));
  try {
    await stack.waitForScrapes();
    console.log(`stack up and every target scraped in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);

    const nodes = (await listAll(stack, '/api/v1/nodes')).map((n) => n.metadata.name);
    // The shipped config's targets: the stack's emulated prometheus-operator targets carry a namespace label.
    const up = await query(stack.prometheusUrl, 'up{namespace=""}');
    const jobs = new Map<string, number[]>();
    for (const series of up) {
      jobs.set(series.metric.job, [...(jobs.get(series.metric.job) ?? []), Number(series.value[1])]);
    }
    check(
      [...jobs.keys()].sort().join(',') === 'kube-state-metrics,kubelet,node-exporter',
      `jobs are kube-state-metrics, kubelet, node-exporter (got ${[...jobs.keys()].join(', ')})`
    );
    check(
      up.every((s) => s.value[1] === '1'),
      `every target up == 1 (${up.length} targets)`
    );
    check(
      (jobs.get('kubelet') ?? []).length === 2 * nodes.length,
      `kubelet has a /metrics and a /metrics/cadvisor target per node (${nodes.length} nodes)`
    );

    // The demo settles before the stack starts; its pods stay put (crash loops restart containers, not pods).
    const pods = await listAll(stack, '/api/v1/pods');
    const podInfo = await scalar(stack, 'count(kube_pod_info{job="kube-state-metrics"})');
    check(podInfo === pods.length, `count(kube_pod_info) = ${podInfo} equals the ${pods.length} pods the API lists`);
    const podUids = await scalar(stack, 'count(count by (namespace, pod) (kube_pod_info))');
    check(podUids === pods.length, `kube_pod_info has one series per namespace/pod (${podUids})`);

    const cadvisor = await query(
      stack.prometheusUrl,
      'count by (node) (container_cpu_usage_seconds_total{job="kubelet", metrics_path="/metrics/cadvisor", container!="", pod!="", namespace!=""})'
    );
    check(
      cadvisor.length > 0 && cadvisor.every((s) => nodes.includes(s.metric.node)),
      `cAdvisor container series carry pod/container labels and a node label of an API node (${cadvisor.map((s) => `${s.metric.node}:${s.value[1]}`).join(' ')})`
    );
    const podCgroups = await scalar(
      stack,
      'count(container_memory_working_set_bytes{job="kubelet", container="", image="", pod!=""})'
    );
    check(podCgroups > 0, `pod-level cgroup series (container="", image="") exist (${podCgroups})`);
    const joined = await scalar(
      stack,
      'count(sum by (namespace, pod) (container_memory_working_set_bytes{container!=""}) * on (namespace, pod) group_left (node) kube_pod_info)'
    );
    check(joined > 0, `cAdvisor series join kube_pod_info on namespace/pod (${joined} pods)`);
    const runningPods = await scalar(stack, 'count(kubelet_running_pods{job="kubelet", metrics_path="/metrics"})');
    check(runningPods === nodes.length, `kubelet_running_pods per node (${runningPods})`);

    const uname = await query(stack.prometheusUrl, 'node_uname_info{job="node-exporter"}');
    check(
      uname.length === 1 && uname[0].metric.instance === stack.nodeExporterNode,
      `node-exporter's instance is the node name "${stack.nodeExporterNode}" (got ${uname.map((s) => s.metric.instance).join(', ')})`
    );
    check(
      nodes.includes(stack.nodeExporterNode),
      `the API lists node "${stack.nodeExporterNode}" that node-exporter stands for`
    );
    const nodeJoin = await scalar(
      stack,
      'count(node_memory_MemTotal_bytes * on (instance) group_left () label_replace(kube_node_info, "instance", "$1", "node", "(.*)"))'
    );
    check(nodeJoin === 1, 'node-exporter joins kube_node_info on instance = node');

    // Usage counters are synthesized from each container's start time, so they grow between scrapes.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const cpuRate = await scalar(stack, 'sum(rate(container_cpu_usage_seconds_total{container!=""}[10s]))');
    check(cpuRate > 0, `container CPU counters grow (cluster-wide rate ${cpuRate.toFixed(3)} cores)`);

    const durations = await query(stack.prometheusUrl, 'max by (job, metrics_path) (scrape_duration_seconds)');
    const samples = await query(stack.prometheusUrl, 'sum by (job, metrics_path) (scrape_samples_scraped)');
    for (const series of durations) {
      const count = samples.find(
        (s) => s.metric.job === series.metric.job && s.metric.metrics_path === series.metric.metrics_path
      )?.value[1];
      console.log(
        `figure: ${series.metric.job}${series.metric.metrics_path ? ` ${series.metric.metrics_path}` : ''}: max scrape ${(Number(series.value[1]) * 1000).toFixed(1)} ms, ${count} samples in total`
      );
    }
  } finally {
    await stack.stop();
  }
  console.log(`${failures.length ? 'FAILED' : 'passed'} in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`prometheus check failed: ${(error as Error).message}`);
  process.exit(1);
});
