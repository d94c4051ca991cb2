/**
 * Fixtures for running src/k8s's client against the testbed's real control plane (testbed/), either straight over
 * HTTPS or through the sandbox's emulation of Grafana's datasource proxy (the routes of src/datasource/plugin.json, the
 * datasource of provisioning/datasources/kubeatlas.yaml), the way the browser reaches a cluster. The client
 * authenticates with the token of the ServiceAccount that deploy/kubernetes/ creates, applied as users apply it, so a
 * test sees exactly what the manifests grant. Faults come from testbed/fault-proxy/ in front of kube-apiserver.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import yaml from 'js-yaml';
import { createSandboxServer } from '../../sandbox/server/app';
import type { OrgRole } from '../../sandbox/server/dsProxy';
import { loadProvisioning } from '../../sandbox/server/provisioning';
import type { RunningFaultProxy } from '../../testbed/fault-proxy/src/proxy';
import { startFaultProxyFor } from '../../testbed/src/faultProxy';
import { startTestbed, type Testbed, type TestbedOptions } from '../../testbed/src/launcher';
import { K8sClient, type K8sClientOptions, type RawObject } from '../../src/k8s/client';
import type { HttpFetch, HttpRequest, HttpResponse } from '../../src/k8s/http';
import { nodeHttpFetch } from '../../src/k8s/nodeHttp';
import { directRoutes, grafanaProxyRoutes } from '../../src/k8s/routes';
import { Observable } from 'rxjs';
import type { K8sError } from '../../src/k8s/errors';
import { nodeWatchStream } from '../../src/k8s/nodeWatchStream';
import type { WatchSource, WatchState } from '../../src/k8s/watch';
import type { HttpStream } from '../../src/k8s/watchStream';

import { applyRbacAndReadToken, OPERATOR_MANIFEST, READER_MANIFEST } from '../../testbed/src/kubeatlasAccount';

export { applyRbacAndReadToken, OPERATOR_MANIFEST, READER_MANIFEST };
const REPO = path.resolve(__dirname, '../..');
/** uid of the cluster datasource in provisioning/datasources/kubeatlas.yaml. */
const DATASOURCE_UID = 'kubeatlas-demo';
/** Starting etcd, kube-apiserver, the controllers and kwok and settling the demo takes 11-30 s on 2 busy cores. */
export const TESTBED_TIMEOUT_MS = 180_000;

/** Where a client reaches a cluster and with what it authenticates. */
export interface Cluster {
  url: string;
  caCert: string;
  token: string;
}

/**
 * deploy/kubernetes/kubeatlas-reader.yaml moved to namespace `namespace` (ClusterRole and binding renamed after it),
 * with `resource` of `group` taken out of its rules: a second, restricted account next to the real one.
 */
export function readerWithout(namespace: string, group: string, resource: string): string {
  const documents = yaml.loadAll(fs.readFileSync(READER_MANIFEST, 'utf8')) as Array<{
    kind: string;
    metadata: { name: string; namespace?: string };
    rules?: Array<{ apiGroups?: string[]; resources?: string[] }>;
    roleRef?: { name: string };
    subjects?: Array<{ namespace?: string }>;
  }>;
  for (const doc of documents) {
    if (doc.kind === 'Namespace') {
      doc.metadata.name = namespace;
    } else if (doc.metadata.namespace) {
      doc.metadata.namespace = namespace;
    } else {
      doc.metadata.name = `${doc.metadata.name}-${namespace}`;
    }
    for (const rule of doc.rules ?? []) {
      if (rule.apiGroups?.includes(group)) {
        rule.resources = rule.resources?.filter((r) => r !== resource);
      }
    }
    // A rule left without resources is invalid RBAC (a rule of its own, like pods/log's).
    doc.rules = doc.rules?.filter((rule) => rule.resources?.length !== 0);
    if (doc.roleRef) {
      doc.roleRef.name = `${doc.roleRef.name}-${namespace}`;
    }
    doc.subjects?.forEach((subject) => (subject.namespace = namespace));
  }
  return documents.map((d) => yaml.dump(d)).join('---\n');
}

/** One testbed per test file: the real control plane, the project's RBAC, and the fault proxy in front. */
export interface Ground {
  testbed: Testbed;
  /** kube-apiserver itself, with the kubeatlas ServiceAccount's token. */
  cluster: Cluster;
  /** The same through the fault proxy (passes everything through until `faults.setFaults`). */
  faulty: Cluster;
  faults: RunningFaultProxy;
  stop(): Promise<void>;
}

export async function startGround(
  options: Pick<TestbedOptions, 'compactionInterval' | 'scale'> & { readOnly?: boolean } = {}
): Promise<Ground> {
  const testbed = await startTestbed({ scenario: 'demo', ...options });
  let faults: RunningFaultProxy | undefined;
  try {
    const token = await applyRbacAndReadToken(testbed, {
      files: [READER_MANIFEST, ...(options.readOnly ? [] : [OPERATOR_MANIFEST])],
    });
    faults = await startFaultProxyFor(testbed);
    const proxy = faults;
    return {
      testbed,
      cluster: { url: testbed.url, caCert: testbed.caCert, token },
      faulty: { url: proxy.url, caCert: proxy.caPem, token },
      faults: proxy,
      stop: async () => {
        await proxy.close();
        await testbed.stop();
      },
    };
  } catch (error) {
    await faults?.close();
    await testbed.stop();
    throw error;
  }
}

/** A request the client sent and what came back (no response: the transport failed). */
export interface Exchange {
  request: HttpRequest;
  response?: HttpResponse;
}

export interface TestClientOptions extends Partial<K8sClientOptions> {
  /** Changes each URL before it is sent (and recorded): to ask this cluster what another one would be asked. */
  rewriteUrl?: (url: string) => string;
}

/** How a test client reaches the cluster; `client()` records every request it sends and its response. */
export interface Transport {
  name: string;
  client(options?: TestClientOptions): { client: K8sClient; requests: HttpRequest[]; exchanges: Exchange[] };
  close(): Promise<void>;
}

function recording(
  base: Omit<K8sClientOptions, 'fetch'> & { fetch: HttpFetch },
  { rewriteUrl, ...options }: TestClientOptions
) {
  const exchanges: Exchange[] = [];
  const requests: HttpRequest[] = [];
  const client = new K8sClient({
    ...base,
    ...options,
    fetch: async (sent) => {
      const request = rewriteUrl ? { ...sent, url: rewriteUrl(sent.url) } : sent;
      const exchange: Exchange = { request };
      requests.push(request);
      exchanges.push(exchange);
      exchange.response = await base.fetch(request);
      return exchange.response;
    },
  });
  return { client, requests, exchanges };
}

/** Straight to the API server with the token, verifying its certificate against the cluster's CA. */
export function direct(cluster: Cluster): Transport {
  return {
    name: 'direct over HTTPS',
    client: (options = {}) =>
      recording(
        {
          routes: directRoutes(cluster.url),
          headers: { Authorization: `Bearer ${cluster.token}` },
          fetch: nodeHttpFetch({ ca: cluster.caCert }),
        },
        options
      ),
    close: async () => undefined,
  };
}

/** The sandbox's proxy, with what a streaming client needs to reach it: Grafana's origin and the datasource. */
export interface ProxyTransport extends Transport {
  origin: string;
  datasourceUid: string;
}

export interface ProxyOptions {
  /** Grafana role of the signed-in user (the sandbox reads it from a cookie). Default Viewer. */
  role?: OrgRole;
  /** Overrides of the provisioned datasource's environment (cluster URL, token, CA). */
  env?: Partial<Record<'KUBEATLAS_CLUSTER_URL' | 'KUBEATLAS_TOKEN' | 'KUBEATLAS_CA_CERT' | 'KUBEATLAS_PROMETHEUS_URL', string>>;
  /** The cluster datasource's jsonData.timeout (seconds): how long Grafana's proxy waits for response headers. */
  timeoutSeconds?: number;
}

/**
 * Through the sandbox's Grafana datasource proxy. The sandbox reads plugin.json files from a built dist/; the tests
 * give it the source plugin.json files instead (routes and roles are all the proxy reads), so they need no build.
 */
export async function throughProxy(cluster: Cluster, options: ProxyOptions = {}): Promise<ProxyTransport> {
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
    KUBEATLAS_CLUSTER_URL: cluster.url,
    KUBEATLAS_TOKEN: cluster.token,
    KUBEATLAS_CA_CERT: cluster.caCert,
    ...options.env,
  });
  if (options.timeoutSeconds !== undefined) {
    provisioning.datasources.find((ds) => ds.uid === DATASOURCE_UID)!.jsonData.timeout = options.timeoutSeconds;
  }
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
    origin: base,
    datasourceUid: DATASOURCE_UID,
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

/** One watch request as the transport saw it: the resourceVersion it asked from, when, and the status answered. */
export interface WatchRequest {
  resourceVersion: string;
  at: number;
  status?: number;
}

/** src/k8s/watch.ts's source for one way to the cluster, the list client beside it, and every watch request sent. */
export interface WatchWay {
  source: WatchSource;
  client: K8sClient;
  requests: WatchRequest[];
  close(): Promise<void>;
}

function recordedStream(stream: HttpStream, requests: WatchRequest[]): HttpStream {
  return (request) => {
    const sent: WatchRequest = {
      resourceVersion: new URL(request.url, 'http://relative').searchParams.get('resourceVersion') ?? '',
      at: Date.now(),
    };
    requests.push(sent);
    return new Observable((subscriber) =>
      stream(request).subscribe({
        next: (part) => {
          sent.status ??= part.status;
          subscriber.next(part);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      })
    );
  };
}

/**
 * `direct`: straight to the API server with the token, as direct mode watches. `proxy`: through the sandbox's
 * Grafana datasource proxy with relative URLs, as the browser's backendSrv.chunked() watches (node's http in its place).
 */
export async function watchWay(name: 'direct' | 'proxy', cluster: Cluster): Promise<WatchWay> {
  const requests: WatchRequest[] = [];
  if (name === 'direct') {
    return {
      source: {
        routes: directRoutes(cluster.url),
        stream: recordedStream(nodeWatchStream({ ca: cluster.caCert }), requests),
        headers: { Authorization: `Bearer ${cluster.token}` },
      },
      client: direct(cluster).client().client,
      requests,
      close: async () => undefined,
    };
  }
  const transport = await throughProxy(cluster);
  const node = nodeWatchStream();
  const stream: HttpStream = (request) => node({ ...request, url: transport.origin + request.url });
  return {
    source: { routes: grafanaProxyRoutes(transport.datasourceUid), stream: recordedStream(stream, requests) },
    client: transport.client().client,
    requests,
    close: () => transport.close(),
  };
}

export type ObjectNotice = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: RawObject; resourceVersion: string };

/** Subscribes and keeps every notice; `until` polls a condition and fails at once when the watch failed first. */
export function collect<T extends { type: string }>(observable: Observable<T>) {
  const notices: T[] = [];
  let failure: K8sError | undefined;
  let completed = false;
  const subscription = observable.subscribe({
    next: (notice) => notices.push(notice),
    error: (error: K8sError) => (failure = error),
    complete: () => (completed = true),
  });
  return {
    notices,
    subscription,
    failure: () => failure,
    completed: () => completed,
    states: () => notices.flatMap((n) => (n.type === 'STATE' ? [(n as unknown as { state: WatchState }).state] : [])),
    live: () =>
      notices.some((n) => n.type === 'STATE' && (n as unknown as { state: WatchState }).state.phase === 'live'),
    objects: () =>
      notices.flatMap((n) =>
        n.type === 'ADDED' || n.type === 'MODIFIED' || n.type === 'DELETED' ? [n as unknown as ObjectNotice] : []
      ),
    async until(what: string, condition: () => boolean, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (failure) {
          throw new Error(`${what}: the watch failed first: ${failure.message}`);
        }
        if (Date.now() > deadline) {
          const seen = notices.map((n) => n.type).join(' ');
          throw new Error(`${what}: not within ${timeoutMs / 1000} s; got ${seen.slice(-600)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
export type Collected = ReturnType<typeof collect>;
