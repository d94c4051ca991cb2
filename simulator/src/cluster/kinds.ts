/**
 * Every resource the simulator serves, as data: the discovery documents, the router and the store are all driven by
 * this table. `resource` is the store key, so core/v1 events and events.k8s.io/v1 events share one store ("events").
 */
export interface SubresourceInfo {
  name: string;
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

export interface KindInfo {
  resource: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceInfo[];
  /** Served only when the scenario enables the Prometheus Operator CRDs. */
  monitoringCrd?: boolean;
  /** The kind is a view over another store (events.k8s.io events are core events in another shape). */
  storedIn?: string;
  /** Virtual kinds (access reviews) are only created, never stored. */
  virtual?: boolean;
}

const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CREATE_ONLY = ['create'];
const SCALE: SubresourceInfo = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: ['get', 'patch', 'update'],
};
const status = (kind: string, group: string, version: string): SubresourceInfo => ({
  name: 'status',
  kind,
  group,
  version,
  verbs: ['get', 'patch', 'update'],
});

export const KINDS: KindInfo[] = [
  {
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    subresources: [status('Namespace', '', 'v1')],
  },
  {
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    group: '',
    version: 'v1',
    namespaced: false,
    verbs: READ_WRITE,
    shortNames: ['no'],
    subresources: [status('Node', '', 'v1')],
  },
  {
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [{ name: 'log', kind: 'Pod', group: '', version: 'v1', verbs: ['get'] }, status('Pod', '', 'v1')],
  },
  {
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [status('Service', '', 'v1')],
  },
  {
    resource: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ep'],
  },
  {
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ev'],
  },
  {
    resource: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['pvc'],
    subresources: [status('PersistentVolumeClaim', '', 'v1')],
  },
  {
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [SCALE, status('Deployment', 'apps', 'v1')],
  },
  {
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [SCALE, status('ReplicaSet', 'apps', 'v1')],
  },
  {
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [SCALE, status('StatefulSet', 'apps', 'v1')],
  },
  {
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [status('DaemonSet', 'apps', 'v1')],
  },
  {
    resource: 'jobs',
    singular: 'job',
    kind: 'Job',
    group: 'batch',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    categories: ['all'],
    subresources: [status('Job', 'batch', 'v1')],
  },
  {
    resource: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    group: 'batch',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['cj'],
    categories: ['all'],
    subresources: [status('CronJob', 'batch', 'v1')],
  },
  {
    resource: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    group: 'networking.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ing'],
    subresources: [status('Ingress', 'networking.k8s.io', 'v1')],
  },
  {
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    group: 'coordination.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
  },
  {
    resource: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
  },
  {
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    group: 'events.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    storedIn: 'events',
  },
  {
    resource: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    group: 'autoscaling',
    version: 'v2',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [status('HorizontalPodAutoscaler', 'autoscaling', 'v2')],
  },
  {
    resource: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    group: 'authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
  },
  {
    resource: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    kind: 'SelfSubjectRulesReview',
    group: 'authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
  },
  {
    resource: 'servicemonitors',
    singular: 'servicemonitor',
    kind: 'ServiceMonitor',
    group: 'monitoring.coreos.com',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['smon'],
    categories: ['prometheus-operator'],
    monitoringCrd: true,
  },
  {
    resource: 'podmonitors',
    singular: 'podmonitor',
    kind: 'PodMonitor',
    group: 'monitoring.coreos.com',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['pmon'],
    categories: ['prometheus-operator'],
    monitoringCrd: true,
  },
];

export function apiVersionOf(info: Pick<KindInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** The kind whose objects live in a store, i.e. the canonical (non-view) entry. */
export function storedKind(resource: string): KindInfo {
  const info = KINDS.find((k) => k.resource === resource && !k.storedIn && !k.virtual);
  if (!info) {
    throw new Error(`no stored kind for resource ${resource}`);
  }
  return info;
}

export function findKind(group: string, version: string, resource: string): KindInfo | undefined {
  return KINDS.find((k) => k.group === group && k.version === version && k.resource === resource);
}
