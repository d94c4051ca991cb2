import { demoSnapshot, NOW } from './__fixtures__/cluster';
import { problemUids, selectProblems } from './problems';

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
    const snapshot = demoSnapshot();
    for (const kind of ['Pod', 'Node', 'Deployment', 'Job', 'Event'] as const) {
      (snapshot.byKind[kind] as unknown[]).length = 0;
    }
    expect(selectProblems(snapshot, NOW)).toEqual([]);
  });

  it('collects the uids of objects with problems', () => {
    const uids = problemUids(problems);
    const apiPod = demoSnapshot().byKind.Pod.find((p) => p.name === 'api-7d9f-x')!;
    expect(uids.has(apiPod.uid)).toBe(true);
  });
});
