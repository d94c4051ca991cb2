/**
 * The metrics flags of `npm run sim`, in main.ts's FLAGS shape, so main.ts mounts them with a few marked lines:
 * `...METRICS_FLAGS` in FLAGS, `workerNames: metricsWorkerNames(flags)` for createCluster, and
 * `await startMetricsFromFlags(sim, flags)` once the API listens.
 */
import os from 'node:os';
import { Clock } from '../cluster/simulation';
import { ClusterStore } from '../cluster/store';
import { parseAllowlist } from '../../../exporters/src/ksm';
import { MetricsServer, startMetricsServer } from '../../../exporters/src/server';
import { clusterView } from './view';

/** Default port of the plain-HTTP metrics listener; deploy/prometheus/*.yml and docker-compose.yaml use it. */
export const DEFAULT_METRICS_PORT = 16480;

export const METRICS_FLAGS = [
  {
    name: 'metrics-port',
    value: 'N',
    help: `plain-HTTP metrics listener: kube-state-metrics at /metrics, each node's kubelet at /nodes/<node>/metrics and /nodes/<node>/metrics/cadvisor, Prometheus HTTP discovery at /sd/<job> for deploy/prometheus/prometheus.yml (default ${DEFAULT_METRICS_PORT}, or a free port when --port is 0; 0 picks a free port, -1 disables)`,
  },
  { name: 'metrics-host', value: 'ADDR', help: 'address of the metrics listener (default: --host)' },
  {
    name: 'node-exporter',
    value: 'HOST:PORT',
    help: 'a real node-exporter, as Prometheus reaches it, that stands for one worker node',
  },
  {
    name: 'node-exporter-node',
    value: 'NAME',
    help: "the node --node-exporter stands for; the first worker gets this name (default: the first --worker-names, else this machine's hostname)",
  },
  {
    name: 'metric-labels-allowlist',
    value: 'LIST',
    help: "kube-state-metrics' allow-list of labels for kube_<kind>_labels, e.g. 'pods=[app,team],namespaces=[*]' (default none: no label_* keys, as KSM)",
  },
  { name: 'metric-annotations-allowlist', value: 'LIST', help: 'the same for kube_<kind>_annotations' },
];

export type MetricsFlagValues = Record<string, string | boolean | string[] | undefined>;

const text = (value: MetricsFlagValues[string]) => (typeof value === 'string' ? value : undefined);

function nodeExporterNode(values: MetricsFlagValues): string {
  return text(values['node-exporter-node']) ?? text(values['worker-names'])?.split(',')[0] ?? os.hostname();
}

/** Worker node names for createCluster: --worker-names, else the node --node-exporter stands for. */
export function metricsWorkerNames(values: MetricsFlagValues): string[] | undefined {
  const named = text(values['worker-names'])?.split(',').filter(Boolean);
  if (named?.length) {
    return named;
  }
  return text(values['node-exporter']) ? [nodeExporterNode(values)] : undefined;
}

/** Starts the metrics listener as the flags ask; undefined when disabled. Throws with the flag's name on bad values. */
export async function startMetricsFromFlags(
  cluster: { store: ClusterStore; clock: Clock },
  values: MetricsFlagValues
): Promise<MetricsServer | undefined> {
  // With an ephemeral API port (tests running in parallel) the metrics listener is ephemeral too unless asked.
  const port = Number(text(values['metrics-port']) ?? (text(values.port) === '0' ? 0 : DEFAULT_METRICS_PORT));
  if (!Number.isInteger(port) || port < -1 || port > 65535) {
    throw new Error(
      `--metrics-port: "${values['metrics-port']}" is not a port number (0 picks a free port, -1 disables)`
    );
  }
  if (port === -1) {
    return undefined;
  }
  const allowlist = (flag: 'metric-labels-allowlist' | 'metric-annotations-allowlist') => {
    try {
      return parseAllowlist(text(values[flag]) ?? '');
    } catch (error) {
      throw new Error(`--${flag}: ${(error as Error).message}`);
    }
  };
  const nodeExporter = text(values['node-exporter']);
  if (nodeExporter && !/^[^\s:/]+:\d+$/.test(nodeExporter)) {
    throw new Error(`--node-exporter: "${nodeExporter}" is not host:port (e.g. 127.0.0.1:9100)`);
  }
  const server = await startMetricsServer(clusterView(cluster.store, cluster.clock), {
    host: text(values['metrics-host']) ?? text(values.host) ?? '127.0.0.1',
    port,
    ksm: {
      labelsAllowlist: allowlist('metric-labels-allowlist'),
      annotationsAllowlist: allowlist('metric-annotations-allowlist'),
    },
    nodeExporter: nodeExporter ? { target: nodeExporter, node: nodeExporterNode(values) } : undefined,
  });
  console.log(
    `metrics: kube-state-metrics ${server.url}/metrics, kubelets ${server.url}/nodes/<node>/metrics[/cadvisor], discovery ${server.url}/sd/{kube-state-metrics,kubelet,node-exporter}`
  );
  return server;
}
