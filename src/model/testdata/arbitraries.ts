/**
 * fast-check arbitraries of raw Kubernetes objects for the fuzz tests (*.fuzz.test.ts): every kind of
 * src/k8s/kinds.ts, shaped as the API returns them, then corrupted at a few random places (a number where a string
 * goes, an array for an object, null, a huge or hostile string), so the normalizers meet both what a real cluster
 * sends and what a broken proxy or CRD could. Names, labels and uids come from small pools, so selectors, owner
 * references and named targets (nodeName, claimName, ingress backends) often point at other generated objects.
 */
import fc from 'fast-check';
import { KIND_NAMES, KINDS } from '../../k8s/kinds';
import type { KindName } from '../types';

export type RawJson = Record<string, unknown>;

/** Strings that have broken parsers and renderers: markup, prototype keys, bidi and zero-width characters. */
export const HOSTILE_STRINGS = [
  '<img src=x onerror="window.__pwned=1">',
  '"><script>window.__pwned=1</script>',
  'javascript:window.__pwned=1',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '\u202Egnp.exe',
  'a\u200Bb\u200Dc\uFEFF',
  '\uD800',
  '𝓊𝓃𝒾𝒸ℴ𝒹ℯ 🐳',
  '',
  ' ',
];

const huge = fc.constantFrom('x'.repeat(65536), '\u202E'.repeat(4096) + 'a'.repeat(70000));

/** A value of any JSON type, the wrong one for most fields. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'name', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 3,
  }),
  // As JSON.parse makes it: an own "__proto__" key, which a careless merge would turn into prototype pollution.
  fc.constant(JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}')),
  huge
);

/** Mostly from the pool, sometimes any string (hostile, unicode, huge). */
const text = (pool: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...pool) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) }
  );

export const NAMES = ['web', 'db', 'web-0', 'node-a'];
export const NAMESPACES = ['shop', 'payments', 'default'];
const LABEL_KEYS = ['app', 'tier', 'app.kubernetes.io/name', 'kubernetes.io/service-name', 'node-role.kubernetes.io/x'];
const LABEL_VALUES = ['web', 'api', 'db', 'x', ''];

const name = text(NAMES);
const namespace = text(NAMESPACES);
/** A record whose every field may be absent, as in most of a Kubernetes object. */
const some = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(shape, { requiredKeys: [] });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const smallInt = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer());
const timestamp = fc.oneof(
  fc.constantFrom('2026-01-01T00:00:00Z', '2026-12-03T06:00:00Z', 'yesterday', ''),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
);
// Within what a cluster holds: a quantity string past Number's range ("1e400") parses to Infinity today, a known
// bug pinned in normalize.fuzz.test.ts rather than generated here.
const quantity = fc.oneof(
  fc.constantFrom('100m', '1', '1.5', '128Mi', '2Gi', '1e3', '-1', '0', 'abc', '', '9Ei', '1e18'),
  fc.integer(),
  fc.double({ min: -1e15, max: 1e15 })
);
const resourceList = some({
  cpu: quantity,
  memory: quantity,
  pods: quantity,
  'ephemeral-storage': quantity,
  'nvidia.com/gpu': quantity,
});
const anyLabels = fc.dictionary(text(LABEL_KEYS), text(LABEL_VALUES), { maxKeys: 4 });
// Mostly app=web|db, so that selectors (a Service's, a workload's, a monitor's) often match generated pods.
const labels = fc.oneof(
  { weight: 3, arbitrary: fc.record({ app: fc.constantFrom('web', 'db') }) },
  { weight: 2, arbitrary: fc.record({ app: fc.constantFrom('web', 'db'), tier: fc.constantFrom('x', '') }) },
  { weight: 2, arbitrary: anyLabels }
);
const annotations = fc.dictionary(
  fc.constantFrom('deployment.kubernetes.io/revision', 'kubectl.kubernetes.io/restartedAt', 'note', 'link'),
  fc.oneof(text(['3', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>']), huge),
  { maxKeys: 3 }
);
const selector = some({
  matchLabels: labels,
  matchExpressions: fc.array(
    fc.record({
      key: text(LABEL_KEYS),
      operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'),
      values: fc.array(text(LABEL_VALUES), { maxLength: 3 }),
    }),
    { maxLength: 2 }
  ),
});
const condition = (types: readonly string[]) =>
  fc.record(
    {
      type: fc.constantFrom(...types),
      status: fc.constantFrom('True', 'False', 'Unknown'),
      reason: text(['ProgressDeadlineExceeded', 'BackoffLimitExceeded', 'Unschedulable', 'KubeletReady']),
      message: text(['something happened']),
      lastTransitionTime: timestamp,
    },
    { requiredKeys: ['type', 'status'] }
  );
const conditions = (types: readonly string[]) => fc.array(condition(types), { maxLength: 4 });
const port = fc.oneof(fc.integer({ min: 1, max: 65535 }), text(['http', 'metrics', 'redis']));
const probeArb = fc.oneof(
  fc.record({ httpGet: fc.record({ port, path: text(['/healthz']) }), periodSeconds: smallInt }),
  fc.record({ tcpSocket: fc.record({ port }) }),
  fc.record({ exec: fc.record({ command: fc.array(fc.string(), { maxLength: 2 }) }) }),
  fc.record({ grpc: fc.record({ port }) })
);
const container = fc.record(
  {
    name: text(['app', 'sidecar', 'init']),
    image: text(['nginx:1.27', 'registry.example/app@sha256:abc', '<script>window.__pwned=1</script>']),
    ports: fc.array(
      fc.record({ containerPort: port, name: text(['http', 'metrics']), protocol: fc.constantFrom('TCP', 'UDP') }),
      { maxLength: 2 }
    ),
    resources: some({ requests: resourceList, limits: resourceList }),
    livenessProbe: probeArb,
    readinessProbe: probeArb,
    startupProbe: probeArb,
  },
  { requiredKeys: ['name'] }
);
const containers = fc.array(container, { maxLength: 3 });
const containerStatus = fc.record(
  {
    name: text(['app', 'sidecar', 'init']),
    ready: fc.boolean(),
    restartCount: smallInt,
    state: fc.oneof(
      fc.record({ running: fc.record({ startedAt: timestamp }) }),
      fc.record({
        waiting: fc.record({
          reason: text(['CrashLoopBackOff', 'ImagePullBackOff', 'ContainerCreating', 'CreateContainerConfigError']),
          message: text(['back-off restarting']),
        }),
      }),
      fc.record({ terminated: fc.record({ reason: text(['Completed', 'OOMKilled', 'Error']), exitCode: smallInt }) }),
      fc.constant({})
    ),
    lastState: fc.record({ terminated: fc.record({ reason: text(['OOMKilled']), exitCode: smallInt }) }),
  },
  { requiredKeys: ['name'] }
);
const template = some({
  metadata: some({ labels, annotations }),
  spec: fc.record({ containers }),
});
const replicaStatus = some({
  replicas: smallInt,
  readyReplicas: smallInt,
  availableReplicas: smallInt,
  updatedReplicas: smallInt,
  observedGeneration: smallInt,
  conditions: conditions(['Progressing', 'Available', 'ReplicaFailure']),
});
const objectRef = some({
  kind: fc.constantFrom(...KIND_NAMES, 'Widget'),
  name,
  namespace,
  uid: text(['uid-0', 'uid-1', 'uid-2']),
});
const loadBalancer = fc.record({
  ingress: fc.array(some({ ip: text(['10.0.0.9']), hostname: text(['lb.example']) })),
});
const monitorNamespaces = some({ any: fc.boolean(), matchNames: fc.array(namespace, { maxLength: 2 }) });

/** spec/status (and the kind's own top-level fields) of each kind. */
const BODIES: Record<KindName, fc.Arbitrary<RawJson>> = {
  Namespace: fc.record({ status: fc.record({ phase: text(['Active', 'Terminating']) }) }),
  Node: some({
    spec: some({
      unschedulable: fc.boolean(),
      taints: fc.array(fc.record({ key: text(LABEL_KEYS), effect: text(['NoSchedule']) }), { maxLength: 2 }),
    }),
    status: some({
      conditions: conditions(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']),
      capacity: resourceList,
      allocatable: resourceList,
      nodeInfo: fc.record({ kubeletVersion: text(['v1.34.2']) }),
      addresses: fc.array(fc.record({ type: fc.constantFrom('InternalIP', 'Hostname'), address: name })),
    }),
  }),
  Pod: some({
    spec: some({
      nodeName: name,
      containers,
      initContainers: containers,
      overhead: resourceList,
      volumes: fc.array(fc.record({ persistentVolumeClaim: fc.record({ claimName: name }) }), { maxLength: 2 }),
    }),
    status: some({
      phase: text(['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown']),
      conditions: conditions(['Ready', 'PodScheduled', 'ContainersReady']),
      containerStatuses: fc.array(containerStatus, { maxLength: 3 }),
      initContainerStatuses: fc.array(containerStatus, { maxLength: 1 }),
      podIP: text(['10.244.0.5']),
      startTime: timestamp,
      reason: text(['Evicted']),
    }),
  }),
  Service: some({
    spec: some({
      type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
      clusterIP: text(['10.96.0.10', 'None']),
      selector: labels,
      ports: fc.array(
        fc.record(
          { name: text(['http', 'metrics']), port, targetPort: port, nodePort: smallInt, protocol: text(['TCP']) },
          { requiredKeys: ['port'] }
        ),
        { maxLength: 3 }
      ),
    }),
    status: fc.record({ loadBalancer }),
  }),
  EndpointSlice: some({
    addressType: fc.constantFrom('IPv4', 'IPv6'),
    endpoints: fc.array(
      some({
        addresses: fc.array(text(['10.244.0.5'])),
        conditions: some({ ready: fc.boolean(), serving: fc.boolean() }),
        nodeName: name,
        targetRef: objectRef,
      }),
      { maxLength: 3 }
    ),
    ports: fc.array(fc.record({ name: text(['http']), port }), { maxLength: 2 }),
  }),
  Ingress: fc.record({
    spec: some({
      ingressClassName: text(['nginx']),
      rules: fc.array(
        some({
          host: text(['shop.example', '*.example', 'javascript:alert(1)']),
          http: fc.record({
            paths: fc.array(
              fc.record({
                path: text(['/', '/api', '/"><img src=x onerror=alert(1)>']),
                pathType: fc.constantFrom('Prefix', 'Exact', 'ImplementationSpecific'),
                backend: fc.record({
                  service: fc.record({
                    name,
                    port: fc.oneof(fc.record({ number: port }), fc.record({ name: text(['http']) })),
                  }),
                }),
              }),
              { maxLength: 2 }
            ),
          }),
        }),
        { maxLength: 2 }
      ),
      defaultBackend: fc.record({ service: fc.record({ name, port: fc.record({ number: port }) }) }),
      tls: fc.array(fc.record({ hosts: fc.array(text(['shop.example'])), secretName: name }), { maxLength: 1 }),
    }),
  }),
  Deployment: fc.record({
    spec: some({
      replicas: smallInt,
      selector,
      template,
      paused: fc.boolean(),
      strategy: fc.record({ type: text(['Recreate']) }),
    }),
    status: replicaStatus,
  }),
  ReplicaSet: fc.record({
    spec: some({ replicas: smallInt, selector, template }),
    status: replicaStatus,
  }),
  StatefulSet: fc.record({
    spec: some({
      replicas: smallInt,
      selector,
      template,
      serviceName: name,
      volumeClaimTemplates: fc.array(fc.record({ metadata: fc.record({ name }) }), { maxLength: 2 }),
    }),
    status: replicaStatus,
  }),
  DaemonSet: fc.record({
    spec: some({ selector, template }),
    status: some({
      desiredNumberScheduled: smallInt,
      currentNumberScheduled: smallInt,
      numberReady: smallInt,
      numberAvailable: smallInt,
      updatedNumberScheduled: smallInt,
      numberMisscheduled: smallInt,
    }),
  }),
  Job: fc.record({
    spec: some({ selector, template, completions: smallInt, parallelism: smallInt, suspend: fc.boolean() }),
    status: some({
      conditions: conditions(['Failed', 'Complete', 'Suspended']),
      active: smallInt,
      succeeded: smallInt,
      failed: smallInt,
      startTime: timestamp,
    }),
  }),
  CronJob: fc.record({
    spec: some({
      schedule: text(['*/5 * * * *']),
      suspend: fc.boolean(),
      timeZone: text(['Etc/UTC']),
      jobTemplate: fc.record({ spec: fc.record({ template }) }),
    }),
    status: some({ lastScheduleTime: timestamp, active: fc.array(objectRef, { maxLength: 2 }) }),
  }),
  HorizontalPodAutoscaler: fc.record({
    spec: some({
      scaleTargetRef: fc.record({ kind: fc.constantFrom('Deployment', 'StatefulSet', 'ReplicaSet', 'Widget'), name }),
      minReplicas: smallInt,
      maxReplicas: smallInt,
      metrics: fc.array(
        fc.record({
          type: text(['Resource', 'Pods', 'External', '__proto__', 'Constructor']),
          resource: fc.record({
            name: text(['cpu']),
            target: some({ averageUtilization: smallInt, averageValue: quantity }),
          }),
        }),
        { maxLength: 2 }
      ),
    }),
    status: some({
      conditions: conditions(['AbleToScale', 'ScalingActive']),
      currentReplicas: smallInt,
      currentMetrics: fc.array(fc.record({ resource: fc.record({ current: fc.record({ value: quantity }) }) })),
    }),
  }),
  PersistentVolumeClaim: fc.record({
    spec: some({
      storageClassName: text(['standard']),
      accessModes: fc.array(text(['ReadWriteOnce'])),
      resources: fc.record({ requests: fc.record({ storage: quantity }) }),
    }),
    status: fc.record({ phase: text(['Bound', 'Pending', 'Lost']), capacity: fc.record({ storage: quantity }) }),
  }),
  Event: some({
    type: fc.constantFrom('Normal', 'Warning'),
    reason: text(['BackOff', 'FailedScheduling', 'Unhealthy']),
    message: fc.oneof(text(['Back-off restarting failed container']), huge),
    involvedObject: objectRef,
    count: smallInt,
    firstTimestamp: timestamp,
    lastTimestamp: timestamp,
    eventTime: timestamp,
    series: fc.record({ count: smallInt, lastObservedTime: timestamp }),
    source: fc.record({ component: text(['kubelet']) }),
  }),
  ServiceMonitor: fc.record({
    spec: some({
      selector,
      namespaceSelector: monitorNamespaces,
      endpoints: fc.array(some({ port: text(['http', 'metrics']), targetPort: port })),
    }),
  }),
  PodMonitor: fc.record({
    spec: some({
      selector,
      namespaceSelector: monitorNamespaces,
      podMetricsEndpoints: fc.array(some({ port: text(['metrics']), portNumber: port })),
    }),
  }),
  Probe: fc.record({
    spec: some({
      targets: some({
        ingress: some({ selector, namespaceSelector: monitorNamespaces }),
        staticConfig: fc.record({ static: fc.array(text(['https://shop.example'])) }),
      }),
      prober: fc.record({ url: text(['blackbox:9115']) }),
      module: text(['http_2xx']),
    }),
  }),
  MetricsInstance: fc.record({
    spec: some({
      serviceMonitorSelector: selector,
      serviceMonitorNamespaceSelector: selector,
      podMonitorSelector: selector,
      podMonitorNamespaceSelector: selector,
      probeSelector: selector,
      probeNamespaceSelector: selector,
    }),
  }),
};

/** Index pairs into the cluster, resolved to ownerReferences once every object has its name and uid. */
const ownerPicks = fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 2 });

const draft = (kind: KindName) =>
  fc.record({
    kind: fc.constant(kind),
    body: BODIES[kind],
    name,
    // Rarely without a namespace: objects that share one are what selectors and named targets relate.
    namespace: KINDS[kind].namespaced ? fc.option(namespace, { nil: undefined, freq: 10 }) : fc.constant(undefined),
    // An EndpointSlice names its Service by label.
    labels: optional(
      kind === 'EndpointSlice'
        ? fc.record({ 'kubernetes.io/service-name': name, app: fc.constantFrom('web', 'db') })
        : labels
    ),
    annotations: optional(annotations),
    creationTimestamp: optional(timestamp),
    deletionTimestamp: fc.option(timestamp, { nil: undefined, freq: 8 }),
    generation: optional(smallInt),
    uid: fc.option(fc.constantFrom('uid-0', 'uid-1'), { nil: undefined, freq: 10 }),
    owners: ownerPicks,
    // Wrong types anywhere: up to three nodes of the finished object replaced by junk.
    corruptions: fc.array(fc.tuple(fc.nat(), junk), { maxLength: 3 }),
  });

type Draft = fc.Arbitrary<ReturnType<typeof draft> extends fc.Arbitrary<infer D> ? D : never>;

/**
 * `value` with its node number `index` (depth-first, root excluded, modulo the number of nodes) replaced by
 * `replacement`. The objects on the way there are copied, the rest shared: generated values are never edited, since
 * fast-check replays them when it shrinks a failure.
 */
function withNode(value: RawJson, index: number, replacement: unknown): RawJson {
  const nodes = countNodes(value);
  if (nodes === 0) {
    return value;
  }
  const target = index % nodes;
  let seen = 0;
  const visit = (node: Record<string, unknown>): Record<string, unknown> | undefined => {
    for (const key of Object.keys(node)) {
      if (seen++ === target) {
        return copyWith(node, key, replacement);
      }
      const child = node[key];
      const changed = typeof child === 'object' && child !== null ? visit(child as Record<string, unknown>) : undefined;
      if (changed) {
        return copyWith(node, key, changed);
      }
    }
    return undefined;
  };
  return visit(value) ?? value;
}

/** A shallow copy with one key set; defineProperty, so that a "__proto__" key stays an own property. */
function copyWith(node: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = Array.isArray(node) ? [...node] : { ...node };
  Object.defineProperty(copy, key, { value, writable: true, enumerable: true, configurable: true });
  return copy as Record<string, unknown>;
}

function countNodes(node: unknown): number {
  if (typeof node !== 'object' || node === null) {
    return 0;
  }
  return Object.values(node as Record<string, unknown>).reduce<number>((sum, v) => sum + 1 + countNodes(v), 0);
}

/** Objects of the given kinds that may reference each other: owners, selectors and named targets from shared pools. */
export function clusterArb(
  options: { kinds?: readonly KindName[]; minLength?: number; maxLength?: number } = {}
): fc.Arbitrary<Array<{ kind: KindName; raw: RawJson }>> {
  const kinds = options.kinds ?? KIND_NAMES;
  const drafts = fc.array(fc.oneof(...kinds.map(draft)) as Draft, {
    minLength: options.minLength ?? 0,
    maxLength: options.maxLength ?? 30,
  });
  return drafts.map((list) => {
    const objects = list.map((d, i) => ({
      kind: d.kind,
      raw: {
        apiVersion: KINDS[d.kind].group ? `${KINDS[d.kind].group}/${KINDS[d.kind].version}` : KINDS[d.kind].version,
        kind: d.kind,
        ...d.body,
        metadata: {
          name: d.name,
          namespace: d.namespace,
          uid: d.uid ?? `uid-${i}`,
          labels: d.labels,
          annotations: d.annotations,
          creationTimestamp: d.creationTimestamp,
          deletionTimestamp: d.deletionTimestamp,
          generation: d.generation,
          resourceVersion: String(i),
        } as RawJson,
      } as RawJson,
    }));
    list.forEach((d, i) => {
      const metadata = objects[i].raw.metadata as RawJson;
      if (d.owners.length > 0 && objects.length > 0) {
        metadata.ownerReferences = d.owners.map(([pick, controller]) => {
          const owner = objects[pick % objects.length];
          const ownerMeta = owner.raw.metadata as RawJson;
          return {
            apiVersion: owner.raw.apiVersion,
            kind: owner.kind,
            name: ownerMeta.name,
            uid: ownerMeta.uid,
            controller,
          };
        });
      }
    });
    return objects.map((o, i) => ({
      kind: o.kind,
      raw: list[i].corruptions.reduce((raw, [at, value]) => withNode(raw, at, value), o.raw),
    }));
  });
}
