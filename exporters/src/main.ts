/**
 * `npm run exporters -- --kubeconfig FILE [--port 16480]`: the kube-state-metrics v2 and kubelet/cAdvisor stand-in,
 * fed by a real apiserver (list + watch, src/apiView.ts) and serving the paths deploy/prometheus/prometheus.yml
 * scrapes: /metrics, /nodes/<node>/metrics[/cadvisor], /sd/<job> for Prometheus HTTP service discovery, and /healthz.
 * The listener opens at once; every path answers 503 until every kind has been listed.
 */
import { parseArgs } from 'node:util';
import { ApiClusterView, KINDS, type ViewOptions } from './apiView';
import { parseAllowlist } from './ksm';
import { credentialsFrom } from './kubeconfig';
import { checkNodeExporterNode, startMetricsServer } from './server';

export const DEFAULT_PORT = 16480;

export interface ExporterOptions {
  kubeconfig: string;
  /** A context of the kubeconfig other than its current-context. */
  context?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A real node-exporter (host:port as Prometheus reaches it) that stands for one node. */
  nodeExporter?: { target: string; node: string };
  /** kube-state-metrics' --metric-labels-allowlist syntax, e.g. `pods=[app,team],namespaces=[*]`. */
  labelsAllowlist?: string;
  annotationsAllowlist?: string;
  log?: (line: string) => void;
  /** Watch timeout and backoff (tests make them short). */
  watch?: Omit<ViewOptions, 'log'>;
}

export interface RunningExporter {
  url: string;
  view: ApiClusterView;
  close(): Promise<void>;
}

function allowlist(flag: string, value: string | undefined) {
  try {
    return parseAllowlist(value ?? '');
  } catch (error) {
    throw new Error(`--${flag}: ${(error as Error).message}`);
  }
}

/** Resolves once every kind is listed and the listener serves it; rejects with the cause and the fix. */
export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = Date.now();
  const credentials = credentialsFrom(options.kubeconfig, options.context);
  const ksm = {
    labelsAllowlist: allowlist('metric-labels-allowlist', options.labelsAllowlist),
    annotationsAllowlist: allowlist('metric-annotations-allowlist', options.annotationsAllowlist),
  };
  const view = new ApiClusterView(credentials, { ...options.watch, log });
  const port = options.port ?? DEFAULT_PORT;
  let server;
  try {
    server = await startMetricsServer(view, {
      host: options.host ?? '127.0.0.1',
      port,
      ksm,
      nodeExporter: options.nodeExporter,
      unsynced: () => view.unsynced(),
    });
  } catch (error) {
    view.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new Error(`--port ${port}: cannot listen (${code}); pick another port, or 0 for a free one`);
    }
    throw error;
  }
  log(`exporter: listening on ${server.url}; listing ${Object.keys(KINDS).length} kinds from ${credentials.server}`);
  try {
    await view.start();
    if (options.nodeExporter) {
      checkNodeExporterNode(view, options.nodeExporter.node);
    }
  } catch (error) {
    view.close();
    await server.close();
    throw error;
  }
  const counts = Object.entries(view.status())
    .filter(([, status]) => status.objects > 0)
    .map(([kind, status]) => `${status.objects} ${kind}`);
  log(`exporter: listed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${counts.join(', ')}); watching`);
  return {
    url: server.url,
    view,
    close: async () => {
      view.close();
      await server.close();
    },
  };
}

const USAGE = `Usage: npm run exporters -- --kubeconfig FILE [--context NAME] [--host 127.0.0.1] [--port ${DEFAULT_PORT}]
       [--node-exporter HOST:PORT --node-exporter-node NODE]
       [--metric-labels-allowlist 'pods=[app,team],namespaces=[*]'] [--metric-annotations-allowlist ...]

Serves kube-state-metrics at /metrics, each node's kubelet at /nodes/<node>/metrics and /nodes/<node>/metrics/cadvisor,
Prometheus HTTP discovery at /sd/{kube-state-metrics,kubelet,node-exporter} (deploy/prometheus/prometheus.yml) and
/healthz, which answers 200 once every kind is listed. --kubeconfig defaults to $KUBECONFIG; its current context
gives the server, the CA and a token or client certificate. --port 0 picks a free port.
`;

/** The CLI's flags as startExporter options; throws naming the flag that is wrong. */
export function optionsFromArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ExporterOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        'node-exporter': { type: 'string' },
        'node-exporter-node': { type: 'string' },
        'metric-labels-allowlist': { type: 'string' },
        'metric-annotations-allowlist': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}; see --help`);
  }
  if (values.help) {
    return 'help';
  }
  const kubeconfig = values.kubeconfig ?? env.KUBECONFIG?.split(':')[0];
  if (!kubeconfig) {
    throw new Error('--kubeconfig FILE is needed (or KUBECONFIG in the environment); see --help');
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    throw new Error(`--port: "${values.port}" is not a port number (0 picks a free port)`);
  }
  const target = values['node-exporter'];
  const node = values['node-exporter-node'];
  if (target !== undefined && !/^[^\s:/]+:\d+$/.test(target)) {
    throw new Error(`--node-exporter: "${target}" is not host:port (e.g. 127.0.0.1:9100)`);
  }
  if (Boolean(target) !== Boolean(node)) {
    throw new Error('--node-exporter HOST:PORT and --node-exporter-node NODE go together: the node it stands for');
  }
  return {
    kubeconfig,
    context: values.context,
    host: values.host,
    port,
    nodeExporter: target && node ? { target, node } : undefined,
    labelsAllowlist: values['metric-labels-allowlist'],
    annotationsAllowlist: values['metric-annotations-allowlist'],
  };
}

async function main(): Promise<void> {
  const options = optionsFromArgs(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const exporter = await startExporter(options);
  console.log(
    `exporter: kube-state-metrics ${exporter.url}/metrics, kubelets ${exporter.url}/nodes/<node>/metrics[/cadvisor], discovery ${exporter.url}/sd/<job>`
  );
  const stop = () => void exporter.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
