/**
 * What one node's kubelet serves: /metrics/cadvisor (container cgroup usage) and /metrics (kubelet's own gauges).
 * Series mirror a kubelet with containerd and the systemd cgroup driver: per running container a cgroup
 * `/kubepods.slice/…/cri-containerd-<id>.scope` named by its container ID, per pod the pod cgroup with
 * container="" image="" name="", and the root cgroup id="/". Network counters sit on the pod cgroup (interface
 * label), filesystem counters on container and pod cgroups (device label), as cAdvisor reports them.
 */
import { ExpositionWriter, Labels } from './exposition';
import { parseQuantity } from './quantity';
import { containerUsage, hash32, podNetworkUsage } from './usage';
import { ClusterView, ContainerStatus, Node, Pod } from './shapes';

const ROOT_DEVICE = '/dev/vda';
/** Memory the OS and system daemons use outside the kubepods cgroup. */
const SYSTEM_MEMORY_BYTES = 900 * 2 ** 20;
const SYSTEM_CPU_CORES = 0.08;

function podCgroup(pod: Pod): string {
  const uid = pod.metadata.uid.replace(/-/g, '_');
  const qos = (pod.status?.qosClass ?? 'BestEffort').toLowerCase();
  return qos === 'guaranteed'
    ? `/kubepods.slice/kubepods-pod${uid}.slice`
    : `/kubepods.slice/kubepods-${qos}.slice/kubepods-${qos}-pod${uid}.slice`;
}

/** Pods whose sandbox runs on the node: scheduled there and not finished. */
export function hasRunningSandbox(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.spec.nodeName) && phase !== 'Succeeded' && phase !== 'Failed' && Boolean(pod.status?.startTime);
}

function memoryPressure(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'MemoryPressure' && c.status === 'True') ?? false;
}

/**
 * The container run cAdvisor reports: the running one, or, for a container in back-off after an OOM kill, the
 * killed run frozen at its end with the working set at the limit. Deviation from a real kubelet (which drops the
 * killed cgroup) so that memory panels show what killed the container, as users expect from the crash-looping pod.
 */
function currentOrKilledRun(
  pod: Pod,
  status: ContainerStatus
): { startMs: number; endMs?: number; containerId: string } | undefined {
  // kwok leaves container IDs out of some states (crash loops); a run still needs a stable cgroup name.
  const containerId = (id: string | undefined) =>
    id ? id.replace(/^[a-z]+:\/\//, '') : runId(`${pod.metadata.uid}/${status.name}/${status.restartCount}`);
  const running = status.state?.running;
  if (running?.startedAt) {
    return { startMs: Date.parse(running.startedAt), containerId: containerId(status.containerID) };
  }
  const killed = status.lastState?.terminated;
  if (status.state?.waiting && killed?.reason === 'OOMKilled' && killed.startedAt && killed.finishedAt) {
    return {
      startMs: Date.parse(killed.startedAt),
      endMs: Date.parse(killed.finishedAt),
      containerId: containerId(killed.containerID ?? status.containerID),
    };
  }
  return undefined;
}

/** 64 hex digits, as containerd's container IDs, chained from the run's identity. */
function runId(seed: string): string {
  let word = hash32(seed);
  let id = '';
  for (let i = 0; i < 8; i++) {
    id += word.toString(16).padStart(8, '0');
    word = hash32(`${id}/${seed}`);
  }
  return id;
}

export function writeCadvisor(view: ClusterView, node: Node): ExpositionWriter {
  const writer = new ExpositionWriter();
  const nowMs = view.nowMs();
  const cpuFamily = writer.family(
    'container_cpu_usage_seconds_total',
    'counter',
    'CPU time the cgroup has used (seconds).'
  );
  const memoryFamily = writer.family(
    'container_memory_working_set_bytes',
    'gauge',
    'Working set memory of the cgroup (bytes).'
  );
  const receiveFamily = writer.family(
    'container_network_receive_bytes_total',
    'counter',
    'Bytes the pod received on the interface.'
  );
  const transmitFamily = writer.family(
    'container_network_transmit_bytes_total',
    'counter',
    'Bytes the pod sent on the interface.'
  );
  const readsFamily = writer.family(
    'container_fs_reads_bytes_total',
    'counter',
    'Bytes the cgroup read from the device.'
  );
  const writesFamily = writer.family(
    'container_fs_writes_bytes_total',
    'counter',
    'Bytes the cgroup wrote to the device.'
  );
  const pressure = memoryPressure(node);
  let podsCpu = 0;
  let podsMemory = 0;

  for (const pod of view.podsOnNode(node.metadata.name)) {
    if (!hasRunningSandbox(pod)) {
      continue;
    }
    const podStartMs = Date.parse(pod.status!.startTime!);
    const podId = podCgroup(pod);
    const podLabels: Labels = {
      container: '',
      id: podId,
      image: '',
      name: '',
      namespace: pod.metadata.namespace ?? '',
      pod: pod.metadata.name,
    };
    const podTotals = { cpu: 0, memory: 0, reads: 0, writes: 0 };
    for (const status of pod.status?.containerStatuses ?? []) {
      const spec = pod.spec.containers.find((c) => c.name === status.name);
      const seed = `${pod.metadata.uid}/${status.name}`;
      // The pod cgroup accumulates every run of the container since the pod started.
      const sincePodStart = containerUsage(seed, spec, status, podStartMs, nowMs, pressure);
      podTotals.cpu += sincePodStart.cpuSecondsTotal;
      podTotals.reads += sincePodStart.fsReadBytesTotal;
      podTotals.writes += sincePodStart.fsWriteBytesTotal;
      const run = currentOrKilledRun(pod, status);
      if (!run) {
        continue; // a waiting container (back-off, image pull) has no cgroup
      }
      const usage = containerUsage(seed, spec, status, run.startMs, run.endMs ?? nowMs, pressure);
      if (run.endMs !== undefined && spec?.resources?.limits?.memory) {
        usage.memoryWorkingSetBytes = Math.round(parseQuantity(spec.resources.limits.memory) * 0.995);
      }
      const containerId = run.containerId;
      podTotals.memory += usage.memoryWorkingSetBytes;
      const labels: Labels = {
        container: status.name,
        id: `${podId}/cri-containerd-${containerId}.scope`,
        image: status.image,
        name: containerId,
        namespace: podLabels.namespace,
        pod: pod.metadata.name,
      };
      cpuFamily.add(labels, usage.cpuSecondsTotal);
      memoryFamily.add(labels, usage.memoryWorkingSetBytes);
      readsFamily.add({ ...labels, device: ROOT_DEVICE }, usage.fsReadBytesTotal);
      writesFamily.add({ ...labels, device: ROOT_DEVICE }, usage.fsWriteBytesTotal);
    }
    // The pause container's own footprint keeps the pod cgroup non-zero while containers are down.
    podTotals.memory += 600 * 1024;
    cpuFamily.add(podLabels, podTotals.cpu);
    memoryFamily.add(podLabels, podTotals.memory);
    const network = podNetworkUsage(pod.metadata.uid, podStartMs, nowMs);
    receiveFamily.add({ ...podLabels, interface: 'eth0' }, network.receiveBytesTotal);
    transmitFamily.add({ ...podLabels, interface: 'eth0' }, network.transmitBytesTotal);
    readsFamily.add({ ...podLabels, device: ROOT_DEVICE }, podTotals.reads);
    writesFamily.add({ ...podLabels, device: ROOT_DEVICE }, podTotals.writes);
    podsCpu += podTotals.cpu;
    podsMemory += podTotals.memory;
  }

  const rootLabels: Labels = { container: '', id: '/', image: '', name: '', namespace: '', pod: '' };
  const nodeUptime = Math.max(0, (nowMs - Date.parse(node.metadata.creationTimestamp)) / 1000);
  cpuFamily.add(rootLabels, podsCpu + SYSTEM_CPU_CORES * nodeUptime);
  memoryFamily.add(rootLabels, podsMemory + SYSTEM_MEMORY_BYTES);

  const capacity = node.status?.capacity ?? {};
  writer.family('machine_cpu_cores', 'gauge', 'Logical CPU cores of the node.').add({}, parseQuantity(capacity.cpu));
  writer.family('machine_memory_bytes', 'gauge', 'Memory of the node (bytes).').add({}, parseQuantity(capacity.memory));
  return writer;
}

/** The kubelet's own /metrics, reduced to what dashboards read about a node's pods. */
export function writeKubelet(view: ClusterView, node: Node): ExpositionWriter {
  const writer = new ExpositionWriter();
  let runningPods = 0;
  const containers = { running: 0, exited: 0, created: 0 };
  for (const pod of view.podsOnNode(node.metadata.name)) {
    if (!hasRunningSandbox(pod)) {
      continue;
    }
    runningPods++;
    for (const status of pod.status?.containerStatuses ?? []) {
      if (status.state?.running) {
        containers.running++;
      } else if (status.state?.terminated || status.lastState?.terminated) {
        containers.exited++;
      } else {
        containers.created++;
      }
    }
  }
  writer
    .family('kubelet_node_name', 'gauge', 'Name of the node this kubelet runs on; value 1.')
    .add({ node: node.metadata.name }, 1);
  writer.family('kubelet_running_pods', 'gauge', 'Pods whose sandbox runs on the node.').add({}, runningPods);
  const family = writer.family('kubelet_running_containers', 'gauge', 'Containers on the node by state.');
  for (const [state, count] of Object.entries(containers)) {
    family.add({ container_state: state }, count);
  }
  return writer;
}
