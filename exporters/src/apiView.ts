/**
 * The metrics' ClusterView over a real apiserver, kept the way kube-state-metrics keeps its stores: one paged
 * cluster-wide LIST per kind, then a WATCH from the list's resourceVersion (with bookmarks) applying ADDED, MODIFIED
 * and DELETED in place. A dropped stream resumes from the last resourceVersion seen; 410 Gone or an ERROR event
 * relists. A kind whose API group the server does not serve (a plain-text 404) stays empty.
 */
import https from 'node:https';
import type * as shapes from './shapes';

export interface ApiCredentials {
  server: string;
  ca?: string;
  token?: string;
  cert?: string;
  key?: string;
}

interface KindSpec {
  /** Collection path of the cluster-wide LIST. */
  path: string;
  name: string;
}

const KINDS = {
  pods: { path: '/api/v1/pods', name: 'pods' },
  nodes: { path: '/api/v1/nodes', name: 'nodes' },
  namespaces: { path: '/api/v1/namespaces', name: 'namespaces' },
  services: { path: '/api/v1/services', name: 'services' },
  persistentvolumeclaims: { path: '/api/v1/persistentvolumeclaims', name: 'persistentvolumeclaims' },
  deployments: { path: '/apis/apps/v1/deployments', name: 'deployments' },
  replicasets: { path: '/apis/apps/v1/replicasets', name: 'replicasets' },
  statefulsets: { path: '/apis/apps/v1/statefulsets', name: 'statefulsets' },
  daemonsets: { path: '/apis/apps/v1/daemonsets', name: 'daemonsets' },
  jobs: { path: '/apis/batch/v1/jobs', name: 'jobs' },
  cronjobs: { path: '/apis/batch/v1/cronjobs', name: 'cronjobs' },
  ingresses: { path: '/apis/networking.k8s.io/v1/ingresses', name: 'ingresses' },
  horizontalpodautoscalers: { path: '/apis/autoscaling/v2/horizontalpodautoscalers', name: 'horizontalpodautoscalers' },
} satisfies Record<string, KindSpec>;
type KindName = keyof typeof KINDS;

interface Obj {
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** What a failed request means for the person running the exporter. */
export function explain(error: unknown, credentials: ApiCredentials, path: string): string {
  if (error instanceof HttpError && error.status === 401) {
    return `${credentials.server} rejected the token (401): put a valid bearer token in the kubeconfig`;
  }
  if (error instanceof HttpError && error.status === 403) {
    const message = /"message":"([^"]*)"/.exec(error.body)?.[1] ?? error.body.slice(0, 200);
    return `${message}. Grant list and watch on it: a ClusterRole rule {apiGroups, resources, verbs: [list, watch]} bound to this identity (${path})`;
  }
  const e = error as NodeJS.ErrnoException;
  if (/certificate|self.signed|CERT_|UNABLE_TO_VERIFY/i.test(`${e.code} ${e.message}`)) {
    return `TLS to ${credentials.server} failed (${e.code ?? e.message}): put the cluster's CA in certificate-authority-data`;
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') {
    return `${credentials.server} is not reachable (${e.code}): check the kubeconfig's server URL and that the apiserver runs`;
  }
  return `${path}: ${e.message}`;
}

export class ApiClusterView implements shapes.ClusterView {
  private readonly agent: https.Agent;
  private readonly stores = new Map<KindName, Map<string, Obj>>();
  private readonly requests = new Set<{ destroy(): void }>();
  private closed = false;
  private podsByNodeVersion = -1;
  private version = 0;
  private podsByNode = new Map<string, shapes.Pod[]>();

  constructor(
    private readonly credentials: ApiCredentials,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)
  ) {
    this.agent = new https.Agent({ ca: credentials.ca, cert: credentials.cert, key: credentials.key, keepAlive: true });
  }

  /** Lists every kind once (resolving when all are in), then keeps each up to date with a watch. */
  async start(): Promise<void> {
    await Promise.all(
      (Object.keys(KINDS) as KindName[]).map(async (kind) => {
        const resourceVersion = await this.relist(kind);
        if (resourceVersion !== undefined) {
          void this.watchLoop(kind, resourceVersion);
        }
      })
    );
  }

  close(): void {
    this.closed = true;
    this.requests.forEach((request) => request.destroy());
    this.agent.destroy();
  }

  private headers(): Record<string, string> {
    return {
      Accept: 'application/json',
      ...(this.credentials.token ? { Authorization: `Bearer ${this.credentials.token}` } : {}),
    };
  }

  private get(path: string): Promise<{ items: Obj[]; metadata: { resourceVersion: string; continue?: string } }> {
    return new Promise((resolve, reject) => {
      const request = https.get(
        new URL(path, this.credentials.server),
        { agent: this.agent, headers: this.headers() },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            this.requests.delete(request);
            if (res.statusCode !== 200) {
              return reject(new HttpError(res.statusCode ?? 0, body));
            }
            try {
              resolve(JSON.parse(body));
            } catch (error) {
              reject(error);
            }
          });
        }
      );
      this.requests.add(request);
      request.on('error', (error) => {
        this.requests.delete(request);
        reject(error);
      });
    });
  }

  /** Paged LIST into a fresh store; undefined when the server does not serve the kind. */
  private async relist(kind: KindName): Promise<string | undefined> {
    const spec = KINDS[kind];
    const store = new Map<string, Obj>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const path = `${spec.path}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      let page;
      try {
        page = await this.get(path);
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) {
          this.log(`exporter: ${spec.path} is not served by this apiserver (404): ${kind} stays empty`);
          this.stores.set(kind, store);
          return undefined;
        }
        if (error instanceof HttpError && error.status === 410 && token) {
          token = undefined; // the continue token expired: start the list over
          store.clear();
          continue;
        }
        throw new Error(`exporter: listing ${kind} failed: ${explain(error, this.credentials, spec.path)}`);
      }
      for (const item of page.items) {
        store.set(key(item), item);
      }
      token = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion;
    } while (token);
    this.stores.set(kind, store);
    this.version++;
    return resourceVersion;
  }

  private async watchLoop(kind: KindName, from: string): Promise<void> {
    let resourceVersion = from;
    let failures = 0;
    while (!this.closed) {
      try {
        const outcome = await this.watch(kind, resourceVersion, (rv) => {
          resourceVersion = rv;
          failures = 0;
        });
        if (outcome === 'relist') {
          resourceVersion = (await this.relist(kind)) ?? resourceVersion;
        }
      } catch (error) {
        if (this.closed) {
          return;
        }
        failures++;
        this.log(
          `exporter: watch of ${kind} dropped (${explain(error, this.credentials, KINDS[kind].path)}); resuming`
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 250 * 2 ** failures)));
      }
    }
  }

  /** One watch stream; resolves 'relist' on 410 or an ERROR event, 'resume' when the server ends the stream. */
  private watch(kind: KindName, resourceVersion: string, seen: (rv: string) => void): Promise<'relist' | 'resume'> {
    const spec = KINDS[kind];
    const path = `${spec.path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=${encodeURIComponent(resourceVersion)}`;
    return new Promise((resolve, reject) => {
      const request = https.get(
        new URL(path, this.credentials.server),
        { agent: this.agent, headers: this.headers() },
        (res) => {
          if (res.statusCode === 410) {
            res.resume();
            return resolve('relist');
          }
          if (res.statusCode !== 200) {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => reject(new HttpError(res.statusCode ?? 0, body)));
            return;
          }
          let buffer = '';
          let outcome: 'relist' | 'resume' = 'resume';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let newline: number;
            while ((newline = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, newline);
              buffer = buffer.slice(newline + 1);
              if (!line.trim()) {
                continue;
              }
              const event = JSON.parse(line) as { type: string; object: Obj };
              if (event.type === 'ERROR') {
                outcome = 'relist';
                request.destroy();
                return;
              }
              this.apply(kind, event.type, event.object);
              seen(event.object.metadata.resourceVersion ?? resourceVersion);
            }
          });
          res.on('end', () => resolve(outcome));
          res.on('close', () => resolve(outcome));
        }
      );
      this.requests.add(request);
      request.on('close', () => this.requests.delete(request));
      request.on('error', (error) => (this.closed ? resolve('resume') : reject(error)));
    });
  }

  private apply(kind: KindName, type: string, object: Obj): void {
    const store = this.stores.get(kind)!;
    if (type === 'ADDED' || type === 'MODIFIED') {
      store.set(key(object), object);
    } else if (type === 'DELETED') {
      store.delete(key(object));
    } else {
      return; // BOOKMARK: only its resourceVersion matters
    }
    this.version++;
  }

  private list<T>(kind: KindName): T[] {
    return [...(this.stores.get(kind)?.values() ?? [])] as unknown as T[];
  }

  nowMs = () => Date.now();
  pods = () => this.list<shapes.Pod>('pods');
  podsOnNode(node: string): Iterable<shapes.Pod> {
    if (this.podsByNodeVersion !== this.version) {
      this.podsByNode = new Map();
      for (const pod of this.pods()) {
        const name = pod.spec?.nodeName;
        if (name) {
          this.podsByNode.set(name, [...(this.podsByNode.get(name) ?? []), pod]);
        }
      }
      this.podsByNodeVersion = this.version;
    }
    return this.podsByNode.get(node) ?? [];
  }
  node = (name: string) => this.stores.get('nodes')?.get(name) as unknown as shapes.Node | undefined;
  nodes = () => this.list<shapes.Node>('nodes');
  deployments = () => this.list<shapes.Deployment>('deployments');
  replicaSets = () => this.list<shapes.ReplicaSet>('replicasets');
  statefulSets = () => this.list<shapes.StatefulSet>('statefulsets');
  daemonSets = () => this.list<shapes.DaemonSet>('daemonsets');
  jobs = () => this.list<shapes.Job>('jobs');
  cronJobs = () => this.list<shapes.CronJob>('cronjobs');
  namespaces = () => this.list<shapes.Namespace>('namespaces');
  services = () => this.list<shapes.Service>('services');
  ingresses = () => this.list<shapes.Ingress>('ingresses');
  horizontalPodAutoscalers = () => this.list<shapes.HorizontalPodAutoscaler>('horizontalpodautoscalers');
  persistentVolumeClaims = () => this.list<shapes.PersistentVolumeClaim>('persistentvolumeclaims');
}

const key = (object: Obj) =>
  object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
