/**
 * kube_node_*, kube_namespace_*, kube_service_*, kube_ingress_*, kube_horizontalpodautoscaler_* and
 * kube_persistentvolumeclaim_* families, as kube-state-metrics' stores of those kinds.
 */
import { ExpositionWriter, Labels } from '../exposition';
import { parseQuantity } from '../quantity';
import { ClusterView, MetricSpec, MetricStatus, ResourceList } from '../shapes';
import { BOOL_STATUSES, bool, KindEmitter, KsmContext, resourceLabels, seconds } from './emitter';

export function writeNodes(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_node', context);
  k.declare('info', 'Versions and addresses of the node; value 1.');
  k.declareMetadata('node');
  k.declare('deletion_timestamp', 'When deletion of the node was requested (unix seconds).');
  k.declare('role', 'One series per node-role.kubernetes.io role label of the node.');
  k.declare('spec_unschedulable', '1 when the node is cordoned.');
  k.declare('spec_taint', 'One series per taint of the node.');
  k.declare('spec_pod_cidrs', 'One series per pod CIDR of the node.');
  k.declare('status_condition', 'Conditions of the node, one series per possible status.');
  k.declare('status_capacity', 'Resource capacity of the node.');
  k.declare('status_allocatable', 'Resources of the node that pods can request.');
  k.declare('status_addresses', 'One series per address of the node.');
  k.forEach(view.nodes(), (node) => {
    const base = k.identify({ node: node.metadata.name });
    const info = node.status?.nodeInfo ?? {};
    const addresses = node.status?.addresses ?? [];
    k.emit('info', base, 1, {
      kernel_version: info.kernelVersion ?? '',
      os_image: info.osImage ?? '',
      container_runtime_version: info.containerRuntimeVersion ?? '',
      kubelet_version: info.kubeletVersion ?? '',
      kubeproxy_version: info.kubeProxyVersion ?? '',
      provider_id: node.spec?.providerID ?? '',
      pod_cidr: node.spec?.podCIDR ?? '',
      system_uuid: info.systemUUID ?? '',
      internal_ip: addresses.find((a) => a.type === 'InternalIP')?.address ?? '',
    });
    k.emit('created', base, seconds(node.metadata.creationTimestamp));
    if (node.metadata.deletionTimestamp) {
      k.emit('deletion_timestamp', base, seconds(node.metadata.deletionTimestamp));
    }
    k.metadata('nodes', base, node);
    for (const label of Object.keys(node.metadata.labels ?? {})) {
      const role = /^node-role\.kubernetes\.io\/(.+)$/.exec(label);
      if (role) {
        k.emit('role', base, 1, { role: role[1] });
      }
    }
    k.emit('spec_unschedulable', base, bool(node.spec?.unschedulable));
    for (const taint of node.spec?.taints ?? []) {
      k.emit('spec_taint', base, 1, { key: taint.key, value: taint.value ?? '', effect: taint.effect });
    }
    for (const cidr of node.spec?.podCIDRs ?? []) {
      k.emit('spec_pod_cidrs', base, 1, { pod_cidr: cidr });
    }
    for (const condition of node.status?.conditions ?? []) {
      k.conditions('status_condition', base, condition);
    }
    for (const [suffix, list] of [
      ['status_capacity', node.status?.capacity],
      ['status_allocatable', node.status?.allocatable],
    ] as Array<[string, ResourceList | undefined]>) {
      for (const [resource, quantity] of Object.entries(list ?? {})) {
        k.emit(suffix, base, parseQuantity(quantity), resourceLabels(resource));
      }
    }
    for (const address of addresses) {
      k.emit('status_addresses', base, 1, { type: address.type, address: address.address });
    }
  });
}

export function writeNamespaces(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_namespace', context);
  k.declareMetadata('namespace');
  k.declare('status_phase', '1 for the current phase of the namespace, 0 for the other.');
  k.forEach(view.namespaces(), (namespace) => {
    const base = k.identify({ namespace: namespace.metadata.name });
    k.emit('created', base, seconds(namespace.metadata.creationTimestamp));
    k.metadata('namespaces', base, namespace);
    const phase = namespace.status?.phase ?? 'Active';
    for (const candidate of ['Active', 'Terminating']) {
      k.emit('status_phase', base, bool(phase === candidate), { phase: candidate });
    }
  });
}

export function writeServices(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_service', context);
  k.declare('info', 'Addresses and traffic policy of the service; value 1.');
  k.declareMetadata('service');
  k.declare('spec_type', 'Type of the service; value 1.');
  k.declare('spec_external_ip', 'One series per external IP of the service.');
  k.declare('status_load_balancer_ingress', 'One series per load balancer ingress of the service.');
  k.forEach(view.services(), (service) => {
    const base = k.identify({
      namespace: service.metadata.namespace ?? '',
      service: service.metadata.name,
      uid: service.metadata.uid,
    });
    const spec = service.spec;
    k.emit('info', base, 1, {
      cluster_ip: spec.clusterIP ?? '',
      external_name: spec.externalName ?? '',
      external_traffic_policy: spec.externalTrafficPolicy ?? '',
      load_balancer_ip: spec.loadBalancerIP ?? '',
    });
    k.emit('created', base, seconds(service.metadata.creationTimestamp));
    k.metadata('services', base, service);
    k.emit('spec_type', base, 1, { type: spec.type ?? 'ClusterIP' });
    for (const ip of spec.externalIPs ?? []) {
      k.emit('spec_external_ip', base, 1, { external_ip: ip });
    }
    for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
      k.emit('status_load_balancer_ingress', base, 1, { ip: ingress.ip ?? '', hostname: ingress.hostname ?? '' });
    }
  });
}

export function writeIngresses(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_ingress', context);
  k.declare('info', 'Ingress class of the ingress; value 1.');
  k.declareMetadata('ingress');
  k.declare('metadata_resource_version', 'Resource version of the ingress.');
  k.declare('path', 'One series per host, path and backend of the ingress.');
  k.declare('tls', 'One series per TLS host of the ingress, with its secret.');
  k.forEach(view.ingresses(), (ingress) => {
    const base = k.identify({ namespace: ingress.metadata.namespace ?? '', ingress: ingress.metadata.name });
    k.emit('info', base, 1, { ingressclass: ingress.spec.ingressClassName ?? '_default' });
    k.emit('created', base, seconds(ingress.metadata.creationTimestamp));
    k.metadata('ingresses', base, ingress);
    const resourceVersion = Number(ingress.metadata.resourceVersion);
    if (Number.isFinite(resourceVersion)) {
      k.emit('metadata_resource_version', base, resourceVersion);
    }
    for (const rule of ingress.spec.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const labels: Labels = { host: rule.host ?? '', path: path.path ?? '', path_type: path.pathType ?? '' };
        const backend = path.backend;
        // KSM labels a path with either its service backend or its resource backend.
        if (backend.service) {
          labels.service_name = backend.service.name;
          labels.service_port = String(backend.service.port?.number ?? backend.service.port?.name ?? '');
        } else if (backend.resource) {
          labels.resource_api_group = backend.resource.apiGroup ?? '';
          labels.resource_kind = backend.resource.kind;
          labels.resource_name = backend.resource.name;
        }
        k.emit('path', base, 1, labels);
      }
    }
    for (const tls of ingress.spec.tls ?? []) {
      for (const host of tls.hosts ?? []) {
        k.emit('tls', base, 1, { tls_host: host, secret: tls.secretName ?? '' });
      }
    }
  });
}

export function writeHpas(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_horizontalpodautoscaler', context);
  k.declare('info', 'Scale target of the autoscaler; value 1.');
  k.declareMetadata('horizontalpodautoscaler');
  k.declare('metadata_generation', 'Generation of the desired state.');
  k.declare('spec_max_replicas', 'Most replicas the autoscaler may set.');
  k.declare('spec_min_replicas', 'Fewest replicas the autoscaler may set.');
  k.declare('spec_target_metric', 'Targets of the metrics the autoscaler scales on.');
  k.declare('status_target_metric', 'Current values of the metrics the autoscaler scales on.');
  k.declare('status_current_replicas', 'Replicas of the scale target now.');
  k.declare('status_desired_replicas', 'Replicas the autoscaler wants.');
  k.declare('status_condition', 'Conditions of the autoscaler, one series per possible status.');
  k.forEach(view.horizontalPodAutoscalers(), (hpa) => {
    const base = k.identify({ namespace: hpa.metadata.namespace ?? '', horizontalpodautoscaler: hpa.metadata.name });
    const target = hpa.spec.scaleTargetRef;
    k.emit('info', base, 1, {
      scaletargetref_api_version: target.apiVersion ?? '',
      scaletargetref_kind: target.kind,
      scaletargetref_name: target.name,
    });
    k.emit('created', base, seconds(hpa.metadata.creationTimestamp));
    k.metadata('horizontalpodautoscalers', base, hpa);
    k.emit('metadata_generation', base, hpa.metadata.generation ?? 1);
    k.emit('spec_max_replicas', base, hpa.spec.maxReplicas);
    k.emit('spec_min_replicas', base, hpa.spec.minReplicas ?? 1);
    for (const metric of hpa.spec.metrics ?? []) {
      emitHpaMetric(k, 'spec_target_metric', base, metric, metricSource(metric)?.target);
    }
    for (const metric of hpa.status?.currentMetrics ?? []) {
      emitHpaMetric(k, 'status_target_metric', base, metric, metricSource(metric)?.current);
    }
    k.emit('status_current_replicas', base, hpa.status?.currentReplicas ?? 0);
    k.emit('status_desired_replicas', base, hpa.status?.desiredReplicas ?? 0);
    for (const condition of hpa.status?.conditions ?? []) {
      k.conditions('status_condition', base, condition);
    }
  });
}

export function writePvcs(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_persistentvolumeclaim', context);
  k.declare('info', 'Storage class, volume and volume mode of the claim; value 1.');
  k.declareMetadata('persistentvolumeclaim');
  k.declare('deletion_timestamp', 'When deletion of the claim was requested (unix seconds).');
  k.declare('access_mode', 'One series per access mode of the claim.');
  k.declare('resource_requests_storage_bytes', 'Storage the claim requests (bytes).');
  k.declare('status_phase', '1 for the current phase of the claim, 0 for the others.');
  k.declare('status_condition', 'Conditions of the claim, one series per possible status.');
  k.forEach(view.persistentVolumeClaims(), (pvc) => {
    const base = k.identify({ namespace: pvc.metadata.namespace ?? '', persistentvolumeclaim: pvc.metadata.name });
    k.emit('info', base, 1, {
      storageclass: pvc.spec.storageClassName ?? '',
      volumename: pvc.spec.volumeName ?? '',
      volumemode: pvc.spec.volumeMode ?? 'Filesystem',
    });
    k.emit('created', base, seconds(pvc.metadata.creationTimestamp));
    if (pvc.metadata.deletionTimestamp) {
      k.emit('deletion_timestamp', base, seconds(pvc.metadata.deletionTimestamp));
    }
    k.metadata('persistentvolumeclaims', base, pvc);
    for (const mode of pvc.spec.accessModes ?? []) {
      k.emit('access_mode', base, 1, { access_mode: mode });
    }
    const storage = pvc.spec.resources?.requests?.storage;
    if (storage !== undefined) {
      k.emit('resource_requests_storage_bytes', base, parseQuantity(storage));
    }
    const phase = pvc.status?.phase;
    if (phase) {
      for (const candidate of ['Lost', 'Bound', 'Pending']) {
        k.emit('status_phase', base, bool(phase === candidate), { phase: candidate });
      }
    }
    for (const condition of pvc.status?.conditions ?? []) {
      const status = condition.status.toLowerCase();
      for (const candidate of BOOL_STATUSES) {
        k.emit('status_condition', base, bool(status === candidate), { type: condition.type, status: candidate });
      }
    }
  });
}

type HpaMetric = MetricSpec | MetricStatus;

function metricSource(metric: HpaMetric) {
  const byType: Record<string, keyof HpaMetric> = {
    Resource: 'resource',
    ContainerResource: 'containerResource',
    Pods: 'pods',
    Object: 'object',
    External: 'external',
  };
  return (metric as unknown as Record<string, unknown>)[byType[metric.type]] as
    | {
        name?: string;
        container?: string;
        metric?: { name: string };
        target?: Record<string, unknown>;
        current?: Record<string, unknown>;
      }
    | undefined;
}

/** One series per set value type (value, average, utilization), as KSM's HPA target metric families. */
function emitHpaMetric(
  k: KindEmitter,
  suffix: string,
  base: string,
  metric: HpaMetric,
  values: Record<string, unknown> | undefined
): void {
  const source = metricSource(metric);
  if (!source || !values) {
    return;
  }
  const labels: Labels = { metric_name: source.name ?? source.metric?.name ?? '' };
  if (source.container) {
    labels.container = source.container;
  }
  const kinds: Array<[string, string]> = [
    ['value', 'value'],
    ['averageValue', 'average'],
    ['averageUtilization', 'utilization'],
  ];
  for (const [field, targetType] of kinds) {
    const value = values[field];
    if (value !== undefined) {
      k.emit(suffix, base, parseQuantity(value as string | number), { ...labels, metric_target_type: targetType });
    }
  }
}
