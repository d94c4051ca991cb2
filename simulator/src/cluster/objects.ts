/** Builders for Kubernetes objects in the exact JSON shapes the apiserver returns. */
import { KubeObject, OwnerReference, Json } from './store';
import { storedKind, apiVersionOf } from './kinds';

export const KUBE_VERSION = 'v1.32.4';

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function objectOf(
  resource: string,
  namespace: string | undefined,
  name: string,
  body: { labels?: Record<string, string>; annotations?: Record<string, string>; createdAt: number } & Json
): KubeObject {
  const info = storedKind(resource);
  const { labels, annotations, createdAt, ownerReferences, ...rest } = body;
  return {
    apiVersion: apiVersionOf(info),
    kind: info.kind,
    metadata: {
      name,
      ...(info.namespaced ? { namespace } : {}),
      uid: '',
      resourceVersion: '',
      creationTimestamp: isoSeconds(createdAt),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    ...rest,
  };
}

export function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Numeric values of quantity strings: the grammar lives with the metrics code, which reads any apiserver's. */
export { parseQuantity as parseCpu, parseQuantity as parseBytes } from '../../../exporters/src/quantity';

/** A short human duration like the apiserver's Table "Age" cells (k8s.io/apimachinery/pkg/util/duration). */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) {
    return `${hours}h`;
  }
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) {
    return `${Math.floor(hours / 24)}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}
