import { Figures } from '../prometheus/figures';
import { demoSnapshot } from './__fixtures__/cluster';
import { clusterTotals, limitLevel, selectNodeUsage, selectUnscheduledPods, sortNodes, usageLevel } from './nodeUsage';

describe('thresholds (KubeGraf)', () => {
  it('colours usage and requests at 50% and 80%', () => {
    expect([0.1, 0.5, 0.51, 0.8, 0.81, 1.2].map(usageLevel)).toEqual(['ok', 'ok', 'warn', 'warn', 'high', 'high']);
  });
  it('colours limits at 90% and 100%', () => {
    expect([0.5, 0.9, 0.95, 1, 1.01].map(limitLevel)).toEqual(['ok', 'ok', 'warn', 'warn', 'high']);
  });
});

describe('selectNodeUsage', () => {
  const snapshot = demoSnapshot();
  const figures: Figures = {
    nodeCpuUsage: { status: 'ok', values: new Map([['node-a', 1.5]]) },
    nodeMemoryUsage: { status: 'missing', reason: 'no series' },
  };
  const usage = selectNodeUsage(snapshot, figures);
  const nodeA = usage.find((u) => u.node.name === 'node-a')!;

  it('sums requests and limits of the pods holding resources on each node', () => {
    // node-a: 3 web + api + broken-image + agent with 250m/500m, db-0 without; the failed job pod is excluded.
    expect(nodeA.cpu.requests).toBeCloseTo(6 * 0.25);
    expect(nodeA.cpu.limits).toBeCloseTo(6 * 0.5);
    expect(nodeA.memory.requests).toBe(6 * 256 * 1024 ** 2);
    expect(nodeA.cpu.allocatable).toBe(4);
    expect(nodeA.pods).toMatchObject({ allocatable: 110, requests: 7 });
  });

  it('joins Prometheus usage by node and leaves missing figures undefined', () => {
    expect(nodeA.cpu.usage).toBe(1.5);
    expect(nodeA.memory.usage).toBeUndefined();
  });

  it('groups the node pods by namespace, including finished ones', () => {
    expect(nodeA.podsByNamespace.map((g) => `${g.namespace}:${g.pods.length}`)).toEqual([
      'batch:1',
      'kube-system:1',
      'shop:6',
    ]);
  });

  it('reports pressure and sorts NotReady/pressured nodes first', () => {
    const nodeB = usage.find((u) => u.node.name === 'node-b')!;
    expect(nodeB.pressure).toEqual(['MemoryPressure']);
    expect(sortNodes(usage, 'pressure').map((u) => u.node.name)).toEqual(['node-b', 'node-a']);
    expect(sortNodes(usage, 'usage').map((u) => u.node.name)).toEqual(['node-a', 'node-b']);
    expect(sortNodes(usage, 'name').map((u) => u.node.name)).toEqual(['node-a', 'node-b']);
  });

  it('lists unscheduled pending pods', () => {
    expect(selectUnscheduledPods(snapshot).map((p) => p.name)).toEqual(['huge-0']);
  });

  it('totals the cluster', () => {
    const totals = clusterTotals(usage);
    expect(totals.cpu.allocatable).toBe(8);
    expect(totals.cpu.usage).toBe(1.5);
    expect(totals.memory.usage).toBeUndefined();
  });
});
