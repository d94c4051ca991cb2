/**
 * Scenarios as data. `demo` is a small realistic cluster with the problems the app must surface; the scale presets add
 * generated namespaces, nodes and deployments on top of it until the preset's totals are reached.
 */
import { Simulation, WorkloadSpec, ContainerSpec } from './simulation';
import { KubeObject } from './store';

export const SCENARIOS = ['demo', 'empty'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScalePreset {
  namespaces: number;
  nodes: number;
  deployments: number;
  pods: number;
}

export const SCALE_PRESETS: Record<'S' | 'M' | 'L' | 'XL', ScalePreset> = {
  S: { namespaces: 8, nodes: 6, deployments: 30, pods: 100 },
  M: { namespaces: 60, nodes: 40, deployments: 200, pods: 2000 },
  L: { namespaces: 300, nodes: 200, deployments: 1000, pods: 10000 },
  XL: { namespaces: 600, nodes: 500, deployments: 3000, pods: 30000 },
};
export type ScaleName = keyof typeof SCALE_PRESETS;

export interface NodeNaming {
  /** Names for the worker nodes, in order; the rest keep generated names (e.g. the real machine's node-exporter). */
  workerNames?: string[];
}

const DAY = 86400;

const c = (
  name: string,
  image: string,
  port: number | undefined,
  cpu: string,
  memory: string,
  extra: Partial<ContainerSpec> = {}
): ContainerSpec => ({
  name,
  image,
  ...(port ? { ports: [{ name: 'http', containerPort: port }] } : {}),
  requests: { cpu, memory },
  limits: { memory: doubled(memory) },
  ...extra,
});

function doubled(memory: string): string {
  const match = /^(\d+)(\w+)$/.exec(memory)!;
  return `${Number(match[1]) * 2}${match[2]}`;
}

const DEMO_NAMESPACES: Array<[string, number]> = [
  ['default', 90 * DAY],
  ['kube-system', 90 * DAY],
  ['kube-node-lease', 90 * DAY],
  ['monitoring', 60 * DAY],
  ['shop', 45 * DAY],
  ['payments', 30 * DAY],
  ['data', 20 * DAY],
];

const DEMO_WORKLOADS: WorkloadSpec[] = [
  // kube-system
  {
    kind: 'Deployment',
    namespace: 'kube-system',
    name: 'coredns',
    replicas: 2,
    ageSeconds: 90 * DAY,
    containers: [
      {
        ...c('coredns', 'registry.k8s.io/coredns/coredns:v1.11.3', 53, '100m', '70Mi', {
          readinessPath: '/ready',
          livenessPath: '/health',
        }),
        ports: [
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: 53 },
          { name: 'metrics', containerPort: 9153 },
        ],
      },
    ],
  },
  {
    kind: 'Deployment',
    namespace: 'kube-system',
    name: 'metrics-server',
    replicas: 1,
    ageSeconds: 90 * DAY,
    containers: [
      c('metrics-server', 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', 10250, '100m', '200Mi', {
        readinessPath: '/readyz',
      }),
    ],
  },
  {
    kind: 'DaemonSet',
    namespace: 'kube-system',
    name: 'kube-proxy',
    ageSeconds: 90 * DAY,
    containers: [c('kube-proxy', 'registry.k8s.io/kube-proxy:v1.32.4', undefined, '50m', '64Mi')],
  },
  // monitoring
  {
    kind: 'Deployment',
    namespace: 'monitoring',
    name: 'kube-state-metrics',
    replicas: 1,
    ageSeconds: 60 * DAY,
    containers: [
      {
        ...c(
          'kube-state-metrics',
          'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.14.0',
          8080,
          '50m',
          '150Mi',
          { readinessPath: '/readyz' }
        ),
        ports: [
          { name: 'http-metrics', containerPort: 8080 },
          { name: 'telemetry', containerPort: 8081 },
        ],
      },
    ],
  },
  {
    kind: 'Deployment',
    namespace: 'monitoring',
    name: 'grafana',
    replicas: 1,
    ageSeconds: 60 * DAY,
    containers: [
      c('grafana', 'docker.io/grafana/grafana:12.0.2', 3000, '250m', '256Mi', { readinessPath: '/api/health' }),
    ],
  },
  {
    kind: 'StatefulSet',
    namespace: 'monitoring',
    name: 'prometheus',
    replicas: 2,
    ageSeconds: 60 * DAY,
    volumeClaim: { name: 'prometheus-db', size: '50Gi' },
    containers: [
      c('prometheus', 'quay.io/prometheus/prometheus:v3.1.0', 9090, '500m', '2Gi', { readinessPath: '/-/ready' }),
    ],
  },
  {
    kind: 'StatefulSet',
    namespace: 'monitoring',
    name: 'alertmanager',
    replicas: 2,
    ageSeconds: 60 * DAY,
    volumeClaim: { name: 'alertmanager-db', size: '5Gi' },
    containers: [c('alertmanager', 'quay.io/prometheus/alertmanager:v0.28.0', 9093, '50m', '128Mi')],
  },
  {
    kind: 'DaemonSet',
    namespace: 'monitoring',
    name: 'node-exporter',
    ageSeconds: 60 * DAY,
    containers: [c('node-exporter', 'quay.io/prometheus/node-exporter:v1.8.2', 9100, '50m', '64Mi')],
  },
  // shop: the failing readiness probe, the crash loop and the image pull problem live here
  {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'frontend',
    replicas: 6,
    ageSeconds: 45 * DAY,
    problem: { behavior: 'unready', count: 2 },
    containers: [
      {
        ...c('frontend', 'registry.example.com/shop/frontend:2.14.1', 8080, '200m', '256Mi', {
          readinessPath: '/healthz/ready',
          livenessPath: '/healthz/live',
        }),
        ports: [
          { name: 'http', containerPort: 8080 },
          { name: 'https', containerPort: 8443 },
          { name: 'metrics', containerPort: 9102 },
        ],
      },
    ],
  },
  {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'cart',
    replicas: 5,
    ageSeconds: 45 * DAY,
    containers: [c('cart', 'registry.example.com/shop/cart:1.9.0', 7070, '100m', '128Mi', { readinessPath: '/ready' })],
  },
  {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'catalog',
    replicas: 4,
    ageSeconds: 40 * DAY,
    containers: [
      c('catalog', 'registry.example.com/shop/catalog:3.2.5', 8080, '150m', '192Mi', { readinessPath: '/ready' }),
      c('cache-sidecar', 'docker.io/library/memcached:1.6.32', 11211, '50m', '64Mi'),
    ],
  },
  {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'checkout',
    replicas: 4,
    ageSeconds: 40 * DAY,
    problem: { behavior: 'crashloop', count: 1 },
    containers: [
      c('checkout', 'registry.example.com/shop/checkout:1.4.2', 5050, '200m', '256Mi', { readinessPath: '/ready' }),
    ],
  },
  {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'recommendations',
    replicas: 1,
    ageSeconds: 3 * 3600,
    problem: { behavior: 'imagepull', count: 1 },
    containers: [c('recommendations', 'registry.example.com/shop/recommendations:2.0.0-rc1', 8080, '100m', '256Mi')],
  },
  {
    kind: 'StatefulSet',
    namespace: 'shop',
    name: 'redis',
    replicas: 3,
    ageSeconds: 45 * DAY,
    volumeClaim: { name: 'data', size: '8Gi' },
    containers: [c('redis', 'docker.io/library/redis:7.4.1', 6379, '100m', '256Mi')],
  },
  // payments: the unschedulable pod
  {
    kind: 'Deployment',
    namespace: 'payments',
    name: 'payments-api',
    replicas: 6,
    ageSeconds: 30 * DAY,
    containers: [
      c('payments-api', 'registry.example.com/payments/api:5.1.0', 8080, '250m', '512Mi', {
        readinessPath: '/health/ready',
      }),
    ],
  },
  {
    kind: 'Deployment',
    namespace: 'payments',
    name: 'fraud-detector',
    replicas: 1,
    ageSeconds: 2 * 3600,
    problem: { behavior: 'unschedulable', count: 1 },
    containers: [
      {
        ...c('fraud-detector', 'registry.example.com/payments/fraud-detector:0.9.3', 8080, '2', '48Gi'),
        limits: { cpu: '4', memory: '48Gi' },
      },
    ],
  },
  {
    kind: 'Deployment',
    namespace: 'payments',
    name: 'ledger',
    replicas: 3,
    ageSeconds: 30 * DAY,
    containers: [c('ledger', 'registry.example.com/payments/ledger:2.3.0', 8080, '100m', '256Mi')],
  },
  {
    kind: 'StatefulSet',
    namespace: 'payments',
    name: 'postgres',
    replicas: 2,
    ageSeconds: 30 * DAY,
    volumeClaim: { name: 'pgdata', size: '20Gi' },
    containers: [c('postgres', 'docker.io/library/postgres:16.6', 5432, '500m', '1Gi')],
  },
  // data: the failed Job of a CronJob
  {
    kind: 'StatefulSet',
    namespace: 'data',
    name: 'kafka',
    replicas: 3,
    ageSeconds: 20 * DAY,
    volumeClaim: { name: 'logs', size: '100Gi' },
    containers: [c('kafka', 'docker.io/bitnami/kafka:3.9.0', 9092, '500m', '2Gi')],
  },
  {
    kind: 'Deployment',
    namespace: 'data',
    name: 'etl-api',
    replicas: 4,
    ageSeconds: 20 * DAY,
    containers: [
      c('etl-api', 'registry.example.com/data/etl-api:1.0.7', 8000, '100m', '256Mi', { readinessPath: '/ready' }),
    ],
  },
  {
    kind: 'DaemonSet',
    namespace: 'data',
    name: 'log-collector',
    ageSeconds: 20 * DAY,
    workersOnly: true,
    containers: [c('fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.2.2', 2020, '50m', '64Mi')],
  },
  {
    kind: 'CronJob',
    namespace: 'data',
    name: 'nightly-report',
    ageSeconds: 20 * DAY,
    schedule: '30 1 * * *',
    problem: { behavior: 'failed', count: 1 },
    containers: [
      c('report', 'registry.example.com/data/report:1.2.0', undefined, '200m', '512Mi', { args: ['--date=yesterday'] }),
    ],
  },
  {
    kind: 'CronJob',
    namespace: 'data',
    name: 'cleanup',
    ageSeconds: 20 * DAY,
    schedule: '0 * * * *',
    problem: { behavior: 'succeeded', count: 1 },
    containers: [
      c('cleanup', 'docker.io/library/busybox:1.37', undefined, '10m', '16Mi', {
        args: ['sh', '-c', 'find /data -mtime +7 -delete'],
      }),
    ],
  },
  {
    kind: 'Job',
    namespace: 'data',
    name: 'db-migrate-v42',
    ageSeconds: 5 * DAY,
    problem: { behavior: 'succeeded', count: 1 },
    containers: [c('migrate', 'registry.example.com/data/migrate:42', undefined, '100m', '128Mi')],
  },
  // default
  {
    kind: 'Deployment',
    namespace: 'default',
    name: 'hello',
    replicas: 3,
    ageSeconds: 80 * DAY,
    containers: [c('hello', 'registry.k8s.io/e2e-test-images/agnhost:2.53', 8080, '10m', '32Mi')],
  },
];

type Port = { name?: string; port: number; targetPort: number | string; protocol?: string };

const DEMO_SERVICES: Array<{
  namespace: string;
  name: string;
  app: string;
  ports: Port[];
  type?: string;
  headless?: boolean;
}> = [
  { namespace: 'default', name: 'kubernetes', app: '', ports: [{ name: 'https', port: 443, targetPort: 6443 }] },
  { namespace: 'default', name: 'hello', app: 'hello', ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  {
    namespace: 'kube-system',
    name: 'kube-dns',
    app: 'coredns',
    ports: [
      { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, targetPort: 53 },
      { name: 'metrics', port: 9153, targetPort: 9153 },
    ],
  },
  {
    namespace: 'kube-system',
    name: 'metrics-server',
    app: 'metrics-server',
    ports: [{ name: 'https', port: 443, targetPort: 'http' }],
  },
  {
    namespace: 'monitoring',
    name: 'kube-state-metrics',
    app: 'kube-state-metrics',
    ports: [
      { name: 'http-metrics', port: 8080, targetPort: 'http-metrics' },
      { name: 'telemetry', port: 8081, targetPort: 'telemetry' },
    ],
  },
  { namespace: 'monitoring', name: 'grafana', app: 'grafana', ports: [{ name: 'http', port: 80, targetPort: 3000 }] },
  {
    namespace: 'monitoring',
    name: 'prometheus',
    app: 'prometheus',
    ports: [{ name: 'web', port: 9090, targetPort: 9090 }],
  },
  {
    namespace: 'monitoring',
    name: 'alertmanager',
    app: 'alertmanager',
    ports: [{ name: 'web', port: 9093, targetPort: 9093 }],
    headless: true,
  },
  {
    namespace: 'monitoring',
    name: 'node-exporter',
    app: 'node-exporter',
    ports: [{ name: 'metrics', port: 9100, targetPort: 9100 }],
    headless: true,
  },
  {
    namespace: 'shop',
    name: 'frontend',
    app: 'frontend',
    type: 'LoadBalancer',
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'https', port: 443, targetPort: 'https' },
      { name: 'metrics', port: 9102, targetPort: 'metrics' },
    ],
  },
  { namespace: 'shop', name: 'cart', app: 'cart', ports: [{ name: 'grpc', port: 7070, targetPort: 7070 }] },
  {
    namespace: 'shop',
    name: 'catalog',
    app: 'catalog',
    ports: [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'memcache', port: 11211, targetPort: 11211 },
    ],
  },
  { namespace: 'shop', name: 'checkout', app: 'checkout', ports: [{ name: 'http', port: 5050, targetPort: 5050 }] },
  {
    namespace: 'shop',
    name: 'recommendations',
    app: 'recommendations',
    ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
  },
  {
    namespace: 'shop',
    name: 'redis',
    app: 'redis',
    ports: [{ name: 'redis', port: 6379, targetPort: 6379 }],
    headless: true,
  },
  {
    namespace: 'payments',
    name: 'payments-api',
    app: 'payments-api',
    ports: [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'admin', port: 9000, targetPort: 8080 },
    ],
  },
  {
    namespace: 'payments',
    name: 'fraud-detector',
    app: 'fraud-detector',
    ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
  },
  { namespace: 'payments', name: 'ledger', app: 'ledger', ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
  {
    namespace: 'payments',
    name: 'postgres',
    app: 'postgres',
    ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }],
    headless: true,
  },
  {
    namespace: 'data',
    name: 'kafka',
    app: 'kafka',
    ports: [{ name: 'kafka', port: 9092, targetPort: 9092 }],
    headless: true,
  },
  {
    namespace: 'data',
    name: 'etl-api',
    app: 'etl-api',
    type: 'NodePort',
    ports: [{ name: 'http', port: 8000, targetPort: 8000 }],
  },
];

export function buildScenario(
  sim: Simulation,
  scenario: ScenarioName,
  scale: ScaleName | undefined,
  naming: NodeNaming,
  monitoringCrds: boolean
): void {
  const preset = scale ? SCALE_PRESETS[scale] : undefined;
  const workerCount = Math.max(4, (preset?.nodes ?? 5) - 1);
  const workerName = (i: number) =>
    naming.workerNames?.[i] ?? (preset ? `sim-worker-${String(i + 1).padStart(3, '0')}` : `sim-worker-${i + 1}`);
  sim.addNode({
    name: 'sim-control-plane',
    controlPlane: true,
    cpu: 4,
    memoryGi: 8,
    zone: 'zone-a',
    instanceType: 'sim.large',
    ageSeconds: 90 * DAY,
  });
  for (let i = 0; i < workerCount; i++) {
    sim.addNode({
      name: workerName(i),
      cpu: i % 2 ? 8 : 16,
      memoryGi: i % 2 ? 32 : 64,
      zone: ['zone-a', 'zone-b', 'zone-c'][i % 3],
      instanceType: i % 2 ? 'sim.xlarge' : 'sim.2xlarge',
      ageSeconds: (90 - (i % 30)) * DAY,
      // The NotReady node is the last demo worker.
      notReady: scenario === 'demo' && i === 3,
    });
  }
  if (scenario === 'empty') {
    sim.addNamespace('default', 90 * DAY);
    sim.addNamespace('kube-system', 90 * DAY);
    sim.addNamespace('kube-node-lease', 90 * DAY);
    return;
  }
  for (const [name, age] of DEMO_NAMESPACES) {
    sim.addNamespace(name, age);
  }
  for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    addStaticPod(sim, name);
  }
  for (const workload of DEMO_WORKLOADS) {
    sim.addWorkload(workload);
  }
  for (const service of DEMO_SERVICES) {
    sim.addService(service.namespace, service.name, service.app ? { app: service.app } : {}, service.ports, {
      type: service.type,
      headless: service.headless,
      ageSeconds: 30 * DAY,
      labels: service.app ? { app: service.app } : { component: 'apiserver', provider: 'kubernetes' },
    });
  }
  sim.addIngress(
    'shop',
    'shop',
    'shop.example.com',
    [
      { path: '/', service: 'frontend', port: 'http' },
      { path: '/api/cart', service: 'cart', port: 7070 },
      { path: '/api/catalog', service: 'catalog', port: 80 },
    ],
    45 * DAY,
    'shop-tls'
  );
  sim.addIngress(
    'monitoring',
    'grafana',
    'grafana.example.com',
    [{ path: '/', service: 'grafana', port: 80 }],
    60 * DAY
  );
  sim.addHpa('shop', 'catalog', 'catalog', 2, 6, 70, 40 * DAY);
  sim.addPvc('monitoring', 'grafana-storage', '10Gi', 60 * DAY, { app: 'grafana' });
  if (monitoringCrds) {
    addMonitors(sim);
  }
  addDemoEvents(sim);
  if (preset) {
    addScaleFiller(sim, preset, workerName, workerCount);
  }
  sim.settle();
}

/** Control-plane static pods are mirror pods owned by their Node, as kubeadm clusters show them. */
function addStaticPod(sim: Simulation, component: string): void {
  const node = sim.store.get('nodes', undefined, 'sim-control-plane')!;
  const name = `${component}-sim-control-plane`;
  const created = Date.parse(node.metadata.creationTimestamp) + 60000;
  const iso = new Date(created).toISOString().replace(/\.\d+Z$/, 'Z');
  const ip = node.status.addresses[0].address;
  const image = component === 'etcd' ? 'registry.k8s.io/etcd:3.5.16-0' : `registry.k8s.io/${component}:v1.32.4`;
  sim.store.create('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      uid: '',
      resourceVersion: '',
      creationTimestamp: iso,
      labels: { component, tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.source': 'file',
        'kubernetes.io/config.mirror': sim.random.uid().replace(/-/g, ''),
      },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid, controller: true },
      ],
    },
    spec: {
      containers: [
        {
          name: component,
          image,
          command: [component],
          resources: { requests: { cpu: component === 'kube-apiserver' ? '250m' : '100m' } },
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      nodeName: node.metadata.name,
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      restartPolicy: 'Always',
      tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
    },
    status: {
      phase: 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
        (type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: iso })
      ),
      hostIP: ip,
      hostIPs: [{ ip }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: iso,
      containerStatuses: [
        {
          name: component,
          image,
          imageID: '',
          containerID: `containerd://${sim.random.uid().replace(/-/g, '')}`,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: iso } },
          lastState: {},
        },
      ],
      qosClass: 'Burstable',
    },
  });
}

function addMonitors(sim: Simulation): void {
  const monitor = (
    resource: 'servicemonitors' | 'podmonitors',
    namespace: string,
    name: string,
    app: string,
    port: string
  ) => {
    const kind = resource === 'servicemonitors' ? 'ServiceMonitor' : 'PodMonitor';
    const endpointsKey = resource === 'servicemonitors' ? 'endpoints' : 'podMetricsEndpoints';
    sim.store.create(resource, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind,
      metadata: {
        name,
        namespace,
        uid: '',
        resourceVersion: '',
        creationTimestamp: new Date(sim.clock.now() - 30 * DAY * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
        labels: { release: 'kube-prometheus-stack' },
      },
      spec: { selector: { matchLabels: { app } }, [endpointsKey]: [{ port, interval: '30s' }] },
    });
  };
  monitor('servicemonitors', 'monitoring', 'kube-state-metrics', 'kube-state-metrics', 'http-metrics');
  monitor('servicemonitors', 'shop', 'frontend', 'frontend', 'metrics');
  monitor('podmonitors', 'data', 'kafka', 'kafka', 'kafka');
}

function firstPod(sim: Simulation, namespace: string, app: string): KubeObject {
  return sim.store.list('pods', namespace).find((p) => p.metadata.labels?.app === app)!;
}

function addDemoEvents(sim: Simulation): void {
  const crash = sim.store.list('pods', 'shop').find((p) => sim.behaviorOf(p) === 'crashloop')!;
  const restarts = crash.status.containerStatuses[0].restartCount;
  sim.addEvent(
    crash,
    'Normal',
    'Pulled',
    `Container image "${crash.spec.containers[0].image}" already present on machine`,
    { count: restarts, firstSecondsAgo: 3 * 3600, lastSecondsAgo: 95, fieldPath: 'spec.containers{checkout}' }
  );
  sim.addEvent(
    crash,
    'Warning',
    'BackOff',
    'Back-off restarting failed container checkout in pod ' + `${crash.metadata.name}_shop(${crash.metadata.uid})`,
    { count: restarts * 9, firstSecondsAgo: 3 * 3600 - 60, lastSecondsAgo: 12, fieldPath: 'spec.containers{checkout}' }
  );
  sim.addEvent(
    crash,
    'Warning',
    'OOMKilling',
    `Memory cgroup out of memory: Killed process 4242 (checkout) total-vm:1203412kB, anon-rss:524288kB`,
    { count: restarts, firstSecondsAgo: 3 * 3600, lastSecondsAgo: 40, component: 'kernel-monitor' }
  );

  const pull = sim.store.list('pods', 'shop').find((p) => sim.behaviorOf(p) === 'imagepull')!;
  const image = pull.spec.containers[0].image;
  sim.addEvent(
    pull,
    'Normal',
    'Scheduled',
    `Successfully assigned shop/${pull.metadata.name} to ${pull.spec.nodeName}`,
    { firstSecondsAgo: 3 * 3600, component: 'default-scheduler' }
  );
  sim.addEvent(
    pull,
    'Warning',
    'Failed',
    `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`,
    { count: 38, firstSecondsAgo: 3 * 3600 - 5, lastSecondsAgo: 70, fieldPath: 'spec.containers{recommendations}' }
  );
  sim.addEvent(pull, 'Warning', 'Failed', 'Error: ErrImagePull', {
    count: 38,
    firstSecondsAgo: 3 * 3600 - 5,
    lastSecondsAgo: 70,
    fieldPath: 'spec.containers{recommendations}',
  });
  sim.addEvent(pull, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, {
    count: 790,
    firstSecondsAgo: 3 * 3600 - 4,
    lastSecondsAgo: 8,
    fieldPath: 'spec.containers{recommendations}',
  });
  sim.addEvent(pull, 'Warning', 'Failed', 'Error: ImagePullBackOff', {
    count: 790,
    firstSecondsAgo: 3 * 3600 - 4,
    lastSecondsAgo: 8,
    fieldPath: 'spec.containers{recommendations}',
  });

  const pending = sim.store.list('pods', 'payments').find((p) => sim.behaviorOf(p) === 'unschedulable')!;
  sim.addEvent(pending, 'Warning', 'FailedScheduling', pending.status.conditions[0].message, {
    count: 25,
    firstSecondsAgo: 2 * 3600,
    lastSecondsAgo: 290,
    component: 'default-scheduler',
  });

  for (const pod of sim.store.list('pods', 'shop').filter((p) => sim.behaviorOf(p) === 'unready')) {
    sim.addEvent(pod, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', {
      count: 412,
      firstSecondsAgo: 4200,
      lastSecondsAgo: 6,
      fieldPath: 'spec.containers{frontend}',
    });
  }

  const node = sim.store
    .list('nodes')
    .find((n) =>
      n.status.conditions.some(
        (x: { type: string; status: string }) => x.type === 'MemoryPressure' && x.status === 'True'
      )
    );
  if (node) {
    const nodeRef = { ...node, metadata: { ...node.metadata, namespace: 'default' } };
    sim.addEvent(
      nodeRef,
      'Normal',
      'NodeHasInsufficientMemory',
      `Node ${node.metadata.name} status is now: NodeHasInsufficientMemory`,
      { firstSecondsAgo: 1800 }
    );
    sim.addEvent(nodeRef, 'Warning', 'EvictionThresholdMet', 'Attempting to reclaim memory', {
      count: 14,
      firstSecondsAgo: 1790,
      lastSecondsAgo: 1500,
    });
    sim.addEvent(nodeRef, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`, {
      firstSecondsAgo: 1400,
      component: 'node-controller',
    });
  }

  const failedJob = sim.store.list('jobs', 'data').find((j) => j.status?.failed);
  if (failedJob) {
    const jobPod = sim.store
      .list('pods', 'data')
      .find((p) => p.metadata.ownerReferences?.[0]?.uid === failedJob.metadata.uid)!;
    sim.addEvent(failedJob, 'Normal', 'SuccessfulCreate', `Created pod: ${jobPod.metadata.name}`, {
      firstSecondsAgo: 3600 * 6,
      component: 'job-controller',
    });
    sim.addEvent(failedJob, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', {
      firstSecondsAgo: 3600 * 6 - 45,
      component: 'job-controller',
    });
    const cron = sim.store.get('cronjobs', 'data', 'nightly-report')!;
    sim.addEvent(cron, 'Normal', 'SuccessfulCreate', `Created job ${failedJob.metadata.name}`, {
      firstSecondsAgo: 3600 * 6,
      component: 'cronjob-controller',
    });
    sim.addEvent(
      cron,
      'Normal',
      'SawCompletedJob',
      `Saw completed job: ${failedJob.metadata.name}, condition: Failed`,
      { firstSecondsAgo: 3600 * 6 - 45, component: 'cronjob-controller' }
    );
  }

  const healthy = firstPod(sim, 'default', 'hello');
  sim.addEvent(
    healthy,
    'Normal',
    'Scheduled',
    `Successfully assigned default/${healthy.metadata.name} to ${healthy.spec.nodeName}`,
    { firstSecondsAgo: 3000, component: 'default-scheduler' }
  );
  sim.addEvent(
    healthy,
    'Normal',
    'Pulled',
    `Container image "${healthy.spec.containers[0].image}" already present on machine`,
    { firstSecondsAgo: 2999, fieldPath: 'spec.containers{hello}' }
  );
  sim.addEvent(healthy, 'Normal', 'Created', 'Created container: hello', {
    firstSecondsAgo: 2999,
    fieldPath: 'spec.containers{hello}',
  });
  sim.addEvent(healthy, 'Normal', 'Started', 'Started container hello', {
    firstSecondsAgo: 2998,
    fieldPath: 'spec.containers{hello}',
  });
  const frontend = sim.store.get('deployments', 'shop', 'frontend')!;
  sim.addEvent(
    frontend,
    'Normal',
    'ScalingReplicaSet',
    `Scaled up replica set ${sim.store.list('replicasets', 'shop').find((r) => r.metadata.labels?.app === 'frontend')!.metadata.name} to 4`,
    { firstSecondsAgo: 4300, component: 'deployment-controller' }
  );
}

const TEAM_APPS = ['api', 'web', 'worker', 'gateway', 'auth', 'search', 'billing', 'notifier', 'indexer', 'scheduler'];

/** Generated teams: namespaces of deployments with one Service each, until the preset's totals are met. */
function addScaleFiller(
  sim: Simulation,
  preset: ScalePreset,
  workerName: (i: number) => string,
  existingWorkers: number
): void {
  for (let i = existingWorkers; i < preset.nodes - 1; i++) {
    sim.addNode({
      name: workerName(i),
      cpu: 32,
      memoryGi: 128,
      zone: ['zone-a', 'zone-b', 'zone-c'][i % 3],
      instanceType: 'sim.8xlarge',
      ageSeconds: (60 - (i % 50)) * DAY,
    });
  }
  const namespaces = preset.namespaces - sim.store.count('namespaces');
  const deployments = preset.deployments - sim.store.count('deployments');
  const pods = preset.pods - sim.store.count('pods');
  if (namespaces <= 0 || deployments <= 0 || pods <= 0) {
    return;
  }
  for (let n = 0; n < namespaces; n++) {
    sim.addNamespace(`team-${String(n + 1).padStart(3, '0')}`, (80 - (n % 70)) * DAY, { team: `team-${n + 1}` });
  }
  for (let d = 0; d < deployments; d++) {
    const namespace = `team-${String((d % namespaces) + 1).padStart(3, '0')}`;
    const name =
      `${TEAM_APPS[Math.floor(d / namespaces) % TEAM_APPS.length]}-${Math.floor(d / (namespaces * TEAM_APPS.length)) || ''}`.replace(
        /-$/,
        ''
      );
    const replicas = Math.floor(((d + 1) * pods) / deployments) - Math.floor((d * pods) / deployments);
    sim.addWorkload({
      kind: 'Deployment',
      namespace,
      name,
      replicas,
      ageSeconds: (50 - (d % 45)) * DAY,
      containers: [
        c(name.split('-')[0], `registry.example.com/${namespace}/${name}:1.${d % 20}.0`, 8080, '50m', '64Mi', {
          readinessPath: '/ready',
        }),
      ],
    });
    sim.addService(namespace, name, { app: name }, [{ name: 'http', port: 80, targetPort: 8080 }], {
      ageSeconds: 50 * DAY,
      labels: { app: name },
    });
  }
}
