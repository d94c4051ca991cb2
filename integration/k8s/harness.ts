/**
 * Fixtures for running src/k8s's client against the real simulator, either straight over HTTPS or through the
 * sandbox's emulation of Grafana's datasource proxy (the routes of src/datasource/plugin.json, the datasource of
 * provisioning/datasources/kubeatlas.yaml), the way the browser reaches a cluster.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSandboxServer } from '../../sandbox/server/app';
import type { OrgRole } from '../../sandbox/server/dsProxy';
import { loadProvisioning } from '../../sandbox/server/provisioning';
import { parseFlags, startSimulator, type RunningSimulator } from '../../simulator/src/main';
import { K8sClient, type K8sClientOptions } from '../../src/k8s/client';
import type { HttpFetch, HttpRequest } from '../../src/k8s/http';
import { nodeHttpFetch } from '../../src/k8s/nodeHttp';
import { directRoutes, grafanaProxyRoutes } from '../../src/k8s/routes';

const REPO = path.resolve(__dirname, '../..');
export const SERVICE_ACCOUNT = 'system:serviceaccount:kubeatlas:kubeatlas';
/** uid of the cluster datasource in provisioning/datasources/kubeatlas.yaml. */
const DATASOURCE_UID = 'kubeatlas-demo';

/**
 * The demo cluster (no metrics listener), frozen in time, authorizing with deploy/kubernetes, handing out the
 * kubeatlas SA's token.
 */
export function simulator(...extra: string[]): Promise<RunningSimulator> {
  return startSimulator(
    parseFlags([
      ...[
        '--scenario',
        'demo',
        '--port',
        '0',
        '--metrics-port',
        '-1',
        '--frozen',
        '--start-time',
        '2026-01-10T12:00:00Z',
      ],
      ...['--user', SERVICE_ACCOUNT, '--rbac', path.join(REPO, 'deploy/kubernetes')],
      ...extra,
    ])
  );
}

/** Replaces the simulator's fault rules through its admin endpoint (open to loopback clients). */
export async function setFaults(sim: RunningSimulator, rules: object[]): Promise<void> {
  const response = await nodeHttpFetch({ ca: sim.caCert })({
    method: 'PUT',
    url: `${sim.url}/__sim/faults`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rules),
    responseType: 'json',
    signal: new AbortController().signal,
  });
  if (response.status !== 200) {
    throw new Error(`setting faults failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** How a test client reaches the cluster; `client()` records every HTTP request it sends. */
export interface Transport {
  name: string;
  client(options?: Partial<K8sClientOptions>): { client: K8sClient; requests: HttpRequest[] };
  close(): Promise<void>;
}

function recording(base: Omit<K8sClientOptions, 'fetch'> & { fetch: HttpFetch }, options: Partial<K8sClientOptions>) {
  const requests: HttpRequest[] = [];
  const client = new K8sClient({
    ...base,
    ...options,
    fetch: (request) => {
      requests.push(request);
      return base.fetch(request);
    },
  });
  return { client, requests };
}

/** Straight to the API server with the SA token and the simulator's CA. */
export function direct(sim: RunningSimulator): Transport {
  return {
    name: 'direct over HTTPS',
    client: (options = {}) =>
      recording(
        {
          routes: directRoutes(sim.url),
          headers: { Authorization: `Bearer ${sim.token}` },
          fetch: nodeHttpFetch({ ca: sim.caCert }),
        },
        options
      ),
    close: async () => undefined,
  };
}

export interface ProxyOptions {
  /** Grafana role of the signed-in user (the sandbox reads it from a cookie). Default Viewer. */
  role?: OrgRole;
  /** Overrides of the provisioned datasource's environment (cluster URL, token, CA). */
  env?: Partial<Record<'KUBEATLAS_CLUSTER_URL' | 'KUBEATLAS_TOKEN' | 'KUBEATLAS_CA_CERT', string>>;
}

/**
 * Through the sandbox's Grafana datasource proxy. The sandbox reads plugin.json files from a built dist/; the tests
 * give it the source plugin.json files instead (routes and roles are all the proxy reads), so they need no build.
 */
export async function throughProxy(sim: RunningSimulator, options: ProxyOptions = {}): Promise<Transport> {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-k8s-proxy-'));
  fs.mkdirSync(path.join(dist, 'datasource'));
  for (const [from, to] of [
    ['src/plugin.json', 'plugin.json'],
    ['src/datasource/plugin.json', 'datasource/plugin.json'],
  ]) {
    fs.copyFileSync(path.join(REPO, from), path.join(dist, to));
    fs.writeFileSync(path.join(dist, path.dirname(to), 'module.js'), '');
  }
  const provisioning = loadProvisioning(path.join(REPO, 'provisioning'), {
    KUBEATLAS_PROMETHEUS_URL: 'http://127.0.0.1:9',
    KUBEATLAS_CLUSTER_URL: sim.url,
    KUBEATLAS_TOKEN: sim.token,
    KUBEATLAS_CA_CERT: sim.caCert ?? '',
    ...options.env,
  });
  const server: http.Server = createSandboxServer({
    distDir: dist,
    hostBundleFile: path.join(dist, 'unused-host-bundle.js'),
    provisioning,
    defaultRole: options.role ?? 'Viewer',
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const transport = nodeHttpFetch();
  return {
    name: 'through the sandbox Grafana proxy',
    client: (clientOptions = {}) =>
      recording(
        {
          routes: grafanaProxyRoutes(DATASOURCE_UID),
          // The browser sends relative URLs to Grafana's origin.
          fetch: (request) => transport({ ...request, url: base + request.url }),
        },
        clientOptions
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          fs.rmSync(dist, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
