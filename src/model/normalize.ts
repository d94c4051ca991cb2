/**
 * Raw Kubernetes objects → the small models of ./types.ts. Tolerant by construction: every field is read through the
 * guards below, so a missing or mistyped optional field yields undefined/[]/{} instead of an exception, and an
 * object without a name yields undefined (it cannot be shown or related).
 */
import { MONITORING_NORMALIZERS } from './normalizeMonitoring';
import { combineQuantities, parseQuantity, parseResourceList } from './quantity';
import {
  Health,
  type ContainerPort,
  type ContainerSpecSummary,
  type ContainerSummary,
  type CronJobModel,
  type DaemonSetModel,
  type DeploymentModel,
  type EndpointSliceModel,
  type EventModel,
  type HorizontalPodAutoscalerModel,
  type HpaMetric,
  type IngressModel,
  type IngressRule,
  type JobModel,
  type KindName,
  type ModelByKind,
  type NamespaceModel,
  type NodeModel,
  type ObjectRef,
  type PersistentVolumeClaimModel,
  type PodModel,
  type ProbeSummary,
  type ReplicaCounts,
  type ReplicaSetModel,
  type ServiceModel,
  type StatefulSetModel,
  type StatusSummary,
} from './types';
import {
  arr,
  base,
  bool,
  conditionOf,
  count,
  labelSelector,
  num,
  obj,
  portRef,
  str,
  stringMap,
  strings,
  time,
  type Json,
} from './readers';

function probe(value: unknown): ProbeSummary | undefined {
  const p = obj(value);
  if (Object.keys(p).length === 0) {
    return undefined;
  }
  const handler: ProbeSummary['handler'] = p.httpGet
    ? 'http'
    : p.tcpSocket
      ? 'tcp'
      : p.grpc
        ? 'grpc'
        : p.exec
          ? 'exec'
          : 'unknown';
  const target = obj(p.httpGet ?? p.tcpSocket ?? p.grpc);
  return {
    handler,
    port: portRef(target.port),
    path: str(target.path),
    initialDelaySeconds: num(p.initialDelaySeconds),
    periodSeconds: num(p.periodSeconds),
    timeoutSeconds: num(p.timeoutSeconds),
    failureThreshold: num(p.failureThreshold),
  };
}

function containerSpec(c: Json): ContainerSpecSummary {
  const resources = obj(c.resources);
  return {
    name: str(c.name) ?? '',
    image: str(c.image) ?? '',
    requests: parseResourceList(resources.requests),
    limits: parseResourceList(resources.limits),
    ports: arr(c.ports)
      .map((p): ContainerPort | undefined => {
        const containerPort = num(p.containerPort);
        return containerPort === undefined
          ? undefined
          : { name: str(p.name), containerPort, protocol: str(p.protocol) ?? 'TCP' };
      })
      .filter((p): p is ContainerPort => p !== undefined),
    probes: {
      liveness: probe(c.livenessProbe),
      readiness: probe(c.readinessProbe),
      startup: probe(c.startupProbe),
    },
  };
}

function templateContainers(spec: Json): ContainerSpecSummary[] {
  return arr(obj(obj(spec.template).spec).containers).map(containerSpec);
}

function containerSummary(c: Json, statuses: Json[], init: boolean): ContainerSummary {
  const spec = containerSpec(c);
  const status = statuses.find((s) => s.name === spec.name) ?? {};
  const state = obj(status.state);
  const last = obj(obj(status.lastState).terminated);
  const [stateName, detail] = state.running
    ? (['running', obj(state.running)] as const)
    : state.waiting
      ? (['waiting', obj(state.waiting)] as const)
      : state.terminated
        ? (['terminated', obj(state.terminated)] as const)
        : (['unknown', obj(undefined)] as const);
  // Object.assign, not spread: spreading into a large literal is pathologically slow in V8 (10k pods).
  return Object.assign(spec, {
    init,
    state: stateName,
    reason: str(detail.reason),
    message: str(detail.message),
    ready: bool(status.ready),
    restarts: count(status.restartCount),
    startedAt: time(detail.startedAt),
    lastTermination:
      Object.keys(last).length > 0
        ? { reason: str(last.reason), exitCode: num(last.exitCode), finishedAt: time(last.finishedAt) }
        : undefined,
  });
}

const FAILED_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

// ---------------------------------------------------------------------------------------------------------------------
// Kinds

function namespace(raw: Json): NamespaceModel | undefined {
  const phase = str(obj(raw.status).phase);
  const status: StatusSummary =
    phase === 'Terminating'
      ? { health: Health.Progressing, phase, reason: 'Terminating' }
      : { health: phase === 'Active' ? Health.Healthy : Health.Unknown, phase };
  const b = base('Namespace', raw, status);
  return b && Object.assign(b, { phase });
}

const PRESSURE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

function node(raw: Json): NodeModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const info = obj(st.nodeInfo);
  const labels = stringMap(obj(raw.metadata).labels);
  const conditions = arr(st.conditions).map((c) => ({
    type: str(c.type) ?? '',
    status: str(c.status) ?? 'Unknown',
    reason: str(c.reason),
    message: str(c.message),
    lastTransitionAt: time(c.lastTransitionTime),
  }));
  const readyCondition = conditions.find((c) => c.type === 'Ready');
  const ready = readyCondition?.status === 'True';
  const pressure = conditions.find((c) => PRESSURE_CONDITIONS.includes(c.type) && c.status === 'True');
  const unschedulable = bool(spec.unschedulable);
  const status: StatusSummary = !readyCondition
    ? { health: Health.Unknown, phase: 'Unknown', reason: 'NoReadyCondition' }
    : !ready
      ? {
          health: Health.Failed,
          phase: 'NotReady',
          reason: readyCondition.reason ?? 'NotReady',
          message: readyCondition.message,
        }
      : pressure
        ? { health: Health.Warning, phase: 'Ready', reason: pressure.type, message: pressure.message }
        : unschedulable
          ? { health: Health.Warning, phase: 'Ready', reason: 'SchedulingDisabled', message: 'The node is cordoned.' }
          : { health: Health.Healthy, phase: 'Ready' };
  const b = base('Node', raw, status);
  if (!b) {
    return undefined;
  }
  const roles = Object.keys(labels)
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length))
    .filter((role) => role !== '');
  if (labels['kubernetes.io/role'] && !roles.includes(labels['kubernetes.io/role'])) {
    roles.push(labels['kubernetes.io/role']);
  }
  const address = (type: string) => str(arr(st.addresses).find((a) => a.type === type)?.address);
  return Object.assign(b, {
    roles,
    ready,
    unschedulable,
    conditions,
    taints: arr(spec.taints).map((t) => ({ key: str(t.key) ?? '', value: str(t.value), effect: str(t.effect) ?? '' })),
    capacity: parseResourceList(st.capacity),
    allocatable: parseResourceList(st.allocatable),
    kubeletVersion: str(info.kubeletVersion),
    osImage: str(info.osImage),
    kernelVersion: str(info.kernelVersion),
    containerRuntime: str(info.containerRuntimeVersion),
    architecture: str(info.architecture),
    internalIP: address('InternalIP'),
    externalIP: address('ExternalIP'),
    hostname: address('Hostname'),
    zone: labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'],
    region: labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'],
    instanceType: labels['node.kubernetes.io/instance-type'] ?? labels['beta.kubernetes.io/instance-type'],
  });
}

function podStatus(
  phase: string | undefined,
  st: Json,
  containers: ContainerSummary[],
  initContainers: ContainerSummary[],
  ready: boolean,
  terminating: boolean
): StatusSummary {
  if (terminating) {
    return { health: Health.Progressing, phase, reason: 'Terminating' };
  }
  if (phase === 'Succeeded') {
    return { health: Health.Healthy, phase, reason: 'Completed' };
  }
  if (phase === 'Failed') {
    return { health: Health.Failed, phase, reason: str(st.reason) ?? 'Failed', message: str(st.message) };
  }
  const broken = [...initContainers, ...containers].find(
    (c) => c.state === 'waiting' && c.reason && FAILED_WAITING_REASONS.has(c.reason)
  );
  if (broken) {
    return {
      health: Health.Failed,
      phase,
      reason: broken.reason,
      message: `${broken.init ? 'Init container' : 'Container'} ${broken.name}: ${broken.message ?? broken.reason}`,
    };
  }
  if (phase === 'Pending') {
    const scheduled = conditionOf(st, 'PodScheduled');
    if (scheduled?.status === 'False') {
      return {
        health: Health.Failed,
        phase,
        reason: str(scheduled.reason) ?? 'Unschedulable',
        message: str(scheduled.message),
      };
    }
    const waiting = [...initContainers, ...containers].find((c) => c.state === 'waiting');
    return { health: Health.Progressing, phase, reason: waiting?.reason ?? 'Pending', message: waiting?.message };
  }
  if (phase === 'Running') {
    if (ready) {
      return { health: Health.Healthy, phase };
    }
    const notReady = containers.find((c) => !c.ready);
    return {
      health: Health.Warning,
      phase,
      reason: 'NotReady',
      message: notReady
        ? `Container ${notReady.name} is not ready${notReady.reason ? ` (${notReady.reason})` : ''}.`
        : undefined,
    };
  }
  return { health: Health.Unknown, phase, reason: str(st.reason) };
}

function pod(raw: Json): PodModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const phase = str(st.phase);
  const containers = arr(spec.containers).map((c) => containerSummary(c, arr(st.containerStatuses), false));
  const initContainers = arr(spec.initContainers).map((c) => containerSummary(c, arr(st.initContainerStatuses), true));
  const readyCondition = conditionOf(st, 'Ready');
  const ready = readyCondition?.status === 'True';
  const terminating = str(obj(raw.metadata).deletionTimestamp) !== undefined;
  const b = base('Pod', raw, podStatus(phase, st, containers, initContainers, ready, terminating));
  if (!b) {
    return undefined;
  }
  // The scheduler's effective request: max(sum of app containers, largest init container) plus pod overhead.
  const add = (x: number, y: number) => x + y;
  const effective = (field: 'requests' | 'limits') => {
    const appSum = combineQuantities(
      containers.map((c) => c[field]),
      add
    );
    const withInit = combineQuantities([appSum, ...initContainers.map((c) => c[field])], Math.max);
    return combineQuantities([withInit, parseResourceList(spec.overhead)], add);
  };
  return Object.assign(b, {
    phase,
    nodeName: str(spec.nodeName),
    podIP: str(st.podIP),
    hostIP: str(st.hostIP),
    qosClass: str(st.qosClass),
    serviceAccount: str(spec.serviceAccountName),
    priorityClassName: str(spec.priorityClassName),
    startedAt: time(st.startTime),
    ready,
    readySince: ready ? time(readyCondition?.lastTransitionTime) : undefined,
    readyContainers: containers.filter((c) => c.ready).length,
    restarts: containers.reduce((sum, c) => sum + c.restarts, 0),
    containers,
    initContainers,
    requests: effective('requests'),
    limits: effective('limits'),
    claimNames: arr(spec.volumes)
      .map((v) => str(obj(v.persistentVolumeClaim).claimName))
      .filter((n): n is string => n !== undefined),
    terminating,
  });
}

function service(raw: Json): ServiceModel | undefined {
  const spec = obj(raw.spec);
  const type = str(spec.type) ?? 'ClusterIP';
  const loadBalancerAddresses = arr(obj(obj(raw.status).loadBalancer).ingress)
    .map((i) => str(i.ip) ?? str(i.hostname))
    .filter((a): a is string => a !== undefined);
  const status: StatusSummary =
    type === 'LoadBalancer' && loadBalancerAddresses.length === 0
      ? { health: Health.Progressing, reason: 'PendingLoadBalancer', message: 'No load balancer address assigned yet.' }
      : { health: Health.Healthy };
  const b = base('Service', raw, status);
  const clusterIP = str(spec.clusterIP);
  const selector = stringMap(spec.selector);
  return (
    b &&
    Object.assign(b, {
      type,
      clusterIP,
      headless: clusterIP === 'None',
      externalName: str(spec.externalName),
      externalIPs: strings(spec.externalIPs),
      loadBalancerAddresses,
      selector: Object.keys(selector).length > 0 ? selector : undefined,
      ports: arr(spec.ports)
        .filter((p) => num(p.port) !== undefined)
        .map((p) => ({
          name: str(p.name),
          port: num(p.port) as number,
          targetPort: portRef(p.targetPort),
          protocol: str(p.protocol) ?? 'TCP',
          nodePort: num(p.nodePort),
          appProtocol: str(p.appProtocol),
        })),
    })
  );
}

function ingressBackend(value: unknown): IngressRule['backend'] {
  const backend = obj(value);
  const svc = obj(backend.service);
  const port = obj(svc.port);
  const resource = obj(backend.resource);
  return {
    serviceName: str(svc.name),
    servicePort: num(port.number) ?? str(port.name),
    resource:
      str(resource.kind) && str(resource.name)
        ? { kind: String(resource.kind), name: String(resource.name) }
        : undefined,
  };
}

function ingress(raw: Json): IngressModel | undefined {
  const spec = obj(raw.spec);
  const rules: IngressRule[] = arr(spec.rules).flatMap((rule) =>
    arr(obj(rule.http).paths).map((p) => ({
      host: str(rule.host),
      path: str(p.path),
      pathType: str(p.pathType),
      backend: ingressBackend(p.backend),
    }))
  );
  if (spec.defaultBackend) {
    rules.push({ backend: ingressBackend(spec.defaultBackend) });
  }
  const b = base('Ingress', raw, { health: Health.Healthy });
  return (
    b &&
    Object.assign(b, {
      ingressClassName:
        str(spec.ingressClassName) ?? str(stringMap(obj(raw.metadata).annotations)['kubernetes.io/ingress.class']),
      rules,
      tls: arr(spec.tls).map((t) => ({ hosts: strings(t.hosts), secretName: str(t.secretName) })),
      addresses: arr(obj(obj(raw.status).loadBalancer).ingress)
        .map((i) => str(i.ip) ?? str(i.hostname))
        .filter((a): a is string => a !== undefined),
    })
  );
}

function objectRef(value: unknown): ObjectRef | undefined {
  const ref = obj(value);
  const kind = str(ref.kind);
  const name = str(ref.name);
  return kind && name ? { kind, name, namespace: str(ref.namespace), uid: str(ref.uid) } : undefined;
}

function endpointSlice(raw: Json): EndpointSliceModel | undefined {
  const endpoints = arr(raw.endpoints).map((e) => {
    const conditions = obj(e.conditions);
    return {
      addresses: strings(e.addresses),
      // Kubernetes: a nil ready condition means ready.
      ready: conditions.ready !== false,
      serving: typeof conditions.serving === 'boolean' ? conditions.serving : undefined,
      terminating: typeof conditions.terminating === 'boolean' ? conditions.terminating : undefined,
      nodeName: str(e.nodeName),
      targetRef: objectRef(e.targetRef),
    };
  });
  const status: StatusSummary =
    endpoints.length > 0 && endpoints.every((e) => !e.ready)
      ? { health: Health.Warning, reason: 'NoReadyEndpoints', message: 'None of the endpoints is ready.' }
      : { health: Health.Healthy };
  const b = base('EndpointSlice', raw, status);
  return (
    b &&
    Object.assign(b, {
      serviceName: b.labels['kubernetes.io/service-name'],
      addressType: str(raw.addressType) ?? 'IPv4',
      endpoints,
      ports: arr(raw.ports).map((p) => ({ name: str(p.name), port: num(p.port), protocol: str(p.protocol) ?? 'TCP' })),
    })
  );
}

/** Health of a replicated workload from its counts; `failure` is a controller condition that already says it failed. */
function workloadStatus(replicas: ReplicaCounts, generationPending: boolean, failure?: Json): StatusSummary {
  const counts = `${replicas.ready}/${replicas.desired} ready`;
  if (failure) {
    return { health: Health.Failed, phase: counts, reason: str(failure.reason), message: str(failure.message) };
  }
  if (replicas.desired === 0) {
    return { health: Health.Healthy, phase: counts, reason: 'ScaledToZero' };
  }
  if (replicas.available === 0 && replicas.ready === 0) {
    return {
      health: Health.Failed,
      phase: counts,
      reason: 'NoReplicaAvailable',
      message: `0 of ${replicas.desired} replicas available.`,
    };
  }
  if (generationPending || replicas.updated < replicas.desired) {
    return { health: Health.Progressing, phase: counts, reason: 'RollingOut' };
  }
  if (replicas.available < replicas.desired || replicas.ready < replicas.desired) {
    return {
      health: Health.Warning,
      phase: counts,
      reason: 'ReplicasUnavailable',
      message: `${replicas.desired - Math.min(replicas.available, replicas.ready)} of ${replicas.desired} replicas unavailable.`,
    };
  }
  return { health: Health.Healthy, phase: counts };
}

function generationPending(raw: Json): boolean {
  const generation = num(obj(raw.metadata).generation);
  const observed = num(obj(raw.status).observedGeneration);
  return generation !== undefined && observed !== undefined && observed < generation;
}

type ReplicatedKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet';

/** The fields every replicated workload shares; each kind adds its own counts and extras. */
function workload<K extends ReplicatedKind>(
  kind: K,
  raw: Json,
  replicas: ReplicaCounts,
  strategy?: string,
  failure?: Json
) {
  const spec = obj(raw.spec);
  const pending = generationPending(raw);
  const b = base(kind, raw, workloadStatus(replicas, pending, failure));
  return (
    b &&
    Object.assign(b, {
      selector: labelSelector(spec.selector),
      replicas,
      containers: templateContainers(spec),
      strategy,
      generationPending: pending,
    })
  );
}

function deployment(raw: Json): DeploymentModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const progressing = conditionOf(st, 'Progressing');
  const stalled = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
  const model = workload(
    'Deployment',
    raw,
    {
      desired: num(spec.replicas) ?? 1,
      current: count(st.replicas),
      ready: count(st.readyReplicas),
      available: count(st.availableReplicas),
      updated: count(st.updatedReplicas),
    },
    str(obj(spec.strategy).type),
    stalled ? progressing : undefined
  );
  return model && Object.assign(model, { paused: bool(spec.paused) });
}

function replicaSet(raw: Json): ReplicaSetModel | undefined {
  const st = obj(raw.status);
  const failure = conditionOf(st, 'ReplicaFailure');
  return workload(
    'ReplicaSet',
    raw,
    {
      desired: num(obj(raw.spec).replicas) ?? 1,
      current: count(st.replicas),
      ready: count(st.readyReplicas),
      available: count(st.availableReplicas),
      // A ReplicaSet has a single template: every pod it runs is up to date.
      updated: count(st.replicas),
    },
    undefined,
    failure?.status === 'True' ? failure : undefined
  );
}

function statefulSet(raw: Json): StatefulSetModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const ready = count(st.readyReplicas);
  const model = workload(
    'StatefulSet',
    raw,
    {
      desired: num(spec.replicas) ?? 1,
      current: count(st.replicas),
      ready,
      // availableReplicas exists since 1.22; before that, ready is the best available figure.
      available: num(st.availableReplicas) ?? ready,
      updated: count(st.updatedReplicas),
    },
    str(obj(spec.updateStrategy).type)
  );
  return (
    model &&
    Object.assign(model, {
      serviceName: str(spec.serviceName),
      volumeClaimTemplates: arr(spec.volumeClaimTemplates)
        .map((t) => str(obj(t.metadata).name))
        .filter((n): n is string => n !== undefined),
    })
  );
}

function daemonSet(raw: Json): DaemonSetModel | undefined {
  const st = obj(raw.status);
  const model = workload(
    'DaemonSet',
    raw,
    {
      desired: count(st.desiredNumberScheduled),
      current: count(st.currentNumberScheduled),
      ready: count(st.numberReady),
      available: count(st.numberAvailable),
      updated: count(st.updatedNumberScheduled),
    },
    str(obj(obj(raw.spec).updateStrategy).type)
  );
  return model && Object.assign(model, { misscheduled: count(st.numberMisscheduled) });
}

function job(raw: Json): JobModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const failedCondition = conditionOf(st, 'Failed');
  const complete = conditionOf(st, 'Complete')?.status === 'True';
  const failedCount = count(st.failed);
  const outcome: JobModel['outcome'] =
    failedCondition?.status === 'True'
      ? 'Failed'
      : complete
        ? 'Complete'
        : bool(spec.suspend)
          ? 'Suspended'
          : 'Running';
  const status: StatusSummary =
    outcome === 'Failed'
      ? {
          health: Health.Failed,
          phase: outcome,
          reason: str(failedCondition?.reason) ?? 'Failed',
          message: str(failedCondition?.message),
        }
      : outcome === 'Running' && failedCount > 0
        ? {
            health: Health.Warning,
            phase: outcome,
            reason: 'PodsFailed',
            message: `${failedCount} pod(s) failed; retrying.`,
          }
        : { health: Health.Healthy, phase: outcome };
  const b = base('Job', raw, status);
  return (
    b &&
    Object.assign(b, {
      selector: labelSelector(spec.selector),
      completions: num(spec.completions),
      parallelism: num(spec.parallelism),
      active: count(st.active),
      succeeded: count(st.succeeded),
      failed: failedCount,
      startedAt: time(st.startTime),
      completedAt: time(st.completionTime),
      outcome,
      containers: templateContainers(spec),
    })
  );
}

function cronJob(raw: Json): CronJobModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const suspend = bool(spec.suspend);
  const b = base('CronJob', raw, { health: Health.Healthy, phase: suspend ? 'Suspended' : 'Scheduled' });
  return (
    b &&
    Object.assign(b, {
      schedule: str(spec.schedule) ?? '',
      timeZone: str(spec.timeZone),
      suspend,
      lastScheduleAt: time(st.lastScheduleTime),
      lastSuccessfulAt: time(st.lastSuccessfulTime),
      activeJobs: arr(st.active)
        .map(objectRef)
        .filter((r): r is ObjectRef => r !== undefined),
      containers: templateContainers(obj(obj(spec.jobTemplate).spec)),
    })
  );
}

/** autoscaling/v2 MetricTarget / MetricValueStatus as short text: "80%", "500m", "100". */
function metricValue(value: unknown): string | undefined {
  const v = obj(value);
  const utilization = num(v.averageUtilization);
  if (utilization !== undefined) {
    return `${utilization}%`;
  }
  return str(v.averageValue) ?? str(v.value) ?? (num(v.averageValue) ?? num(v.value))?.toString();
}

function hpaMetrics(spec: Json, st: Json): HpaMetric[] {
  const current = arr(st.currentMetrics);
  return arr(spec.metrics).map((m, index) => {
    const type = str(m.type) ?? 'Unknown';
    const field = type.charAt(0).toLowerCase() + type.slice(1);
    const source = obj(m[field]);
    const name = str(source.name) ?? str(obj(source.metric).name) ?? type;
    const observed = obj(current[index]?.[field]);
    return { type, name, target: metricValue(source.target), current: metricValue(observed.current) };
  });
}

function hpa(raw: Json): HorizontalPodAutoscalerModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const target = obj(spec.scaleTargetRef);
  const ableToScale = conditionOf(st, 'AbleToScale');
  const scalingActive = conditionOf(st, 'ScalingActive');
  const status: StatusSummary =
    ableToScale?.status === 'False'
      ? { health: Health.Failed, reason: str(ableToScale.reason), message: str(ableToScale.message) }
      : scalingActive?.status === 'False'
        ? { health: Health.Warning, reason: str(scalingActive.reason), message: str(scalingActive.message) }
        : { health: Health.Healthy };
  const b = base('HorizontalPodAutoscaler', raw, status);
  return (
    b &&
    Object.assign(b, {
      target: { kind: str(target.kind) ?? '', name: str(target.name) ?? '', apiVersion: str(target.apiVersion) },
      minReplicas: num(spec.minReplicas),
      maxReplicas: count(spec.maxReplicas),
      currentReplicas: count(st.currentReplicas),
      desiredReplicas: count(st.desiredReplicas),
      metrics: hpaMetrics(spec, st),
    })
  );
}

function pvc(raw: Json): PersistentVolumeClaimModel | undefined {
  const spec = obj(raw.spec);
  const st = obj(raw.status);
  const phase = str(st.phase);
  const status: StatusSummary =
    phase === 'Bound'
      ? { health: Health.Healthy, phase }
      : phase === 'Pending'
        ? { health: Health.Progressing, phase, reason: 'Pending', message: 'Waiting for a volume to be bound.' }
        : phase === 'Lost'
          ? { health: Health.Failed, phase, reason: 'Lost', message: 'The bound volume no longer exists.' }
          : { health: Health.Unknown, phase };
  const b = base('PersistentVolumeClaim', raw, status);
  return (
    b &&
    Object.assign(b, {
      phase,
      storageClassName: str(spec.storageClassName),
      volumeName: str(spec.volumeName),
      accessModes: strings(spec.accessModes),
      requestedBytes: parseQuantity(obj(obj(spec.resources).requests).storage),
      capacityBytes: parseQuantity(obj(st.capacity).storage),
    })
  );
}

function event(raw: Json): EventModel | undefined {
  const type = str(raw.type) ?? 'Normal';
  const reason = str(raw.reason);
  const message = str(raw.message);
  const b = base('Event', raw, {
    health: type === 'Warning' ? Health.Warning : Health.Healthy,
    reason,
    message,
  });
  const involved = objectRef(raw.involvedObject);
  if (!b || !involved) {
    return undefined;
  }
  const series = obj(raw.series);
  const firstAt = time(raw.firstTimestamp) ?? time(raw.eventTime);
  return Object.assign(b, {
    type,
    reason,
    message,
    involvedObject: involved,
    count: num(raw.count) ?? num(series.count) ?? 1,
    firstAt,
    lastAt: time(raw.lastTimestamp) ?? time(series.lastObservedTime) ?? firstAt,
    source: str(obj(raw.source).component) ?? str(raw.reportingComponent),
  });
}

const NORMALIZERS: { [K in KindName]: (raw: Json) => ModelByKind[K] | undefined } = {
  Namespace: namespace,
  Node: node,
  Pod: pod,
  Service: service,
  EndpointSlice: endpointSlice,
  Ingress: ingress,
  Deployment: deployment,
  ReplicaSet: replicaSet,
  StatefulSet: statefulSet,
  DaemonSet: daemonSet,
  Job: job,
  CronJob: cronJob,
  HorizontalPodAutoscaler: hpa,
  PersistentVolumeClaim: pvc,
  Event: event,
  ...MONITORING_NORMALIZERS,
};

/** One raw object of `kind` → its model, or undefined when it has no name (unusable). Never throws. */
export function normalize<K extends KindName>(kind: K, raw: unknown): ModelByKind[K] | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  return (NORMALIZERS[kind] as (raw: Json) => ModelByKind[K] | undefined)(raw as Json);
}

/** Normalizes a list, dropping unusable objects. */
export function normalizeAll<K extends KindName>(kind: K, items: readonly unknown[]): Array<ModelByKind[K]> {
  const out: Array<ModelByKind[K]> = [];
  for (const raw of items) {
    const model = normalize(kind, raw);
    if (model) {
      out.push(model);
    }
  }
  return out;
}
