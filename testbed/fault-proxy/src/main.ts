/**
 * The fault proxy's CLI: `npx tsx testbed/fault-proxy/src/main.ts --help`. With `--kubeconfig`, the upstream and its
 * CA come from the kubeconfig's current context and `--kubeconfig-out` writes the same kubeconfig pointed at the proxy,
 * so kubectl goes through it unchanged otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { parseProxyFaultFlag } from './rules';
import { startFaultProxy, FaultProxyOptions } from './proxy';

const USAGE = `Usage: npx tsx testbed/fault-proxy/src/main.ts [flags]

  --upstream URL           the apiserver, e.g. https://127.0.0.1:6443
  --upstream-ca FILE       PEM of the CA that signed the apiserver's certificate
  --kubeconfig FILE        take --upstream and --upstream-ca from this kubeconfig's current context
  --kubeconfig-out FILE    write that kubeconfig with its server swapped for the proxy's URL
  --ca-cert FILE           CA certificate (PEM) to sign the proxy's serving certificate with...
  --ca-key FILE            ...and its key; clients that trust this CA trust the proxy
  --cert FILE --key FILE   or a ready serving certificate (clients then trust --cert, or --cert-ca FILE)
  --san NAME               another name or address for the made certificate (repeatable)
  --admin-token TOKEN      the token /__faults wants (or --admin-token-file FILE)
  --host ADDR              listen address (default 127.0.0.1)
  --port N                 listen port (default 0: a free one; the URL is printed)
  --fault TYPE[:k=v,...]   a rule in force from the start (repeatable), e.g. error:status=503,resource=pods,count=2
`;

const read = (file: string, what: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${what} ${file}: ${(error as Error).message}`);
  }
};

interface Kubeconfig {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  clusters?: Array<{
    name: string;
    cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
  }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
}

/** The current context's cluster (server and CA), checked so that a kubeconfig the proxy cannot serve is refused. */
function kubeconfigUpstream(file: string): { config: Kubeconfig; server: string; ca?: string } {
  const config = yaml.load(read(file, '--kubeconfig')) as Kubeconfig;
  const context = config.contexts?.find((c) => c.name === config['current-context'])?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  if (!context || !cluster?.server) {
    throw new Error(`--kubeconfig ${file}: its current-context names no cluster with a server`);
  }
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  if ((user['client-certificate-data'] || user['client-certificate']) && !user.token && !user.tokenFile) {
    throw new Error(
      `--kubeconfig ${file}: user "${context.user}" authenticates with a client certificate, which cannot pass a TLS-terminating proxy; use a kubeconfig with a bearer token`
    );
  }
  const caFile = cluster['certificate-authority'];
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString()
    : caFile
      ? read(path.resolve(path.dirname(file), caFile), '--kubeconfig certificate-authority')
      : undefined;
  return { config, server: cluster.server, ca };
}

function proxiedKubeconfig(config: Kubeconfig, url: string, caPem: string): string {
  const contextName = config['current-context'];
  const clusterName = config.contexts?.find((c) => c.name === contextName)?.context.cluster;
  const clusters = config.clusters?.map((c) =>
    c.name === clusterName
      ? { name: c.name, cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }
      : c
  );
  return yaml.dump({ ...config, clusters });
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      upstream: { type: 'string' },
      'upstream-ca': { type: 'string' },
      kubeconfig: { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      'ca-cert': { type: 'string' },
      'ca-key': { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'cert-ca': { type: 'string' },
      san: { type: 'string', multiple: true },
      'admin-token': { type: 'string' },
      'admin-token-file': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values['kubeconfig-out'] && !values.kubeconfig) {
    throw new Error('--kubeconfig-out rewrites the kubeconfig given with --kubeconfig: give that too');
  }
  const fromKubeconfig = values.kubeconfig ? kubeconfigUpstream(values.kubeconfig) : undefined;
  const upstream = values.upstream ?? fromKubeconfig?.server;
  if (!upstream) {
    throw new Error('give --upstream URL (or --kubeconfig FILE)');
  }
  const adminToken =
    values['admin-token'] ??
    (values['admin-token-file'] && read(values['admin-token-file'], '--admin-token-file').trim());
  if (!adminToken) {
    throw new Error('give --admin-token TOKEN or --admin-token-file FILE: /__faults answers only that token');
  }
  if (!!values['ca-cert'] !== !!values['ca-key'] || !!values.cert !== !!values.key) {
    throw new Error('--ca-cert goes with --ca-key, and --cert with --key');
  }
  const options: FaultProxyOptions = {
    upstream,
    upstreamCa: values['upstream-ca'] ? read(values['upstream-ca'], '--upstream-ca') : fromKubeconfig?.ca,
    ca: values['ca-cert']
      ? { cert: read(values['ca-cert'], '--ca-cert'), key: read(values['ca-key']!, '--ca-key') }
      : undefined,
    serverCert: values.cert
      ? {
          cert: read(values.cert, '--cert'),
          key: read(values.key!, '--key'),
          ca: values['cert-ca'] ? read(values['cert-ca'], '--cert-ca') : undefined,
        }
      : undefined,
    sans: values.san,
    adminToken,
    host: values.host,
    port: values.port === undefined ? 0 : Number(values.port),
    faults: (values.fault ?? []).map(parseProxyFaultFlag),
  };
  if (!Number.isInteger(options.port) || options.port! < 0 || options.port! > 65535) {
    throw new Error(`--port ${values.port}: give a port number (0 for a free one)`);
  }
  const proxy = await startFaultProxy(options);
  if (values['kubeconfig-out'] && fromKubeconfig) {
    fs.writeFileSync(values['kubeconfig-out'], proxiedKubeconfig(fromKubeconfig.config, proxy.url, proxy.caPem), {
      mode: 0o600,
    });
  }
  console.log(
    `fault-proxy: ${proxy.url} -> ${upstream}; rules at ${proxy.url}/__faults (Authorization: Bearer <admin token>)`
  );
  const stop = () => proxy.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`fault-proxy: ${error.message}`);
  process.exit(1);
});
