/**
 * The simulated control plane: builds nodes, namespaces and workloads into the store and plays the controllers that
 * kubectl actions rely on (ReplicaSet/StatefulSet/DaemonSet pods, rollouts on template changes, replacements of deleted
 * pods, Endpoints/EndpointSlices, workload status) plus "time moves" (crash-looping restarts grow, pods churn).
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { ClusterStore, KubeObject, Json, ChangeEvent } from './store';
import { Random } from './random';
import { objectOf, ownerRef, isoSeconds, KUBE_VERSION, parseCpu, parseBytes } from './objects';

/** What a pod of a workload does; the planted problems of a scenario are pods with a non-healthy behaviour. */
export type PodBehavior = 'healthy' | 'crashloop' | 'imagepull' | 'unschedulable' | 'unready' | 'failed' | 'succeeded';

export interface ContainerSpec {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
  readinessPath?: string;
  livenessPath?: string;
  args?: string[];
}

export interface WorkloadSpec {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';
  namespace: string;
  name: string;
  replicas?: number;
  containers: ContainerSpec[];
  /** The first `count` pods get `behavior`, the others are healthy. */
  problem?: { behavior: PodBehavior; count: number };
  /** StatefulSet volumeClaimTemplate. */
  volumeClaim?: { name: string; size: string; storageClass?: string };
  ageSeconds: number;
  schedule?: string;
  /** DaemonSets: only nodes without the control-plane role. */
  workersOnly?: boolean;
  nodeSelector?: Record<string, string>;
  extraLabels?: Record<string, string>;
}

export interface NodeSpec {
  name: string;
  controlPlane?: boolean;
  cpu: number;
  memoryGi: number;
  notReady?: boolean;
  zone: string;
  instanceType: string;
  ageSeconds: number;
}

export interface Clock {
  /** Simulated now in ms since the epoch. */
  now(): number;
  readonly startedAt: number;
}

const CONTROLLER_RESOURCE: Record<string, string> = {
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  Deployment: 'deployments',
  CronJob: 'cronjobs',
};

const WORKLOAD_RESOURCE: Record<WorkloadSpec['kind'], string> = CONTROLLER_RESOURCE as Record<
  WorkloadSpec['kind'],
  string
>;

export interface SimulationOptions {
  seed: number;
  clock: Clock;
  /** Fraction of healthy ReplicaSet pods replaced per tick. */
  churn: number;
  /** Seconds between restarts of a crash-looping container. */
  crashLoopPeriodSeconds: number;
}

export class Simulation extends EventEmitter {
  readonly store: ClusterStore;
  readonly random: Random;
  readonly clock: Clock;
  private readonly behaviors = new Map<string, { behavior: PodBehavior; count: number }>();
  private readonly podBehavior = new Map<string, PodBehavior>();
  private readonly nodeIndex = new Map<string, number>();
  private readonly nextPodIp = new Map<string, number>();
  private nextServiceIp = 10;
  private timer: NodeJS.Timeout | undefined;
  private schedulable: KubeObject[] | undefined;
  /** True while a scenario is being built, so its objects get a history instead of looking brand new. */
  building = true;

  constructor(private readonly options: SimulationOptions) {
    super();
    this.random = new Random(options.seed);
    this.clock = options.clock;
    this.store = new ClusterStore(
      () => this.clock.now(),
      () => this.random.uid()
    );
    this.store.on('change', (change: ChangeEvent) => {
      if (change.resource === 'nodes') {
        this.schedulable = undefined;
      }
    });
  }

  private ago(seconds: number): number {
    return this.clock.now() - seconds * 1000;
  }

  // ---------- building ----------

  addNamespace(name: string, ageSeconds: number, labels: Record<string, string> = {}): void {
    this.store.create(
      'namespaces',
      objectOf('namespaces', undefined, name, {
        createdAt: this.ago(ageSeconds),
        labels: { 'kubernetes.io/metadata.name': name, ...labels },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      })
    );
  }

  addNode(spec: NodeSpec): void {
    const index = this.nodeIndex.size;
    this.nodeIndex.set(spec.name, index);
    const memoryKi = spec.memoryGi * 1024 * 1024;
    // A NotReady node's kubelet went silent when its memory ran out: its last heartbeat is that old.
    const heartbeat = isoSeconds(this.ago(spec.notReady ? 1400 : 12));
    const since = isoSeconds(this.ago(spec.ageSeconds - 30));
    const condition = (type: string, status: string, reason: string, message: string, transition = since) => ({
      type,
      status,
      lastHeartbeatTime: heartbeat,
      lastTransitionTime: transition,
      reason,
      message,
    });
    const pressureSince = isoSeconds(this.ago(1800));
    const ip = `10.0.${Math.floor(index / 250)}.${(index % 250) + 4}`;
    const node = this.store.create(
      'nodes',
      objectOf('nodes', undefined, spec.name, {
        createdAt: this.ago(spec.ageSeconds),
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': spec.name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': spec.instanceType,
          'topology.kubernetes.io/zone': spec.zone,
          ...(spec.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
        spec: {
          podCIDR: `10.244.${index}.0/24`,
          podCIDRs: [`10.244.${index}.0/24`],
          providerID: `sim://${spec.name}`,
          ...(spec.controlPlane
            ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
            : {}),
          ...(spec.notReady
            ? {
                taints: [
                  { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: pressureSince },
                  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: pressureSince },
                ],
              }
            : {}),
        },
        status: {
          capacity: {
            cpu: String(spec.cpu),
            'ephemeral-storage': '102626232Ki',
            'hugepages-2Mi': '0',
            memory: `${memoryKi}Ki`,
            pods: '110',
          },
          allocatable: {
            cpu: `${spec.cpu * 1000 - 100}m`,
            'ephemeral-storage': '94580335255',
            'hugepages-2Mi': '0',
            memory: `${memoryKi - 262144}Ki`,
            pods: '110',
          },
          conditions: spec.notReady
            ? [
                condition(
                  'MemoryPressure',
                  'True',
                  'KubeletHasInsufficientMemory',
                  'kubelet has insufficient memory available',
                  pressureSince
                ),
                condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
                condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
                condition(
                  'Ready',
                  'Unknown',
                  'NodeStatusUnknown',
                  'Kubelet stopped posting node status.',
                  pressureSince
                ),
              ]
            : [
                condition(
                  'MemoryPressure',
                  'False',
                  'KubeletHasSufficientMemory',
                  'kubelet has sufficient memory available'
                ),
                condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
                condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
                condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
              ],
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: spec.name },
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            machineID: this.random.uid().replace(/-/g, ''),
            systemUUID: this.random.uid(),
            bootID: this.random.uid(),
            kernelVersion: '6.1.0-28-cloud-amd64',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
            containerRuntimeVersion: 'containerd://1.7.24',
            kubeletVersion: KUBE_VERSION,
            kubeProxyVersion: KUBE_VERSION,
            operatingSystem: 'linux',
            architecture: 'amd64',
          },
        },
      })
    );
    this.addNodeLease(node, spec.notReady ? 1400 : 8);
  }

  /** The kubelet's heartbeat Lease (kube-node-lease), which `kubectl describe node` shows. */
  private addNodeLease(node: KubeObject, renewedSecondsAgo: number): void {
    const renewTime = new Date(this.ago(renewedSecondsAgo)).toISOString().replace('Z', '000Z');
    this.store.create(
      'leases',
      objectOf('leases', 'kube-node-lease', node.metadata.name, {
        createdAt: Date.parse(node.metadata.creationTimestamp),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }],
        spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime },
      })
    );
  }

  /** Nodes that take new pods: Ready workers (control-plane nodes are tainted). */
  private schedulableNodes(): KubeObject[] {
    // Asked once per new pod: cached until a node changes.
    this.schedulable ??= this.store.list('nodes').filter((n) => !isControlPlane(n) && !n.spec.taints?.length);
    return this.schedulable;
  }

  addWorkload(spec: WorkloadSpec): KubeObject {
    const resource = WORKLOAD_RESOURCE[spec.kind];
    if (spec.problem) {
      this.behaviors.set(`${resource}/${spec.namespace}/${spec.name}`, spec.problem);
    }
    const labels = { app: spec.name, 'app.kubernetes.io/name': spec.name, ...(spec.extraLabels ?? {}) };
    const template = {
      metadata: { labels: { ...labels } },
      spec: {
        containers: spec.containers.map(containerOf),
        restartPolicy: spec.kind === 'Job' || spec.kind === 'CronJob' ? 'OnFailure' : 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}),
        serviceAccountName: 'default',
        serviceAccount: 'default',
        securityContext: {},
        schedulerName: 'default-scheduler',
      },
    };
    const createdAt = this.ago(spec.ageSeconds);
    const selector = { matchLabels: { app: spec.name } };
    let body: Json;
    switch (spec.kind) {
      case 'Deployment':
        body = {
          spec: {
            replicas: spec.replicas ?? 1,
            selector,
            template,
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
            revisionHistoryLimit: 10,
            progressDeadlineSeconds: 600,
          },
          annotations: { 'deployment.kubernetes.io/revision': '1' },
        };
        break;
      case 'StatefulSet':
        body = {
          spec: {
            replicas: spec.replicas ?? 1,
            selector,
            template,
            serviceName: spec.name,
            podManagementPolicy: 'OrderedReady',
            updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
            revisionHistoryLimit: 10,
            persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
            ...(spec.volumeClaim
              ? {
                  volumeClaimTemplates: [
                    {
                      apiVersion: 'v1',
                      kind: 'PersistentVolumeClaim',
                      metadata: { name: spec.volumeClaim.name },
                      spec: {
                        accessModes: ['ReadWriteOnce'],
                        resources: { requests: { storage: spec.volumeClaim.size } },
                        storageClassName: spec.volumeClaim.storageClass ?? 'standard',
                        volumeMode: 'Filesystem',
                      },
                    },
                  ],
                }
              : {}),
          },
        };
        break;
      case 'DaemonSet':
        body = {
          spec: {
            selector,
            template: spec.workersOnly
              ? template
              : {
                  ...template,
                  spec: { ...template.spec, tolerations: [{ operator: 'Exists' }] },
                },
            updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
            revisionHistoryLimit: 10,
          },
        };
        break;
      case 'Job':
        body = { spec: jobSpec(template, labels) };
        break;
      case 'CronJob':
        body = {
          spec: {
            schedule: spec.schedule ?? '0 2 * * *',
            concurrencyPolicy: 'Forbid',
            suspend: false,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 1,
            jobTemplate: { metadata: {}, spec: jobSpec(template, labels) },
          },
        };
        break;
    }
    const workload = this.store.create(
      resource,
      objectOf(resource, spec.namespace, spec.name, { createdAt, labels, ...body, status: {} })
    );
    this.setGeneration(resource, workload);
    if (spec.kind === 'CronJob') {
      // The scheduled run: a Job the CronJob owns, named after its schedule time in minutes.
      const runAt = this.ago(Math.min(spec.ageSeconds, 3600 * 6));
      const jobName = `${spec.name}-${Math.floor(runAt / 60000)}`;
      const job = this.store.create(
        'jobs',
        objectOf('jobs', spec.namespace, jobName, {
          createdAt: runAt,
          labels: { ...labels, 'batch.kubernetes.io/job-name': jobName, 'job-name': jobName },
          ownerReferences: [ownerRef(workload)],
          annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': isoSeconds(runAt) },
          spec: structuredClone(workload.spec.jobTemplate.spec),
          status: {},
        })
      );
      if (spec.problem) {
        this.behaviors.set(`jobs/${spec.namespace}/${jobName}`, spec.problem);
      }
      this.reconcile('jobs', spec.namespace, jobName);
    }
    this.reconcile(resource, spec.namespace, spec.name);
    return this.store.get(resource, spec.namespace, spec.name)!;
  }

  private setGeneration(resource: string, object: KubeObject): void {
    this.store.modify(resource, object.metadata.namespace, object.metadata.name, (copy) => {
      copy.metadata.generation = 1;
    });
  }

  addService(
    namespace: string,
    name: string,
    selector: Record<string, string>,
    ports: Array<{ name?: string; port: number; targetPort: number | string; protocol?: string; nodePort?: number }>,
    options: { type?: string; ageSeconds: number; headless?: boolean; labels?: Record<string, string> }
  ): void {
    const ip = options.headless
      ? 'None'
      : `10.96.${Math.floor(this.nextServiceIp / 250)}.${this.nextServiceIp++ % 250}`;
    const type = options.type ?? 'ClusterIP';
    this.store.create(
      'services',
      objectOf('services', namespace, name, {
        createdAt: this.ago(options.ageSeconds),
        labels: options.labels ?? { app: name },
        spec: {
          type,
          selector,
          clusterIP: ip,
          clusterIPs: [ip],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
          sessionAffinity: 'None',
          ...(type === 'LoadBalancer' || type === 'NodePort' ? { externalTrafficPolicy: 'Cluster' } : {}),
          ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
        },
        status:
          type === 'LoadBalancer' ? { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } : { loadBalancer: {} },
      })
    );
    this.refreshEndpoints(namespace, name);
  }

  addIngress(
    namespace: string,
    name: string,
    host: string,
    paths: Array<{ path: string; service: string; port: string | number }>,
    ageSeconds: number,
    tlsSecret?: string
  ): void {
    this.store.create(
      'ingresses',
      objectOf('ingresses', namespace, name, {
        createdAt: this.ago(ageSeconds),
        labels: { app: name },
        spec: {
          ingressClassName: 'nginx',
          ...(tlsSecret ? { tls: [{ hosts: [host], secretName: tlsSecret }] } : {}),
          rules: [
            {
              host,
              http: {
                paths: paths.map((p) => ({
                  path: p.path,
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: p.service,
                      port: typeof p.port === 'number' ? { number: p.port } : { name: p.port },
                    },
                  },
                })),
              },
            },
          ],
        },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.20' }] } },
      })
    );
  }

  addHpa(
    namespace: string,
    name: string,
    target: string,
    min: number,
    max: number,
    cpuPercent: number,
    ageSeconds: number
  ): void {
    const deployment = this.store.get('deployments', namespace, target);
    const current = deployment?.spec.replicas ?? min;
    this.store.create(
      'horizontalpodautoscalers',
      objectOf('horizontalpodautoscalers', namespace, name, {
        createdAt: this.ago(ageSeconds),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
          minReplicas: min,
          maxReplicas: max,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuPercent } },
            },
          ],
        },
        status: {
          currentReplicas: current,
          desiredReplicas: current,
          lastScaleTime: isoSeconds(this.ago(Math.min(ageSeconds, 5400))),
          currentMetrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', current: { averageUtilization: cpuPercent - 12, averageValue: '84m' } },
            },
          ],
          conditions: [
            {
              type: 'AbleToScale',
              status: 'True',
              lastTransitionTime: isoSeconds(this.ago(ageSeconds)),
              reason: 'ReadyForNewScale',
              message: 'recommended size matches current size',
            },
            {
              type: 'ScalingActive',
              status: 'True',
              lastTransitionTime: isoSeconds(this.ago(ageSeconds)),
              reason: 'ValidMetricFound',
              message:
                'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
            },
            {
              type: 'ScalingLimited',
              status: 'False',
              lastTransitionTime: isoSeconds(this.ago(ageSeconds)),
              reason: 'DesiredWithinRange',
              message: 'the desired count is within the acceptable range',
            },
          ],
        },
      })
    );
  }

  addPvc(namespace: string, name: string, size: string, ageSeconds: number, labels?: Record<string, string>): void {
    this.store.create(
      'persistentvolumeclaims',
      objectOf('persistentvolumeclaims', namespace, name, {
        createdAt: this.ago(ageSeconds),
        labels,
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: size } },
          storageClassName: 'standard',
          volumeMode: 'Filesystem',
          volumeName: `pvc-${this.random.uid()}`,
        },
        status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } },
      })
    );
  }

  /** A core/v1 Event about an object, the shape `kubectl describe` and `kubectl get events` read. */
  addEvent(
    involved: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    options: {
      count?: number;
      firstSecondsAgo: number;
      lastSecondsAgo?: number;
      component?: string;
      fieldPath?: string;
    }
  ): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const name = `${involved.metadata.name}.${(this.clock.now() * 1000 + this.random.int(0, 999999)).toString(16)}`;
    const component = options.component ?? 'kubelet';
    this.store.create(
      'events',
      objectOf('events', namespace, name, {
        createdAt: this.ago(options.firstSecondsAgo),
        involvedObject: {
          kind: involved.kind,
          namespace: involved.metadata.namespace,
          name: involved.metadata.name,
          uid: involved.metadata.uid,
          apiVersion: involved.apiVersion,
          resourceVersion: involved.metadata.resourceVersion,
          ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}),
        },
        reason,
        message,
        source: {
          component,
          ...(component === 'kubelet' && involved.spec?.nodeName ? { host: involved.spec.nodeName } : {}),
        },
        firstTimestamp: isoSeconds(this.ago(options.firstSecondsAgo)),
        lastTimestamp: isoSeconds(this.ago(options.lastSecondsAgo ?? options.firstSecondsAgo)),
        count: options.count ?? 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: component === 'kubelet' ? (involved.spec?.nodeName ?? '') : '',
      })
    );
  }

  /** Plants a problem in a workload's pods (the first `count` pods get `behavior`); call before its first reconcile. */
  setProblem(
    resource: string,
    namespace: string,
    name: string,
    problem: { behavior: PodBehavior; count: number }
  ): void {
    this.behaviors.set(`${resource}/${namespace}/${name}`, problem);
  }

  // ---------- controllers ----------

  /** Brings a workload's children and status in line with its spec (the controllers' job). */
  reconcile(resource: string, namespace: string, name: string): void {
    const workload = this.store.get(resource, namespace, name);
    if (!workload) {
      return;
    }
    switch (resource) {
      case 'deployments':
        this.reconcileDeployment(workload);
        break;
      case 'replicasets':
        this.reconcilePods(workload, workload.spec.replicas ?? 1);
        this.updateReplicaSetStatus(workload);
        break;
      case 'statefulsets':
        this.reconcilePods(workload, workload.spec.replicas ?? 1);
        this.updateStatefulSetStatus(workload);
        break;
      case 'daemonsets':
        this.reconcilePods(workload, 0);
        this.updateDaemonSetStatus(workload);
        break;
      case 'jobs':
        this.reconcilePods(workload, 1);
        this.updateJobStatus(workload);
        break;
      case 'cronjobs':
        this.updateCronJobStatus(workload);
        break;
      case 'pods':
        if (!workload.status?.phase) {
          this.startBarePod(workload);
        }
        break;
    }
  }

  private reconcileDeployment(deployment: KubeObject): void {
    const { namespace, name } = deployment.metadata;
    const hash = templateHash(deployment.spec.template);
    const owned = this.store
      .list('replicasets', namespace)
      .filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === deployment.metadata.uid);
    let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const revision = Math.max(
      0,
      ...owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0))
    );
    if (!current) {
      const rsName = `${name}-${hash}`;
      const template = structuredClone(deployment.spec.template);
      template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
      current = this.store.create(
        'replicasets',
        objectOf('replicasets', namespace, rsName, {
          createdAt: owned.length ? this.clock.now() : Date.parse(deployment.metadata.creationTimestamp),
          labels: { ...deployment.spec.template.metadata.labels, 'pod-template-hash': hash },
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas),
            'deployment.kubernetes.io/max-replicas': String(deployment.spec.replicas + 1),
            'deployment.kubernetes.io/revision': String(revision + 1),
          },
          ownerReferences: [ownerRef(deployment)],
          spec: {
            replicas: deployment.spec.replicas,
            selector: { matchLabels: { ...deployment.spec.selector.matchLabels, 'pod-template-hash': hash } },
            template,
          },
          status: { replicas: 0 },
        })
      );
      const key = `deployments/${namespace}/${name}`;
      const problem = this.behaviors.get(key);
      if (problem) {
        this.behaviors.set(`replicasets/${namespace}/${rsName}`, problem);
      }
      this.store.modify('deployments', namespace, name, (copy) => {
        copy.metadata.annotations = {
          ...copy.metadata.annotations,
          'deployment.kubernetes.io/revision': String(revision + 1),
        };
      });
    }
    for (const rs of owned) {
      const desired = rs === current ? deployment.spec.replicas : 0;
      if (rs.spec.replicas !== desired) {
        this.store.modify('replicasets', namespace, rs.metadata.name, (copy) => {
          copy.spec.replicas = desired;
          copy.metadata.generation = (copy.metadata.generation ?? 1) + 1;
          copy.metadata.annotations = {
            ...copy.metadata.annotations,
            'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas),
          };
        });
      }
      this.reconcile('replicasets', namespace!, rs.metadata.name);
    }
    if (!owned.includes(current)) {
      this.reconcile('replicasets', namespace!, current.metadata.name);
    }
    this.updateDeploymentStatus(this.store.get('deployments', namespace, name)!);
  }

  private podsOf(owner: KubeObject): KubeObject[] {
    return this.store
      .list('pods', owner.metadata.namespace)
      .filter((p) => p.metadata.ownerReferences?.[0]?.uid === owner.metadata.uid);
  }

  /** Creates or deletes pods until the owner has `replicas` (DaemonSets: one per eligible node). */
  private reconcilePods(owner: KubeObject, replicas: number): void {
    let pods = this.podsOf(owner);
    if (owner.kind === 'DaemonSet' || owner.kind === 'StatefulSet') {
      // Pods of an older template are replaced (all at once: the simulator does not stage rollouts).
      const revision = revisionOf(owner);
      for (const stale of pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== revision)) {
        this.removePod(stale);
      }
      pods = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision);
    }
    if (owner.kind === 'DaemonSet') {
      const tolerates = owner.spec.template.spec.tolerations?.some((t: Json) => t.operator === 'Exists');
      const nodes = this.store
        .list('nodes')
        .filter((n) => tolerates || !isControlPlane(n))
        .filter((n) => matchesNodeSelector(n, owner.spec.template.spec.nodeSelector));
      for (const node of nodes) {
        if (!pods.some((p) => p.spec.nodeName === node.metadata.name)) {
          this.createPod(owner, `${owner.metadata.name}-${this.random.suffix(5)}`, node.metadata.name);
        }
      }
      return;
    }
    if (owner.kind === 'StatefulSet') {
      for (let ordinal = 0; ordinal < replicas; ordinal++) {
        const podName = `${owner.metadata.name}-${ordinal}`;
        if (!pods.some((p) => p.metadata.name === podName)) {
          this.createPod(owner, podName);
        }
      }
      for (const pod of pods) {
        if (Number(pod.metadata.name.slice(owner.metadata.name.length + 1)) >= replicas) {
          this.removePod(pod);
        }
      }
      return;
    }
    if (owner.kind === 'Job') {
      if (pods.length === 0 && !owner.status?.completionTime && !owner.status?.failed) {
        this.createPod(owner, `${owner.metadata.name}-${this.random.suffix(5)}`);
      }
      return;
    }
    for (let i = pods.length; i < replicas; i++) {
      this.createPod(owner, `${owner.metadata.name}-${this.random.suffix(5)}`);
    }
    // Newest first, as the ReplicaSet controller prefers deleting the youngest pods.
    const surplus = pods.slice().sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? 1 : -1));
    for (const pod of surplus.slice(0, Math.max(0, pods.length - replicas))) {
      this.removePod(pod);
    }
  }

  private behaviorFor(owner: KubeObject): PodBehavior {
    const problem = this.behaviors.get(
      `${CONTROLLER_RESOURCE[owner.kind]}/${owner.metadata.namespace}/${owner.metadata.name}`
    );
    if (!problem) {
      return 'healthy';
    }
    const affected = this.podsOf(owner).filter((p) => this.podBehavior.get(podKey(p)) === problem.behavior).length;
    return affected < problem.count ? problem.behavior : 'healthy';
  }

  private pickNode(owner: KubeObject): string {
    const nodes = this.schedulableNodes().filter((n) => matchesNodeSelector(n, owner.spec.template.spec.nodeSelector));
    return nodes.length ? this.random.pick(nodes).metadata.name : '';
  }

  private allocatePodIp(nodeName: string): string {
    const index = this.nodeIndex.get(nodeName) ?? 0;
    const next = (this.nextPodIp.get(nodeName) ?? 2) + 1;
    this.nextPodIp.set(nodeName, next > 250 ? 3 : next);
    return `10.244.${index}.${next}`;
  }

  /** A pod as its controller and the kubelet would have made it, with status following its behaviour. */
  private createPod(owner: KubeObject, name: string, nodeName?: string): KubeObject {
    const behavior = this.behaviorFor(owner);
    const namespace = owner.metadata.namespace!;
    const template = owner.spec.template ?? owner.spec.jobTemplate?.spec.template;
    const node = behavior === 'unschedulable' ? '' : (nodeName ?? this.pickNode(owner));
    const ownerCreated = Date.parse(owner.metadata.creationTimestamp);
    // Pods of the initial state have lived a while; later ones (replacements, scale-ups) are new.
    const createdAt = this.building
      ? Math.max(ownerCreated + 5000, this.clock.now() - this.random.int(1800, 12 * 86400) * 1000)
      : this.clock.now();
    const labels: Record<string, string> = { ...template.metadata.labels };
    if (owner.kind === 'StatefulSet') {
      labels['apps.kubernetes.io/pod-index'] = name.slice(owner.metadata.name.length + 1);
      labels['controller-revision-hash'] = revisionOf(owner);
      labels['statefulset.kubernetes.io/pod-name'] = name;
    }
    if (owner.kind === 'DaemonSet') {
      labels['controller-revision-hash'] = revisionOf(owner);
      labels['pod-template-generation'] = String(owner.metadata.generation ?? 1);
    }
    if (owner.kind === 'Job') {
      labels['batch.kubernetes.io/controller-uid'] = owner.metadata.uid;
      labels['batch.kubernetes.io/job-name'] = owner.metadata.name;
      labels['job-name'] = owner.metadata.name;
    }
    const tokenVolume = `kube-api-access-${this.random.suffix(5)}`;
    const spec = structuredClone(template.spec);
    spec.containers = spec.containers.map((c: Json) => ({
      ...c,
      volumeMounts: [
        ...(c.volumeMounts ?? []),
        { name: tokenVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      ],
    }));
    const claimVolumes = (owner.spec.volumeClaimTemplates ?? []).map((t: Json) => ({
      name: t.metadata.name,
      persistentVolumeClaim: { claimName: `${t.metadata.name}-${name}` },
    }));
    const tolerations = [
      ...(spec.tolerations ?? []),
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ];
    const pod = objectOf('pods', namespace, name, {
      createdAt,
      labels,
      ...(owner.kind === 'StatefulSet' || owner.kind === 'Job' ? {} : { generateName: `${owner.metadata.name}-` }),
      ownerReferences: [ownerRef(owner)],
      spec: {
        ...spec,
        volumes: [
          ...claimVolumes,
          {
            name: tokenVolume,
            projected: {
              sources: [
                { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                {
                  downwardAPI: {
                    items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
                  },
                },
              ],
              defaultMode: 420,
            },
          },
        ],
        ...(node ? { nodeName: node } : {}),
        ...(owner.kind === 'StatefulSet' ? { hostname: name, subdomain: owner.spec.serviceName } : {}),
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        tolerations,
      },
      status: {},
    });
    if ((pod as Json).generateName) {
      pod.metadata.generateName = (pod as Json).generateName;
      delete (pod as Json).generateName;
    }
    pod.status = this.podStatus(pod, behavior, node ? this.allocatePodIp(node) : '', createdAt);
    this.podBehavior.set(podKey(pod), behavior);
    const created = this.store.create('pods', pod);
    if (owner.kind === 'StatefulSet') {
      for (const claim of claimVolumes) {
        const claimName = claim.persistentVolumeClaim.claimName;
        if (!this.store.get('persistentvolumeclaims', namespace, claimName)) {
          const size = owner.spec.volumeClaimTemplates.find((t: Json) => t.metadata.name === claim.name).spec.resources
            .requests.storage;
          this.addPvc(namespace, claimName, size, (this.clock.now() - createdAt) / 1000, { app: owner.metadata.name });
        }
      }
    }
    this.markServicesDirty(namespace);
    return created;
  }

  private podStatus(pod: KubeObject, behavior: PodBehavior, podIp: string, createdAt: number): Json {
    const started = createdAt + 2000;
    const startedIso = isoSeconds(started);
    const createdIso = isoSeconds(createdAt);
    const nodeName: string | undefined = pod.spec.nodeName;
    const hostIp = nodeName ? this.nodeIp(nodeName) : undefined;
    const cond = (type: string, status: boolean, at = startedIso, reason?: string, message?: string) => ({
      type,
      status: status ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: at,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    });
    const qosClass = qosOf(pod.spec.containers);
    if (behavior === 'unschedulable') {
      return {
        phase: 'Pending',
        conditions: [cond('PodScheduled', false, createdIso, 'Unschedulable', this.unschedulableMessage())],
        qosClass,
      };
    }
    const ready = behavior === 'healthy';
    const terminal = behavior === 'failed' || behavior === 'succeeded';
    const phase =
      behavior === 'imagepull'
        ? 'Pending'
        : behavior === 'failed'
          ? 'Failed'
          : behavior === 'succeeded'
            ? 'Succeeded'
            : 'Running';
    const containerStatuses = pod.spec.containers.map((c: Json, index: number) => {
      const base = {
        name: c.name,
        image: c.image,
        imageID:
          behavior === 'imagepull'
            ? ''
            : `${c.image.split(':')[0]}@sha256:${createHash('sha256').update(c.image).digest('hex')}`,
        ...(behavior === 'imagepull'
          ? {}
          : {
              containerID: `containerd://${createHash('sha256').update(`${pod.metadata.name}/${c.name}`).digest('hex')}`,
            }),
        started: !terminal && behavior !== 'imagepull' && behavior !== 'crashloop',
        volumeMounts: c.volumeMounts?.map((m: Json) => ({
          name: m.name,
          mountPath: m.mountPath,
          ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
        })),
      };
      if (index > 0 || behavior === 'healthy' || behavior === 'unready') {
        return {
          ...base,
          ready: behavior === 'healthy' || index > 0,
          restartCount: 0,
          state: { running: { startedAt: startedIso } },
          lastState: {},
          started: true,
        };
      }
      const finished = (exitCode: number, reason: string, runMs: number) => ({
        ...base,
        ready: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode,
            reason,
            startedAt: startedIso,
            finishedAt: isoSeconds(started + runMs),
            containerID: base.containerID,
          },
        },
        lastState: {},
      });
      switch (behavior) {
        case 'crashloop': {
          const restarts = this.random.int(9, 20);
          const lastFinished = this.clock.now() - this.random.int(5, 40) * 1000;
          return {
            ...base,
            ready: false,
            restartCount: restarts,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 5m0s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
              },
            },
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'OOMKilled',
                startedAt: isoSeconds(lastFinished - 25000),
                finishedAt: isoSeconds(lastFinished),
                containerID: base.containerID,
              },
            },
          };
        }
        case 'imagepull':
          return {
            ...base,
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } },
            lastState: {},
          };
        case 'failed':
          return finished(1, 'Error', 41000);
        default:
          return finished(0, 'Completed', 17000);
      }
    });
    // Why Ready and ContainersReady are False, as the kubelet words it.
    const notReady: [string?, string?] = ready
      ? []
      : terminal
        ? ['PodCompleted']
        : ['ContainersNotReady', `containers with unready status: [${pod.spec.containers[0].name}]`];
    return {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', behavior !== 'failed' && behavior !== 'succeeded'),
        cond('Initialized', true, createdIso),
        cond('Ready', ready, startedIso, ...notReady),
        cond('ContainersReady', ready, startedIso, ...notReady),
        cond('PodScheduled', true, createdIso),
      ],
      hostIP: hostIp,
      hostIPs: [{ ip: hostIp }],
      podIP: podIp,
      podIPs: [{ ip: podIp }],
      startTime: createdIso,
      containerStatuses,
      qosClass,
    };
  }

  /** A pod created without a controller: the scheduler and kubelet give it a node and a status. */
  private startBarePod(pod: KubeObject): void {
    const { namespace, name } = pod.metadata;
    const problem = this.behaviors.get(`pods/${namespace}/${name}`)?.behavior ?? 'healthy';
    const nodes = this.schedulableNodes().filter((n) => matchesNodeSelector(n, pod.spec.nodeSelector));
    const node =
      problem === 'unschedulable'
        ? ''
        : (pod.spec.nodeName ?? (nodes.length ? this.random.pick(nodes).metadata.name : ''));
    this.podBehavior.set(podKey(pod), problem);
    this.store.modify('pods', namespace, name, (copy) => {
      if (node) {
        copy.spec.nodeName = node;
      }
      copy.status = this.podStatus(
        copy,
        problem,
        node ? this.allocatePodIp(node) : '',
        Date.parse(copy.metadata.creationTimestamp)
      );
    });
    this.markServicesDirty(namespace!);
  }

  private unschedulableMessage(): string {
    const nodes = this.store.list('nodes');
    const controlPlanes = nodes.filter(isControlPlane).length;
    const tainted = nodes.filter((n) =>
      n.spec.taints?.some((t: Json) => t.key === 'node.kubernetes.io/memory-pressure')
    ).length;
    const others = nodes.length - controlPlanes - tainted;
    const parts = [
      ...(controlPlanes
        ? [`${controlPlanes} node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }`]
        : []),
      ...(tainted ? [`${tainted} node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }`] : []),
      ...(others ? [`${others} Insufficient memory`] : []),
    ];
    return `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${controlPlanes + tainted} Preemption is not helpful for scheduling, ${others} No preemption victims found for incoming pod.`;
  }

  private nodeIp(nodeName: string): string {
    const node = this.store.get('nodes', undefined, nodeName);
    return node?.status.addresses.find((a: Json) => a.type === 'InternalIP')?.address ?? '';
  }

  behaviorOf(pod: KubeObject): PodBehavior {
    return this.podBehavior.get(podKey(pod)) ?? 'healthy';
  }

  private removePod(pod: KubeObject): void {
    this.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    this.podBehavior.delete(podKey(pod));
    this.markServicesDirty(pod.metadata.namespace!);
  }

  /** DELETE of a pod: it goes away and its controller makes a replacement, as on a real cluster. */
  deletePod(namespace: string, name: string): KubeObject | undefined {
    const pod = this.store.get('pods', namespace, name);
    if (!pod) {
      return undefined;
    }
    const deletedAt = isoSeconds(this.clock.now() + 30000);
    const terminating = this.store.modify('pods', namespace, name, (copy) => {
      copy.metadata.deletionTimestamp = deletedAt;
      copy.metadata.deletionGracePeriodSeconds = 30;
    })!;
    this.removePod(terminating);
    const owner = pod.metadata.ownerReferences?.[0];
    if (owner && CONTROLLER_RESOURCE[owner.kind]) {
      this.reconcile(CONTROLLER_RESOURCE[owner.kind], namespace, owner.name);
      this.reconcileParentOf(CONTROLLER_RESOURCE[owner.kind], namespace, owner.name);
    }
    this.settle();
    return terminating;
  }

  /** After a ReplicaSet changes, its Deployment's status follows. */
  reconcileParentOf(resource: string, namespace: string, name: string): void {
    const parent = this.store.get(resource, namespace, name)?.metadata.ownerReferences?.[0];
    if (parent && CONTROLLER_RESOURCE[parent.kind] === 'deployments') {
      this.updateDeploymentStatus(this.store.get('deployments', namespace, parent.name)!);
    }
  }

  // ---------- status ----------

  private readiness(owner: KubeObject): { total: number; ready: number; current: number } {
    const pods = this.podsOf(owner);
    const ready = pods.filter((p) =>
      p.status.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True')
    ).length;
    return { total: pods.length, ready, current: pods.length };
  }

  private updateReplicaSetStatus(rs: KubeObject): void {
    const { total, ready } = this.readiness(rs);
    this.setStatus(
      'replicasets',
      rs,
      omitZero(
        {
          replicas: total,
          fullyLabeledReplicas: total,
          readyReplicas: ready,
          availableReplicas: ready,
          observedGeneration: rs.metadata.generation ?? 1,
        },
        ['replicas']
      )
    );
  }

  private updateDeploymentStatus(deployment: KubeObject): void {
    const { namespace } = deployment.metadata;
    const sets = this.store
      .list('replicasets', namespace)
      .filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === deployment.metadata.uid);
    const hash = templateHash(deployment.spec.template);
    let total = 0;
    let ready = 0;
    let updated = 0;
    for (const rs of sets) {
      const r = this.readiness(rs);
      total += r.total;
      ready += r.ready;
      if (rs.metadata.labels?.['pod-template-hash'] === hash) {
        updated += r.total;
      }
    }
    const desired = deployment.spec.replicas ?? 1;
    const minAvailable = desired - Math.floor(desired * 0.25);
    const available = ready >= minAvailable;
    const created = deployment.metadata.creationTimestamp;
    const currentRs = `${deployment.metadata.name}-${hash}`;
    const previous = deployment.status?.conditions ?? [];
    const since = (type: string, status: string) =>
      previous.find((c: Json) => c.type === type && c.status === status)?.lastTransitionTime ??
      isoSeconds(this.clock.now());
    this.setStatus('deployments', deployment, {
      observedGeneration: deployment.metadata.generation ?? 1,
      ...omitZero(
        {
          replicas: total,
          updatedReplicas: updated,
          readyReplicas: ready,
          availableReplicas: ready,
          unavailableReplicas: Math.max(0, total - ready),
        },
        []
      ),
      conditions: [
        {
          type: 'Available',
          status: available ? 'True' : 'False',
          lastUpdateTime: previous.length ? since('Available', available ? 'True' : 'False') : created,
          lastTransitionTime: previous.length ? since('Available', available ? 'True' : 'False') : created,
          reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: available
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: previous.length ? since('Progressing', 'True') : created,
          lastTransitionTime: created,
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${currentRs}" has successfully progressed.`,
        },
      ],
    });
  }

  private updateStatefulSetStatus(sts: KubeObject): void {
    const { total, ready } = this.readiness(sts);
    const revision = revisionOf(sts);
    this.setStatus('statefulsets', sts, {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: total,
      ...omitZero(
        { readyReplicas: ready, currentReplicas: total, updatedReplicas: total, availableReplicas: ready },
        []
      ),
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  private updateDaemonSetStatus(ds: KubeObject): void {
    const { total, ready } = this.readiness(ds);
    this.setStatus('daemonsets', ds, {
      currentNumberScheduled: total,
      numberMisscheduled: 0,
      desiredNumberScheduled: total,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
      ...omitZero({ updatedNumberScheduled: total, numberAvailable: ready, numberUnavailable: total - ready }, []),
    });
  }

  private updateJobStatus(job: KubeObject): void {
    const pods = this.podsOf(job);
    const failed = pods.filter((p) => p.status.phase === 'Failed').length;
    const succeeded = pods.filter((p) => p.status.phase === 'Succeeded').length;
    const active = pods.length - failed - succeeded;
    const start = job.metadata.creationTimestamp;
    const end = isoSeconds(Date.parse(start) + 45000);
    const condition = (type: string, reason?: string, message?: string) => ({
      type,
      status: 'True',
      lastProbeTime: end,
      lastTransitionTime: end,
      ...(reason ? { reason, message } : {}),
    });
    this.setStatus('jobs', job, {
      startTime: start,
      ...omitZero({ active, failed, succeeded }, []),
      ...(succeeded ? { completionTime: end } : {}),
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      ...(failed
        ? {
            conditions: [
              condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
              condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
            ],
          }
        : succeeded
          ? {
              conditions: [
                condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
                condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
              ],
            }
          : {}),
    });
  }

  private updateCronJobStatus(cronJob: KubeObject): void {
    const jobs = this.store
      .list('jobs', cronJob.metadata.namespace)
      .filter((j) => j.metadata.ownerReferences?.[0]?.uid === cronJob.metadata.uid);
    const last = jobs
      .map((j) => j.metadata.creationTimestamp)
      .sort()
      .pop();
    const succeeded = jobs
      .filter((j) => j.status?.succeeded)
      .map((j) => j.status.completionTime)
      .sort()
      .pop();
    this.setStatus('cronjobs', cronJob, {
      ...(last ? { lastScheduleTime: last } : {}),
      ...(succeeded ? { lastSuccessfulTime: succeeded } : {}),
    });
  }

  private setStatus(resource: string, object: KubeObject, status: Json): void {
    const current = this.store.get(resource, object.metadata.namespace, object.metadata.name);
    if (current && JSON.stringify(current.status) !== JSON.stringify(status)) {
      this.store.modify(resource, object.metadata.namespace, object.metadata.name, (copy) => {
        copy.status = status;
      });
    }
  }

  // ---------- endpoints ----------

  private readonly dirtyNamespaces = new Set<string>();

  private markServicesDirty(namespace: string): void {
    this.dirtyNamespaces.add(namespace);
  }

  /** Recomputes Endpoints/EndpointSlices of namespaces whose pods changed. Call after a batch of changes. */
  settle(): void {
    for (const namespace of this.dirtyNamespaces) {
      for (const service of this.store.list('services', namespace)) {
        this.refreshEndpoints(namespace, service.metadata.name);
      }
    }
    this.dirtyNamespaces.clear();
  }

  private refreshEndpoints(namespace: string, name: string): void {
    const service = this.store.get('services', namespace, name);
    if (!service?.spec.selector) {
      return;
    }
    const pods = this.store
      .list('pods', namespace)
      .filter((p) => p.status.podIP && matchesLabels(p.metadata.labels, service.spec.selector));
    const isReady = (p: KubeObject) =>
      p.status.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True');
    const address = (p: KubeObject) => ({
      ip: p.status.podIP,
      nodeName: p.spec.nodeName,
      targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
    });
    const targetPort = (port: Json, p?: KubeObject): number => {
      if (typeof port.targetPort === 'number') {
        return port.targetPort;
      }
      const named = p?.spec.containers
        .flatMap((c: Json) => c.ports ?? [])
        .find((cp: Json) => cp.name === port.targetPort);
      return named?.containerPort ?? port.port;
    };
    const ports = service.spec.ports.map((port: Json) => ({
      name: port.name,
      port: targetPort(port, pods[0]),
      protocol: port.protocol,
    }));
    const ready = pods.filter(isReady);
    const notReady = pods.filter((p) => !isReady(p));
    const subsets = pods.length
      ? [
          {
            ...(ready.length ? { addresses: ready.map(address) } : {}),
            ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
            ports,
          },
        ]
      : undefined;
    const endpoints = objectOf('endpoints', namespace, name, {
      createdAt: Date.parse(service.metadata.creationTimestamp),
      labels: service.metadata.labels,
      ...(subsets ? { subsets } : {}),
    });
    this.upsert('endpoints', endpoints, (a, b) => JSON.stringify(a.subsets) === JSON.stringify(b.subsets));
    const slice = objectOf('endpointslices', namespace, `${name}-${templateHash(name).slice(0, 5)}`, {
      createdAt: Date.parse(service.metadata.creationTimestamp),
      labels: {
        ...service.metadata.labels,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': name,
      },
      ownerReferences: [{ ...ownerRef(service), blockOwnerDeletion: true }],
      addressType: 'IPv4',
      endpoints: pods.map((p) => ({
        addresses: [p.status.podIP],
        conditions: { ready: isReady(p), serving: isReady(p), terminating: false },
        nodeName: p.spec.nodeName,
        targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
      })),
      ports: ports.map((p: Json) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol })),
    });
    this.upsert('endpointslices', slice, (a, b) => JSON.stringify(a.endpoints) === JSON.stringify(b.endpoints));
  }

  private upsert(resource: string, object: KubeObject, same: (a: KubeObject, b: KubeObject) => boolean): void {
    const current = this.store.get(resource, object.metadata.namespace, object.metadata.name);
    if (!current) {
      this.store.create(resource, object);
    } else if (!same(current, object)) {
      this.store.update(resource, {
        ...object,
        metadata: {
          ...object.metadata,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
        },
      });
    }
  }

  // ---------- time ----------

  /** Starts "time moves": every `intervalSeconds` crash-looping containers restart on schedule and some pods churn. */
  startTicking(intervalSeconds: number): void {
    this.stopTicking();
    if (intervalSeconds > 0) {
      this.timer = setInterval(() => this.tick(), intervalSeconds * 1000);
      this.timer.unref();
    }
  }

  stopTicking(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  tick(): void {
    const now = this.clock.now();
    this.heartbeat(now);
    for (const pod of this.store.list('pods')) {
      if (this.podBehavior.get(podKey(pod)) !== 'crashloop') {
        continue;
      }
      const status = pod.status.containerStatuses?.[0];
      const finished = Date.parse(status?.lastState?.terminated?.finishedAt ?? '');
      if (now - finished >= this.options.crashLoopPeriodSeconds * 1000) {
        this.store.modify('pods', pod.metadata.namespace, pod.metadata.name, (copy) => {
          const cs = copy.status.containerStatuses[0];
          cs.restartCount += 1;
          cs.lastState.terminated.startedAt = isoSeconds(now - 25000);
          cs.lastState.terminated.finishedAt = isoSeconds(now);
        });
        this.bumpEvent(pod, 'BackOff', now);
      }
    }
    if (this.options.churn > 0) {
      const candidates = this.store
        .list('pods')
        .filter(
          (p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet' && this.podBehavior.get(podKey(p)) === 'healthy'
        );
      const count = Math.floor(candidates.length * this.options.churn + this.random.next());
      for (let i = 0; i < count && candidates.length; i++) {
        const victim = candidates.splice(this.random.int(0, candidates.length - 1), 1)[0];
        this.deletePod(victim.metadata.namespace!, victim.metadata.name);
      }
    }
    this.settle();
    this.emit('tick', now);
  }

  /** Kubelets of Ready nodes renew their Lease every tick and re-post node status every 5 minutes, as real ones do. */
  private heartbeat(now: number): void {
    for (const node of this.store.list('nodes')) {
      const ready = node.status.conditions.find((c: Json) => c.type === 'Ready')?.status === 'True';
      if (!ready) {
        continue;
      }
      this.store.modify('leases', 'kube-node-lease', node.metadata.name, (lease) => {
        lease.spec.renewTime = new Date(now).toISOString().replace('Z', '000Z');
      });
      if (now - Date.parse(node.status.conditions[0].lastHeartbeatTime) >= 300_000) {
        this.store.modify('nodes', undefined, node.metadata.name, (copy) => {
          for (const condition of copy.status.conditions) {
            condition.lastHeartbeatTime = isoSeconds(now);
          }
        });
      }
    }
  }

  private bumpEvent(pod: KubeObject, reason: string, now: number): void {
    const event = this.store
      .list('events', pod.metadata.namespace)
      .find((e) => e.involvedObject.uid === pod.metadata.uid && e.reason === reason);
    if (event) {
      this.store.modify('events', event.metadata.namespace, event.metadata.name, (copy) => {
        copy.count += 1;
        copy.lastTimestamp = isoSeconds(now);
      });
    }
  }

  /** Resource usage figures are the metrics side's business; these are the requests they are measured against. */
  static podRequests(pod: KubeObject): { cpu: number; memory: number } {
    let cpu = 0;
    let memory = 0;
    for (const c of pod.spec.containers) {
      cpu += parseCpu(c.resources?.requests?.cpu);
      memory += parseBytes(c.resources?.requests?.memory);
    }
    return { cpu, memory };
  }
}

function containerOf(c: ContainerSpec): Json {
  const probe = (path: string, port: number) => ({
    httpGet: { path, port, scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  const firstPort = c.ports?.[0]?.containerPort ?? 8080;
  return {
    name: c.name,
    image: c.image,
    ...(c.args ? { args: c.args } : {}),
    ...(c.ports ? { ports: c.ports.map((p) => ({ protocol: 'TCP', ...p })) } : {}),
    resources: {
      ...(c.limits ? { limits: c.limits } : {}),
      ...(c.requests ? { requests: c.requests } : {}),
    },
    ...(c.livenessPath ? { livenessProbe: probe(c.livenessPath, firstPort) } : {}),
    ...(c.readinessPath ? { readinessProbe: probe(c.readinessPath, firstPort) } : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

function jobSpec(template: Json, labels: Record<string, string>): Json {
  return {
    parallelism: 1,
    completions: 1,
    backoffLimit: 0,
    completionMode: 'NonIndexed',
    suspend: false,
    manualSelector: false,
    podReplacementPolicy: 'TerminatingOrFailed',
    template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' }, metadata: { labels } },
  };
}

function qosOf(containers: Json[]): string {
  const all = containers.every(
    (c) =>
      c.resources?.limits?.cpu &&
      c.resources?.limits?.memory &&
      c.resources.limits.cpu === (c.resources.requests?.cpu ?? c.resources.limits.cpu) &&
      c.resources.limits.memory === (c.resources.requests?.memory ?? c.resources.limits.memory)
  );
  if (all) {
    return 'Guaranteed';
  }
  return containers.some((c) => c.resources?.requests || c.resources?.limits) ? 'Burstable' : 'BestEffort';
}

function omitZero(fields: Record<string, number>, keep: string[]): Record<string, number> {
  return Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== 0 || keep.includes(k)));
}

export function matchesLabels(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function isControlPlane(node: KubeObject): boolean {
  return node.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined;
}

function matchesNodeSelector(node: KubeObject, selector: Record<string, string> | undefined): boolean {
  return !selector || matchesLabels(node.metadata.labels, selector);
}

/** A stable 10-character hash of a pod template, like the pod-template-hash label. */
export function templateHash(value: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(value)).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(digest.subarray(0, 10), (b) => alphabet[b % alphabet.length]).join('');
}

/** The controller-revision-hash label of a StatefulSet's or DaemonSet's current pods. */
function revisionOf(owner: KubeObject): string {
  const hash = templateHash(owner.spec.template);
  return owner.kind === 'StatefulSet' ? `${owner.metadata.name}-${hash}` : hash;
}

function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
