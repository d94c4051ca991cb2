/**
 * A small raw cluster as the API returns it (trimmed to the fields the normalizers read, plus some noise they must
 * ignore): shop namespace with a Deployment → ReplicaSet → 2 Pods (one crash-looping), a Service, an Ingress to it and
 * to a missing Service, an EndpointSlice, an HPA; a CronJob → Job → Pod; a StatefulSet with a PVC; a DaemonSet pod;
 * two nodes (one NotReady); events.
 */
const meta = (name: string, namespace: string | undefined, uid: string, extra: object = {}) => ({
  name,
  namespace,
  uid,
  resourceVersion: '100',
  creationTimestamp: '2026-01-01T00:00:00Z',
  ...extra,
});
const owner = (kind: string, name: string, uid: string) => ({
  ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true }],
});

export const rawNodes = [
  {
    metadata: meta('node-a', undefined, 'n-a', {
      labels: { 'node-role.kubernetes.io/control-plane': '', 'topology.kubernetes.io/zone': 'z1' },
    }),
    spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady' },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: 'node-a' },
      ],
      nodeInfo: { kubeletVersion: 'v1.31.2', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7' },
    },
  },
  {
    metadata: meta('node-b', undefined, 'n-b', { labels: { 'kubernetes.io/role': 'worker' } }),
    spec: { unschedulable: true },
    status: {
      allocatable: { cpu: '2', memory: '8Gi' },
      conditions: [
        { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting' },
      ],
    },
  },
];

export const rawNamespaces = [
  { metadata: meta('shop', undefined, 'ns-shop'), status: { phase: 'Active' } },
  { metadata: meta('batch', undefined, 'ns-batch'), status: { phase: 'Terminating' } },
];

const webContainer = {
  name: 'web',
  image: 'shop/web:1.2',
  ports: [{ name: 'http', containerPort: 8080 }],
  resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
  readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
  livenessProbe: { tcpSocket: { port: 8080 } },
};

export const rawDeployments = [
  {
    metadata: meta('web', 'shop', 'd-web', {
      generation: 3,
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'kubectl.kubernetes.io/last-applied-configuration': '{…}',
      },
    }),
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate' },
      template: {
        metadata: {
          labels: { app: 'web' },
          annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T10:00:00Z' },
        },
        spec: { containers: [webContainer] },
      },
    },
    status: { observedGeneration: 3, replicas: 2, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 2 },
  },
];

export const rawReplicaSets = [
  {
    metadata: meta('web-7d9', 'shop', 'rs-web', { labels: { app: 'web' }, ...owner('Deployment', 'web', 'd-web') }),
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [webContainer] } },
    },
    status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 },
  },
];

export const rawPods = [
  {
    metadata: meta('web-7d9-aaa', 'shop', 'p-web-1', {
      labels: { app: 'web', tier: 'front' },
      ...owner('ReplicaSet', 'web-7d9', 'rs-web'),
    }),
    spec: { nodeName: 'node-a', containers: [webContainer], serviceAccountName: 'web' },
    status: {
      phase: 'Running',
      podIP: '10.1.0.5',
      qosClass: 'Burstable',
      startTime: '2026-01-01T10:00:05Z',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T10:00:06Z' } } },
      ],
    },
  },
  {
    metadata: meta('web-7d9-bbb', 'shop', 'p-web-2', {
      labels: { app: 'web', tier: 'front' },
      ...owner('ReplicaSet', 'web-7d9', 'rs-web'),
    }),
    spec: {
      nodeName: 'node-b',
      initContainers: [
        { name: 'migrate', image: 'shop/migrate:1', resources: { requests: { cpu: '2', memory: '64Mi' } } },
      ],
      containers: [webContainer],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      initContainerStatuses: [
        { name: 'migrate', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
      containerStatuses: [
        {
          name: 'web',
          ready: false,
          restartCount: 7,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2026-01-01T11:00:00Z' } },
        },
      ],
    },
  },
  {
    metadata: meta('report-123-xyz', 'shop', 'p-job', {
      labels: { 'job-name': 'report-123' },
      ...owner('Job', 'report-123', 'j-report'),
    }),
    spec: { containers: [{ name: 'report', image: 'shop/report' }], nodeName: 'node-a' },
    status: { phase: 'Succeeded' },
  },
  {
    metadata: meta('pg-0', 'shop', 'p-pg', { labels: { app: 'pg' }, ...owner('StatefulSet', 'pg', 'ss-pg') }),
    spec: {
      nodeName: 'node-a',
      containers: [{ name: 'pg', image: 'postgres:16' }],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data-pg-0' } },
        { name: 'tmp', emptyDir: {} },
      ],
    },
    status: {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available' },
      ],
    },
  },
  {
    metadata: meta('agent-x', 'shop', 'p-agent', {
      labels: { app: 'agent' },
      ...owner('DaemonSet', 'agent', 'ds-agent'),
    }),
    spec: { nodeName: 'node-gone', containers: [{ name: 'agent', image: 'agent:1' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  },
];

export const rawServices = [
  {
    metadata: meta('web', 'shop', 's-web'),
    spec: {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.10',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080 }],
    },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
  },
  {
    metadata: meta('pg', 'shop', 's-pg'),
    spec: { clusterIP: 'None', selector: { app: 'pg' }, ports: [{ port: 5432 }] },
  },
  { metadata: meta('external', 'shop', 's-ext'), spec: { type: 'ExternalName', externalName: 'db.example.com' } },
];

export const rawIngresses = [
  {
    metadata: meta('shop', 'shop', 'i-shop'),
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } },
              { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } },
            ],
          },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } },
  },
];

export const rawEndpointSlices = [
  {
    metadata: meta('web-abcde', 'shop', 'es-web', { labels: { 'kubernetes.io/service-name': 'web' } }),
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['10.1.0.5'],
        conditions: { ready: true },
        nodeName: 'node-a',
        targetRef: { kind: 'Pod', name: 'web-7d9-aaa', namespace: 'shop', uid: 'p-web-1' },
      },
      {
        addresses: ['10.1.0.6'],
        conditions: { ready: false },
        targetRef: { kind: 'Pod', name: 'web-7d9-bbb', namespace: 'shop' },
      },
    ],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  },
];

export const rawHpas = [
  {
    metadata: meta('web', 'shop', 'h-web'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    },
    status: {
      currentReplicas: 2,
      desiredReplicas: 2,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35, averageValue: '90m' } } },
      ],
      conditions: [
        { type: 'AbleToScale', status: 'True' },
        { type: 'ScalingActive', status: 'True' },
      ],
    },
  },
];

export const rawCronJobs = [
  {
    metadata: meta('report', 'shop', 'cj-report'),
    spec: {
      schedule: '0 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'report', image: 'shop/report' }] } } } },
    },
    status: { lastScheduleTime: '2026-01-01T11:00:00Z', lastSuccessfulTime: '2026-01-01T11:00:30Z' },
  },
];

export const rawJobs = [
  {
    metadata: meta('report-123', 'shop', 'j-report', { ...owner('CronJob', 'report', 'cj-report') }),
    spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'job-name': 'report-123' } } },
    status: {
      succeeded: 1,
      startTime: '2026-01-01T11:00:00Z',
      completionTime: '2026-01-01T11:00:30Z',
      conditions: [{ type: 'Complete', status: 'True' }],
    },
  },
  {
    metadata: meta('migrate', 'shop', 'j-migrate'),
    spec: { backoffLimit: 2 },
    status: {
      failed: 3,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    },
  },
];

export const rawStatefulSets = [
  {
    metadata: meta('pg', 'shop', 'ss-pg'),
    spec: {
      replicas: 1,
      serviceName: 'pg',
      selector: { matchLabels: { app: 'pg' } },
      volumeClaimTemplates: [{ metadata: { name: 'data' } }],
      template: { spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } },
    },
    status: { replicas: 1, readyReplicas: 0, currentReplicas: 1, updatedReplicas: 1 },
  },
];

export const rawDaemonSets = [
  {
    metadata: meta('agent', 'shop', 'ds-agent'),
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
    },
    status: {
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 2,
      numberAvailable: 2,
      updatedNumberScheduled: 2,
    },
  },
];

export const rawPvcs = [
  {
    metadata: meta('data-pg-0', 'shop', 'pvc-pg'),
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'standard',
      resources: { requests: { storage: '10Gi' } },
    },
    status: { phase: 'Pending' },
  },
];

export const rawEvents = [
  {
    metadata: meta('web-7d9-bbb.17a', 'shop', 'e-1'),
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container web',
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d9-bbb', uid: 'p-web-2' },
    count: 12,
    firstTimestamp: '2026-01-01T10:05:00Z',
    lastTimestamp: '2026-01-01T11:00:00Z',
    source: { component: 'kubelet', host: 'node-b' },
  },
  {
    // events.k8s.io-style fields only (no first/lastTimestamp, no count)
    metadata: meta('pg-0.17b', 'shop', 'e-2'),
    type: 'Warning',
    reason: 'FailedScheduling',
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'pg-0' },
    eventTime: '2026-01-01T10:00:00.000000Z',
    series: { count: 4, lastObservedTime: '2026-01-01T10:30:00.000000Z' },
    reportingComponent: 'default-scheduler',
  },
];
