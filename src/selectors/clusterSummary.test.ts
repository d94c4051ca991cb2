import { KubeTable, parseAge, summarizeCluster, tableRows } from './clusterSummary';

// Column lists as kube-apiserver 1.34 prints them (Table, includeObject=None).
const NODE_COLUMNS = ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP'].map((name) => ({ name }));
const POD_COLUMNS = ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node'].map((name) => ({ name }));
const COMPLETED = (reason: string) => [{ type: 'Completed', status: 'True', reason }];

const nodes = (...statuses: string[]): KubeTable => ({
  columnDefinitions: NODE_COLUMNS,
  rows: statuses.map((status, i) => ({ cells: [`node-${i}`, status, '<none>', '3d', 'v1.34.2', '10.0.0.1'] })),
});

interface PodRow {
  status: string;
  restarts?: string;
  age?: string;
  phase?: 'Succeeded' | 'Failed';
}
const pods = (...rows: PodRow[]): KubeTable => ({
  columnDefinitions: POD_COLUMNS,
  rows: rows.map((r, i) => ({
    cells: [`pod-${i}`, '0/1', r.status, r.restarts ?? '0', r.age ?? '1h', '<none>', 'node-0'],
    ...(r.phase ? { conditions: COMPLETED(r.phase) } : {}),
  })),
});
const empty = pods();

describe('summarizeCluster', () => {
  it('counts ready nodes from the Status cell, cordoned ones included, and the others as NotReady', () => {
    const summary = summarizeCluster({
      nodes: nodes('Ready', 'Ready,SchedulingDisabled', 'NotReady', 'Unknown'),
      pods: empty,
      pendingPods: empty,
    });
    expect(summary.nodes).toEqual({ ready: 2, total: 4 });
    expect(summary.problems).toEqual([
      { type: 'NodeNotReady', severity: 'critical', label: 'NotReady nodes', count: 2 },
    ]);
    expect(summary.bySeverity).toEqual({ critical: 2, warning: 0, info: 0 });
  });

  it('takes Succeeded and Failed from the row conditions, Pending from its own list, Terminating apart', () => {
    const all = pods(
      { status: 'Running' },
      { status: 'CrashLoopBackOff', restarts: '12 (2m ago)' },
      { status: 'Completed', phase: 'Succeeded' },
      { status: 'Error', phase: 'Failed' },
      { status: 'Evicted', phase: 'Failed' },
      { status: 'Terminating' },
      { status: 'ContainerCreating', age: '10s' },
      { status: 'Pending', age: '20m' }
    );
    const pending = pods({ status: 'ContainerCreating', age: '10s' }, { status: 'Pending', age: '20m' });
    const summary = summarizeCluster({ nodes: nodes('Ready'), pods: all, pendingPods: pending });
    expect(summary.pods).toEqual({
      total: 8,
      phases: [
        { phase: 'Running', count: 2 },
        { phase: 'Pending', count: 2 },
        { phase: 'Succeeded', count: 1 },
        { phase: 'Failed', count: 2 },
        { phase: 'Terminating', count: 1 },
      ],
    });
    // The crash loop is counted once, not also as a restart problem; the young Pending pod is not a problem yet.
    expect(summary.problems.map((p) => [p.type, p.count])).toEqual([
      ['CrashLoopBackOff', 1],
      ['Pending', 1],
    ]);
  });

  it('names image pulls, config errors and OOM kills, init containers included, and many restarts', () => {
    const summary = summarizeCluster({
      nodes: nodes('Ready'),
      pods: pods(
        { status: 'ImagePullBackOff' },
        { status: 'Init:ErrImagePull' },
        { status: 'CreateContainerConfigError' },
        { status: 'Init:CrashLoopBackOff' },
        { status: 'OOMKilled', restarts: '3' },
        { status: 'Running', restarts: '5 (1m ago)' },
        { status: 'Running', restarts: '4' }
      ),
      pendingPods: pods({ status: 'ImagePullBackOff', age: '2h' }, { status: 'Init:ErrImagePull', age: '2h' }),
    });
    expect(summary.problems.map((p) => [p.severity, p.type, p.count])).toEqual([
      ['critical', 'CrashLoopBackOff', 1],
      ['critical', 'ImagePull', 2],
      ['critical', 'ContainerConfig', 1],
      ['warning', 'OOMKilled', 1],
      ['warning', 'HighRestarts', 1],
    ]);
    expect(summary.bySeverity).toEqual({ critical: 4, warning: 2, info: 0 });
  });

  it('never counts Running below zero when a pod moved between the two pod lists', () => {
    const summary = summarizeCluster({
      nodes: nodes(),
      pods: pods({ status: 'Running' }),
      pendingPods: pods({ status: 'Pending' }, { status: 'Pending' }),
    });
    expect(summary.pods.phases[0]).toEqual({ phase: 'Running', count: 0 });
  });

  it('reads cells by column name, whatever their order, and survives missing cells and hostile values', () => {
    const table: KubeTable = {
      columnDefinitions: [{ name: 'Status' }, { name: 'Name' }],
      rows: [{ cells: ['Ready', 'a'] }, { cells: [{ toString: () => 'Ready' }] }, {}],
    };
    const rows = tableRows(table);
    expect(rows.map((r) => [r.cell('Name'), r.cell('Status'), r.cell('Nope')])).toEqual([
      ['a', 'Ready', ''],
      ['', '', ''],
      ['', '', ''],
    ]);
    expect(summarizeCluster({ nodes: table, pods: {}, pendingPods: {} }).nodes).toEqual({ ready: 1, total: 3 });
  });
});

describe('parseAge', () => {
  it.each([
    ['45s', 45_000],
    ['5m12s', 312_000],
    ['3h', 3 * 3600_000],
    ['2d3h', 51 * 3600_000],
    ['4y10d', (4 * 365 + 10) * 86400_000],
  ])('%s', (age, ms) => expect(parseAge(age)).toBe(ms));

  it.each(['', '<unknown>', '5 m', '3h<script>'])('refuses %p', (age) => expect(parseAge(age)).toBeUndefined());
});
