import type { KindName } from '../model/types';

/** API coordinates of one kind. `group` is '' for the core API. */
export interface KindInfo {
  kind: KindName;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /**
   * Set for custom resources the app reads when present: who installs them. A cluster without them answers 404 for
   * the group, and the kind is 'absent' rather than failed.
   */
  installedBy?: string;
}

const PROMETHEUS_OPERATOR = 'prometheus-operator';

/**
 * Every kind the app lists, with the API version it reads. Only GA versions of built-in kinds: batch/v1 CronJob (batch/v1beta1 was
 * removed in 1.25), discovery.k8s.io/v1 EndpointSlice, autoscaling/v2 HPA, networking.k8s.io/v1 Ingress. The
 * monitoring kinds are custom resources, read for scrape coverage; MetricsInstance is still v1alpha1 upstream.
 */
export const KINDS: Record<KindName, KindInfo> = {
  Namespace: { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  Node: { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false },
  Pod: { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true },
  Service: { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true },
  PersistentVolumeClaim: {
    kind: 'PersistentVolumeClaim',
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    namespaced: true,
  },
  Event: { kind: 'Event', group: '', version: 'v1', plural: 'events', namespaced: true },
  EndpointSlice: {
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    namespaced: true,
  },
  Ingress: { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true },
  Deployment: { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  ReplicaSet: { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true },
  StatefulSet: { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  DaemonSet: { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  Job: { kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', namespaced: true },
  CronJob: { kind: 'CronJob', group: 'batch', version: 'v1', plural: 'cronjobs', namespaced: true },
  HorizontalPodAutoscaler: {
    kind: 'HorizontalPodAutoscaler',
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
  },
  ServiceMonitor: {
    kind: 'ServiceMonitor',
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'servicemonitors',
    namespaced: true,
    installedBy: PROMETHEUS_OPERATOR,
  },
  PodMonitor: {
    kind: 'PodMonitor',
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'podmonitors',
    namespaced: true,
    installedBy: PROMETHEUS_OPERATOR,
  },
  Probe: {
    kind: 'Probe',
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'probes',
    namespaced: true,
    installedBy: PROMETHEUS_OPERATOR,
  },
  MetricsInstance: {
    kind: 'MetricsInstance',
    group: 'monitoring.grafana.com',
    version: 'v1alpha1',
    plural: 'metricsinstances',
    namespaced: true,
    installedBy: 'Grafana Agent Operator',
  },
};

export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** "apps/v1", or "v1" for the core group: the form discovery and apiVersion use. */
export function groupVersion(info: Pick<KindInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/**
 * Collection path of a kind: /api/v1/pods, /apis/apps/v1/namespaces/ns/deployments. With a name, the object path;
 * with a subresource, its path (…/deployments/web/scale).
 */
export function resourcePath(info: KindInfo, namespace?: string, name?: string, subresource?: string): string {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}` : '';
  const sub = name && subresource ? `/${subresource}` : '';
  return `${root}${ns}/${info.plural}${obj}${sub}`;
}

/** Case-insensitive lookup by kind name or plural ("pods", "Pod", "deployments"). */
export function findKind(nameOrPlural: string): KindInfo | undefined {
  const wanted = nameOrPlural.toLowerCase();
  return KIND_NAMES.map((k) => KINDS[k]).find((k) => k.kind.toLowerCase() === wanted || k.plural === wanted);
}
