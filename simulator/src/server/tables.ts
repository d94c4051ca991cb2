/**
 * Server-side printing: meta.k8s.io/v1 Table objects with the columns kube-apiserver's printers
 * (pkg/printers/internalversion/printers.go) give each kind, which `kubectl get` renders as-is.
 */
import { KubeObject, Json } from '../cluster/store';
import { humanDuration } from '../cluster/objects';
import { formatLabelSelector } from './selectors';

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean;
interface Printer {
  columns: ColumnDefinition[];
  cells: (o: Json, now: number) => Cell[];
}

const col = (name: string, type: ColumnDefinition['type'] = 'string', priority = 0, format = ''): ColumnDefinition => ({
  name,
  type,
  format,
  description: `${name} of the object`,
  priority,
});
const NAME = col('Name', 'string', 0, 'name');
const AGE = col('Age');
const age = (o: Json, now: number) => humanDuration(now - Date.parse(o.metadata.creationTimestamp));
const orNone = (value: string | undefined) => (value ? value : '<none>');
/** The -o wide columns every workload kind adds. */
const WORKLOAD_WIDE = [col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)];
/** The Containers and Images cells of a pod template. */
const templateCells = (template: Json) => [
  template.spec.containers.map((c: Json) => c.name).join(','),
  template.spec.containers.map((c: Json) => c.image).join(','),
];
const labelsString = (labels: Record<string, string> | undefined) =>
  labels && Object.keys(labels).length
    ? Object.keys(labels)
        .sort()
        .map((k) => `${k}=${labels[k]}`)
        .join(',')
    : '<none>';

/** The STATUS column of `kubectl get pods`: the phase, or the most telling container reason. */
export function podStatusReason(pod: Json): string {
  let reason: string = pod.status.reason ?? pod.status.phase;
  let running = false;
  for (const cs of [...(pod.status.containerStatuses ?? [])].reverse()) {
    if (cs.state?.waiting?.reason) {
      reason = cs.state.waiting.reason;
    } else if (cs.state?.terminated) {
      const t = cs.state.terminated;
      reason = t.reason ?? (t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`);
    } else if (cs.ready && cs.state?.running) {
      running = true;
    }
  }
  if (reason === 'Completed' && running) {
    reason = pod.status.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True')
      ? 'Running'
      : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) {
    reason = pod.status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  }
  return reason;
}

function podRestarts(pod: Json, now: number): string {
  let restarts = 0;
  let last = 0;
  for (const cs of pod.status.containerStatuses ?? []) {
    restarts += cs.restartCount ?? 0;
    const finished = Date.parse(cs.lastState?.terminated?.finishedAt ?? '');
    if (finished > last) {
      last = finished;
    }
  }
  return restarts && last ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

function servicePorts(svc: Json): string {
  const ports = (svc.spec.ports ?? []).map(
    (p: Json) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`
  );
  return ports.length ? ports.join(',') : '<none>';
}

function externalIp(svc: Json): string {
  const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i: Json) => i.ip ?? i.hostname);
  switch (svc.spec.type) {
    case 'LoadBalancer':
      return ingress.length ? ingress.join(',') : '<pending>';
    case 'ExternalName':
      return svc.spec.externalName;
    default:
      return svc.spec.externalIPs?.length ? svc.spec.externalIPs.join(',') : '<none>';
  }
}

function formatEndpoints(addresses: string[]): string {
  if (!addresses.length) {
    return '<none>';
  }
  const shown = addresses.slice(0, 3).join(',');
  return addresses.length > 3 ? `${shown} + ${addresses.length - 3} more...` : shown;
}

function nodeRoles(node: Json): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeStatus(node: Json): string {
  const ready = node.status.conditions?.find((c: Json) => c.type === 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : 'NotReady';
  return node.spec.unschedulable ? `${status},SchedulingDisabled` : status;
}

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

function jobStatus(job: Json): string {
  const conditions: Json[] = job.status?.conditions ?? [];
  const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (has('Failed')) {
    return 'Failed';
  }
  if (has('Complete')) {
    return 'Complete';
  }
  return job.spec.suspend ? 'Suspended' : 'Running';
}

function hpaTargets(hpa: Json): string {
  const current = hpa.status?.currentMetrics ?? [];
  const targets = (hpa.spec.metrics ?? []).map((m: Json, i: number) => {
    if (m.type !== 'Resource') {
      return `${m.type}`;
    }
    const now = current[i]?.resource?.current?.averageUtilization;
    return `${m.resource.name}: ${now === undefined ? '<unknown>' : `${now}%`}/${m.resource.target.averageUtilization}%`;
  });
  return targets.length ? targets.join(', ') : '<none>';
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME,
      col('Ready'),
      col('Status'),
      col('Restarts'),
      AGE,
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells: (o, now) => {
      const statuses = o.status.containerStatuses ?? [];
      const ready = statuses.filter((c: Json) => c.ready).length;
      return [
        o.metadata.name,
        `${ready}/${o.spec.containers.length}`,
        podStatusReason(o),
        podRestarts(o, now),
        age(o, now),
        orNone(o.status.podIP),
        orNone(o.spec.nodeName),
        orNone(o.status.nominatedNodeName),
        '<none>',
      ];
    },
  },
  nodes: {
    columns: [
      NAME,
      col('Status'),
      col('Roles'),
      AGE,
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells: (o, now) => {
      const address = (type: string) => orNone(o.status.addresses?.find((a: Json) => a.type === type)?.address);
      const info = o.status.nodeInfo ?? {};
      return [
        o.metadata.name,
        nodeStatus(o),
        nodeRoles(o),
        age(o, now),
        info.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        info.osImage ?? '<unknown>',
        info.kernelVersion ?? '<unknown>',
        info.containerRuntimeVersion ?? '<unknown>',
      ];
    },
  },
  namespaces: {
    columns: [NAME, col('Status'), AGE],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', age(o, now)],
  },
  services: {
    columns: [
      NAME,
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      AGE,
      col('Selector', 'string', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec.type,
      orNone(o.spec.clusterIP),
      externalIp(o),
      servicePorts(o),
      age(o, now),
      labelsString(o.spec.selector),
    ],
  },
  endpoints: {
    columns: [NAME, col('Endpoints'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      formatEndpoints(
        (o.subsets ?? []).flatMap((s: Json) =>
          (s.addresses ?? []).flatMap((a: Json) =>
            (s.ports ?? [{}]).map((p: Json) => (p.port ? `${a.ip}:${p.port}` : a.ip))
          )
        )
      ),
      age(o, now),
    ],
  },
  endpointslices: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      o.addressType,
      (o.ports ?? []).map((p: Json) => p.port).join(',') || '<unset>',
      formatEndpoints((o.endpoints ?? []).flatMap((e: Json) => e.addresses)),
      age(o, now),
    ],
  },
  events: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'string', 1),
      col('Name', 'string', 1, 'name'),
    ],
    cells: (o, now) => {
      const since = (ts: string | undefined) => (ts ? humanDuration(now - Date.parse(ts)) : '<unknown>');
      const source = o.source?.component
        ? `${o.source.component}${o.source.host ? `, ${o.source.host}` : ''}`
        : (o.reportingComponent ?? '');
      return [
        since(o.lastTimestamp ?? o.eventTime),
        o.type,
        o.reason,
        `${String(o.involvedObject.kind).toLowerCase()}/${o.involvedObject.name}`,
        o.involvedObject.fieldPath ?? '',
        source,
        o.message?.trim() ?? '',
        since(o.firstTimestamp ?? o.eventTime),
        String(o.count ?? 1),
        o.metadata.name,
      ];
    },
  },
  persistentvolumeclaims: {
    columns: [
      NAME,
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      AGE,
      col('VolumeMode', 'string', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.status?.phase ?? 'Pending',
      o.spec.volumeName ?? '',
      o.status?.capacity?.storage ?? '',
      (o.status?.accessModes ?? []).map((m: string) => ACCESS_MODES[m] ?? m).join(','),
      o.spec.storageClassName ?? '',
      '<unset>',
      age(o, now),
      o.spec.volumeMode ?? 'Filesystem',
    ],
  },
  deployments: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, ...WORKLOAD_WIDE],
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec.replicas ?? 1}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      age(o, now),
      ...templateCells(o.spec.template),
      formatLabelSelector(o.spec.selector),
    ],
  },
  replicasets: {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      AGE,
      ...WORKLOAD_WIDE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec.replicas ?? 1,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      age(o, now),
      ...templateCells(o.spec.template),
      formatLabelSelector(o.spec.selector),
    ],
  },
  statefulsets: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec.replicas ?? 1}`,
      age(o, now),
      ...templateCells(o.spec.template),
    ],
  },
  daemonsets: {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      AGE,
      ...WORKLOAD_WIDE,
    ],
    cells: (o, now) => {
      const s = o.status ?? {};
      return [
        o.metadata.name,
        s.desiredNumberScheduled ?? 0,
        s.currentNumberScheduled ?? 0,
        s.numberReady ?? 0,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        labelsString(o.spec.template.spec.nodeSelector),
        age(o, now),
        ...templateCells(o.spec.template),
        formatLabelSelector(o.spec.selector),
      ];
    },
  },
  jobs: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, ...WORKLOAD_WIDE],
    cells: (o, now) => {
      const start = Date.parse(o.status?.startTime ?? '');
      const end = Date.parse(o.status?.completionTime ?? '') || now;
      return [
        o.metadata.name,
        jobStatus(o),
        `${o.status?.succeeded ?? 0}/${o.spec.completions ?? 1}`,
        start ? humanDuration(end - start) : '',
        age(o, now),
        ...templateCells(o.spec.template),
        labelsString(o.spec.selector?.matchLabels ?? o.spec.template.metadata.labels),
      ];
    },
  },
  cronjobs: {
    columns: [
      NAME,
      col('Schedule'),
      col('Timezone'),
      col('Suspend', 'boolean'),
      col('Active', 'integer'),
      col('Last Schedule'),
      AGE,
      ...WORKLOAD_WIDE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec.schedule,
      o.spec.timeZone ?? '<none>',
      o.spec.suspend ?? false,
      (o.status?.active ?? []).length,
      o.status?.lastScheduleTime ? humanDuration(now - Date.parse(o.status.lastScheduleTime)) : '<none>',
      age(o, now),
      ...templateCells(o.spec.jobTemplate.spec.template),
      '<none>',
    ],
  },
  ingresses: {
    columns: [NAME, col('Class'), col('Hosts'), col('Address'), col('Ports'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      o.spec.ingressClassName ?? '<none>',
      (o.spec.rules ?? []).map((r: Json) => r.host ?? '*').join(',') || '*',
      (o.status?.loadBalancer?.ingress ?? []).map((i: Json) => i.ip ?? i.hostname).join(','),
      o.spec.tls?.length ? '80, 443' : '80',
      age(o, now),
    ],
  },
  horizontalpodautoscalers: {
    columns: [
      NAME,
      col('Reference'),
      col('Targets'),
      col('MinPods', 'string'),
      col('MaxPods', 'integer'),
      col('Replicas', 'integer'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      `${o.spec.scaleTargetRef.kind}/${o.spec.scaleTargetRef.name}`,
      hpaTargets(o),
      String(o.spec.minReplicas ?? 1),
      o.spec.maxReplicas,
      o.status?.currentReplicas ?? 0,
      age(o, now),
    ],
  },
};

/** Kinds without a printer get the apiserver's default table: name and creation time. */
const DEFAULT_PRINTER: Printer = {
  columns: [
    NAME,
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
    },
  ],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function printerFor(resource: string): Printer {
  return PRINTERS[resource] ?? DEFAULT_PRINTER;
}

/** One Table row as JSON text; `objectJson` is the pre-serialized object when includeObject=Object. */
export function tableRowJson(
  printer: Printer,
  object: KubeObject,
  now: number,
  include: IncludeObject,
  objectJson: () => string
): string {
  const cells = JSON.stringify(printer.cells(object, now));
  if (include === 'None') {
    return `{"cells":${cells}}`;
  }
  const embedded =
    include === 'Object'
      ? objectJson()
      : JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata });
  return `{"cells":${cells},"object":${embedded}}`;
}
