/** kube_pod_*, kube_pod_container_* and kube_pod_init_container_* families, as kube-state-metrics' pod store. */
import { ExpositionWriter, Labels } from '../exposition';
import { parseQuantity } from '../quantity';
import { ClusterView, ContainerSpec, ContainerStatus, Pod, ResourceList } from '../shapes';
import { BOOL_STATUSES, bool, KindEmitter, KsmContext, resourceLabels, seconds } from './emitter';

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

export function writePods(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_pod', context);
  k.declare('info', 'Pod placement (node, IPs), creator and priority class; value 1.');
  k.declare('ips', 'One series per pod IP, with its family.');
  k.declare('owner', 'Owner references of the pod, or <none>.');
  k.declare('start_time', 'When the kubelet acknowledged the pod (unix seconds).');
  k.declare('completion_time', 'When the last container of a finished pod terminated (unix seconds).');
  k.declare('deletion_timestamp', 'When deletion of the object was requested (unix seconds).');
  k.declareMetadata('pod');
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
    k.declare(`${prefix}_status_last_terminated_reason`, 'Why the previous run of the container terminated; value 1.');
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
    k.metadata('pods', base, pod);
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
    containers(k, 'container', pod, base, pod.spec.containers, status.containerStatuses);
    containers(k, 'init_container', pod, base, pod.spec.initContainers ?? [], status.initContainerStatuses);
  });
}

function containers(
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
