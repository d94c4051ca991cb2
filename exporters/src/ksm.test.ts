/**
 * @jest-environment node
 */
import fs from 'node:fs';
import path from 'node:path';
import { createCluster } from '../../simulator/src/cluster';
import { parseExposition, Sample } from '../test/exposition-parser';
import { KubeStateMetrics, parseAllowlist } from './ksm';
import { nextCronTime } from './ksm/cron';
import { clusterView } from '../../simulator/src/metrics/view';

// The project's reference table beside the checkout when present (CI has it), else the copy kept for clones without it.
const SHARED_TSV = path.join(__dirname, '../../../shared/reference/kube-state-metrics-v2.20-metrics.tsv');
const TSV = fs.existsSync(SHARED_TSV)
  ? SHARED_TSV
  : path.join(__dirname, '../test/fixtures/kube-state-metrics-v2.20-metrics.tsv');
const KINDS = [
  'pod',
  'node',
  'deployment',
  'replicaset',
  'statefulset',
  'daemonset',
  'job',
  'cronjob',
  'namespace',
  'service',
  'ingress',
  'horizontalpodautoscaler',
  'persistentvolumeclaim',
];

/** metric name → its labels from the reference table; keys like label_POD_LABEL are templates for dynamic keys. */
function referenceLabels(): Map<string, { fixed: Set<string>; templates: string[] }> {
  const rows = fs.readFileSync(TSV, 'utf8').trim().split('\n').slice(1);
  const table = new Map<string, { fixed: Set<string>; templates: string[] }>();
  for (const row of rows) {
    const [name, , , labels] = row.split('\t');
    // Label names are backticked and followed by "=" (`key`=<…> or, in a few rows, `key=`<…> / `key` =<…>).
    const keys = [...labels.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)(?:`\s*=|=`)/g)].map((m) => m[1]);
    const templates = keys.filter((k) => /_[A-Z]/.test(k)).map((k) => k.replace(/_[A-Z_]+$/, '_'));
    table.set(name, { fixed: new Set(keys.filter((k) => !/_[A-Z]/.test(k))), templates });
  }
  return table;
}

/** Labels kube-state-metrics sets only on some series of a family (documented in the table's prose). */
const CONDITIONAL: Record<string, string[]> = {
  // a path has either a service backend or a resource backend
  kube_ingress_path: ['service_name', 'service_port', 'resource_api_group', 'resource_kind', 'resource_name'],
  // reason only once the job failed
  kube_job_status_failed: ['reason'],
  // container only for ContainerResource metrics
  kube_horizontalpodautoscaler_spec_target_metric: ['container'],
  kube_horizontalpodautoscaler_status_target_metric: ['container'],
};

function demoView() {
  const sim = createCluster({ scenario: 'demo', seed: 7, startTime: Date.parse('2026-03-01T12:00:00Z'), frozen: true });
  return { sim, view: clusterView(sim.store, sim.clock) };
}

function checkAgainstReference(samples: Sample[]): void {
  const reference = referenceLabels();
  const problems: string[] = [];
  for (const sample of samples) {
    const row = reference.get(sample.name);
    if (!row) {
      problems.push(`${sample.name} is not a kube-state-metrics v2.20 metric`);
      continue;
    }
    const keys = Object.keys(sample.labels);
    const dynamic = keys.filter((k) => !row.fixed.has(k));
    const isMetadataFamily = /_(labels|annotations)$/.test(sample.name);
    for (const key of dynamic) {
      const allowedDynamic = isMetadataFamily && /^(label|annotation)_/.test(key);
      if (!allowedDynamic && !CONDITIONAL[sample.name]?.includes(key)) {
        problems.push(`${sample.name} has label "${key}" that kube-state-metrics does not set`);
      }
    }
    for (const key of row.fixed) {
      if (!(key in sample.labels) && !CONDITIONAL[sample.name]?.includes(key)) {
        problems.push(`${sample.name} lacks label "${key}"`);
      }
    }
  }
  expect([...new Set(problems)]).toEqual([]);
}

describe('kube-state-metrics exposition', () => {
  it('emits only v2.20 metric names with their exact label sets, for every kind', () => {
    const { view } = demoView();
    const text = new KubeStateMetrics({ labelsAllowlist: new Map(), annotationsAllowlist: new Map() })
      .write(view)
      .toString();
    const { samples, types } = parseExposition(text);
    checkAgainstReference(samples);
    const emittedKinds = new Set(samples.map((s) => /^kube_([a-z]+)_/.exec(s.name)![1]));
    expect([...emittedKinds].sort()).toEqual([...KINDS].sort());
    expect(types.get('kube_pod_container_status_restarts_total')).toBe('counter');
    // KSM's default: no allow-list, so the labels families carry HELP/TYPE but no series.
    expect(types.has('kube_pod_labels')).toBe(true);
    expect(samples.some((s) => s.name === 'kube_pod_labels')).toBe(false);
  });

  it('turns allow-listed Kubernetes labels and annotations into sanitized label_/annotation_ keys', () => {
    const { view } = demoView();
    const allowlist = parseAllowlist('pods=[app.kubernetes.io/name,app],namespaces=[*]');
    const text = new KubeStateMetrics({ labelsAllowlist: allowlist, annotationsAllowlist: parseAllowlist('nodes=[*]') })
      .write(view)
      .toString();
    const { samples } = parseExposition(text);
    checkAgainstReference(samples);
    const namespaceLabels = samples.filter((s) => s.name === 'kube_namespace_labels');
    expect(namespaceLabels.length).toBe([...view.namespaces()].length);
    expect(namespaceLabels.every((s) => s.labels.label_kubernetes_io_metadata_name === s.labels.namespace)).toBe(true);
    const podLabels = samples.filter((s) => s.name === 'kube_pod_labels');
    expect(podLabels.length).toBe([...view.pods()].length);
    expect(
      podLabels
        .flatMap((s) => Object.keys(s.labels))
        .filter((k) => k.startsWith('label_') && !['label_app', 'label_app_kubernetes_io_name'].includes(k))
    ).toEqual([]);
    expect(samples.filter((s) => s.name === 'kube_node_annotations').length).toBe([...view.nodes()].length);
    expect(samples.some((s) => s.name === 'kube_deployment_labels')).toBe(false);
  });

  it('rejects a malformed allow-list naming the expected syntax', () => {
    expect(() => parseAllowlist('pods=app')).toThrow(/pods=\[app,team\]/);
  });

  it('agrees with the API objects: pods, phases, restarts, node conditions and replicas', () => {
    const { sim, view } = demoView();
    const { samples } = parseExposition(
      new KubeStateMetrics({ labelsAllowlist: new Map(), annotationsAllowlist: new Map() }).write(view).toString()
    );
    const named = (name: string) => samples.filter((s) => s.name === name);
    const pods = sim.store.list('pods');
    expect(named('kube_pod_info').length).toBe(pods.length);
    for (const pod of pods) {
      const phase = named('kube_pod_status_phase').filter(
        (s) => s.labels.pod === pod.metadata.name && s.labels.namespace === pod.metadata.namespace && s.value === 1
      );
      expect(phase.map((s) => s.labels.phase)).toEqual([pod.status.phase]);
    }
    const crashLooping = pods.find(
      (p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'
    )!;
    const restarts = named('kube_pod_container_status_restarts_total').find(
      (s) => s.labels.pod === crashLooping.metadata.name
    )!;
    expect(restarts.value).toBe(crashLooping.status.containerStatuses[0].restartCount);
    expect(
      named('kube_pod_container_status_last_terminated_reason').some(
        (s) => s.labels.pod === crashLooping.metadata.name && s.labels.reason === 'OOMKilled'
      )
    ).toBe(true);
    expect(named('kube_pod_container_status_waiting_reason').map((s) => s.labels.reason)).toEqual(
      expect.arrayContaining(['CrashLoopBackOff', 'ImagePullBackOff'])
    );
    expect(named('kube_pod_status_unschedulable').length).toBeGreaterThan(0);
    const pressure = named('kube_node_status_condition').filter(
      (s) => s.labels.condition === 'MemoryPressure' && s.labels.status === 'true' && s.value === 1
    );
    expect(pressure.length).toBe(
      sim.store
        .list('nodes')
        .filter((n) =>
          n.status.conditions.some(
            (c: { type: string; status: string }) => c.type === 'MemoryPressure' && c.status === 'True'
          )
        ).length
    );
    for (const deployment of sim.store.list('deployments')) {
      const spec = named('kube_deployment_spec_replicas').find(
        (s) => s.labels.deployment === deployment.metadata.name && s.labels.namespace === deployment.metadata.namespace
      )!;
      expect(spec.value).toBe(deployment.spec.replicas);
      const available = named('kube_deployment_status_replicas_available').find(
        (s) => s.labels.deployment === deployment.metadata.name && s.labels.namespace === deployment.metadata.namespace
      )!;
      expect(available.value).toBe(deployment.status.availableReplicas ?? 0);
    }
    const requests = named('kube_pod_container_resource_requests').filter((s) => s.labels.resource === 'cpu');
    expect(requests.every((s) => s.labels.unit === 'core' && s.value > 0 && s.value < 64)).toBe(true);
  });

  it('follows changes to stored objects at the next scrape, though unchanged objects are rendered once', () => {
    const { sim, view } = demoView();
    const ksm = new KubeStateMetrics({ labelsAllowlist: new Map(), annotationsAllowlist: new Map() });
    const restarts = (text: string, pod: string) =>
      parseExposition(text).samples.find(
        (s) => s.name === 'kube_pod_container_status_restarts_total' && s.labels.pod === pod
      )!.value;
    const pod = sim.store
      .list('pods')
      .find((p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff')!;
    const first = ksm.write(view).toString();
    expect(ksm.write(view).toString()).toBe(first);
    sim.store.modify('pods', pod.metadata.namespace, pod.metadata.name, (copy) => {
      copy.status.containerStatuses[0].restartCount += 1;
    });
    expect(restarts(ksm.write(view).toString(), pod.metadata.name)).toBe(restarts(first, pod.metadata.name) + 1);
  });

  it('follows a pod deletion at the next scrape', () => {
    const { sim, view } = demoView();
    const ksm = new KubeStateMetrics({ labelsAllowlist: new Map(), annotationsAllowlist: new Map() });
    const victim = sim.store.list('pods')[0];
    sim.store.delete('pods', victim.metadata.namespace, victim.metadata.name);
    const { samples } = parseExposition(ksm.write(view).toString());
    expect(samples.some((s) => s.name === 'kube_pod_info' && s.labels.uid === victim.metadata.uid)).toBe(false);
  });
});

describe('nextCronTime', () => {
  const from = Date.parse('2026-03-01T12:07:30Z');
  it.each([
    ['*/15 * * * *', '2026-03-01T12:15:00.000Z'],
    ['0 3 * * *', '2026-03-02T03:00:00.000Z'],
    ['30 2 1 * *', '2026-04-01T02:30:00.000Z'],
    ['0 0 * * 1', '2026-03-02T00:00:00.000Z'],
  ])('%s fires next at %s', (schedule, expected) => {
    expect(new Date(nextCronTime(schedule, from)!).toISOString()).toBe(expected);
  });
  it('reports unparseable schedules', () => {
    expect(nextCronTime('every minute', from)).toBeUndefined();
    expect(nextCronTime('61 * * * *', from)).toBeUndefined();
  });
});
