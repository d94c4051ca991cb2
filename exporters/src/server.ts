/**
 * The plain-HTTP metrics listener: kube-state-metrics at /metrics, each node's kubelet at /nodes/<node>/metrics and
 * /nodes/<node>/metrics/cadvisor, and Prometheus HTTP service discovery (http_sd_configs) at /sd/<job>, which lists
 * targets with kubernetes_sd-style meta labels so one scrape config reaches every node, however many there are.
 * deploy/prometheus/prometheus.yml turns those meta labels into kube-prometheus-stack's job/node/instance labels.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { ExpositionWriter, EXPOSITION_CONTENT_TYPE } from './exposition';
import { KsmOptions, KubeStateMetrics } from './ksm';
import { writeCadvisor, writeKubelet } from './cadvisor';
import { ClusterView } from './shapes';

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  ksm: KsmOptions;
  /** A real node-exporter (host:port as Prometheus reaches it) that stands for one node of the cluster. */
  nodeExporter?: { target: string; node: string };
  /**
   * undefined once the view has the whole cluster, else why not yet: until then every path answers 503 with that
   * reason, so /healthz is what a caller waits on and Prometheus never stores a half-listed cluster.
   */
  unsynced?: () => string | undefined;
}

export interface MetricsServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

const NODE_PATH = /^\/nodes\/([^/]+)\/metrics(\/cadvisor)?$/;

/** Refuses a --node-exporter-node that names no node of the cluster (its series would join nothing). */
export function checkNodeExporterNode(view: ClusterView, node: string): void {
  if (!view.node(node)) {
    const names = [...view.nodes()].slice(0, 5).map((n) => n.metadata.name);
    throw new Error(`--node-exporter-node: the cluster has no node "${node}"; pick one of: ${names.join(', ')}`);
  }
}

export async function startMetricsServer(view: ClusterView, options: MetricsServerOptions): Promise<MetricsServer> {
  // A view still listing is checked by its owner once it has the nodes.
  if (options.nodeExporter && !options.unsynced?.()) {
    checkNodeExporterNode(view, options.nodeExporter.node);
  }
  const ksm = new KubeStateMetrics(options.ksm);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return text(res, 405, 'only GET is served here\n');
    }
    const unsynced = options.unsynced?.();
    if (unsynced) {
      return text(res, 503, `not ready: ${unsynced}\n`);
    }
    if (url.pathname === '/metrics') {
      return exposition(req, res, ksm.write(view));
    }
    const nodePath = NODE_PATH.exec(url.pathname);
    if (nodePath) {
      const node = view.node(decodeURIComponent(nodePath[1]));
      if (!node) {
        return text(res, 404, `no node "${decodeURIComponent(nodePath[1])}" in the cluster\n`);
      }
      return exposition(req, res, nodePath[2] ? writeCadvisor(view, node) : writeKubelet(view, node));
    }
    if (url.pathname.startsWith('/sd/')) {
      const groups = discovery(url.pathname.slice(4), view, req.headers.host ?? '', options);
      return groups ? json(res, groups) : text(res, 404, `unknown discovery job "${url.pathname.slice(4)}"\n`);
    }
    if (url.pathname === '/healthz') {
      return text(res, 200, 'ok\n');
    }
    text(
      res,
      404,
      'not found: see /metrics, /nodes/<node>/metrics[/cadvisor], /sd/{kube-state-metrics,kubelet,node-exporter}\n'
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** Targets for one job. The listener's own address is the one Prometheus used to reach it (the Host header). */
function discovery(
  job: string,
  view: ClusterView,
  self: string,
  options: MetricsServerOptions
): TargetGroup[] | undefined {
  switch (job) {
    case 'kube-state-metrics':
      return [{ targets: [self], labels: {} }];
    case 'kubelet':
      return [...view.nodes()].map((node) => ({
        targets: [self],
        labels: {
          __meta_kubernetes_node_name: node.metadata.name,
          __meta_kubernetes_node_address_InternalIP:
            node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
        },
      }));
    case 'node-exporter':
      return options.nodeExporter
        ? [
            {
              targets: [options.nodeExporter.target],
              labels: { __meta_kubernetes_pod_node_name: options.nodeExporter.node },
            },
          ]
        : [];
    default:
      return undefined;
  }
}

function exposition(req: http.IncomingMessage, res: http.ServerResponse, writer: ExpositionWriter): void {
  const chunks = writer.toChunks();
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const out: NodeJS.WritableStream = gzip ? zlib.createGzip({ level: 1 }) : res;
  if (gzip) {
    (out as zlib.Gzip).pipe(res);
  }
  let index = 0;
  // Respect back-pressure so a slow scraper does not make the listener buffer the whole exposition twice.
  const pump = () => {
    while (index < chunks.length) {
      if (!out.write(chunks[index++])) {
        out.once('drain', pump);
        return;
      }
    }
    out.end();
  };
  pump();
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}
