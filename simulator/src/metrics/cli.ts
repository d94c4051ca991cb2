/**
 * The metrics flags of `npm run sim`, in node:util parseArgs form so main.ts mounts them with two lines:
 *   options: { ...theirs, ...METRICS_OPTIONS }, help text += METRICS_HELP,
 *   createCluster({ …, workerNames: metricsWorkerNames(values) }), then await startMetricsFromFlags(sim, values).
 */
import os from 'node:os';
import { Clock } from '../cluster/simulation';
import { ClusterStore } from '../cluster/store';
import { parseAllowlist } from './ksm';
import { MetricsServer, startMetricsServer } from './server';
import { clusterView } from './view';

/** Default port of the plain-HTTP metrics listener; deploy/prometheus/*.yml and docker-compose.yaml use it. */
export const DEFAULT_METRICS_PORT = 16480;

export const METRICS_OPTIONS = {
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'node-exporter': { type: 'string' },
  'node-exporter-node': { type: 'string' },
  'metric-labels-allowlist': { type: 'string' },
  'metric-annotations-allowlist': { type: 'string' },
} as const;

export const METRICS_HELP = `
Metrics (plain HTTP; scrape with deploy/prometheus/prometheus.yml):
  --metrics-port <port>            kube-state-metrics at /metrics, node N's kubelet at /nodes/N/metrics and
                                   /nodes/N/metrics/cadvisor, Prometheus HTTP discovery at /sd/<job>
                                   (default ${DEFAULT_METRICS_PORT}; 0 picks a free port, -1 disables the listener)
  --metrics-host <address>         listen address of the metrics listener (default: same as the API's --host, else 127.0.0.1)
  --node-exporter <host:port>      a real node-exporter, as Prometheus reaches it, that stands for one node
  --node-exporter-node <name>      the node it stands for; the first worker node gets this name
                                   (default: this machine's hostname, so node_uname_info's nodename matches too)
  --metric-labels-allowlist <l>    kube-state-metrics syntax, e.g. 'pods=[app,team],namespaces=[*]' (default: none,
                                   as in kube-state-metrics: kube_*_labels carry no label_* keys)
  --metric-annotations-allowlist <l>   the same for kube_*_annotations
`;

export type MetricsFlagValues = Partial<Record<keyof typeof METRICS_OPTIONS | 'host', string | boolean | undefined>>;

const text = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);

/** The worker names the cluster must be built with so the node-exporter's node exists. */
export function metricsWorkerNames(values: MetricsFlagValues): string[] | undefined {
  return text(values['node-exporter']) ? [text(values['node-exporter-node']) ?? os.hostname()] : undefined;
}

/** Starts the metrics listener as the flags ask; undefined when disabled. Throws with the flag's name on bad values. */
export async function startMetricsFromFlags(
  cluster: { store: ClusterStore; clock: Clock },
  values: MetricsFlagValues
): Promise<MetricsServer | undefined> {
  const port = Number(text(values['metrics-port']) ?? DEFAULT_METRICS_PORT);
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
    nodeExporter: nodeExporter ? { target: nodeExporter, node: metricsWorkerNames(values)![0] } : undefined,
  });
  console.log(
    `metrics: kube-state-metrics ${server.url}/metrics, kubelets ${server.url}/nodes/<node>/metrics[/cadvisor], discovery ${server.url}/sd/{kube-state-metrics,kubelet,node-exporter}`
  );
  return server;
}
