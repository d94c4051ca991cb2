import { ForbiddenError } from '../k8s/errors';
import { MIN, pod, snapshotFromRaw } from './__fixtures__/apiObjects';
import { demoRawObjects, demoSnapshot, NOW } from './__fixtures__/cluster';
import { NOW as NOW_STALE, staleEventsSnapshot } from './__fixtures__/staleEvents';
import { selectOverviewCounts, selectOverviewProblems } from './overview';
import { Problem, problemUids, selectProblems } from './problems';

describe('selectProblems', () => {
  const problems = selectProblems(demoSnapshot());
  const find = (type: string, name: string) => problems.find((p) => p.type === type && p.object.name === name);

  it('lists every planted problem with a link target', () => {
    expect(find('NodeNotReady', 'node-b')?.detail).toContain('Kubelet stopped posting node status');
    expect(find('NodePressure', 'node-b')?.title).toBe('MemoryPressure');
    expect(find('CrashLoopBackOff', 'api-7d9f-x')?.detail).toBe(
      'container main, 12 restarts, last terminated OOMKilled (exit code 137)'
    );
    expect(find('ImagePull', 'broken-image')?.detail).toContain('registry.invalid/nope:latest');
    expect(find('Unschedulable', 'huge-0')?.detail).toBe('0/2 nodes are available: 2 Insufficient memory.');
    expect(find('WorkloadUnavailable', 'web')?.title).toBe('2/3 available');
    expect(find('WorkloadUnavailable', 'api')?.severity).toBe('critical');
    expect(find('JobFailed', 'report-2901')?.detail).toContain('BackoffLimitExceeded');
    expect(find('WarningEvent', 'web')?.title).toBe('SyncLoadBalancerFailed');
    for (const p of problems) {
      expect(p.object.name).toBeTruthy();
      expect(p.object.kind).toBeTruthy();
    }
  });

  it('ranks critical before warning before info, node outages first', () => {
    const severities = problems.map((p) => p.severity);
    expect(severities).toEqual(
      [...severities].sort(
        (a, b) => ['critical', 'warning', 'info'].indexOf(a) - ['critical', 'warning', 'info'].indexOf(b)
      )
    );
    expect(problems[0].type).toBe('NodeNotReady');
  });

  it('does not repeat an object already explained, and ignores old or Normal events', () => {
    // The crashlooping pod's BackOff event is explained by its CrashLoopBackOff entry.
    expect(problems.filter((p) => p.object.name === 'api-7d9f-x').map((p) => p.type)).toEqual(['CrashLoopBackOff']);
    expect(problems.some((p) => p.title === 'Old')).toBe(false);
  });

  it('lists high restarts and OOMKilled on running pods that are not crashlooping now', () => {
    const snapshot = demoSnapshot();
    const web = snapshot.byKind.Pod.find((p) => p.name === 'web-7d9f-1')!;
    web.restarts = 7;
    web.containers[0].restarts = 7;
    const db = snapshot.byKind.Pod.find((p) => p.name === 'db-0')!;
    db.containers[0].lastTermination = { reason: 'OOMKilled', exitCode: 137 };
    const out = selectProblems(snapshot);
    expect(out.find((p) => p.object.name === 'web-7d9f-1')?.type).toBe('HighRestarts');
    expect(out.find((p) => p.object.name === 'db-0')?.type).toBe('OOMKilled');
  });

  it('is all-good on a healthy cluster', () => {
    const raw = demoRawObjects();
    for (const kind of ['Pod', 'Node', 'Deployment', 'Job', 'Event'] as const) {
      raw[kind] = [];
    }
    expect(selectProblems(snapshotFromRaw(raw, NOW), NOW)).toEqual([]);
  });

  it('collects the uids of objects with problems', () => {
    const uids = problemUids(problems);
    const apiPod = demoSnapshot().byKind.Pod.find((p) => p.name === 'api-7d9f-x')!;
    expect(uids.has(apiPod.uid)).toBe(true);
  });
});

describe('objects without a namespace (broken input: in no namespace index)', () => {
  it('are judged and counted with the whole cluster', () => {
    const raw = pod('loose-1', 'shop', {
      created: NOW - 60 * MIN,
      nodeName: 'node-a',
      waiting: { reason: 'ErrImagePull' },
    });
    delete (raw.metadata as { namespace?: string }).namespace;
    const snapshot = snapshotFromRaw({ Pod: [raw] }, NOW);
    expect(snapshot.byNamespace.size).toBe(0);
    expect(selectProblems(snapshot).map((p) => `${p.type} ${p.object.name}`)).toEqual(['ImagePull loose-1']);
    expect(selectOverviewCounts(snapshot).pods).toBe(1);
    expect(selectOverviewCounts(snapshot, ['shop']).pods).toBe(0);
  });
});

describe('selectProblems minutes after a real cluster started (stale Warning events)', () => {
  const snapshot = staleEventsSnapshot();
  const rows = (problems: Problem[]) =>
    problems.map((p) => `${p.severity} ${p.type} ${p.object.kind}/${p.object.name}`);
  const STILL_WRONG = [
    'critical CrashLoopBackOff Pod/checkout-745cbbf7b8-k1',
    'critical Unschedulable Pod/fraud-detector-745cbbf7b8-f1',
    'critical WorkloadUnavailable Deployment/fraud-detector',
    'critical WorkloadUnavailable Deployment/checkout',
    'critical WorkloadUnavailable Deployment/frontend',
    'info WarningEvent Node/kwok-worker-3',
    'info WarningEvent Pod/cart-745cbbf7b8-c1',
    'info WarningEvent HorizontalPodAutoscaler/catalog',
    'info WarningEvent Pod/frontend-745cbbf7b8-r1',
  ];

  it('the tile counts exactly the rows of the list: what is still wrong, nothing superseded', () => {
    const overview = selectOverviewProblems(snapshot);
    expect(rows(overview.problems)).toEqual(STILL_WRONG);
    expect(overview.problems).toHaveLength(9);
    expect(overview.critical).toBe(5);
  });

  it('tile and list follow the namespace filter alike, node problems always', () => {
    const shop = selectOverviewProblems(snapshot, ['shop']);
    expect(rows(shop.problems)).toEqual(STILL_WRONG.filter((row) => !row.includes('fraud-detector')));
    expect(shop.critical).toBe(3);
  });

  it('does not count FailedScheduling from before the nodes were Ready for pods that are Running now', () => {
    const running = snapshot.byKind.Pod.filter((p) => /^(catalog|redis|warmup)/.test(p.name));
    expect(running).toHaveLength(6);
    for (const pod of running) {
      expect(
        snapshot.byKind.Event.some((e) => e.involvedObject.uid === pod.uid && e.reason === 'FailedScheduling')
      ).toBe(true);
    }
    const listed = problemUids(selectProblems(snapshot));
    expect(running.filter((p) => listed.has(p.uid)).map((p) => p.name)).toEqual([]);
  });

  it('keeps a still-Pending pod as one Unschedulable problem with the newest scheduler message', () => {
    const fraud = selectProblems(snapshot).filter((p) => p.object.name === 'fraud-detector-745cbbf7b8-f1');
    expect(fraud).toHaveLength(1);
    expect(fraud[0]).toMatchObject({ type: 'Unschedulable', severity: 'critical' });
    expect(fraud[0].detail).toContain("didn't match Pod's node affinity/selector");
  });

  it('keeps the BackOff events of a crash-looping pod inside its one CrashLoopBackOff problem', () => {
    const checkout = selectProblems(snapshot).filter((p) => p.object.name === 'checkout-745cbbf7b8-k1');
    expect(checkout.map((p) => p.type)).toEqual(['CrashLoopBackOff']);
    expect(checkout[0].detail).toBe('container main, 6 restarts, last terminated OOMKilled (exit code 137)');
  });

  it('shows a kept warning with its count and links it to the object by its real uid', () => {
    const problems = selectProblems(snapshot);
    const node = problems.find((p) => p.object.kind === 'Node')!;
    expect(node.title).toBe('FreeDiskSpaceFailed');
    expect(node.object.uid).toBe(snapshot.byKind.Node.find((n) => n.name === 'kwok-worker-3')!.uid);
    expect(problems.find((p) => p.object.name === 'frontend-745cbbf7b8-r1')!.detail).toBe(
      'Readiness probe failed: HTTP probe failed with statuscode: 503 (×70)'
    );
  });

  it('keeps the warnings it cannot judge when the kind they are about could not be listed', () => {
    const withoutPods = staleEventsSnapshot({
      Pod: { ok: false, error: new ForbiddenError('pods', 'list', undefined, '{apiGroups: [""], resources: [pods]}') },
    });
    const podWarnings = selectProblems(withoutPods).filter((p) => p.object.kind === 'Pod');
    // Without pods nothing tells they were bound: the 4 catalog pods, the replaced one, redis-0, warmup and
    // fraud-detector keep their FailedScheduling rows.
    expect(podWarnings.every((p) => p.type === 'WarningEvent')).toBe(true);
    expect(podWarnings.filter((p) => p.title === 'FailedScheduling')).toHaveLength(8);
    // Several Event objects of one pod and reason make one row: the newest message, every occurrence counted.
    const fraud = podWarnings.find((p) => p.object.name === 'fraud-detector-745cbbf7b8-f1')!;
    expect(fraud.detail).toMatch(/^0\/3 nodes are available: 3 node\(s\) didn't match .* \(×15\)$/);
    expect(fraud.since).toBe(NOW_STALE - 60_000);
  });
});
