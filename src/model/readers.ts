/**
 * Tolerant readers of raw JSON and the metadata every model shares, for the normalizers (./normalize.ts,
 * ./normalizeMonitoring.ts): a missing or mistyped field yields undefined/[]/{} instead of an exception.
 */
import type { KindName, LabelSelector, LabelSelectorRequirement, ModelBase, OwnerRef, StatusSummary } from './types';

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
export function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : [];
}
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
export function count(value: unknown): number {
  return num(value) ?? 0;
}
export function bool(value: unknown): boolean {
  return value === true;
}
export function time(value: unknown): number | undefined {
  const text = str(value);
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(obj(value))) {
    if (typeof v === 'string') {
      out[key] = v;
    }
  }
  return out;
}
/** A port that may be a number or a named port ("http"). */
export function portRef(value: unknown): number | string | undefined {
  return num(value) ?? str(value);
}
export function conditionOf(status: Json, type: string): Json | undefined {
  return arr(status.conditions).find((c) => c.type === type);
}

/** Annotations the model keeps; the rest of metadata.annotations is dropped (it can be large: last-applied config). */
const KEPT_ANNOTATIONS = ['deployment.kubernetes.io/revision', 'kubectl.kubernetes.io/restartedAt'];

export function base<K extends KindName>(kind: K, raw: Json, status: StatusSummary): ModelBase<K> | undefined {
  const metadata = obj(raw.metadata);
  const name = str(metadata.name);
  if (!name) {
    return undefined;
  }
  const namespace = str(metadata.namespace);
  const annotations = stringMap(metadata.annotations);
  const templateAnnotations = stringMap(obj(obj(obj(raw.spec).template).metadata).annotations);
  const kept: Record<string, string> = {};
  for (const key of KEPT_ANNOTATIONS) {
    const value = templateAnnotations[key] ?? annotations[key];
    if (value !== undefined) {
      kept[key] = value;
    }
  }
  return {
    kind,
    // Objects always have a uid from the API server; a synthetic one keeps malformed input indexable.
    uid: str(metadata.uid) ?? `${kind}/${namespace ?? ''}/${name}`,
    name,
    namespace,
    labels: stringMap(metadata.labels),
    annotations: kept,
    createdAt: time(metadata.creationTimestamp),
    owners: arr(metadata.ownerReferences)
      .map((o): OwnerRef | undefined => {
        const ownerKind = str(o.kind);
        const ownerName = str(o.name);
        const uid = str(o.uid);
        return ownerKind && ownerName && uid
          ? { kind: ownerKind, name: ownerName, uid, controller: bool(o.controller) }
          : undefined;
      })
      .filter((o): o is OwnerRef => o !== undefined),
    status,
    resourceVersion: str(metadata.resourceVersion),
  };
}

export function labelSelector(value: unknown): LabelSelector {
  const selector = obj(value);
  return {
    matchLabels: stringMap(selector.matchLabels),
    matchExpressions: arr(selector.matchExpressions)
      .map((e): LabelSelectorRequirement | undefined => {
        const key = str(e.key);
        const operator = e.operator;
        if (
          !key ||
          (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist')
        ) {
          return undefined;
        }
        return { key, operator, values: strings(e.values) };
      })
      .filter((e): e is LabelSelectorRequirement => e !== undefined),
  };
}
