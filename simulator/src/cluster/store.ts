/**
 * In-memory cluster state: objects stored as real Kubernetes JSON shapes, one global resourceVersion counter, and a
 * change feed for watch.
 *
 * How other parts (the API server, the metrics exporter) consume it:
 *   const cluster = createCluster({ scenario: 'demo', seed: 1, scale: undefined });   // ./index.ts
 *   cluster.store.list('pods')                  // every pod, sorted by namespace/name (etcd order); do not mutate
 *   cluster.store.list('pods', 'shop')          // one namespace
 *   cluster.store.get('nodes', '', 'sim-worker-1')
 *   cluster.store.on('change', (e: ChangeEvent) => …)  // ADDED / MODIFIED / DELETED after every write
 *   cluster.clock.now()                          // simulated "now" in ms; cluster.on('tick', …) after each time step
 * Objects are replaced, never edited in place, after they are stored: writers go through create/update/delete so that
 * resourceVersion, the serialized-JSON cache and the change feed stay consistent.
 */
import { EventEmitter } from 'node:events';
import { storedKind } from './kinds';

/** Kubernetes JSON is open-ended; the simulator reads the fields it needs with these loose shapes. */
export type Json = any;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Json;
  status?: Json;
  [field: string]: Json;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  type: ChangeType;
  resource: string;
  object: KubeObject;
  /** MODIFIED: the version before, so watches with selectors can tell objects entering or leaving them. */
  previous?: KubeObject;
  resourceVersion: number;
}

/** How many past changes a watch can resume from; older resourceVersions get "410 Gone" like a compacted etcd. */
const HISTORY_LIMIT = 20000;

class ResourceTable {
  readonly objects = new Map<string, KubeObject>();
  /** Kept sorted on every insert/delete (a binary search and a memmove), so lists never re-sort. */
  private readonly sortedKeys: string[] = [];

  static keyOf(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  set(key: string, object: KubeObject): void {
    if (!this.objects.has(key)) {
      this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
    }
    this.objects.set(key, object);
  }

  delete(key: string): void {
    if (this.objects.delete(key)) {
      this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 1);
    }
  }

  /** Keys in etcd order (namespace, then name); optionally only one namespace's range. */
  keys(namespace?: string): string[] {
    if (namespace === undefined) {
      return this.sortedKeys;
    }
    const prefix = `${namespace}/`;
    const start = lowerBound(this.sortedKeys, prefix);
    let end = start;
    while (end < this.sortedKeys.length && this.sortedKeys[end].startsWith(prefix)) {
      end++;
    }
    return this.sortedKeys.slice(start, end);
  }
}

export function lowerBound(sorted: string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

export class ClusterStore extends EventEmitter {
  private revision = 1000;
  private readonly tables = new Map<string, ResourceTable>();
  private readonly serialized = new WeakMap<KubeObject, string>();
  private readonly history: ChangeEvent[] = [];

  constructor(
    private readonly now: () => number,
    private readonly newUid: () => string
  ) {
    super();
    this.setMaxListeners(0);
  }

  get resourceVersion(): number {
    return this.revision;
  }

  private table(resource: string): ResourceTable {
    let table = this.tables.get(resource);
    if (!table) {
      storedKind(resource);
      table = new ResourceTable();
      this.tables.set(resource, table);
    }
    return table;
  }

  /** Objects in etcd order. The returned array and objects must not be mutated. */
  list(resource: string, namespace?: string): KubeObject[] {
    const table = this.table(resource);
    return table.keys(namespace).map((key) => table.objects.get(key)!);
  }

  /** Sorted keys ("namespace/name") for paging without materializing the objects. */
  keys(resource: string, namespace?: string): string[] {
    return this.table(resource).keys(namespace);
  }

  getByKey(resource: string, key: string): KubeObject | undefined {
    return this.table(resource).objects.get(key);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(resource).objects.get(ResourceTable.keyOf(namespace, name));
  }

  count(resource: string): number {
    return this.table(resource).objects.size;
  }

  create(resource: string, object: KubeObject): KubeObject {
    const key = ResourceTable.keyOf(object.metadata.namespace, object.metadata.name);
    const table = this.table(resource);
    if (table.objects.has(key)) {
      throw new Error(`${resource} ${key} already exists`);
    }
    object.metadata.uid ||= this.newUid();
    object.metadata.creationTimestamp ||= new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    object.metadata.resourceVersion = String(++this.revision);
    table.set(key, object);
    this.record('ADDED', resource, object);
    return object;
  }

  /** Stores a new version of an existing object (pass a copy, not the stored object mutated in place). */
  update(resource: string, object: KubeObject): KubeObject {
    const key = ResourceTable.keyOf(object.metadata.namespace, object.metadata.name);
    const table = this.table(resource);
    if (!table.objects.has(key)) {
      throw new Error(`${resource} ${key} not found`);
    }
    const previous = table.objects.get(key);
    object.metadata.resourceVersion = String(++this.revision);
    table.set(key, object);
    this.record('MODIFIED', resource, object, previous);
    return object;
  }

  /** Copies the stored object, lets `change` edit the copy, stores it. Returns undefined when not found. */
  modify(
    resource: string,
    namespace: string | undefined,
    name: string,
    change: (copy: KubeObject) => void
  ): KubeObject | undefined {
    const current = this.get(resource, namespace, name);
    if (!current) {
      return undefined;
    }
    const copy = structuredClone(current);
    change(copy);
    return this.update(resource, copy);
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = ResourceTable.keyOf(namespace, name);
    const table = this.table(resource);
    const current = table.objects.get(key);
    if (!current) {
      return undefined;
    }
    table.delete(key);
    const gone = { ...current, metadata: { ...current.metadata, resourceVersion: String(++this.revision) } };
    this.record('DELETED', resource, gone);
    return gone;
  }

  /** The object's JSON, cached per stored version: lists of thousands of objects are string concatenations. */
  json(object: KubeObject): string {
    let text = this.serialized.get(object);
    if (text === undefined) {
      text = JSON.stringify(object);
      this.serialized.set(object, text);
    }
    return text;
  }

  /** Changes after `resourceVersion`, or undefined when that version is older than the kept history. */
  changesSince(resourceVersion: number): ChangeEvent[] | undefined {
    if (resourceVersion >= this.revision) {
      return [];
    }
    const oldest = this.history.length ? this.history[0].resourceVersion : this.revision + 1;
    if (resourceVersion < oldest - 1) {
      return undefined;
    }
    const start = this.history.findIndex((e) => e.resourceVersion > resourceVersion);
    return start < 0 ? [] : this.history.slice(start);
  }

  private record(type: ChangeType, resource: string, object: KubeObject, previous?: KubeObject): void {
    const event: ChangeEvent = { type, resource, object, resourceVersion: this.revision };
    // The history keeps no previous versions: replaced objects must stay collectable.
    this.history.push(event);
    // Trimmed in batches: splicing one entry per write would make bulk loads quadratic.
    if (this.history.length > 2 * HISTORY_LIMIT) {
      this.history.splice(0, this.history.length - HISTORY_LIMIT);
    }
    this.emit('change', previous ? { ...event, previous } : event);
  }
}
