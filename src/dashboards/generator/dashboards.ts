/**
 * The five bundled dashboards. `npm run dashboards` writes them to src/dashboards/*.json; a test fails when the JSON
 * and this source disagree. Metric names and labels: docs/prometheus.md.
 */
import {
  appLink,
  CLUSTER,
  COMMON_VARIABLES,
  dashboard,
  dashboardLink,
  gauge,
  Json,
  KIND_VARIABLE,
  NAMESPACE_VARIABLE,
  NODE_VARIABLE,
  POD_VARIABLE,
  row,
  stat,
  table,
  timeseries,
  WORKLOAD_PODS_VARIABLE,
  WORKLOAD_VARIABLE,
} from './model';
import {
  activePods,
  activeRequests,
  cpuUsage,
  IN_NAMESPACE,
  limits,
  memoryWorkingSet,
  NAMESPACE_PODS_BY_WORKLOAD,
  networkRate,
  onNodes,
  onPodNodes,
  REAL_CONTAINER,
  requests,
  sel,
  WORKLOAD_DESIRED,
  WORKLOAD_PODS,
} from './promql';
import type { KubernetesAnnotationQuery } from '../../datasource/types';
import { DASHBOARD_UIDS as UIDS } from '../uids';

const FIELD = (name: string) => `\${__data.fields.${name}}`;
const VALUE = '${__value.raw}';

const NAMESPACE_LINKS = [
  dashboardLink('Namespace dashboard', UIDS.namespace, { namespace: VALUE }),
  appLink('Applications in KubeAtlas', 'applications', { namespace: VALUE }),
];
const NODE_LINKS = [
  dashboardLink('Node dashboard', UIDS.nodes, { node: VALUE }),
  appLink('Node in KubeAtlas', 'nodes', { detail: `Node/${VALUE}` }),
];
const POD_LINKS = [
  dashboardLink('Pod dashboard', UIDS.pod, { namespace: '$namespace', pod: VALUE }),
  appLink('Pod in KubeAtlas', 'applications', { namespace: '$namespace', detail: `Pod/$namespace/${VALUE}` }),
];

const READY: [string, string] = ['Not ready', 'Ready'];

/** Running, pending and failed pod counts plus restarts, for whatever scope the matchers select. */
function podStats(width: number, ...matchers: string[]) {
  const phase = (name: string, color: Array<[number, string]>) =>
    stat(
      {
        title: `Pods ${name.toLowerCase()}`,
        description: `Pods in phase ${name} (kube_pod_status_phase).`,
        width,
        height: 4,
      },
      { expr: `sum(${sel('kube_pod_status_phase', `phase="${name}"`, ...matchers)})` },
      'none',
      { thresholds: color }
    );
  return [
    phase('Running', []),
    phase('Pending', [[1, 'orange']]),
    phase('Failed', [[1, 'red']]),
    stat(
      { title: 'Container restarts', description: 'Container restarts within the time range.', width, height: 4 },
      { expr: `round(sum(increase(${sel('kube_pod_container_status_restarts_total', ...matchers)}[$__range])))` },
      'none',
      { thresholds: [[1, 'orange']] }
    ),
  ];
}

function cluster(): Json {
  const allocatable = (resource: string) => `sum(${sel('kube_node_status_allocatable', `resource="${resource}"`)})`;
  return dashboard({
    uid: UIDS.cluster,
    title: 'KubeAtlas / Cluster overview',
    description: 'Nodes, pods, capacity and namespaces of one cluster (kube-state-metrics v2, cAdvisor).',
    variables: COMMON_VARIABLES,
    panels: [
      stat(
        { title: 'Nodes', description: 'Nodes known to kube-state-metrics.', width: 4, height: 4 },
        { expr: `count(${sel('kube_node_info')})` },
        'none'
      ),
      stat(
        {
          title: 'Nodes not ready',
          description: 'Nodes whose Ready condition is false or unknown.',
          width: 4,
          height: 4,
        },
        { expr: `sum(${sel('kube_node_status_condition', 'condition="Ready"', 'status!="true"')})` },
        'none',
        { thresholds: [[1, 'red']] }
      ),
      ...podStats(4),
      gauge(
        {
          title: 'CPU requested',
          description: 'CPU requests of running and pending pods over allocatable CPU.',
          width: 6,
          height: 6,
        },
        { expr: `sum(${activeRequests('cpu', 'namespace, pod')}) / ${allocatable('cpu')}` }
      ),
      gauge(
        {
          title: 'CPU used',
          description: 'CPU used by containers (cAdvisor) over allocatable CPU.',
          width: 6,
          height: 6,
        },
        { expr: `sum(${cpuUsage()}) / ${allocatable('cpu')}` }
      ),
      gauge(
        {
          title: 'Memory requested',
          description: 'Memory requests of running and pending pods over allocatable memory.',
          width: 6,
          height: 6,
        },
        { expr: `sum(${activeRequests('memory', 'namespace, pod')}) / ${allocatable('memory')}` }
      ),
      gauge(
        {
          title: 'Memory used',
          description: 'Working set of containers (cAdvisor) over allocatable memory.',
          width: 6,
          height: 6,
        },
        { expr: `sum(${memoryWorkingSet()}) / ${allocatable('memory')}` }
      ),
      timeseries(
        {
          title: 'CPU usage by namespace',
          description: 'Cores used by the containers of each namespace.',
          width: 12,
          height: 8,
        },
        [{ expr: `sum by (namespace) (${cpuUsage()})`, legend: '{{namespace}}' }],
        'short'
      ),
      timeseries(
        {
          title: 'Memory working set by namespace',
          description: 'Working set of the containers of each namespace.',
          width: 12,
          height: 8,
        },
        [{ expr: `sum by (namespace) (${memoryWorkingSet()})`, legend: '{{namespace}}' }],
        'bytes'
      ),
      table(
        {
          title: 'Namespaces',
          description: 'Pods and resources per namespace; follow a name to its dashboard or its KubeAtlas page.',
          width: 24,
          height: 9,
        },
        [
          { label: 'namespace', title: 'Namespace', links: NAMESPACE_LINKS },
          {
            title: 'Running pods',
            target: { expr: `sum by (namespace) (${sel('kube_pod_status_phase', 'phase="Running"')})` },
          },
          {
            title: 'Not ready pods',
            target: { expr: `sum by (namespace) (${sel('kube_pod_status_ready', 'condition!="true"')})` },
          },
          { title: 'CPU used', unit: 'short', target: { expr: `sum by (namespace) (${cpuUsage()})` } },
          { title: 'CPU requested', unit: 'short', target: { expr: activeRequests('cpu', 'namespace') } },
          { title: 'Memory used', unit: 'bytes', target: { expr: `sum by (namespace) (${memoryWorkingSet()})` } },
          { title: 'Memory requested', unit: 'bytes', target: { expr: activeRequests('memory', 'namespace') } },
        ],
        []
      ),
      table(
        {
          title: 'Waiting containers',
          description: 'Containers that cannot run, with the reason (CrashLoopBackOff, ImagePullBackOff …).',
          width: 24,
          height: 8,
        },
        [
          {
            label: 'namespace',
            title: 'Namespace',
            links: NAMESPACE_LINKS,
          },
          {
            label: 'pod',
            title: 'Pod',
            links: [
              dashboardLink('Pod dashboard', UIDS.pod, { namespace: FIELD('namespace'), pod: VALUE }),
              appLink('Pod in KubeAtlas', 'applications', {
                namespace: FIELD('namespace'),
                detail: `Pod/${FIELD('namespace')}/${VALUE}`,
              }),
            ],
          },
          { label: 'container', title: 'Container' },
          { label: 'reason', title: 'Reason' },
          {
            title: 'Restarts',
            target: {
              expr:
                `max by (namespace, pod, container, reason) (${sel('kube_pod_container_status_waiting_reason')} > 0) ` +
                `* on (namespace, pod, container) group_left () sum by (namespace, pod, container) (${sel('kube_pod_container_status_restarts_total')})`,
            },
          },
        ],
        []
      ),
    ],
  });
}

function nodes(): Json {
  const cpuBusy = `1 - avg by (instance) (rate(${sel('node_cpu_seconds_total', 'mode="idle"')}[$__rate_interval]))`;
  const memoryUsed = `1 - sum by (instance) (${sel('node_memory_MemAvailable_bytes')}) / sum by (instance) (${sel('node_memory_MemTotal_bytes')})`;
  const rootFs = ['mountpoint="/"', 'fstype!~"tmpfs|overlay|squashfs"'];
  const fsUsed = `max by (instance) (1 - ${sel('node_filesystem_avail_bytes', ...rootFs)} / ${sel('node_filesystem_size_bytes', ...rootFs)})`;
  const physical = 'device!~"lo|veth.*|cali.*|flannel.*|cni.*|docker.*|br-.*"';
  const network = (direction: string) =>
    `sum by (instance) (rate(${sel(`node_network_${direction}_bytes_total`, physical)}[$__rate_interval]))`;
  const nodeResource = (metric: string, resource: string) =>
    `sum by (node) (${sel(metric, 'node=~"$node"', `resource="${resource}"`)})`;
  const requestedOnNodes = (resource: 'cpu' | 'memory') => onPodNodes(activeRequests(resource, 'namespace, pod'));
  const usedOnNodes = (resource: 'cpu' | 'memory') =>
    onPodNodes(`sum by (namespace, pod) (${resource === 'cpu' ? cpuUsage() : memoryWorkingSet()})`);
  const requestedAndUsed = (resource: 'cpu' | 'memory', title: string) =>
    timeseries(
      {
        title,
        description: `Per node, over allocatable ${resource === 'cpu' ? 'CPU' : 'memory'}.`,
        width: 12,
        height: 8,
      },
      [
        {
          expr: `${requestedOnNodes(resource)} / ${nodeResource('kube_node_status_allocatable', resource)}`,
          legend: '{{node}} requested',
        },
        {
          expr: `${usedOnNodes(resource)} / ${nodeResource('kube_node_status_allocatable', resource)}`,
          legend: '{{node}} used',
        },
      ],
      'percentunit'
    );
  const podsOnNodes = `count by (node) (${activePods()} * on (namespace, pod) group_left (node) max by (namespace, pod, node) (${sel('kube_pod_info', 'node=~"$node"')}))`;
  const nodeExporterNote = ' node-exporter joined on instance = node name, else through node_uname_info{nodename}.';
  return dashboard({
    uid: UIDS.nodes,
    title: 'KubeAtlas / Nodes',
    description: 'Capacity, requests and usage of nodes (kube-state-metrics v2, cAdvisor, node-exporter).',
    variables: [...COMMON_VARIABLES, NODE_VARIABLE],
    panels: [
      table(
        {
          title: 'Nodes',
          description: 'Readiness, allocatable resources, requests of active pods and container usage per node.',
          width: 24,
          height: 9,
        },
        [
          { label: 'node', title: 'Node', links: NODE_LINKS },
          {
            title: 'Ready',
            booleanText: READY,
            target: {
              expr: `max by (node) (${sel('kube_node_status_condition', 'node=~"$node"', 'condition="Ready"', 'status="true"')})`,
            },
          },
          {
            title: 'CPU allocatable',
            unit: 'short',
            target: { expr: nodeResource('kube_node_status_allocatable', 'cpu') },
          },
          {
            title: 'CPU requested',
            unit: 'short',
            target: { expr: requestedOnNodes('cpu') },
          },
          { title: 'CPU used', unit: 'short', target: { expr: usedOnNodes('cpu') } },
          {
            title: 'Memory allocatable',
            unit: 'bytes',
            target: { expr: nodeResource('kube_node_status_allocatable', 'memory') },
          },
          {
            title: 'Memory requested',
            unit: 'bytes',
            target: { expr: requestedOnNodes('memory') },
          },
          {
            title: 'Memory used',
            unit: 'bytes',
            target: { expr: usedOnNodes('memory') },
          },
          { title: 'Pods', target: { expr: podsOnNodes } },
          { title: 'Pod capacity', target: { expr: nodeResource('kube_node_status_allocatable', 'pods') } },
        ],
        []
      ),
      row('Host (node-exporter)'),
      timeseries(
        { title: 'CPU busy', description: 'Share of CPU time not idle.' + nodeExporterNote, width: 12, height: 8 },
        [{ expr: onNodes(cpuBusy), legend: '{{node}}' }],
        'percentunit',
        { max: 1 }
      ),
      timeseries(
        {
          title: 'Memory used',
          description: 'Share of memory not available (MemAvailable).' + nodeExporterNote,
          width: 12,
          height: 8,
        },
        [{ expr: onNodes(memoryUsed), legend: '{{node}}' }],
        'percentunit',
        { max: 1 }
      ),
      timeseries(
        { title: 'Load (1m)', description: 'Load average over one minute.' + nodeExporterNote, width: 8, height: 8 },
        [{ expr: onNodes(`max by (instance) (${sel('node_load1')})`), legend: '{{node}}' }],
        'short'
      ),
      timeseries(
        {
          title: 'Root filesystem used',
          description: 'Share of the root filesystem in use.' + nodeExporterNote,
          width: 8,
          height: 8,
        },
        [{ expr: onNodes(fsUsed), legend: '{{node}}' }],
        'percentunit',
        { max: 1 }
      ),
      timeseries(
        {
          title: 'Network',
          description: 'Bytes per second on physical interfaces (receive up, transmit down).' + nodeExporterNote,
          width: 8,
          height: 8,
        },
        [
          { expr: onNodes(network('receive')), legend: '{{node}} receive' },
          { expr: `-(${onNodes(network('transmit'))})`, legend: '{{node}} transmit' },
        ],
        'Bps',
        { signed: true }
      ),
      row('Kubernetes (kube-state-metrics, cAdvisor)'),
      requestedAndUsed('cpu', 'CPU requested and used'),
      requestedAndUsed('memory', 'Memory requested and used'),
    ],
  });
}

/** Pods table rows for pods selected by `podFilter`, an expression labelled {pod} with value 1. */
function podsTable(title: string, description: string, podFilter?: string): Json {
  const scoped = (expr: string) => (podFilter ? `${expr} * on (pod) group_left () ${podFilter}` : expr);
  return table(
    { title, description, width: 24, height: 9 },
    [
      { label: 'pod', title: 'Pod', links: POD_LINKS },
      { label: 'node', title: 'Node', links: NODE_LINKS },
      { label: 'phase', title: 'Phase' },
      {
        title: 'Ready',
        booleanText: READY,
        target: { expr: scoped(`max by (pod) (${sel('kube_pod_status_ready', IN_NAMESPACE, 'condition="true"')})`) },
      },
      {
        title: 'Restarts',
        target: { expr: scoped(`sum by (pod) (${sel('kube_pod_container_status_restarts_total', IN_NAMESPACE)})`) },
      },
      { title: 'CPU used', unit: 'short', target: { expr: scoped(`sum by (pod) (${cpuUsage(IN_NAMESPACE)})`) } },
      {
        title: 'Memory used',
        unit: 'bytes',
        target: { expr: scoped(`sum by (pod) (${memoryWorkingSet(IN_NAMESPACE)})`) },
      },
    ],
    [
      { expr: scoped(`max by (pod, node) (${sel('kube_pod_info', IN_NAMESPACE)})`) },
      { expr: scoped(`max by (pod, phase) (${sel('kube_pod_status_phase', IN_NAMESPACE)} == 1)`) },
    ]
  );
}

/** Network and container restarts per pod, for the pods `scope` keeps of an expression labelled {pod}. */
function podNetworkAndRestarts(scope: (perPod: string) => string): Json[] {
  const perPod = (expr: string) => scope(`sum by (pod) (${expr})`);
  return [
    timeseries(
      {
        title: 'Network by pod',
        description: 'Bytes per second per pod (receive up, transmit down).',
        width: 12,
        height: 8,
      },
      [
        { expr: perPod(networkRate('receive', IN_NAMESPACE)), legend: '{{pod}} receive' },
        { expr: `-(${perPod(networkRate('transmit', IN_NAMESPACE))})`, legend: '{{pod}} transmit' },
      ],
      'Bps',
      { signed: true }
    ),
    timeseries(
      {
        title: 'Container restarts by pod',
        description: 'Restarts per pod within each interval.',
        width: 12,
        height: 8,
      },
      [
        {
          expr: perPod(`increase(${sel('kube_pod_container_status_restarts_total', IN_NAMESPACE)}[$__rate_interval])`),
          legend: '{{pod}}',
        },
      ],
      'short'
    ),
  ];
}

function namespace(): Json {
  const byPod = (expr: string) => `sum by (pod) (${expr})`;
  const byWorkload = (perPod: string) =>
    `sum by (kind, workload) (${NAMESPACE_PODS_BY_WORKLOAD} * on (pod) group_left () ${perPod})`;
  return dashboard({
    uid: UIDS.namespace,
    title: 'KubeAtlas / Namespace',
    description: 'Workloads and pods of one namespace with their resource usage (kube-state-metrics v2, cAdvisor).',
    variables: [...COMMON_VARIABLES, NAMESPACE_VARIABLE],
    panels: [
      ...podStats(4, IN_NAMESPACE),
      stat(
        { title: 'CPU used', description: 'Cores used by the containers of the namespace.', width: 4, height: 4 },
        { expr: `sum(${cpuUsage(IN_NAMESPACE)})` },
        'short'
      ),
      stat(
        { title: 'Memory used', description: 'Working set of the containers of the namespace.', width: 4, height: 4 },
        { expr: `sum(${memoryWorkingSet(IN_NAMESPACE)})` },
        'bytes'
      ),
      timeseries(
        { title: 'CPU usage by pod', description: 'Cores used by each pod.', width: 12, height: 8 },
        [{ expr: byPod(cpuUsage(IN_NAMESPACE)), legend: '{{pod}}' }],
        'short'
      ),
      timeseries(
        { title: 'Memory working set by pod', description: 'Working set of each pod.', width: 12, height: 8 },
        [{ expr: byPod(memoryWorkingSet(IN_NAMESPACE)), legend: '{{pod}}' }],
        'bytes'
      ),
      ...podNetworkAndRestarts((perPod) => perPod),
      table(
        {
          title: 'Workloads',
          description:
            'Pods grouped by their top-level controller, found through ownership (kube_pod_owner, kube_replicaset_owner).',
          width: 24,
          height: 8,
        },
        [
          { label: 'kind', title: 'Kind' },
          {
            label: 'workload',
            title: 'Workload',
            links: [
              dashboardLink('Workload dashboard', UIDS.workload, {
                namespace: '$namespace',
                kind: FIELD('kind'),
                workload: VALUE,
              }),
              appLink('Workload in KubeAtlas', 'applications', {
                namespace: '$namespace',
                detail: `${FIELD('kind')}/$namespace/${VALUE}`,
              }),
            ],
          },
          { title: 'Pods', target: { expr: `count by (kind, workload) (${NAMESPACE_PODS_BY_WORKLOAD})` } },
          {
            title: 'Ready pods',
            target: {
              expr: byWorkload(`max by (pod) (${sel('kube_pod_status_ready', IN_NAMESPACE, 'condition="true"')})`),
            },
          },
          { title: 'CPU used', unit: 'short', target: { expr: byWorkload(byPod(cpuUsage(IN_NAMESPACE))) } },
          { title: 'Memory used', unit: 'bytes', target: { expr: byWorkload(byPod(memoryWorkingSet(IN_NAMESPACE))) } },
        ],
        []
      ),
      podsTable('Pods', 'Pods of the namespace; follow a pod or node to its dashboard or KubeAtlas page.'),
    ],
  });
}

/** Usage by pod or container with the summed request and limit as reference lines. */
function usageWithReferences(
  title: string,
  description: string,
  usage: string,
  resource: 'cpu' | 'memory',
  by: 'pod' | 'container',
  scope: (expr: string) => string,
  matchers: string[]
): Json {
  const reference = (kind: 'request' | 'limit') =>
    `max(${scope(`sum by (${by}) (${(kind === 'request' ? requests : limits)(resource, ...matchers)})`)})`;
  return timeseries(
    { title, description, width: 12, height: 8 },
    [
      { expr: scope(`sum by (${by}) (${usage})`), legend: `{{${by}}}` },
      { expr: reference('request'), legend: `request (largest ${by})` },
      { expr: reference('limit'), legend: `limit (largest ${by})` },
    ],
    resource === 'cpu' ? 'short' : 'bytes'
  );
}

function workload(): Json {
  const ofWorkload = (expr: string) => `${expr} * on (pod) ${WORKLOAD_PODS}`;
  return dashboard({
    uid: UIDS.workload,
    title: 'KubeAtlas / Workload',
    description:
      'One Deployment, StatefulSet, DaemonSet or Job: its pods found through ownership (kube_pod_owner, kube_replicaset_owner), their usage and Kubernetes events.',
    variables: [...COMMON_VARIABLES, NAMESPACE_VARIABLE, KIND_VARIABLE, WORKLOAD_VARIABLE, WORKLOAD_PODS_VARIABLE],
    annotations: [
      eventsAnnotation('Workload events', '${kind:text}', '$workload'),
      eventsAnnotation('Pod events', 'Pod', '${workload_pods}'),
    ],
    panels: [
      stat(
        {
          title: 'Desired pods',
          description: 'Replicas, desired scheduled pods or completions of the workload.',
          width: 4,
          height: 4,
        },
        { expr: WORKLOAD_DESIRED },
        'none'
      ),
      stat(
        { title: 'Pods', description: 'Pods the workload owns.', width: 4, height: 4 },
        { expr: `count(${WORKLOAD_PODS})` },
        'none'
      ),
      stat(
        {
          title: 'Ready pods',
          description: 'Pods of the workload whose Ready condition is true.',
          width: 4,
          height: 4,
        },
        {
          expr: `sum(${ofWorkload(`max by (pod) (${sel('kube_pod_status_ready', IN_NAMESPACE, 'condition="true"')})`)})`,
        },
        'none'
      ),
      stat(
        {
          title: 'Container restarts',
          description: "Restarts of the workload's containers within the time range.",
          width: 4,
          height: 4,
        },
        {
          expr: `round(sum(${ofWorkload(`sum by (pod) (increase(${sel('kube_pod_container_status_restarts_total', IN_NAMESPACE)}[$__range]))`)}))`,
        },
        'none',
        { thresholds: [[1, 'orange']] }
      ),
      stat(
        { title: 'CPU used', description: 'Cores used by all pods of the workload.', width: 4, height: 4 },
        { expr: `sum(${ofWorkload(`sum by (pod) (${cpuUsage(IN_NAMESPACE)})`)})` },
        'short'
      ),
      stat(
        { title: 'Memory used', description: 'Working set of all pods of the workload.', width: 4, height: 4 },
        { expr: `sum(${ofWorkload(`sum by (pod) (${memoryWorkingSet(IN_NAMESPACE)})`)})` },
        'bytes'
      ),
      usageWithReferences(
        'CPU usage by pod',
        'Cores used by each pod, with the CPU request and limit of the largest pod.',
        cpuUsage(IN_NAMESPACE),
        'cpu',
        'pod',
        ofWorkload,
        [IN_NAMESPACE]
      ),
      usageWithReferences(
        'Memory working set by pod',
        'Working set of each pod, with the memory request and limit of the largest pod.',
        memoryWorkingSet(IN_NAMESPACE),
        'memory',
        'pod',
        ofWorkload,
        [IN_NAMESPACE]
      ),
      ...podNetworkAndRestarts(ofWorkload),
      podsTable(
        'Pods',
        'Pods owned by the workload; follow a pod or node to its dashboard or KubeAtlas page.',
        WORKLOAD_PODS
      ),
    ],
  });
}

function pod(): Json {
  const inPod = [IN_NAMESPACE, 'pod="$pod"'];
  const identity = (expr: string) => expr;
  const fsRate = (direction: 'reads' | 'writes') =>
    `sum by (container) (rate(${sel(`container_fs_${direction}_bytes_total`, ...REAL_CONTAINER, ...inPod)}[$__rate_interval]))`;
  return dashboard({
    uid: UIDS.pod,
    title: 'KubeAtlas / Pod',
    description: 'One pod: state, containers, usage against requests and limits, and Kubernetes events.',
    variables: [...COMMON_VARIABLES, NAMESPACE_VARIABLE, POD_VARIABLE],
    annotations: [eventsAnnotation('Kubernetes events', 'Pod', '$pod')],
    panels: [
      stat(
        { title: 'Phase', description: 'Pod phase (kube_pod_status_phase).', width: 4, height: 4 },
        { expr: `max by (phase) (${sel('kube_pod_status_phase', ...inPod)}) == 1`, legend: '{{phase}}' },
        'none',
        { textMode: 'name', colorMode: 'none' }
      ),
      stat(
        { title: 'Ready', description: "The pod's Ready condition.", width: 4, height: 4 },
        { expr: `max(${sel('kube_pod_status_ready', ...inPod, 'condition="true"')})` },
        'none',
        {
          colorMode: 'background',
          mappings: [
            {
              type: 'value',
              options: {
                '0': { text: READY[0], color: 'red', index: 0 },
                '1': { text: READY[1], color: 'green', index: 1 },
              },
            },
          ],
        }
      ),
      stat(
        { title: 'Node', description: 'The node the pod is scheduled on.', width: 4, height: 4 },
        { expr: `max by (node) (${sel('kube_pod_info', ...inPod)})`, legend: '{{node}}' },
        'none',
        { textMode: 'name', colorMode: 'none' }
      ),
      stat(
        { title: 'QoS class', description: 'Guaranteed, Burstable or BestEffort.', width: 4, height: 4 },
        { expr: `max by (qos_class) (${sel('kube_pod_status_qos_class', ...inPod)}) == 1`, legend: '{{qos_class}}' },
        'none',
        { textMode: 'name', colorMode: 'none' }
      ),
      stat(
        {
          title: 'Container restarts',
          description: 'Restarts of all containers since the pod started.',
          width: 4,
          height: 4,
        },
        { expr: `sum(${sel('kube_pod_container_status_restarts_total', ...inPod)})` },
        'none',
        { thresholds: [[1, 'orange']] }
      ),
      stat(
        { title: 'Age', description: 'Time since the pod was created.', width: 4, height: 4 },
        { expr: `time() - max(${sel('kube_pod_created', ...inPod)})` },
        's'
      ),
      usageWithReferences(
        'CPU usage by container',
        'Cores used by each container, with the largest container CPU request and limit.',
        cpuUsage(...inPod),
        'cpu',
        'container',
        identity,
        inPod
      ),
      usageWithReferences(
        'Memory working set by container',
        'Working set of each container, with the largest container memory request and limit.',
        memoryWorkingSet(...inPod),
        'memory',
        'container',
        identity,
        inPod
      ),
      timeseries(
        {
          title: 'Filesystem I/O by container',
          description: 'Bytes per second read (up) and written (down) by each container.',
          width: 12,
          height: 8,
        },
        [
          { expr: fsRate('reads'), legend: '{{container}} read' },
          { expr: `-${fsRate('writes')}`, legend: '{{container}} write' },
        ],
        'Bps',
        { signed: true }
      ),
      timeseries(
        {
          title: 'Network',
          description: 'Bytes per second of the pod (receive up, transmit down).',
          width: 12,
          height: 8,
        },
        [
          { expr: `sum(${networkRate('receive', ...inPod)})`, legend: 'receive' },
          { expr: `-sum(${networkRate('transmit', ...inPod)})`, legend: 'transmit' },
        ],
        'Bps',
        { signed: true }
      ),
      table(
        {
          title: 'Containers',
          description: 'Image, readiness, restarts and the reason of the last termination.',
          width: 24,
          height: 7,
        },
        [
          { label: 'container', title: 'Container' },
          { label: 'image', title: 'Image' },
          {
            title: 'Ready',
            booleanText: READY,
            target: { expr: `max by (container) (${sel('kube_pod_container_status_ready', ...inPod)})` },
          },
          {
            title: 'Restarts',
            target: { expr: `max by (container) (${sel('kube_pod_container_status_restarts_total', ...inPod)})` },
          },
          { label: 'reason', title: 'Last termination' },
        ],
        [
          { expr: `max by (container, image) (${sel('kube_pod_container_info', ...inPod)})` },
          {
            expr: `max by (container, reason) (${sel('kube_pod_container_status_last_terminated_reason', ...inPod)}) == 1`,
          },
        ]
      ),
    ],
  });
}

/** Kubernetes events of one object, from the KubeAtlas datasource (its annotation query model). */
function eventsAnnotation(name: string, involvedKind: string, involvedName: string): Json {
  const target: KubernetesAnnotationQuery = {
    refId: 'events',
    resource: 'events',
    namespace: '$namespace',
    involvedKind,
    involvedName,
  };
  return { name, enable: true, hide: false, iconColor: 'orange', datasource: CLUSTER, target };
}

/** File name (under src/dashboards/) → dashboard JSON, in the order of the app's includes. */
export function bundledDashboards(): Record<string, Json> {
  return {
    'cluster.json': cluster(),
    'nodes.json': nodes(),
    'namespace.json': namespace(),
    'workload.json': workload(),
    'pod.json': pod(),
  };
}
