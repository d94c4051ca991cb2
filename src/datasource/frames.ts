/**
 * Resource tables as DataFrames, built from the normalized model (src/model/types.ts): one row per object, typed
 * fields (times as epoch ms, CPU in cores, memory in bytes) so Table panels sort, format units and apply thresholds.
 */
import { createDataFrame, FieldType, type DataFrame, type FieldConfig } from '@grafana/data';
import type {
  AnyModel,
  ContainerSpecSummary,
  CronJobModel,
  DaemonSetModel,
  DeploymentModel,
  EventModel,
  IngressModel,
  JobModel,
  KindName,
  NamespaceModel,
  NodeModel,
  PodModel,
  ServiceModel,
  StatefulSetModel,
} from '../model/types';
import type { ResourceTable } from './types';

interface Column<M> {
  name: string;
  type: FieldType;
  value: (model: M) => string | number | boolean | undefined | null;
  config?: FieldConfig;
}

const str = <M>(name: string, value: (m: M) => string | undefined): Column<M> => ({
  name,
  type: FieldType.string,
  value,
});
const num = <M>(name: string, value: (m: M) => number | undefined, unit?: string): Column<M> => ({
  name,
  type: FieldType.number,
  value,
  config: unit ? { unit } : undefined,
});
const time = <M>(name: string, value: (m: M) => number | undefined): Column<M> => ({
  name,
  type: FieldType.time,
  value,
});
const bool = <M>(name: string, value: (m: M) => boolean): Column<M> => ({ name, type: FieldType.boolean, value });

const namespace = str<AnyModel>('Namespace', (m) => m.namespace);
const name = str<AnyModel>('Name', (m) => m.name);
const health = str<AnyModel>('Health', (m) => m.status.health);
const reason = str<AnyModel>('Status', (m) => m.status.reason ?? m.status.phase);
const created = time<AnyModel>('Created', (m) => m.createdAt);
const labels = str<AnyModel>('Labels', (m) => formatLabels(m.labels));
const images = str<{ containers: ContainerSpecSummary[] }>('Images', (m) =>
  m.containers.map((c) => c.image).join(', ')
);

function formatLabels(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

type WorkloadLike = DeploymentModel | StatefulSetModel | DaemonSetModel;
const workloadColumns: Array<Column<WorkloadLike>> = [
  namespace,
  name,
  health,
  reason,
  num('Desired', (m) => m.replicas.desired),
  num('Ready', (m) => m.replicas.ready),
  num('Available', (m) => m.replicas.available),
  num('Up to date', (m) => m.replicas.updated),
  images,
  created,
  labels,
];

export function servicePorts(service: ServiceModel): string {
  return service.ports
    .map((p) => {
      const target = p.targetPort !== undefined && p.targetPort !== p.port ? `→${p.targetPort}` : '';
      const node = p.nodePort ? ` (node ${p.nodePort})` : '';
      return `${p.name ? `${p.name} ` : ''}${p.port}${target}/${p.protocol}${node}`;
    })
    .join(', ');
}

export function ingressRules(ingress: IngressModel): string {
  return ingress.rules
    .map((r) => {
      const target = r.backend.serviceName
        ? `${r.backend.serviceName}${r.backend.servicePort !== undefined ? `:${r.backend.servicePort}` : ''}`
        : r.backend.resource
          ? `${r.backend.resource.kind}/${r.backend.resource.name}`
          : '?';
      return `${r.host ?? '*'}${r.path ?? ''} → ${target}`;
    })
    .join(', ');
}

const TABLES: { [T in ResourceTable]: { kind: KindName; columns: Array<Column<never>> } } = {
  pods: {
    kind: 'Pod',
    columns: [
      namespace,
      name,
      health,
      reason,
      str<PodModel>('Phase', (m) => m.phase),
      str<PodModel>('Ready', (m) => `${m.readyContainers}/${m.containers.length}`),
      num<PodModel>('Restarts', (m) => m.restarts),
      str<PodModel>('Node', (m) => m.nodeName),
      str<PodModel>('IP', (m) => m.podIP),
      str<PodModel>('QoS', (m) => m.qosClass),
      num<PodModel>('CPU requests', (m) => m.requests.cpu, 'short'),
      num<PodModel>('CPU limits', (m) => m.limits.cpu, 'short'),
      num<PodModel>('Memory requests', (m) => m.requests.memory, 'bytes'),
      num<PodModel>('Memory limits', (m) => m.limits.memory, 'bytes'),
      time<PodModel>('Started', (m) => m.startedAt),
      created,
      labels,
    ] as Array<Column<never>>,
  },
  deployments: { kind: 'Deployment', columns: workloadColumns as Array<Column<never>> },
  statefulsets: { kind: 'StatefulSet', columns: workloadColumns as Array<Column<never>> },
  daemonsets: { kind: 'DaemonSet', columns: workloadColumns as Array<Column<never>> },
  jobs: {
    kind: 'Job',
    columns: [
      namespace,
      name,
      health,
      str<JobModel>('Outcome', (m) => m.outcome),
      num<JobModel>('Completions', (m) => m.completions),
      num<JobModel>('Succeeded', (m) => m.succeeded),
      num<JobModel>('Failed', (m) => m.failed),
      num<JobModel>('Active', (m) => m.active),
      time<JobModel>('Started', (m) => m.startedAt),
      time<JobModel>('Completed', (m) => m.completedAt),
      num<JobModel>(
        'Duration',
        (m) =>
          m.startedAt !== undefined && m.completedAt !== undefined ? (m.completedAt - m.startedAt) / 1000 : undefined,
        's'
      ),
      created,
      labels,
    ] as Array<Column<never>>,
  },
  cronjobs: {
    kind: 'CronJob',
    columns: [
      namespace,
      name,
      health,
      str<CronJobModel>('Schedule', (m) => m.schedule),
      str<CronJobModel>('Time zone', (m) => m.timeZone),
      bool<CronJobModel>('Suspended', (m) => m.suspend),
      num<CronJobModel>('Active', (m) => m.activeJobs.length),
      time<CronJobModel>('Last schedule', (m) => m.lastScheduleAt),
      time<CronJobModel>('Last success', (m) => m.lastSuccessfulAt),
      created,
      labels,
    ] as Array<Column<never>>,
  },
  services: {
    kind: 'Service',
    columns: [
      namespace,
      name,
      str<ServiceModel>('Type', (m) => m.type),
      str<ServiceModel>('Cluster IP', (m) => m.clusterIP),
      str<ServiceModel>('External', (m) =>
        [...m.externalIPs, ...m.loadBalancerAddresses, m.externalName].filter(Boolean).join(', ')
      ),
      str<ServiceModel>('Ports', servicePorts),
      str<ServiceModel>('Selector', (m) => (m.selector ? formatLabels(m.selector) : undefined)),
      created,
      labels,
    ] as Array<Column<never>>,
  },
  ingresses: {
    kind: 'Ingress',
    columns: [
      namespace,
      name,
      str<IngressModel>('Class', (m) => m.ingressClassName),
      str<IngressModel>('Hosts', (m) => [...new Set(m.rules.map((r) => r.host).filter(Boolean))].join(', ')),
      str<IngressModel>('Rules', ingressRules),
      str<IngressModel>('Addresses', (m) => m.addresses.join(', ')),
      bool<IngressModel>('TLS', (m) => m.tls.length > 0),
      created,
      labels,
    ] as Array<Column<never>>,
  },
  nodes: {
    kind: 'Node',
    columns: [
      name,
      health,
      bool<NodeModel>('Ready', (m) => m.ready),
      bool<NodeModel>('Unschedulable', (m) => m.unschedulable),
      str<NodeModel>('Roles', (m) => m.roles.join(', ')),
      num<NodeModel>('CPU capacity', (m) => m.capacity.cpu, 'short'),
      num<NodeModel>('CPU allocatable', (m) => m.allocatable.cpu, 'short'),
      num<NodeModel>('Memory capacity', (m) => m.capacity.memory, 'bytes'),
      num<NodeModel>('Memory allocatable', (m) => m.allocatable.memory, 'bytes'),
      num<NodeModel>('Pods capacity', (m) => m.capacity.pods),
      str<NodeModel>('Kubelet', (m) => m.kubeletVersion),
      str<NodeModel>('OS image', (m) => m.osImage),
      str<NodeModel>('Internal IP', (m) => m.internalIP),
      str<NodeModel>('Zone', (m) => m.zone),
      str<NodeModel>('Instance type', (m) => m.instanceType),
      created,
      labels,
    ] as Array<Column<never>>,
  },
  events: {
    kind: 'Event',
    columns: [
      time<EventModel>('Time', (m) => m.lastAt ?? m.firstAt ?? m.createdAt),
      str<EventModel>('Type', (m) => m.type),
      str<EventModel>('Reason', (m) => m.reason),
      namespace,
      str<EventModel>('Object', (m) => `${m.involvedObject.kind}/${m.involvedObject.name}`),
      str<EventModel>('Message', (m) => m.message),
      num<EventModel>('Count', (m) => m.count),
      str<EventModel>('Source', (m) => m.source),
      time<EventModel>('First seen', (m) => m.firstAt),
    ] as Array<Column<never>>,
  },
  namespaces: {
    kind: 'Namespace',
    columns: [name, str<NamespaceModel>('Phase', (m) => m.phase), created, labels] as Array<Column<never>>,
  },
};

export function kindOfTable(table: ResourceTable): KindName {
  return TABLES[table].kind;
}

export const RESOURCE_TABLES = Object.keys(TABLES) as ResourceTable[];

/** One DataFrame for a table; `models` must be of the table's kind. */
export function buildFrame(table: ResourceTable, models: readonly AnyModel[], refId?: string): DataFrame {
  const columns = TABLES[table].columns as Array<Column<AnyModel>>;
  return createDataFrame({
    refId,
    name: table,
    fields: columns.map((column) => ({
      name: column.name,
      type: column.type,
      config: column.config ?? {},
      values: models.map((m) => column.value(m) ?? null),
    })),
  });
}
