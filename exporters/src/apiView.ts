/**
 * The metrics' ClusterView over a real apiserver, kept as kube-state-metrics keeps its stores (client-go reflectors):
 * per kind, one paged cluster-wide LIST (limit 500, following `continue`), then a WATCH from the list's
 * resourceVersion with bookmarks, applying ADDED, MODIFIED and DELETED in place. A stream that drops is watched
 * again from the last resourceVersion seen (an event's or a bookmark's), with backoff; 410 Gone or an ERROR event
 * relists. A kind whose API group or version the server does not serve (404) stays empty, with one log line.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, explain, KubeClient, RBAC_HINT, type Collection } from './apiClient';
import type { ApiCredentials } from './kubeconfig';
import type * as shapes from './shapes';

interface KindSpec extends Collection {
  /** Cluster-wide collection path. */
  path: string;
}

const core = (resource: string): KindSpec => ({ group: '', resource, path: `/api/v1/${resource}` });
const grouped = (group: string, version: string, resource: string): KindSpec => ({
  group,
  resource,
  path: `/apis/${group}/${version}/${resource}`,
});

/** Every kind the ClusterView serves, at the versions kube-state-metrics v2.20 lists. */
export const KINDS = {
  pods: core('pods'),
  nodes: core('nodes'),
  namespaces: core('namespaces'),
  services: core('services'),
  persistentvolumeclaims: core('persistentvolumeclaims'),
  deployments: grouped('apps', 'v1', 'deployments'),
  replicasets: grouped('apps', 'v1', 'replicasets'),
  statefulsets: grouped('apps', 'v1', 'statefulsets'),
  daemonsets: grouped('apps', 'v1', 'daemonsets'),
  jobs: grouped('batch', 'v1', 'jobs'),
  cronjobs: grouped('batch', 'v1', 'cronjobs'),
  ingresses: grouped('networking.k8s.io', 'v1', 'ingresses'),
  horizontalpodautoscalers: grouped('autoscaling', 'v2', 'horizontalpodautoscalers'),
} satisfies Record<string, KindSpec>;
export type KindName = keyof typeof KINDS;

type StoredObject = shapes.K8sObject & { metadata: { managedFields?: unknown } };

interface ListPage {
  items: StoredObject[];
  metadata: { resourceVersion: string; continue?: string };
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: StoredObject & { code?: number; reason?: string; message?: string };
}

/** How one kind's store is doing, for /healthz, logs and tests. */
export interface KindStatus {
  /** False once the server answered 404 for the kind's collection. */
  served: boolean;
  synced: boolean;
  objects: number;
  /** Complete LISTs so far (the first one, then one per relist). */
  lists: number;
  /** Watch requests so far. */
  watches: number;
  /** BOOKMARK events so far: the apiserver sends one about every minute to each watch that allows them. */
  bookmarks: number;
  /** The resourceVersion the next watch starts from. */
  resourceVersion: string;
}

export interface ViewOptions {
  log?: (line: string) => void;
  /** Server-side watch timeout; client-go picks 5–10 minutes at random, as here by default. */
  watchTimeoutSeconds?: number;
  /** First retry delay after a failure, doubled per consecutive failure up to 30 s. */
  backoffMs?: number;
}

const PAGE_SIZE = 500;
const LIST_IDLE_TIMEOUT_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const objectKey = (object: StoredObject) =>
  object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;

/** The result of one watch request. */
type WatchOutcome =
  | { kind: 'ended'; events: number } // the server closed the stream cleanly (timeoutSeconds)
  | { kind: 'relist'; why: string } // 410 Gone or an ERROR event
  | { kind: 'failed'; error: unknown }; // refused, dropped or malformed

/** A kind's first LIST failed in a way retrying cannot fix. */
class SyncFailure extends Error {
  constructor(
    readonly kind: KindName,
    readonly reason: string,
    readonly denied: { user: string; message: string } | undefined
  ) {
    super(`exporter: listing ${kind} failed: ${reason}`);
  }
}

/** One kind's store, filled by LIST and kept current by WATCH. */
class Reflector {
  store = new Map<string, StoredObject>();
  readonly status: KindStatus = {
    served: true,
    synced: false,
    objects: 0,
    lists: 0,
    watches: 0,
    bookmarks: 0,
    resourceVersion: '',
  };
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly name: KindName,
    private readonly client: KubeClient,
    private readonly options: Required<ViewOptions>,
    /** Called after each change of the store: the object before and after (undefined when absent). */
    private readonly onChange: (before: StoredObject | undefined, after: StoredObject | undefined) => void,
    private readonly onReplace: () => void
  ) {}

  private get spec(): KindSpec {
    return KINDS[this.name];
  }

  /**
   * The first LIST: retries what can pass (until `givingUp`, when another kind failed for good), throws what cannot
   * as a SyncFailure, resolves once listed or absent.
   */
  async sync(givingUp: () => boolean): Promise<void> {
    for (let failures = 1; !this.closed && !givingUp(); failures++) {
      try {
        await this.list();
        return;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          this.status.served = false;
          this.status.synced = true;
          this.options.log(
            `exporter: ${this.spec.path} is not served by ${this.client.credentials.server} (404 ${error.detail}); ${this.name} stay empty`
          );
          return;
        }
        const { message, fatal, denied } = explain(error, this.client.credentials, this.spec);
        if (fatal) {
          throw new SyncFailure(this.name, message, denied);
        }
        const delay = this.backoff(failures, error);
        this.options.log(`exporter: listing ${this.name}: ${message}; trying again in ${seconds(delay)}`);
        await this.sleep(delay);
      }
    }
  }

  /** After sync: watch, resume, relist, until closed. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.closed && this.status.served) {
      const outcome = await this.watch();
      if (this.closed) {
        return;
      }
      if (outcome.kind === 'ended' && outcome.events > 0) {
        failures = 0;
        continue;
      }
      if (outcome.kind === 'relist') {
        this.options.log(`exporter: watch of ${this.name}: ${outcome.why}; listing again`);
        await this.relist();
        failures = 0;
        continue;
      }
      failures++;
      const why =
        outcome.kind === 'ended'
          ? 'the stream ended without an event'
          : explain(outcome.error, this.client.credentials, this.spec).message;
      const delay = this.backoff(failures, outcome.kind === 'failed' ? outcome.error : undefined);
      this.options.log(
        `exporter: watch of ${this.name} from resourceVersion ${this.status.resourceVersion}: ${why}; watching again in ${seconds(delay)}`
      );
      await this.sleep(delay);
    }
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Lists until it works; the store keeps serving the objects it has meanwhile. */
  private async relist(): Promise<void> {
    for (let failures = 1; !this.closed; failures++) {
      try {
        await this.list();
        return;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          this.status.served = false;
          this.replace(new Map());
          this.options.log(`exporter: ${this.spec.path} is no longer served (404); ${this.name} stay empty`);
          return;
        }
        const delay = this.backoff(failures, error);
        const { message } = explain(error, this.client.credentials, this.spec);
        this.options.log(`exporter: listing ${this.name} again: ${message}; trying again in ${seconds(delay)}`);
        await this.sleep(delay);
      }
    }
  }

  /** One complete paged LIST into a fresh store, swapped in at the end so scrapes never see half a list. */
  private async list(): Promise<void> {
    const store = new Map<string, StoredObject>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const query = `limit=${PAGE_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      let page: ListPage;
      try {
        page = await this.client.getJson<ListPage>(`${this.spec.path}?${query}`, LIST_IDLE_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof ApiError && error.status === 410 && token) {
          // The continue token expired (etcd compacted past the list's snapshot): start the list over.
          this.options.log(`exporter: listing ${this.name}: continue token expired (410); starting over`);
          store.clear();
          token = undefined;
          continue;
        }
        throw error;
      }
      for (const item of page.items ?? []) {
        store.set(objectKey(item), slim(item));
      }
      token = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? '';
    } while (token && !this.closed);
    this.replace(store);
    this.status.resourceVersion = resourceVersion;
    this.status.lists++;
    this.status.synced = true;
  }

  private replace(store: Map<string, StoredObject>): void {
    this.store = store;
    this.status.objects = store.size;
    this.onReplace();
  }

  private async watch(): Promise<WatchOutcome> {
    const timeout = this.options.watchTimeoutSeconds;
    const path =
      `${this.spec.path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=${timeout}` +
      `&resourceVersion=${encodeURIComponent(this.status.resourceVersion)}`;
    this.status.watches++;
    let response: IncomingMessage;
    try {
      // Silence beyond the server's own timeout means the connection is gone without a word.
      response = await this.client.open(path, (timeout + 30) * 1000);
    } catch (error) {
      if (error instanceof ApiError && error.status === 410) {
        return { kind: 'relist', why: `resourceVersion ${this.status.resourceVersion} is gone (410 ${error.detail})` };
      }
      return { kind: 'failed', error };
    }
    return new Promise((resolve) => {
      let buffer = '';
      let events = 0;
      let outcome: WatchOutcome | undefined;
      const finish = (result: WatchOutcome) => {
        outcome ??= result;
        response.destroy();
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while (!outcome && (newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (!line.trim()) {
            continue;
          }
          let event: WatchEvent;
          try {
            event = JSON.parse(line) as WatchEvent;
          } catch {
            finish({ kind: 'failed', error: new Error(`a watch event is not JSON: ${line.slice(0, 80)}…`) });
            return;
          }
          if (event.type === 'ERROR') {
            const status = event.object ?? {};
            finish({
              kind: 'relist',
              why: `ERROR event ${status.code ?? ''} ${status.reason ?? ''}: ${status.message ?? ''}`,
            });
            return;
          }
          events++;
          this.apply(event);
        }
      });
      response.on('error', () => undefined); // a reset: 'close' below says how the stream ended
      response.on('close', () =>
        resolve(
          outcome ??
            (response.complete
              ? { kind: 'ended', events }
              : { kind: 'failed', error: new Error('the stream was cut off (connection dropped)') })
        )
      );
    });
  }

  private apply(event: WatchEvent): void {
    const object = event.object;
    const resourceVersion = object?.metadata?.resourceVersion;
    if (resourceVersion) {
      this.status.resourceVersion = resourceVersion;
    }
    if (event.type === 'BOOKMARK') {
      this.status.bookmarks++;
      return; // a bookmark only moves the resourceVersion
    }
    if (!object?.metadata?.name) {
      return;
    }
    const key = objectKey(object);
    const before = this.store.get(key);
    if (event.type === 'DELETED') {
      this.store.delete(key);
      this.status.objects = this.store.size;
      this.onChange(before, undefined);
    } else if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      const after = slim(object);
      this.store.set(key, after);
      this.status.objects = this.store.size;
      this.onChange(before, after);
    }
  }

  private backoff(failures: number, error: unknown): number {
    const retryAfterMs = error instanceof ApiError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
    return Math.max(retryAfterMs, Math.min(MAX_BACKOFF_MS, this.options.backoffMs * 2 ** (failures - 1)));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/**
 * One error for every kind that failed: kinds with the same cause share a line (a bad token fails them all), and
 * RBAC denials become the ClusterRole rules to add, one per API group.
 */
function combine(failures: unknown[]): Error {
  const byReason = new Map<string, KindName[]>();
  const denied = new Map<string, SyncFailure[]>();
  for (const failure of failures) {
    if (!(failure instanceof SyncFailure)) {
      return failure instanceof Error ? failure : new Error(String(failure));
    }
    if (failure.denied) {
      denied.set(failure.denied.user, [...(denied.get(failure.denied.user) ?? []), failure]);
    } else {
      byReason.set(failure.reason, [...(byReason.get(failure.reason) ?? []), failure.kind]);
    }
  }
  const lines = [...byReason].map(([reason, kinds]) => `exporter: listing ${kinds.join(', ')} failed: ${reason}`);
  for (const [user, denials] of denied) {
    const kinds = denials.map((failure) => failure.kind);
    const resourcesByGroup = new Map<string, string[]>();
    for (const kind of kinds) {
      const { group, resource } = KINDS[kind];
      resourcesByGroup.set(group, [...(resourcesByGroup.get(group) ?? []), resource]);
    }
    const rules = [...resourcesByGroup].map(
      ([group, resources]) =>
        `  - apiGroups: ["${group}"]\n    resources: [${resources.map((r) => `"${r}"`).join(', ')}]\n    verbs: ["list", "watch"]`
    );
    const evidence = `${denials[0].denied!.message}${denials.length > 1 ? `, and ${denials.length - 1} more like it` : ''}`;
    lines.push(
      `exporter: ${user} may not list ${kinds.join(', ')} (403: ${evidence}). Grant it with these rules in ${RBAC_HINT}:\n${rules.join('\n')}`
    );
  }
  return new Error(lines.join('\n'));
}

/** managedFields are most of an object's bytes and no metric reads them (kube-state-metrics drops them too). */
function slim(object: StoredObject): StoredObject {
  delete object.metadata.managedFields;
  return object;
}

export class ApiClusterView implements shapes.ClusterView {
  private readonly client: KubeClient;
  private readonly reflectors: Map<KindName, Reflector>;
  /** Pods per node, kept with every pod change: one kubelet scrape per node must not scan every pod. */
  private podsByNode = new Map<string, Map<string, shapes.Pod>>();

  constructor(credentials: ApiCredentials, options: ViewOptions = {}) {
    const settings: Required<ViewOptions> = {
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? Math.round(300 * (1 + Math.random())),
      backoffMs: options.backoffMs ?? 500,
    };
    this.client = new KubeClient(credentials);
    this.reflectors = new Map(
      (Object.keys(KINDS) as KindName[]).map((name) => [
        name,
        new Reflector(
          name,
          this.client,
          settings,
          name === 'pods' ? (before, after) => this.indexPod(before, after) : () => undefined,
          name === 'pods' ? () => this.reindexPods() : () => undefined
        ),
      ])
    );
  }

  /**
   * Lists every kind (resolving once all are in) and then keeps each current with its watch. When a kind fails in a
   * way retrying cannot fix, the others stop retrying and the view closes, rejecting with every kind's cause, so
   * the missing RBAC rules come in one message.
   */
  async start(): Promise<void> {
    let failed = false;
    const results = await Promise.allSettled(
      [...this.reflectors.values()].map((reflector) =>
        reflector
          .sync(() => failed)
          .catch((error: unknown) => {
            failed = true;
            throw error;
          })
      )
    );
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length) {
      this.close();
      throw combine(failures);
    }
    for (const reflector of this.reflectors.values()) {
      void reflector.run();
    }
  }

  /** undefined once every kind is listed, else what the view still waits for. */
  unsynced(): string | undefined {
    const waiting = [...this.reflectors.values()].filter((r) => !r.status.synced).map((r) => r.name);
    return waiting.length
      ? `waiting for the first LIST of ${waiting.join(', ')} (${this.reflectors.size - waiting.length} of ${this.reflectors.size} kinds listed)`
      : undefined;
  }

  status(): Record<KindName, KindStatus> {
    return Object.fromEntries([...this.reflectors].map(([name, r]) => [name, { ...r.status }])) as Record<
      KindName,
      KindStatus
    >;
  }

  close(): void {
    this.reflectors.forEach((reflector) => reflector.close());
    this.client.close();
  }

  private indexPod(before: StoredObject | undefined, after: StoredObject | undefined): void {
    const previousNode = (before as shapes.Pod | undefined)?.spec?.nodeName;
    if (before && previousNode) {
      this.podsByNode.get(previousNode)?.delete(objectKey(before));
    }
    const node = (after as shapes.Pod | undefined)?.spec?.nodeName;
    if (after && node) {
      let onNode = this.podsByNode.get(node);
      if (!onNode) {
        onNode = new Map();
        this.podsByNode.set(node, onNode);
      }
      onNode.set(objectKey(after), after as shapes.Pod);
    }
  }

  private reindexPods(): void {
    this.podsByNode = new Map();
    for (const pod of this.reflectors.get('pods')!.store.values()) {
      this.indexPod(undefined, pod);
    }
  }

  private objects<T>(kind: KindName): Iterable<T> {
    return this.reflectors.get(kind)!.store.values() as Iterable<unknown> as Iterable<T>;
  }

  nowMs = () => Date.now();
  pods = () => this.objects<shapes.Pod>('pods');
  podsOnNode = (node: string): Iterable<shapes.Pod> => this.podsByNode.get(node)?.values() ?? [];
  node = (name: string) => this.reflectors.get('nodes')!.store.get(name) as unknown as shapes.Node | undefined;
  nodes = () => this.objects<shapes.Node>('nodes');
  deployments = () => this.objects<shapes.Deployment>('deployments');
  replicaSets = () => this.objects<shapes.ReplicaSet>('replicasets');
  statefulSets = () => this.objects<shapes.StatefulSet>('statefulsets');
  daemonSets = () => this.objects<shapes.DaemonSet>('daemonsets');
  jobs = () => this.objects<shapes.Job>('jobs');
  cronJobs = () => this.objects<shapes.CronJob>('cronjobs');
  namespaces = () => this.objects<shapes.Namespace>('namespaces');
  services = () => this.objects<shapes.Service>('services');
  ingresses = () => this.objects<shapes.Ingress>('ingresses');
  horizontalPodAutoscalers = () => this.objects<shapes.HorizontalPodAutoscaler>('horizontalpodautoscalers');
  persistentVolumeClaims = () => this.objects<shapes.PersistentVolumeClaim>('persistentvolumeclaims');
}
