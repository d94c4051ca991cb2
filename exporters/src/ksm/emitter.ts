/**
 * The machinery every kube-state-metrics kind shares: a KindEmitter declares a kind's families (HELP/TYPE even without
 * series, as KSM does), renders each object's samples once and reuses them while the stored object is unchanged, and
 * writes the families all kinds have (labels, annotations, created, owner). Plus KSM's label and unit conventions.
 */
import { ExpositionWriter, Labels, MetricFamily, renderLabels } from '../exposition';
import type { Allowlist, KsmOptions } from '../ksm';
import { Condition, K8sObject } from '../shapes';

/** What the kinds' writers share across scrapes: the allow-lists, and rendered samples per stored object. */
export interface KsmContext {
  options: KsmOptions;
  /** Entries go with the objects they describe (see KindEmitter.forEach). */
  cache: WeakMap<object, string[]>;
}

export const BOOL_STATUSES = ['true', 'false', 'unknown'];

export const seconds = (timestamp: string) => Date.parse(timestamp) / 1000;
export const bool = (value: boolean | undefined) => (value ? 1 : 0);

export function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

function flatten(text: string): string {
  return text ? Buffer.from(text).toString() : text;
}

/** KSM's sanitizing of Kubernetes keys into Prometheus label names (label_app_kubernetes_io_name). */
function promLabelName(prefix: string, key: string): string {
  return `${prefix}_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** KSM's resource/unit pair for a resource name: cpu in cores, memory and storage in bytes, the rest as integers. */
export function resourceLabels(resource: string): { resource: string; unit: string } {
  if (resource === 'cpu') {
    return { resource, unit: 'core' };
  }
  const unit =
    resource === 'memory' ||
    resource === 'ephemeral-storage' ||
    resource === 'storage' ||
    resource.startsWith('hugepages-')
      ? 'byte'
      : 'integer';
  return { resource: resource.replace(/[^a-zA-Z0-9_]/g, '_'), unit };
}

/**
 * Writes the kube_<kind>_… families of one kind. `base` is the object's identifying label set (as KSM's
 * wrap<Kind>Func adds it), rendered once per object by `identify` since every family of the object repeats it.
 */
export class KindEmitter {
  private readonly families: MetricFamily[] = [];
  private readonly indexOf = new Map<string, number>();
  /** The current object's samples per family while it is being written (see forEach). */
  private recording: string[] = [];

  constructor(
    private readonly writer: ExpositionWriter,
    private readonly prefix: string,
    private readonly context: KsmContext
  ) {}

  declare(suffix: string, help: string, type: 'gauge' | 'counter' = 'gauge'): void {
    this.indexOf.set(suffix, this.families.length);
    this.families.push(this.writer.family(`${this.prefix}_${suffix}`, type, help));
  }

  identify(labels: Labels): string {
    return renderLabels(labels);
  }

  /**
   * Writes each object's samples, reusing what an earlier scrape rendered for the same stored object: the store
   * replaces objects on every change, so an object's identity stands for its content, and a scrape of an unchanged
   * 10,000-pod cluster is mostly string concatenation.
   */
  forEach<T extends object>(objects: Iterable<T>, write: (object: T) => void): void {
    for (const object of objects) {
      let samples = this.context.cache.get(object);
      if (!samples) {
        this.recording = new Array(this.families.length).fill('');
        write(object);
        // Flatten the concatenations so the cache keeps compact strings rather than trees of fragments.
        samples = this.recording.map(flatten);
        this.context.cache.set(object, samples);
      }
      for (let i = 0; i < samples.length; i++) {
        if (samples[i]) {
          this.families[i].addRenderedLines(samples[i]);
        }
      }
    }
  }

  emit(suffix: string, base: string, value: number, extra?: Labels): void {
    const index = this.indexOf.get(suffix);
    if (index === undefined) {
      throw new Error(`${this.prefix}_${suffix} emitted before it was declared`);
    }
    this.recording[index] += this.families[index].line(extra ? `${base},${renderLabels(extra)}` : base, value);
  }

  /**
   * Declares families that carry one plain number per object and returns their writer; a value of undefined means
   * the object has no series in that family (the field is unset, as KSM skips it).
   */
  numbers<T>(families: Array<[suffix: string, help: string, value: (object: T) => number | undefined]>) {
    for (const [suffix, help] of families) {
      this.declare(suffix, help);
    }
    return (base: string, object: T) => {
      for (const [suffix, , value] of families) {
        const number = value(object);
        if (number !== undefined) {
          this.emit(suffix, base, number);
        }
      }
    };
  }

  conditions(suffix: string, base: string, condition: Condition | undefined, extra?: Labels): void {
    if (!condition) {
      return;
    }
    const status = condition.status.toLowerCase();
    for (const candidate of BOOL_STATUSES) {
      this.emit(suffix, base, bool(status === candidate), { ...extra, condition: condition.type, status: candidate });
    }
  }

  /** Declares kube_<kind>_labels, _annotations and _created, which every kind has. */
  declareMetadata(kind: string): void {
    this.declare(
      'labels',
      `Allow-listed Kubernetes labels of the object as label_* keys (no series without an allow-list).`
    );
    this.declare(
      'annotations',
      `Allow-listed Kubernetes annotations of the object as annotation_* keys (no series without an allow-list).`
    );
    this.declare('created', `When the ${kind} was created (unix seconds).`);
  }

  /** kube_<kind>_labels and kube_<kind>_annotations, gated by the allow-lists as in KSM. */
  metadata(resource: string, base: string, object: K8sObject): void {
    const sources: Array<
      ['labels' | 'annotations', Allowlist, 'label' | 'annotation', Record<string, string> | undefined]
    > = [
      ['labels', this.context.options.labelsAllowlist, 'label', object.metadata.labels],
      ['annotations', this.context.options.annotationsAllowlist, 'annotation', object.metadata.annotations],
    ];
    for (const [suffix, allowlist, prefix, values] of sources) {
      const allowed = allowlist.get(resource);
      if (!allowed) {
        continue;
      }
      const extra: Labels = {};
      for (const [key, value] of Object.entries(values ?? {})) {
        if (allowed === '*' || allowed.includes(key)) {
          extra[promLabelName(prefix, key)] = value;
        }
      }
      this.emit(suffix, base, 1, extra);
    }
  }

  /** kube_<kind>_owner: one series per owner reference, or one <none> series. */
  owners(base: string, object: K8sObject): void {
    const refs = object.metadata.ownerReferences ?? [];
    if (!refs.length) {
      this.emit('owner', base, 1, { owner_kind: '<none>', owner_name: '<none>', owner_is_controller: '<none>' });
    }
    for (const ref of refs) {
      this.emit('owner', base, 1, {
        owner_kind: ref.kind,
        owner_name: ref.name,
        owner_is_controller: String(Boolean(ref.controller)),
      });
    }
  }
}
