/**
 * @jest-environment node
 */
import { createCluster } from '.';

const START = Date.parse('2026-01-10T12:00:00Z');
const snapshot = (seed: number) => {
  const sim = createCluster({ scenario: 'demo', seed, startTime: START, frozen: true });
  return ['nodes', 'pods', 'deployments', 'events', 'services']
    .map((r) => JSON.stringify(sim.store.list(r)))
    .join('\n');
};

describe('demo scenario', () => {
  it('is a pure function of the seed', () => {
    expect(snapshot(3)).toBe(snapshot(3));
    expect(snapshot(3)).not.toBe(snapshot(4));
  });

  it('plants the problems users must see', () => {
    const sim = createCluster({ scenario: 'demo', seed: 1, startTime: START, frozen: true });
    const pods = sim.store.list('pods');
    const waiting = (reason: string) =>
      pods.filter((p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === reason);
    const crash = waiting('CrashLoopBackOff');
    expect(crash).toHaveLength(1);
    expect(crash[0].status.containerStatuses[0].lastState.terminated.reason).toBe('OOMKilled');
    expect(waiting('ImagePullBackOff')).toHaveLength(1);
    const pending = pods.filter((p) =>
      p.status.conditions?.some((c: { reason?: string }) => c.reason === 'Unschedulable')
    );
    expect(pending).toHaveLength(1);
    const events = sim.store.list('events');
    expect(
      events.some((e) => e.reason === 'FailedScheduling' && e.involvedObject.uid === pending[0].metadata.uid)
    ).toBe(true);
    const notReady = sim.store
      .list('nodes')
      .filter((n) =>
        n.status.conditions.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status !== 'True')
      );
    expect(notReady).toHaveLength(1);
    expect(notReady[0].status.conditions.find((c: { type: string }) => c.type === 'MemoryPressure').status).toBe(
      'True'
    );
    expect(sim.store.get('deployments', 'shop', 'frontend')!.status.unavailableReplicas).toBeGreaterThan(0);
    expect(
      sim.store.list('jobs', 'data').some((j) => j.status.failed && j.metadata.ownerReferences?.[0].kind === 'CronJob')
    ).toBe(true);
    expect(pods.length).toBeGreaterThanOrEqual(70);
    expect(sim.store.count('namespaces')).toBe(7);
  });

  it('moves time: crash-looping restarts grow and churn replaces pods', () => {
    let now = START;
    const sim = createCluster({ scenario: 'demo', seed: 1, startTime: START, churn: 0.05 });
    Object.assign(sim.clock, { now: () => now });
    const crashing = () => sim.store.list('pods').find((p) => sim.behaviorOf(p) === 'crashloop')!;
    const restarts = crashing().status.containerStatuses[0].restartCount;
    const names = new Set(sim.store.list('pods').map((p) => p.metadata.name));
    now += 120_000;
    sim.tick();
    expect(crashing().status.containerStatuses[0].restartCount).toBe(restarts + 1);
    expect(sim.store.list('pods').filter((p) => !names.has(p.metadata.name)).length).toBeGreaterThan(0);
    expect(sim.store.count('pods')).toBe(names.size);
    const lease = sim.store.get('leases', 'kube-node-lease', 'sim-worker-1')!;
    expect(Date.parse(lease.spec.renewTime)).toBe(now);
    expect(Date.parse(sim.store.get('leases', 'kube-node-lease', 'sim-worker-4')!.spec.renewTime)).toBeLessThan(START);
  });

  it('reaches the M preset totals', () => {
    const sim = createCluster({ scenario: 'demo', seed: 1, scale: 'M', startTime: START, frozen: true });
    expect(sim.store.count('pods')).toBe(2000);
    expect(sim.store.count('nodes')).toBe(40);
    expect(sim.store.count('namespaces')).toBe(60);
    expect(sim.store.count('deployments')).toBe(200);
  });
});
