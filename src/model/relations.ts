/**
 * Every relation between objects, declared once as data (the idea of Headlamp's resource map): which kind points to
 * which, and how the link is found. src/model/snapshot.ts turns this table into edges; nothing else derives relations.
 *
 * Matchers:
 * - ownerReference: the child names the owner in metadata.ownerReferences (edge owner → child; skipped when the
 *   owner is not in the snapshot, the child's `owners` still name it);
 * - labelSelector: the source's selector matches the target's labels in the same namespace;
 * - name: the source names the target (same namespace for namespaced targets), optionally with a port; a named
 *   target absent from the snapshot becomes a `missing` edge, so pages can show the dangling reference.
 */
import { KINDS } from '../k8s/kinds';
import type { KindName, LabelSelector, ModelByKind, RelationName } from './types';

export interface NamedTarget {
  name: string;
  /** Overrides the spec's target kind (HPA scale targets). */
  kind?: KindName;
  port?: number | string;
}

type NamedRelation<F extends KindName> = {
  relation: RelationName;
  from: F;
  to: KindName;
  match: 'name';
  targets: (model: ModelByKind[F]) => NamedTarget[];
};

type SelectorRelation<F extends KindName> = {
  relation: RelationName;
  from: F;
  to: KindName;
  match: 'labelSelector';
  selector: (model: ModelByKind[F]) => LabelSelector | undefined;
};

type OwnerRelation<F extends KindName> = {
  relation: 'owns';
  from: F;
  to: KindName;
  match: 'ownerReference';
};

export type RelationSpec = {
  [F in KindName]: NamedRelation<F> | SelectorRelation<F> | OwnerRelation<F>;
}[KindName];

const SCALABLE: readonly KindName[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];

export const RELATIONS: readonly RelationSpec[] = [
  { relation: 'owns', from: 'Deployment', to: 'ReplicaSet', match: 'ownerReference' },
  { relation: 'owns', from: 'ReplicaSet', to: 'Pod', match: 'ownerReference' },
  { relation: 'owns', from: 'StatefulSet', to: 'Pod', match: 'ownerReference' },
  { relation: 'owns', from: 'DaemonSet', to: 'Pod', match: 'ownerReference' },
  { relation: 'owns', from: 'Job', to: 'Pod', match: 'ownerReference' },
  { relation: 'owns', from: 'CronJob', to: 'Job', match: 'ownerReference' },
  {
    relation: 'selects',
    from: 'Service',
    to: 'Pod',
    match: 'labelSelector',
    // A Service selects with a plain map; no selector means endpoints managed by hand (no pods selected).
    selector: (service) => (service.selector ? { matchLabels: service.selector, matchExpressions: [] } : undefined),
  },
  {
    relation: 'routesTo',
    from: 'Ingress',
    to: 'Service',
    match: 'name',
    targets: (ingress) =>
      ingress.rules.flatMap((rule) =>
        rule.backend.serviceName ? [{ name: rule.backend.serviceName, port: rule.backend.servicePort }] : []
      ),
  },
  {
    relation: 'endpointsOf',
    from: 'EndpointSlice',
    to: 'Service',
    match: 'name',
    targets: (slice) => (slice.serviceName ? [{ name: slice.serviceName }] : []),
  },
  {
    relation: 'scales',
    from: 'HorizontalPodAutoscaler',
    to: 'Deployment',
    match: 'name',
    targets: (hpa) =>
      SCALABLE.includes(hpa.target.kind as KindName) && hpa.target.name
        ? [{ name: hpa.target.name, kind: hpa.target.kind as KindName }]
        : [],
  },
  {
    relation: 'runsOn',
    from: 'Pod',
    to: 'Node',
    match: 'name',
    targets: (pod) => (pod.nodeName ? [{ name: pod.nodeName }] : []),
  },
  {
    relation: 'mounts',
    from: 'Pod',
    to: 'PersistentVolumeClaim',
    match: 'name',
    targets: (pod) => pod.claimNames.map((name) => ({ name })),
  },
  {
    relation: 'about',
    from: 'Event',
    to: 'Pod',
    match: 'name',
    // Events live in their object's namespace (cluster-scoped objects: any namespace, the match ignores it).
    targets: (event) =>
      isKindName(event.involvedObject.kind)
        ? [{ name: event.involvedObject.name, kind: event.involvedObject.kind }]
        : [],
  },
];

function isKindName(kind: string): kind is KindName {
  return Object.prototype.hasOwnProperty.call(KINDS, kind);
}

/** Does a label selector match these labels? An empty selector matches everything (Kubernetes semantics). */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const key in selector.matchLabels) {
    if (labels[key] !== selector.matchLabels[key]) {
      return false;
    }
  }
  for (const requirement of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (!has || !requirement.values.includes(value)) {
          return false;
        }
        break;
      case 'NotIn':
        if (has && requirement.values.includes(value)) {
          return false;
        }
        break;
      case 'Exists':
        if (!has) {
          return false;
        }
        break;
      case 'DoesNotExist':
        if (has) {
          return false;
        }
        break;
    }
  }
  return true;
}
