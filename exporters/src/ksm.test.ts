/**
 * @jest-environment node
 */
import fs from 'node:fs';
import path from 'node:path';
import { createCluster } from '../../simulator/src/cluster';
import { clusterView } from '../../simulator/src/metrics/view';
import { fixtureCluster } from '../test/fixtureCluster';
import { parseExposition, Sample } from '../test/exposition-parser';
import { KubeStateMetrics, parseAllowlist } from './ksm';
import { nextCronTime } from './ksm/cron';
import type { ClusterView, Node, Pod } from './shapes';

// The project's reference table beside the checkout when present (CI has it), else the copy kept for clones without it.
const SHARED_TSV = path.join(__dirname, '../../../shared/reference/kube-state-metrics-v2.20-metrics.tsv');
const FALLBACK_TSV = path.join(__dirname, '../test/fixtures/kube-state-metrics-v2.20-metrics.tsv');
const TSV = fs.existsSync(SHARED_TSV) ? SHARED_TSV : FALLBACK_TSV;
const TABLE =
  TSV === SHARED_TSV
    ? 'the reference ../shared/reference/kube-state-metrics-v2.20-metrics.tsv'
    : 'the fallback copy test/fixtures/kube-state-metrics-v2.20-metrics.tsv (../shared/reference is absent)';

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

interface Row {
  type: string;
  fixed: Set<string>;
}

/** metric name → its type and labels from the reference table; keys like label_POD_LABEL are dynamic templates. */
function referenceTable(): Map<string, Row> {
  const rows = fs.readFileSync(TSV, 'utf8').trim().split('\n').slice(1);
  const table = new Map<string, Row>();
  for (const row of rows) {
    const [name, type, , labels] = row.split('\t');
    // Label names are backticked and followed by "=" (`key`=<…> or, in a few rows, `key=`<…> / `key` =<…>).
    const keys = [...labels.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)(?:`\s*=|=`)/g)].map((m) => m[1]);
    table.set(name, { type: type.toLowerCase(), fixed: new Set(keys.filter((k) => !/_[A-Z]/.test(k))) });
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

function problemsAgainstReference(samples: Sample[], types: Map<string, string>): string[] {
  const reference = referenceTable();
  const problems: string[] = [];
  for (const [name, type] of types) {
    const row = reference.get(name);
    if (!row) {
      problems.push(`${name} is not a kube-state-metrics v2.20 metric`);
    } else if (row.type !== type) {
      problems.push(`${name} is a ${type}, kube-state-metrics' is a ${row.type}`);
    }
  }
  for (const sample of samples) {
    const row = reference.get(sample.name);
    if (!row) {
      continue;
    }
    const isMetadataFamily = /_(labels|annotations)$/.test(sample.name);
    for (const key of Object.keys(sample.labels).filter((k) => !row.fixed.has(k))) {
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
  return [...new Set(problems)];
}

const NO_ALLOWLISTS = { labelsAllowlist: new Map(), annotationsAllowlist: new Map() };
const scrape = (view: ClusterView, ksm = new KubeStateMetrics(NO_ALLOWLISTS)) =>
  parseExposition(ksm.write(view).toString());

/** The testbed's objects (what kube-apiserver 1.34 and kwok serve) and the simulator's demo, which has a few more. */
const SOURCES: Array<[string, () => ClusterView]> = [
  ['the testbed fixture', () => fixtureCluster().view],
  [
    "the simulator's demo",
    () => {
      const sim = createCluster({
        scenario: 'demo',
        seed: 7,
        startTime: Date.parse('2026-03-01T12:00:00Z'),
        frozen: true,
      });
      return clusterView(sim.store, sim.clock);
    },
  ],
];

describe(`kube-state-metrics exposition held to ${TABLE}`, () => {
  beforeAll(() => console.info(`kube-state-metrics table: ${TABLE}`));

  (TSV === SHARED_TSV ? it : it.skip)('keeps a fallback copy identical to the reference', () => {
    expect(fs.readFileSync(FALLBACK_TSV, 'utf8')).toBe(fs.readFileSync(SHARED_TSV, 'utf8'));
  });

  it.each(SOURCES)('emits only v2.20 names, types and label sets, for every kind, from %s', (_, makeView) => {
    const { samples, types } = scrape(makeView());
    expect(problemsAgainstReference(samples, types)).toEqual([]);
    const emittedKinds = new Set(samples.map((s) => /^kube_([a-z]+)_/.exec(s.name)![1]));
    expect([...emittedKinds].sort()).toEqual([...KINDS].sort());
    // KSM's default: no allow-list, so the labels families carry HELP/TYPE but no series.
    expect(types.has('kube_pod_labels')).toBe(true);
    expect(samples.some((s) => s.name === 'kube_pod_labels')).toBe(false);
  });

  it('turns allow-listed Kubernetes labels and annotations into sanitized label_/annotation_ keys', () => {
    const { view } = fixtureCluster();
    const ksm = new KubeStateMetrics({
      labelsAllowlist: parseAllowlist('pods=[app.kubernetes.io/name,app],namespaces=[*]'),
      annotationsAllowlist: parseAllowlist('nodes=[*]'),
    });
    const { samples, types } = scrape(view, ksm);
    expect(problemsAgainstReference(samples, types)).toEqual([]);
    const namespaceLabels = samples.filter((s) => s.name === 'kube_namespace_labels');
    expect(namespaceLabels.length).toBe([...view.namespaces()].length);
    expect(namespaceLabels.every((s) => s.labels.label_kubernetes_io_metadata_name === s.labels.namespace)).toBe(true);
    const podLabels = samples.filter((s) => s.name === 'kube_pod_labels');
    expect(podLabels.length).toBe([...view.pods()].length);
    expect(podLabels.filter((s) => s.labels.label_app_kubernetes_io_name).length).toBeGreaterThan(0);
    expect(
      podLabels
        .flatMap((s) => Object.keys(s.labels))
        .filter((k) => k.startsWith('label_') && !['label_app', 'label_app_kubernetes_io_name'].includes(k))
    ).toEqual([]);
    const nodeAnnotations = samples.filter((s) => s.name === 'kube_node_annotations');
    expect(nodeAnnotations.length).toBe([...view.nodes()].length);
    // kwok's nodes carry the annotation kwok manages them by.
    expect(nodeAnnotations.every((s) => s.labels.annotation_kwok_x_k8s_io_node === 'fake')).toBe(true);
    expect(samples.some((s) => s.name === 'kube_deployment_labels')).toBe(false);
  });

  it('rejects a malformed allow-list naming the expected syntax', () => {
    expect(() => parseAllowlist('pods=app')).toThrow(/pods=\[app,team\]/);
  });

  it("agrees with the apiserver's objects: pods, phases, restarts, waiting reasons, node conditions, replicas", () => {
    const cluster = fixtureCluster();
    const { samples } = scrape(cluster.view);
    const named = (name: string) => samples.filter((s) => s.name === name);
    const pods = cluster.list<Pod>('pods');
    expect(named('kube_pod_info').length).toBe(pods.length);
    for (const pod of pods) {
      const phase = named('kube_pod_status_phase').filter((s) => s.labels.uid === pod.metadata.uid && s.value === 1);
      expect(phase.map((s) => s.labels.phase)).toEqual([pod.status!.phase]);
    }
    const crashLooping = pods.find(
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'
    )!;
    const restarts = named('kube_pod_container_status_restarts_total').find(
      (s) => s.labels.uid === crashLooping.metadata.uid
    )!;
    expect(restarts.value).toBe(crashLooping.status!.containerStatuses![0].restartCount);
    expect(restarts.value).toBeGreaterThan(0);
    expect(
      named('kube_pod_container_status_last_terminated_reason').some(
        (s) => s.labels.uid === crashLooping.metadata.uid && s.labels.reason === 'OOMKilled'
      )
    ).toBe(true);
    expect(named('kube_pod_container_status_waiting_reason').map((s) => s.labels.reason)).toEqual(
      expect.arrayContaining(['CrashLoopBackOff', 'ImagePullBackOff'])
    );
    // payments/fraud-detector asks for a node label no node has: the real scheduler marks it Unschedulable.
    expect(named('kube_pod_status_unschedulable').map((s) => s.labels.pod)).toEqual([
      expect.stringMatching(/^fraud-detector-/),
    ]);
    const pressure = named('kube_node_status_condition').filter(
      (s) => s.labels.condition === 'MemoryPressure' && s.labels.status === 'true' && s.value === 1
    );
    const underPressure = cluster
      .list<Node>('nodes')
      .filter((n) => n.status?.conditions?.some((c) => c.type === 'MemoryPressure' && c.status === 'True'));
    expect(underPressure.length).toBe(1);
    expect(pressure.map((s) => s.labels.node)).toEqual(underPressure.map((n) => n.metadata.name));
    for (const deployment of [...cluster.view.deployments()]) {
      const of = (name: string) =>
        named(name).find(
          (s) =>
            s.labels.deployment === deployment.metadata.name && s.labels.namespace === deployment.metadata.namespace
        )!.value;
      expect(of('kube_deployment_spec_replicas')).toBe(deployment.spec.replicas);
      expect(of('kube_deployment_status_replicas_available')).toBe(deployment.status?.availableReplicas ?? 0);
    }
    const requests = named('kube_pod_container_resource_requests').filter((s) => s.labels.resource === 'cpu');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((s) => s.labels.unit === 'core' && s.value > 0 && s.value < 64)).toBe(true);
    const memory = named('kube_node_status_capacity').filter((s) => s.labels.resource === 'memory');
    expect(memory.every((s) => s.labels.unit === 'byte' && s.value >= 2 ** 30)).toBe(true);
  });

  it('follows a replaced object at the next scrape, though unchanged objects are rendered once', () => {
    const cluster = fixtureCluster();
    const ksm = new KubeStateMetrics(NO_ALLOWLISTS);
    const pod = cluster
      .list<Pod>('pods')
      .find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff')!;
    const restarts = (text: string) =>
      parseExposition(text).samples.find(
        (s) => s.name === 'kube_pod_container_status_restarts_total' && s.labels.uid === pod.metadata.uid
      )!.value;
    const first = ksm.write(cluster.view).toString();
    expect(ksm.write(cluster.view).toString()).toBe(first);
    cluster.modify('pods', pod, (copy) => {
      copy.status!.containerStatuses![0].restartCount += 1;
    });
    expect(restarts(ksm.write(cluster.view).toString())).toBe(restarts(first) + 1);
  });

  it('follows a pod deletion at the next scrape', () => {
    const cluster = fixtureCluster();
    const ksm = new KubeStateMetrics(NO_ALLOWLISTS);
    const victim = cluster.list<Pod>('pods')[0];
    ksm.write(cluster.view);
    cluster.remove('pods', victim);
    const { samples } = parseExposition(ksm.write(cluster.view).toString());
    expect(samples.some((s) => s.labels.uid === victim.metadata.uid)).toBe(false);
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
