/**
 * kube-state-metrics v2 exposition computed from the cluster's current objects at scrape time.
 * Metric names and label sets follow kube-state-metrics v2.20: ksm.test.ts checks every emitted series against
 * simulator/test/fixtures/kube-state-metrics-v2.20-metrics.tsv (a copy of the project's reference table). Behaviour mirrored from kube-state-metrics' internal/store/*.go:
 * - kube_<kind>_labels / _annotations emit series only for resources named in the allow-lists
 *   (--metric-labels-allowlist / --metric-annotations-allowlist syntax: `pods=[app,team],namespaces=[*]`);
 *   with empty allow-lists (KSM's default) they carry HELP/TYPE only.
 * - boolean families (phase, condition, qos class) emit one series per possible value with 0/1;
 *   waiting/terminated reasons emit only the current reason.
 */
import { ExpositionWriter, Labels, MetricFamily, renderLabels } from './exposition';
import { parseBytes, parseCpu } from '../cluster/objects';
import {
  ClusterView,
  Condition,
  ContainerSpec,
  ContainerStatus,
  CronJob,
  DaemonSet,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  K8sObject,
  MetricSpec,
  MetricStatus,
  Pod,
  ReplicaSet,
  ResourceList,
  StatefulSet,
} from './shapes';

/** Resource plural (as in KSM's allow-list flags) → allowed Kubernetes label/annotation keys, or '*' for all. */
export type Allowlist = Map<string, string[] | '*'>;

export interface KsmOptions {
  labelsAllowlist: Allowlist;
  annotationsAllowlist: Allowlist;
}

/** Parses KSM's allow-list flag syntax, e.g. `pods=[app,app.kubernetes.io/name],namespaces=[*]`. */
export function parseAllowlist(flag: string): Allowlist {
  const allowlist: Allowlist = new Map();
  const entry = /\s*([a-z0-9.]+)=\[([^\]]*)\]\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < flag.length && (match = entry.exec(flag))) {
    const keys = match[2]
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    allowlist.set(match[1], keys.includes('*') ? '*' : keys);
    consumed = entry.lastIndex;
  }
  if (consumed < flag.trim().length) {
    throw new Error(
      `invalid allow-list "${flag}": expected resource=[key,...] entries such as pods=[app,team],namespaces=[*]`
    );
  }
  return allowlist;
}

const BOOL_STATUSES = ['true', 'false', 'unknown'];
const POD_PHASES = ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'];
const POD_STATUS_REASONS = [
  'Evicted',
  'NodeAffinity',
  'NodeLost',
  'PreemptionByScheduler',
  'SchedulingGated',
  'Shutdown',
  'TerminationByKubelet',
  'UnexpectedAdmissionError',
];
const QOS_CLASSES = ['BestEffort', 'Burstable', 'Guaranteed'];
const JOB_FAILURE_REASONS = ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'];

const seconds = (timestamp: string) => Date.parse(timestamp) / 1000;
/** A resource.Quantity as a number: milli-units ("250m") or plain/binary/decimal-suffixed amounts ("1Gi", "110"). */
const parseQuantity = (quantity: string | number) =>
  typeof quantity === 'number' ? quantity : quantity.endsWith('m') ? parseCpu(quantity) : parseBytes(quantity);
const bool = (value: boolean | undefined) => (value ? 1 : 0);

/** KSM's sanitizing of Kubernetes keys into Prometheus label names (label_app_kubernetes_io_name). */
function promLabelName(prefix: string, key: string): string {
  return `${prefix}_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** KSM's resource/unit pair for a resource name: cpu in cores, memory and storage in bytes, the rest as integers. */
function resourceLabels(resource: string): { resource: string; unit: string } {
  if (resource === 'cpu') {
    return { resource, unit: 'core' };
  }
  const unit =
    resource === 'memory' ||
    resource === 'ephemeral-storage' ||
    resource === 'storage' ||
    resource.startsWith('hugepages-')
      ? 'byte'
      : 'integer';
  return { resource: resource.replace(/[^a-zA-Z0-9_]/g, '_'), unit };
}

/**
 * Writes the kube_<kind>_… families of one kind. `base` is the object's identifying label set (as KSM's
 * wrap<Kind>Func adds it), rendered once per object by `identify` since every family of the object repeats it.
 */
class KindEmitter {
  private readonly families: MetricFamily[] = [];
  private readonly indexOf = new Map<string, number>();
  /** The current object's samples per family while it is being written (see forEach). */
  private recording: string[] = [];

  constructor(
    private readonly writer: ExpositionWriter,
    private readonly prefix: string,
    private readonly cache: WeakMap<object, string[]>
  ) {}

  declare(suffix: string, help: string, type: 'gauge' | 'counter' = 'gauge'): void {
    this.indexOf.set(suffix, this.families.length);
    this.families.push(this.writer.family(`${this.prefix}_${suffix}`, type, help));
  }

  identify(labels: Labels): string {
    return renderLabels(labels);
  }

  /**
   * Writes each object's samples, reusing what an earlier scrape rendered for the same stored object: the store
   * replaces objects on every change, so an object's identity stands for its content, and a scrape of an unchanged
   * 10,000-pod cluster is mostly string concatenation.
   */
  forEach<T extends object>(objects: Iterable<T>, write: (object: T) => void): void {
    for (const object of objects) {
      let samples = this.cache.get(object);
      if (!samples) {
        this.recording = new Array(this.families.length).fill('');
        write(object);
        // Flatten the concatenations so the cache keeps compact strings rather than trees of fragments.
        samples = this.recording.map(flatten);
        this.cache.set(object, samples);
      }
      for (let i = 0; i < samples.length; i++) {
        if (samples[i]) {
          this.families[i].addRenderedLines(samples[i]);
        }
      }
    }
  }

  emit(suffix: string, base: string, value: number, extra?: Labels): void {
    const index = this.indexOf.get(suffix);
    if (index === undefined) {
      throw new Error(`${this.prefix}_${suffix} emitted before it was declared`);
    }
    this.recording[index] += this.families[index].line(extra ? `${base},${renderLabels(extra)}` : base, value);
  }

  /**
   * Declares families that carry one plain number per object and returns their writer; a value of undefined means
   * the object has no series in that family (the field is unset, as KSM skips it).
   */
  numbers<T>(families: Array<[suffix: string, help: string, value: (object: T) => number | undefined]>) {
    for (const [suffix, help] of families) {
      this.declare(suffix, help);
    }
    return (base: string, object: T) => {
      for (const [suffix, , value] of families) {
        const number = value(object);
        if (number !== undefined) {
          this.emit(suffix, base, number);
        }
      }
    };
  }

  conditions(suffix: string, base: string, condition: Condition | undefined, extra?: Labels): void {
    if (!condition) {
      return;
    }
    const status = condition.status.toLowerCase();
    for (const candidate of BOOL_STATUSES) {
      this.emit(suffix, base, bool(status === candidate), { ...extra, condition: condition.type, status: candidate });
    }
  }
}

export class KubeStateMetrics {
  /** Rendered samples per stored object (see KindEmitter.forEach); entries go with the objects they describe. */
  private readonly cache = new WeakMap<object, string[]>();

  constructor(private readonly options: KsmOptions) {}

  write(view: ClusterView): ExpositionWriter {
    const writer = new ExpositionWriter();
    this.pods(writer, view);
    this.nodes(writer, view);
    this.namespaces(writer, view);
    this.deployments(writer, view);
    this.replicaSets(writer, view);
    this.statefulSets(writer, view);
    this.daemonSets(writer, view);
    this.jobs(writer, view);
    this.cronJobs(writer, view);
    this.services(writer, view);
    this.ingresses(writer, view);
    this.hpas(writer, view);
    this.pvcs(writer, view);
    return writer;
  }

  /** kube_<kind>_labels and kube_<kind>_annotations, gated by the allow-lists as in KSM. */
  private metadataFamilies(k: KindEmitter, resource: string, base: string, object: K8sObject): void {
    const sources: Array<
      ['labels' | 'annotations', Allowlist, 'label' | 'annotation', Record<string, string> | undefined]
    > = [
      ['labels', this.options.labelsAllowlist, 'label', object.metadata.labels],
      ['annotations', this.options.annotationsAllowlist, 'annotation', object.metadata.annotations],
    ];
    for (const [suffix, allowlist, prefix, values] of sources) {
      const allowed = allowlist.get(resource);
      if (!allowed) {
        continue;
      }
      const extra: Labels = {};
      for (const [key, value] of Object.entries(values ?? {})) {
        if (allowed === '*' || allowed.includes(key)) {
          extra[promLabelName(prefix, key)] = value;
        }
      }
      k.emit(suffix, base, 1, extra);
    }
  }

  private declareMetadata(k: KindEmitter, kind: string): void {
    k.declare(
      'labels',
      `Allow-listed Kubernetes labels of the object as label_* keys (no series without an allow-list).`
    );
    k.declare(
      'annotations',
      `Allow-listed Kubernetes annotations of the object as annotation_* keys (no series without an allow-list).`
    );
    k.declare('created', `When the ${kind} was created (unix seconds).`);
  }

  private pods(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_pod', this.cache);
    k.declare('info', 'Pod placement (node, IPs), creator and priority class; value 1.');
    k.declare('ips', 'One series per pod IP, with its family.');
    k.declare('owner', 'Owner references of the pod, or <none>.');
    k.declare('start_time', 'When the kubelet acknowledged the pod (unix seconds).');
    k.declare('completion_time', 'When the last container of a finished pod terminated (unix seconds).');
    k.declare('deletion_timestamp', 'When deletion of the object was requested (unix seconds).');
    this.declareMetadata(k, 'pod');
    k.declare('status_phase', '1 for the current phase of the pod, 0 for the others.');
    k.declare('status_ready', 'Ready condition of the pod, one series per possible status.');
    k.declare('status_scheduled', 'PodScheduled condition of the pod, one series per possible status.');
    k.declare('status_scheduled_time', 'When the pod was scheduled (unix seconds).');
    k.declare('status_unschedulable', '1 when the scheduler could not place the pod.');
    k.declare('status_ready_time', 'When the pod became ready (unix seconds).');
    k.declare('status_initialized_time', 'When the pod became initialized (unix seconds).');
    k.declare('status_container_ready_time', 'When all containers of the pod became ready (unix seconds).');
    k.declare('status_qos_class', '1 for the QoS class of the pod, 0 for the others.');
    k.declare('status_reason', '1 for the reason set in the pod status, 0 for the others.');
    k.declare('restart_policy', 'Restart policy of the pod; value 1.');
    k.declare('service_account', 'Service account the pod runs as; value 1.');
    k.declare('scheduler', 'Scheduler responsible for the pod; value 1.');
    k.declare('tolerations', 'One series per toleration of the pod.');
    k.declare('spec_volumes_persistentvolumeclaims_info', 'One series per persistentvolumeclaim volume of the pod.');
    k.declare(
      'spec_volumes_persistentvolumeclaims_readonly',
      '1 when the persistentvolumeclaim volume is mounted read-only.'
    );
    for (const prefix of ['container', 'init_container']) {
      k.declare(`${prefix}_info`, `Image and container ID of a ${prefix.replace('_', ' ')}; value 1.`);
      k.declare(`${prefix}_status_waiting`, '1 while the container waits to start or restart.');
      k.declare(`${prefix}_status_waiting_reason`, 'Why the container is waiting; value 1.');
      k.declare(`${prefix}_status_running`, '1 while the container runs.');
      k.declare(`${prefix}_state_started`, 'When the current or last run of the container started (unix seconds).');
      k.declare(`${prefix}_status_terminated`, '1 when the container has terminated.');
      k.declare(`${prefix}_status_terminated_reason`, 'Why the container terminated; value 1.');
      k.declare(
        `${prefix}_status_last_terminated_reason`,
        'Why the previous run of the container terminated; value 1.'
      );
      k.declare(`${prefix}_status_last_terminated_exitcode`, 'Exit code of the previous run of the container.');
      k.declare(
        `${prefix}_status_last_terminated_timestamp`,
        'When the previous run of the container terminated (unix seconds).'
      );
      k.declare(`${prefix}_status_ready`, '1 when the container passes its readiness check.');
      k.declare(`${prefix}_status_restarts_total`, 'Restarts of the container since the pod started.', 'counter');
      k.declare(
        `${prefix}_resource_requests`,
        'Resource requests of the container (cores, bytes or count per the unit label).'
      );
      k.declare(
        `${prefix}_resource_limits`,
        'Resource limits of the container (cores, bytes or count per the unit label).'
      );
    }

    k.forEach(view.pods(), (pod) => {
      const meta = pod.metadata;
      const base = k.identify({ namespace: meta.namespace ?? '', pod: meta.name, uid: meta.uid });
      const status = pod.status ?? {};
      const owner = meta.ownerReferences?.[0];
      k.emit('info', base, 1, {
        host_ip: status.hostIP ?? '',
        pod_ip: status.podIP ?? '',
        node: pod.spec.nodeName ?? '',
        created_by_kind: owner?.kind ?? '',
        created_by_name: owner?.name ?? '',
        priority_class: pod.spec.priorityClassName ?? '',
        host_network: String(Boolean(pod.spec.hostNetwork)),
      });
      for (const { ip } of status.podIPs ?? (status.podIP ? [{ ip: status.podIP }] : [])) {
        k.emit('ips', base, 1, { ip, ip_family: ip.includes(':') ? '6' : '4' });
      }
      if (meta.ownerReferences?.length) {
        for (const ref of meta.ownerReferences) {
          k.emit('owner', base, 1, {
            owner_kind: ref.kind,
            owner_name: ref.name,
            owner_is_controller: String(Boolean(ref.controller)),
          });
        }
      } else {
        k.emit('owner', base, 1, { owner_kind: '<none>', owner_name: '<none>', owner_is_controller: '<none>' });
      }
      k.emit('created', base, seconds(meta.creationTimestamp));
      if (meta.deletionTimestamp) {
        k.emit('deletion_timestamp', base, seconds(meta.deletionTimestamp));
      }
      if (status.startTime) {
        k.emit('start_time', base, seconds(status.startTime));
      }
      const finishedAt = (status.containerStatuses ?? [])
        .map((c) => c.state?.terminated?.finishedAt)
        .filter(Boolean) as string[];
      if (finishedAt.length && finishedAt.length === status.containerStatuses?.length) {
        k.emit('completion_time', base, Math.max(...finishedAt.map(seconds)));
      }
      this.metadataFamilies(k, 'pods', base, pod);
      if (status.phase) {
        for (const phase of POD_PHASES) {
          k.emit('status_phase', base, bool(status.phase === phase), { phase });
        }
      }
      const conditions = new Map((status.conditions ?? []).map((c) => [c.type, c]));
      const ready = conditions.get('Ready');
      const scheduled = conditions.get('PodScheduled');
      for (const [suffix, condition] of [
        ['status_ready', ready],
        ['status_scheduled', scheduled],
      ] as const) {
        if (condition) {
          for (const candidate of BOOL_STATUSES) {
            k.emit(suffix, base, bool(condition.status.toLowerCase() === candidate), { condition: candidate });
          }
        }
      }
      if (scheduled?.status === 'True' && scheduled.lastTransitionTime) {
        k.emit('status_scheduled_time', base, seconds(scheduled.lastTransitionTime));
      }
      if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
        k.emit('status_unschedulable', base, 1);
      }
      for (const [suffix, type] of [
        ['status_ready_time', 'Ready'],
        ['status_initialized_time', 'Initialized'],
        ['status_container_ready_time', 'ContainersReady'],
      ] as const) {
        const condition = conditions.get(type);
        if (condition?.status === 'True' && condition.lastTransitionTime) {
          k.emit(suffix, base, seconds(condition.lastTransitionTime));
        }
      }
      if (status.qosClass) {
        for (const qos of QOS_CLASSES) {
          k.emit('status_qos_class', base, bool(status.qosClass === qos), { qos_class: qos });
        }
      }
      if (status.reason) {
        for (const reason of POD_STATUS_REASONS) {
          k.emit('status_reason', base, bool(status.reason === reason), { reason });
        }
      }
      k.emit('restart_policy', base, 1, { type: pod.spec.restartPolicy ?? 'Always' });
      k.emit('service_account', base, 1, { service_account: pod.spec.serviceAccountName ?? 'default' });
      k.emit('scheduler', base, 1, { name: pod.spec.schedulerName ?? 'default-scheduler' });
      for (const toleration of pod.spec.tolerations ?? []) {
        k.emit('tolerations', base, 1, {
          key: toleration.key ?? '',
          operator: toleration.operator ?? '',
          value: toleration.value ?? '',
          effect: toleration.effect ?? '',
          toleration_seconds: toleration.tolerationSeconds === undefined ? '' : String(toleration.tolerationSeconds),
        });
      }
      for (const volume of pod.spec.volumes ?? []) {
        if (volume.persistentVolumeClaim) {
          const labels = {
            volume: volume.name,
            persistentvolumeclaim: volume.persistentVolumeClaim.claimName,
            ephemeral: 'false',
          };
          k.emit('spec_volumes_persistentvolumeclaims_info', base, 1, labels);
          k.emit(
            'spec_volumes_persistentvolumeclaims_readonly',
            base,
            bool(volume.persistentVolumeClaim.readOnly),
            labels
          );
        }
      }
      this.containers(k, 'container', pod, base, pod.spec.containers, status.containerStatuses);
      this.containers(k, 'init_container', pod, base, pod.spec.initContainers ?? [], status.initContainerStatuses);
    });
  }

  private containers(
    k: KindEmitter,
    prefix: string,
    pod: Pod,
    podBase: string,
    specs: ContainerSpec[],
    statuses: ContainerStatus[] | undefined
  ): void {
    const node = pod.spec.nodeName ?? '';
    for (const spec of specs) {
      const base = `${podBase},${k.identify({ container: spec.name })}`;
      for (const [suffix, list] of [
        ['resource_requests', spec.resources?.requests],
        ['resource_limits', spec.resources?.limits],
      ] as Array<[string, ResourceList | undefined]>) {
        for (const [resource, quantity] of Object.entries(list ?? {})) {
          k.emit(`${prefix}_${suffix}`, base, parseQuantity(quantity), { ...resourceLabels(resource), node });
        }
      }
    }
    for (const cs of statuses ?? []) {
      const base = `${podBase},${k.identify({ container: cs.name })}`;
      const info: Labels = {
        image: cs.image,
        image_id: cs.imageID ?? '',
        image_spec: specs.find((s) => s.name === cs.name)?.image ?? cs.image,
        container_id: cs.containerID ?? '',
      };
      if (prefix === 'init_container') {
        info.restart_policy = specs.find((s) => s.name === cs.name)?.restartPolicy ?? '';
      }
      k.emit(`${prefix}_info`, base, 1, info);
      const state = cs.state ?? {};
      k.emit(`${prefix}_status_waiting`, base, bool(Boolean(state.waiting)));
      if (state.waiting?.reason) {
        k.emit(`${prefix}_status_waiting_reason`, base, 1, { reason: state.waiting.reason });
      }
      k.emit(`${prefix}_status_running`, base, bool(Boolean(state.running)));
      const startedAt = state.running?.startedAt ?? state.terminated?.startedAt;
      if (startedAt) {
        k.emit(`${prefix}_state_started`, base, seconds(startedAt));
      }
      k.emit(`${prefix}_status_terminated`, base, bool(Boolean(state.terminated)));
      if (state.terminated?.reason) {
        k.emit(`${prefix}_status_terminated_reason`, base, 1, { reason: state.terminated.reason });
      }
      const last = cs.lastState?.terminated;
      if (last) {
        k.emit(`${prefix}_status_last_terminated_reason`, base, 1, { reason: last.reason ?? '' });
        k.emit(`${prefix}_status_last_terminated_exitcode`, base, last.exitCode ?? 0);
        if (last.finishedAt) {
          k.emit(`${prefix}_status_last_terminated_timestamp`, base, seconds(last.finishedAt));
        }
      }
      k.emit(`${prefix}_status_ready`, base, bool(cs.ready));
      k.emit(`${prefix}_status_restarts_total`, base, cs.restartCount);
    }
  }

  private nodes(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_node', this.cache);
    k.declare('info', 'Versions and addresses of the node; value 1.');
    this.declareMetadata(k, 'node');
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
      this.metadataFamilies(k, 'nodes', base, node);
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

  private namespaces(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_namespace', this.cache);
    this.declareMetadata(k, 'namespace');
    k.declare('status_phase', '1 for the current phase of the namespace, 0 for the other.');
    k.forEach(view.namespaces(), (namespace) => {
      const base = k.identify({ namespace: namespace.metadata.name });
      k.emit('created', base, seconds(namespace.metadata.creationTimestamp));
      this.metadataFamilies(k, 'namespaces', base, namespace);
      const phase = namespace.status?.phase ?? 'Active';
      for (const candidate of ['Active', 'Terminating']) {
        k.emit('status_phase', base, bool(phase === candidate), { phase: candidate });
      }
    });
  }

  private deployments(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_deployment', this.cache);
    this.declareMetadata(k, 'deployment');
    const rollingUpdate = (d: Deployment) =>
      (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
        ? (d.spec.strategy?.rollingUpdate ?? {})
        : undefined;
    const numbers = k.numbers<Deployment>([
      ['metadata_generation', 'Generation of the desired state.', (d) => d.metadata.generation ?? 1],
      ['spec_replicas', 'Replicas the deployment asks for.', (d) => d.spec.replicas ?? 1],
      ['spec_paused', '1 when rollouts of the deployment are paused.', (d) => bool(d.spec.paused)],
      // Percentages resolve against spec.replicas: surge rounds up, unavailable rounds down (k8s intstr rules).
      [
        'spec_strategy_rollingupdate_max_unavailable',
        'Replicas that may be unavailable during a rolling update, resolved against spec.replicas.',
        (d) =>
          mapDefined(rollingUpdate(d), (r) =>
            scaledIntOrPercent(r.maxUnavailable ?? '25%', d.spec.replicas ?? 1, false)
          ),
      ],
      [
        'spec_strategy_rollingupdate_max_surge',
        'Replicas that may exist above spec.replicas during a rolling update, resolved against spec.replicas.',
        (d) => mapDefined(rollingUpdate(d), (r) => scaledIntOrPercent(r.maxSurge ?? '25%', d.spec.replicas ?? 1, true)),
      ],
      ['status_replicas', 'Pods the deployment currently owns.', (d) => d.status?.replicas ?? 0],
      ['status_replicas_ready', 'Ready pods of the deployment.', (d) => d.status?.readyReplicas ?? 0],
      ['status_replicas_available', 'Available pods of the deployment.', (d) => d.status?.availableReplicas ?? 0],
      [
        'status_replicas_unavailable',
        'Pods of the deployment that are not available.',
        (d) => d.status?.unavailableReplicas ?? 0,
      ],
      [
        'status_replicas_updated',
        'Pods of the deployment with the current template.',
        (d) => d.status?.updatedReplicas ?? 0,
      ],
      [
        'status_observed_generation',
        'Generation the deployment controller has acted on.',
        (d) => d.status?.observedGeneration ?? 0,
      ],
    ]);
    k.declare('status_condition', 'Conditions of the deployment, one series per possible status.');
    k.forEach(view.deployments(), (deployment) => {
      const base = k.identify({ namespace: deployment.metadata.namespace ?? '', deployment: deployment.metadata.name });
      k.emit('created', base, seconds(deployment.metadata.creationTimestamp));
      this.metadataFamilies(k, 'deployments', base, deployment);
      numbers(base, deployment);
      for (const condition of deployment.status?.conditions ?? []) {
        k.conditions('status_condition', base, condition, { reason: condition.reason ?? '' });
      }
    });
  }

  private replicaSets(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_replicaset', this.cache);
    this.declareMetadata(k, 'replicaset');
    k.declare('owner', 'Owner references of the replica set, or <none>.');
    const numbers = k.numbers<ReplicaSet>([
      ['metadata_generation', 'Generation of the desired state.', (rs) => rs.metadata.generation ?? 1],
      ['spec_replicas', 'Replicas the replica set asks for.', (rs) => rs.spec.replicas ?? 1],
      ['status_replicas', 'Pods the replica set currently owns.', (rs) => rs.status?.replicas ?? 0],
      [
        'status_fully_labeled_replicas',
        'Pods of the replica set whose labels match its template.',
        (rs) => rs.status?.fullyLabeledReplicas ?? rs.status?.replicas ?? 0,
      ],
      ['status_ready_replicas', 'Ready pods of the replica set.', (rs) => rs.status?.readyReplicas ?? 0],
      [
        'status_observed_generation',
        'Generation the replica set controller has acted on.',
        (rs) => rs.status?.observedGeneration ?? 0,
      ],
    ]);
    k.forEach(view.replicaSets(), (rs) => {
      const base = k.identify({ namespace: rs.metadata.namespace ?? '', replicaset: rs.metadata.name });
      k.emit('created', base, seconds(rs.metadata.creationTimestamp));
      this.metadataFamilies(k, 'replicasets', base, rs);
      this.owners(k, base, rs);
      numbers(base, rs);
    });
  }

  private owners(k: KindEmitter, base: string, object: K8sObject): void {
    const refs = object.metadata.ownerReferences ?? [];
    if (!refs.length) {
      k.emit('owner', base, 1, { owner_kind: '<none>', owner_name: '<none>', owner_is_controller: '<none>' });
    }
    for (const ref of refs) {
      k.emit('owner', base, 1, {
        owner_kind: ref.kind,
        owner_name: ref.name,
        owner_is_controller: String(Boolean(ref.controller)),
      });
    }
  }

  private statefulSets(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_statefulset', this.cache);
    this.declareMetadata(k, 'statefulset');
    const numbers = k.numbers<StatefulSet>([
      ['metadata_generation', 'Generation of the desired state.', (sts) => sts.metadata.generation ?? 1],
      ['replicas', 'Replicas the stateful set asks for.', (sts) => sts.spec.replicas ?? 1],
      ['ordinals_start', 'First ordinal of the stateful set when not 0.', (sts) => sts.spec.ordinals?.start],
      ['status_replicas', 'Pods the stateful set currently owns.', (sts) => sts.status?.replicas ?? 0],
      [
        'status_replicas_current',
        'Pods of the stateful set at the current revision.',
        (sts) => sts.status?.currentReplicas ?? 0,
      ],
      ['status_replicas_ready', 'Ready pods of the stateful set.', (sts) => sts.status?.readyReplicas ?? 0],
      ['status_replicas_available', 'Available pods of the stateful set.', (sts) => sts.status?.availableReplicas ?? 0],
      [
        'status_replicas_updated',
        'Pods of the stateful set at the update revision.',
        (sts) => sts.status?.updatedReplicas ?? 0,
      ],
      [
        'status_observed_generation',
        'Generation the stateful set controller has acted on.',
        (sts) => sts.status?.observedGeneration ?? 0,
      ],
    ]);
    k.declare('status_current_revision', 'Current revision of the stateful set; value 1.');
    k.declare('status_update_revision', 'Update revision of the stateful set; value 1.');
    k.declare(
      'persistentvolumeclaim_retention_policy',
      'What happens to the claims of the stateful set on deletion and scale-down; value 1.'
    );
    k.forEach(view.statefulSets(), (sts) => {
      const base = k.identify({ namespace: sts.metadata.namespace ?? '', statefulset: sts.metadata.name });
      const status = sts.status ?? {};
      k.emit('created', base, seconds(sts.metadata.creationTimestamp));
      this.metadataFamilies(k, 'statefulsets', base, sts);
      numbers(base, sts);
      if (status.currentRevision) {
        k.emit('status_current_revision', base, 1, { revision: status.currentRevision });
      }
      if (status.updateRevision) {
        k.emit('status_update_revision', base, 1, { revision: status.updateRevision });
      }
      const retention = sts.spec.persistentVolumeClaimRetentionPolicy;
      if (retention) {
        k.emit('persistentvolumeclaim_retention_policy', base, 1, {
          when_deleted: retention.whenDeleted ?? 'Retain',
          when_scaled: retention.whenScaled ?? 'Retain',
        });
      }
    });
  }

  private daemonSets(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_daemonset', this.cache);
    this.declareMetadata(k, 'daemonset');
    const numbers = k.numbers<DaemonSet>([
      ['metadata_generation', 'Generation of the desired state.', (ds) => ds.metadata.generation ?? 1],
      [
        'status_current_number_scheduled',
        'Nodes running a pod of the daemon set.',
        (ds) => ds.status?.currentNumberScheduled ?? 0,
      ],
      [
        'status_desired_number_scheduled',
        'Nodes that should run a pod of the daemon set.',
        (ds) => ds.status?.desiredNumberScheduled ?? 0,
      ],
      [
        'status_number_available',
        'Nodes with an available pod of the daemon set.',
        (ds) => ds.status?.numberAvailable ?? 0,
      ],
      [
        'status_number_misscheduled',
        'Nodes running a pod of the daemon set that should not.',
        (ds) => ds.status?.numberMisscheduled ?? 0,
      ],
      ['status_number_ready', 'Nodes with a ready pod of the daemon set.', (ds) => ds.status?.numberReady ?? 0],
      [
        'status_number_unavailable',
        'Nodes that should run an available pod of the daemon set and do not.',
        (ds) => ds.status?.numberUnavailable ?? 0,
      ],
      [
        'status_observed_generation',
        'Generation the daemon set controller has acted on.',
        (ds) => ds.status?.observedGeneration ?? 0,
      ],
      [
        'status_updated_number_scheduled',
        'Nodes running the current template of the daemon set.',
        (ds) => ds.status?.updatedNumberScheduled ?? 0,
      ],
    ]);
    k.forEach(view.daemonSets(), (ds) => {
      const base = k.identify({ namespace: ds.metadata.namespace ?? '', daemonset: ds.metadata.name });
      k.emit('created', base, seconds(ds.metadata.creationTimestamp));
      this.metadataFamilies(k, 'daemonsets', base, ds);
      numbers(base, ds);
    });
  }

  private jobs(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_job', this.cache);
    k.declare('info', 'Existence of the job; value 1.');
    this.declareMetadata(k, 'job');
    k.declare('owner', 'Owner references of the job, or <none>.');
    const numbers = k.numbers<Job>([
      ['spec_parallelism', 'Pods the job may run at once.', (job) => job.spec.parallelism ?? 1],
      ['spec_completions', 'Successful pods the job needs.', (job) => job.spec.completions ?? 1],
      [
        'spec_active_deadline_seconds',
        'Seconds the job may stay active after it started.',
        (job) => job.spec.activeDeadlineSeconds,
      ],
      ['status_active', 'Running pods of the job.', (job) => job.status?.active ?? 0],
      ['status_ready', 'Ready pods of the job.', (job) => job.status?.ready],
      ['status_succeeded', 'Pods of the job that succeeded.', (job) => job.status?.succeeded ?? 0],
      ['status_suspended', '1 when the job is suspended.', (job) => mapDefined(job.spec.suspend, bool)],
      [
        'status_start_time',
        'When the job started (unix seconds).',
        (job) => mapDefined(job.status?.startTime, seconds),
      ],
      [
        'status_completion_time',
        'When the job completed (unix seconds).',
        (job) => mapDefined(job.status?.completionTime, seconds),
      ],
    ]);
    k.declare('status_failed', 'Pods of the job that failed, by failure reason once the job failed.');
    k.declare('complete', 'Complete condition of the job, one series per possible status.');
    k.declare('failed', 'Failed condition of the job, one series per possible status.');
    k.forEach(view.jobs(), (job) => {
      const base = k.identify({ namespace: job.metadata.namespace ?? '', job_name: job.metadata.name });
      const status = job.status ?? {};
      k.emit('info', base, 1);
      k.emit('created', base, seconds(job.metadata.creationTimestamp));
      this.metadataFamilies(k, 'jobs', base, job);
      this.owners(k, base, job);
      numbers(base, job);
      const failedCondition = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      if (!status.failed || !failedCondition) {
        k.emit('status_failed', base, status.failed ?? 0);
      } else {
        // As KSM: one series per known failure reason, or the count under reason="" when the reason is unknown.
        const known = JOB_FAILURE_REASONS.includes(failedCondition.reason ?? '');
        for (const reason of JOB_FAILURE_REASONS) {
          k.emit('status_failed', base, bool(failedCondition.reason === reason), { reason });
        }
        if (!known) {
          k.emit('status_failed', base, status.failed, { reason: '' });
        }
      }
      for (const [suffix, type] of [
        ['complete', 'Complete'],
        ['failed', 'Failed'],
      ] as const) {
        const condition = status.conditions?.find((c) => c.type === type);
        if (condition) {
          for (const candidate of BOOL_STATUSES) {
            k.emit(suffix, base, bool(condition.status.toLowerCase() === candidate), { condition: candidate });
          }
        }
      }
    });
  }

  private cronJobs(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_cronjob', this.cache);
    k.declare('info', 'Schedule, concurrency policy and time zone of the cron job; value 1.');
    this.declareMetadata(k, 'cronjob');
    const nextRun = (cronJob: CronJob) =>
      nextCronTime(
        cronJob.spec.schedule,
        Date.parse(cronJob.status?.lastScheduleTime ?? cronJob.metadata.creationTimestamp)
      );
    const numbers = k.numbers<CronJob>([
      ['status_active', 'Jobs of the cron job running now.', (cj) => cj.status?.active?.length ?? 0],
      [
        'status_last_schedule_time',
        'When the cron job last created a job (unix seconds).',
        (cj) => mapDefined(cj.status?.lastScheduleTime, seconds),
      ],
      [
        'status_last_successful_time',
        'When a job of the cron job last succeeded (unix seconds).',
        (cj) => mapDefined(cj.status?.lastSuccessfulTime, seconds),
      ],
      ['spec_suspend', '1 when the cron job is suspended.', (cj) => bool(cj.spec.suspend)],
      [
        'spec_starting_deadline_seconds',
        'Seconds a missed run of the cron job may still start late.',
        (cj) => cj.spec.startingDeadlineSeconds,
      ],
      [
        'next_schedule_time',
        'When the cron job fires next after its last run or, never run, after its creation (unix seconds).',
        (cj) => mapDefined(nextRun(cj), (next) => Math.floor(next / 1000)),
      ],
      [
        'schedule_invalid',
        '1 when the schedule of the cron job cannot be parsed.',
        (cj) => bool(nextRun(cj) === undefined),
      ],
      [
        'spec_successful_job_history_limit',
        'Finished jobs of the cron job that are kept.',
        (cj) => cj.spec.successfulJobsHistoryLimit ?? 3,
      ],
      [
        'spec_failed_job_history_limit',
        'Failed jobs of the cron job that are kept.',
        (cj) => cj.spec.failedJobsHistoryLimit ?? 1,
      ],
    ]);
    k.forEach(view.cronJobs(), (cronJob) => {
      const base = k.identify({ namespace: cronJob.metadata.namespace ?? '', cronjob: cronJob.metadata.name });
      k.emit('info', base, 1, {
        schedule: cronJob.spec.schedule,
        concurrency_policy: cronJob.spec.concurrencyPolicy ?? 'Allow',
        timezone: cronJob.spec.timeZone ?? 'local',
      });
      k.emit('created', base, seconds(cronJob.metadata.creationTimestamp));
      this.metadataFamilies(k, 'cronjobs', base, cronJob);
      numbers(base, cronJob);
    });
  }

  private services(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_service', this.cache);
    k.declare('info', 'Addresses and traffic policy of the service; value 1.');
    this.declareMetadata(k, 'service');
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
      this.metadataFamilies(k, 'services', base, service);
      k.emit('spec_type', base, 1, { type: spec.type ?? 'ClusterIP' });
      for (const ip of spec.externalIPs ?? []) {
        k.emit('spec_external_ip', base, 1, { external_ip: ip });
      }
      for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
        k.emit('status_load_balancer_ingress', base, 1, { ip: ingress.ip ?? '', hostname: ingress.hostname ?? '' });
      }
    });
  }

  private ingresses(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_ingress', this.cache);
    k.declare('info', 'Ingress class of the ingress; value 1.');
    this.declareMetadata(k, 'ingress');
    k.declare('metadata_resource_version', 'Resource version of the ingress.');
    k.declare('path', 'One series per host, path and backend of the ingress.');
    k.declare('tls', 'One series per TLS host of the ingress, with its secret.');
    k.forEach(view.ingresses(), (ingress) => {
      const base = k.identify({ namespace: ingress.metadata.namespace ?? '', ingress: ingress.metadata.name });
      k.emit('info', base, 1, { ingressclass: ingress.spec.ingressClassName ?? '_default' });
      k.emit('created', base, seconds(ingress.metadata.creationTimestamp));
      this.metadataFamilies(k, 'ingresses', base, ingress);
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

  private hpas(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_horizontalpodautoscaler', this.cache);
    k.declare('info', 'Scale target of the autoscaler; value 1.');
    this.declareMetadata(k, 'horizontalpodautoscaler');
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
      this.metadataFamilies(k, 'horizontalpodautoscalers', base, hpa);
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

  private pvcs(writer: ExpositionWriter, view: ClusterView): void {
    const k = new KindEmitter(writer, 'kube_persistentvolumeclaim', this.cache);
    k.declare('info', 'Storage class, volume and volume mode of the claim; value 1.');
    this.declareMetadata(k, 'persistentvolumeclaim');
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
      this.metadataFamilies(k, 'persistentvolumeclaims', base, pvc);
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
}

function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

function flatten(text: string): string {
  return text ? Buffer.from(text).toString() : text;
}

/** Resolves a Kubernetes IntOrString (e.g. "25%") against a total, rounding as the deployment controller does. */
function scaledIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') {
    return value;
  }
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) {
    return Number(value);
  }
  const scaled = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
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

/** Next firing of a 5-field cron schedule (minute hour day-of-month month day-of-week, UTC) strictly after `fromMs`. */
export function nextCronTime(schedule: string, fromMs: number): number | undefined {
  const fields = schedule.trim().split(/\s+/);
  const ranges: Array<[number, number]> = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 6],
  ];
  if (fields.length !== 5) {
    return undefined;
  }
  const sets: Array<Set<number>> = [];
  for (let i = 0; i < 5; i++) {
    const allowed = cronField(fields[i], ranges[i][0], ranges[i][1]);
    if (!allowed) {
      return undefined;
    }
    sets.push(allowed);
  }
  // cron fires on either day field when both are restricted, on the restricted one otherwise.
  const dayRestricted = [fields[2] !== '*', fields[4] !== '*'];
  const dayMatches = (t: Date) =>
    dayRestricted[0] && dayRestricted[1]
      ? sets[2].has(t.getUTCDate()) || sets[4].has(t.getUTCDay())
      : sets[2].has(t.getUTCDate()) && sets[4].has(t.getUTCDay());
  const t = new Date(Math.floor(fromMs / 60000) * 60000 + 60000);
  const limit = fromMs + 5 * 366 * 24 * 3600 * 1000;
  while (t.getTime() < limit) {
    if (!sets[3].has(t.getUTCMonth() + 1) || !dayMatches(t)) {
      t.setUTCHours(24, 0, 0, 0);
    } else if (!sets[1].has(t.getUTCHours())) {
      t.setUTCMinutes(60, 0, 0);
    } else if (!sets[0].has(t.getUTCMinutes())) {
      t.setTime(t.getTime() + 60000);
    } else {
      return t.getTime();
    }
  }
  return undefined;
}

function cronField(field: string, min: number, max: number): Set<number> | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) {
      return undefined;
    }
    const start = match[1] === '*' ? min : Number(match[2]);
    const end = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] ? max : start;
    const step = match[4] ? Number(match[4]) : 1;
    if (start < min || end > max || start > end || step < 1) {
      return undefined;
    }
    for (let v = start; v <= end; v += step) {
      values.add(v);
    }
  }
  return values;
}
