import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSandboxServer } from './app';
import type { Stack } from '../../testbed/src/stack';
import type { OrgRole } from './dsProxy';
import { grafanaHost, type GrafanaHost } from './grafanaLines';
import { buildHostBundle, type SharedDependencyList } from './hostBundle';
import { loadProvisioning } from './provisioning';
import { repoRoot } from './paths';

/** The variables provisioning/datasources/kubeatlas.yaml reads, for a running testbed stack. */
export function provisioningEnv(stack: Stack): Record<string, string> {
  return {
    KUBEATLAS_PROMETHEUS_URL: stack.prometheusUrl,
    KUBEATLAS_CLUSTER_URL: stack.apiUrl,
    KUBEATLAS_TOKEN: stack.token,
    KUBEATLAS_CA_CERT: stack.caPem,
  };
}

export interface StartSandboxOptions {
  port?: number;
  host?: string;
  distDir?: string;
  provisioningDir?: string;
  /** Variables for provisioning interpolation; defaults to process.env. */
  env?: Record<string, string | undefined>;
  defaultRole?: OrgRole;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** The Grafana line whose frontend modules the page runs the plugin on. */
  host: GrafanaHost;
  shared: SharedDependencyList;
  server: http.Server;
  stop(): Promise<void>;
}

let hostBundle: { host: GrafanaHost; file: string; shared: Promise<SharedDependencyList> } | undefined;

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  if (!hostBundle) {
    const host = grafanaHost();
    const file = path.join(repoRoot, `node_modules/.cache/kubeatlas-sandbox/grafana-${host.line}/sandbox-host.js`);
    hostBundle = { host, file, shared: buildHostBundle(file, host) };
  }
  const { host, file } = hostBundle;
  const shared = await hostBundle.shared;
  const provisioning = loadProvisioning(
    options.provisioningDir ?? path.join(repoRoot, 'provisioning'),
    options.env ?? process.env
  );
  const server = createSandboxServer({
    distDir: options.distDir ?? path.join(repoRoot, 'dist'),
    hostBundleFile: file,
    provisioning,
    defaultRole: options.defaultRole,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    host,
    shared,
    server,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
