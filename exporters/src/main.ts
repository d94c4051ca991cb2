/**
 * `npm run exporters -- --kubeconfig FILE [--port 16480]`: the kube-state-metrics v2 and kubelet/cAdvisor stand-in,
 * fed by a real apiserver (list + watch, src/apiView.ts) and serving what the simulator's metrics listener served:
 * /metrics, /nodes/<node>/metrics[/cadvisor], /sd/<job> for Prometheus HTTP service discovery, and /healthz, which
 * answers only once every kind has been listed (the listener opens then).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { ApiClusterView, type ApiCredentials } from './apiView';
import { parseAllowlist } from './ksm';
import { startMetricsServer } from './server';

export interface ExporterOptions {
  kubeconfig: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A real node-exporter (host:port as Prometheus reaches it) that stands for one node. */
  nodeExporter?: { target: string; node: string };
  labelsAllowlist?: string;
  annotationsAllowlist?: string;
  log?: (line: string) => void;
}

export interface RunningExporter {
  url: string;
  close(): Promise<void>;
}

/** server, CA, and token or client certificate of the kubeconfig's current context. */
export function credentialsFrom(kubeconfigPath: string): ApiCredentials {
  let config: {
    'current-context'?: string;
    contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
    clusters?: Array<{
      name: string;
      cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
    }>;
    users?: Array<{
      name: string;
      user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string };
    }>;
  };
  try {
    config = yaml.load(fs.readFileSync(kubeconfigPath, 'utf8')) as typeof config;
  } catch (error) {
    throw new Error(`--kubeconfig ${kubeconfigPath}: ${(error as Error).message.split('\n')[0]}`);
  }
  const context =
    config.contexts?.find((c) => c.name === config['current-context'])?.context ?? config.contexts?.[0]?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster ?? config.clusters?.[0]?.cluster;
  const user = config.users?.find((u) => u.name === context?.user)?.user ?? config.users?.[0]?.user;
  if (!cluster?.server) {
    throw new Error(`--kubeconfig ${kubeconfigPath}: no cluster with a server URL`);
  }
  const decode = (data?: string) => (data ? Buffer.from(data, 'base64').toString() : undefined);
  return {
    server: cluster.server,
    ca:
      decode(cluster['certificate-authority-data']) ??
      (cluster['certificate-authority'] ? fs.readFileSync(cluster['certificate-authority'], 'utf8') : undefined),
    token: user?.token,
    cert: decode(user?.['client-certificate-data']),
    key: decode(user?.['client-key-data']),
  };
}

export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const view = new ApiClusterView(credentialsFrom(options.kubeconfig), options.log);
  await view.start();
  try {
    const server = await startMetricsServer(view, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      ksm: {
        labelsAllowlist: parseAllowlist(options.labelsAllowlist ?? ''),
        annotationsAllowlist: parseAllowlist(options.annotationsAllowlist ?? ''),
      },
      nodeExporter: options.nodeExporter,
    });
    return {
      url: server.url,
      close: async () => {
        view.close();
        await server.close();
      },
    };
  } catch (error) {
    view.close();
    throw error;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '16480' },
      'node-exporter': { type: 'string' },
      'node-exporter-node': { type: 'string' },
      'metric-labels-allowlist': { type: 'string' },
      'metric-annotations-allowlist': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help || !values.kubeconfig) {
    process.stdout.write(`Usage: npm run exporters -- --kubeconfig FILE [--host 127.0.0.1] [--port 16480]
       [--node-exporter HOST:PORT --node-exporter-node NODE]
       [--metric-labels-allowlist 'pods=[app]'] [--metric-annotations-allowlist ...]
`);
    process.exit(values.help ? 0 : 2);
  }
  const nodeExporter = values['node-exporter'];
  if (nodeExporter && (!/^[^\s:/]+:\d+$/.test(nodeExporter) || !values['node-exporter-node'])) {
    throw new Error('--node-exporter takes host:port (e.g. 127.0.0.1:9100) and needs --node-exporter-node NODE');
  }
  const exporter = await startExporter({
    kubeconfig: values.kubeconfig,
    host: values.host,
    port: Number(values.port),
    nodeExporter: nodeExporter ? { target: nodeExporter, node: values['node-exporter-node']! } : undefined,
    labelsAllowlist: values['metric-labels-allowlist'],
    annotationsAllowlist: values['metric-annotations-allowlist'],
  });
  console.log(
    `exporter: kube-state-metrics ${exporter.url}/metrics, kubelets ${exporter.url}/nodes/<node>/metrics[/cadvisor], discovery ${exporter.url}/sd/<job>`
  );
  const stop = () => void exporter.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
