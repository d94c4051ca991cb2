import fc from 'fast-check';
import type { RawObject } from '../k8s/client';
import { ForbiddenError } from '../k8s/errors';
import { ClusterStore } from '../model/store';
import type { ClusterSnapshot } from '../model/types';
import { play, rebuilt, stepArb } from '../model/testdata/storeSteps';
import type { Figures } from '../prometheus/figures';
import { selectNodeUsage, selectUnscheduledPods } from './nodeUsage';
import { selectOverviewCounts } from './overview';
import { PENDING_GRACE_MS, selectProblems } from './problems';
import { coreEvent, MIN, pod, readyNode } from './__fixtures__/apiObjects';

const FIGURES: Figures = {
  nodeCpuUsage: { status: 'ok', values: new Map([['node-a', 1.5]]) },
  nodeMemoryUsage: { status: 'missing', reason: 'no series' },
};
/** The fixture's objects are from 2026-01-01 10:00: its events are recent and its pods pending for minutes then. */
const FIXTURE_TIME = Date.parse('2026-01-01T10:00:00Z');

describe('selectors memoized on the live store’s snapshots (per namespace index, per node, per model)', () => {
  it('after any sequence of watch events and relists, equal what a snapshot built from scratch gives', () => {
    // A snapshot built from scratch has only new index, node and edge objects: nothing memoized applies to it.
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.subarray(['shop', 'billing', 'monitoring', 'kube-system', 'absent']),
        // Minutes between snapshots: the clock crosses the pending grace and the hour Warning events count for.
        fc.integer({ min: 0, max: 30 }),
        (steps, every, namespaces, minutes) => {
          let compared = 0;
          play(steps, every, (snapshot, held) => {
            const reference = rebuilt(held);
            const now = FIXTURE_TIME + compared * minutes * 60_000;
            expect(selectOverviewCounts(snapshot, namespaces)).toEqual(selectOverviewCounts(reference, namespaces));
            expect(selectOverviewCounts(snapshot)).toEqual(selectOverviewCounts(reference));
            expect(selectProblems(snapshot, now)).toEqual(selectProblems(reference, now));
            expect(selectNodeUsage(snapshot, FIGURES)).toEqual(selectNodeUsage(reference, FIGURES));
            expect(selectUnscheduledPods(snapshot)).toEqual(selectUnscheduledPods(reference));
            compared++;
          });
          return compared === Math.ceil(steps.length / every);
        }
      ),
      { numRuns: 200 }
    );
  });
});

describe('selectProblems on an unchanged namespace index', () => {
  const T = Date.parse('2026-03-01T12:00:00Z');
  const running = pod('web-1', 'shop', { created: T - 60 * MIN, nodeName: 'node-a' });
  const aboutPod = coreEvent(
    { kind: 'Pod', apiVersion: 'v1', metadata: running.metadata },
    {
      reason: 'BackOff',
      message: 'Back-off pulling image',
      first: T - 10 * MIN,
      last: T,
      count: 3,
      component: 'kubelet',
    }
  );
  const gone = {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'old', namespace: 'shop', uid: 'd-old' },
  };
  const aboutDeployment = coreEvent(gone, {
    reason: 'FailedCreate',
    message: 'quota exceeded',
    first: T - 5 * MIN,
    last: T,
    count: 1,
    component: 'replicaset-controller',
  });
  const store = () => {
    const s = new ClusterStore();
    s.replace('Pod', [running as RawObject]);
    s.replace('Deployment', []);
    s.replace('Event', [aboutPod, aboutDeployment] as RawObject[]);
    return s;
  };
  const titles = (problems: ReturnType<typeof selectProblems>) => problems.map((p) => p.title);

  it('drops a Warning event an hour after it was last seen, with nothing changed in between', () => {
    const snapshot = store().snapshot(T);
    expect(titles(selectProblems(snapshot, T + 30 * MIN))).toEqual(['BackOff']);
    expect(titles(selectProblems(snapshot, T + 61 * MIN))).toEqual([]);
  });

  it('judges an event again when the kind of its object fails to list (the object may exist after all)', () => {
    const live = store();
    const listed = live.snapshot(T);
    // The Deployment kind listed fine and has no "old": that event's cause is gone.
    expect(titles(selectProblems(listed, T))).toEqual(['BackOff']);
    live.setState('Deployment', {
      state: 'error',
      count: 0,
      error: new ForbiddenError('Deployment', 'list', undefined, 'verbs: [list]'),
    });
    const failed = live.snapshot(T + 1);
    expect(failed.byNamespace.get('shop')).toBe(listed.byNamespace.get('shop'));
    expect(titles(selectProblems(failed, T + 1))).toEqual(['FailedCreate', 'BackOff']);
  });

  it('judges a namespace with a pending pod again when the grace ends and when the shown minutes change, not before', () => {
    const waiting = pod('web-2', 'shop', {
      created: T,
      nodeName: 'node-a',
      creating: true,
      waiting: { reason: 'ContainerCreating' },
    });
    const s = new ClusterStore();
    s.replace('Pod', [running, waiting] as RawObject[]);
    s.replace('Event', [aboutPod as RawObject]);
    const snapshot = s.snapshot(T);
    // A judgement makes new Warning event problems: the same object means the namespace's memo was reused.
    const at = (now: number) => {
      const problems = selectProblems(snapshot, now);
      return {
        rows: problems.map((p) => `${p.title}: ${p.detail}`),
        backOff: problems.find((p) => p.title === 'BackOff'),
      };
    };
    const early = at(T + MIN);
    expect(early.rows).toEqual(['BackOff: Back-off pulling image (×3)']);
    const graceEnds = at(T + PENDING_GRACE_MS);
    expect(graceEnds.rows).toEqual(early.rows);
    expect(graceEnds.backOff).toBe(early.backOff);

    const listed = at(T + PENDING_GRACE_MS + 1);
    expect(listed.rows).toEqual(['Pending: ContainerCreating: Pending for 5 minutes.', ...early.rows]);
    expect(listed.backOff).not.toBe(early.backOff);
    const beforeSix = at(T + 5.5 * MIN - 1);
    expect(beforeSix.rows).toEqual(listed.rows);
    expect(beforeSix.backOff).toBe(listed.backOff);
    expect(at(T + 5.5 * MIN).rows[0]).toBe('Pending: ContainerCreating: Pending for 6 minutes.');
  });

  it('keeps the judgement of a pod pending past its grace with a message, as nothing in it depends on the time', () => {
    const pulling = pod('api-1', 'billing', {
      created: T,
      nodeName: 'node-a',
      creating: true,
      waiting: { reason: 'ContainerCreating', message: 'pulling image' },
    });
    const s = new ClusterStore();
    s.replace('Pod', [pulling as RawObject]);
    const snapshot = s.snapshot(T);
    const [listed] = selectProblems(snapshot, T + 10 * MIN);
    expect(listed).toMatchObject({ type: 'Pending', detail: 'pulling image' });
    const later = selectProblems(snapshot, T + 50 * MIN);
    expect(later).toHaveLength(1);
    expect(later[0]).toBe(listed);
  });
});

describe('selectNodeUsage on the live store’s snapshots', () => {
  const T = Date.parse('2026-03-01T12:00:00Z');
  // New nodes (uids) for each test: the placements are kept per node uid across snapshots.
  const cluster = () => {
    const nodes = ['node-x', 'node-y'].map((name) => readyNode(name, T - 60 * MIN, T - 60 * MIN, T));
    const pods = ['a', 'b', 'c'].map((name) =>
      pod(`web-${name}`, 'shop', { created: T - 10 * MIN, nodeName: 'node-x' })
    );
    const store = new ClusterStore();
    store.replace('Node', nodes as RawObject[]);
    store.replace('Pod', pods as RawObject[]);
    return { store, pods };
  };
  const placed = (snapshot: ClusterSnapshot) =>
    selectNodeUsage(snapshot, FIGURES).map(
      (u) =>
        `${u.node.name}: ${u.pods.requests} pods, ${u.memory.requests / 2 ** 20} MiB, ` +
        u.podsByNamespace.flatMap((group) => group.pods.map((p) => p.name)).join(' ')
    );

  it('sums a node again when a pod leaves it, the others staying the same models', () => {
    const { store, pods } = cluster();
    expect(placed(store.snapshot(T))).toEqual([
      'node-x: 3 pods, 384 MiB, web-a web-b web-c',
      'node-y: 0 pods, 0 MiB, ',
    ]);
    store.apply('Pod', 'DELETED', pods[1] as RawObject);
    expect(placed(store.snapshot(T + 1))).toEqual(['node-x: 2 pods, 256 MiB, web-a web-c', 'node-y: 0 pods, 0 MiB, ']);
  });

  it('sums both nodes again when a pod moves from one to the other', () => {
    const { store, pods } = cluster();
    placed(store.snapshot(T)); // the placements to reuse or not
    const moved = { ...pods[2], metadata: { ...pods[2].metadata, resourceVersion: '900' } };
    moved.spec = { ...moved.spec, nodeName: 'node-y' };
    store.apply('Pod', 'MODIFIED', moved as RawObject);
    expect(placed(store.snapshot(T + 1))).toEqual([
      'node-x: 2 pods, 256 MiB, web-a web-b',
      'node-y: 1 pods, 128 MiB, web-c',
    ]);
  });

  it('gives the same NodeUsage object for a node nothing touched, and a new one for the node whose pod changed', () => {
    const { store, pods } = cluster();
    const [x, y] = selectNodeUsage(store.snapshot(T), FIGURES);
    store.apply('Pod', 'DELETED', pods[0] as RawObject);
    const [x2, y2] = selectNodeUsage(store.snapshot(T + 1), FIGURES);
    expect(y2).toBe(y);
    expect(x2).not.toBe(x);
    expect(x2.pods.requests).toBe(2);
    const busier: Figures = { ...FIGURES, nodeCpuUsage: { status: 'ok', values: new Map([['node-y', 0.5]]) } };
    const [, y3] = selectNodeUsage(store.snapshot(T + 2), busier);
    expect(y3).not.toBe(y2);
    expect(y3.cpu.usage).toBe(0.5);
  });

  it('lists a pending pod as unscheduled until the scheduler places it', () => {
    const { store } = cluster();
    const waiting = pod('web-d', 'shop', { created: T - MIN, creating: true });
    store.apply('Pod', 'ADDED', waiting as RawObject);
    expect(selectUnscheduledPods(store.snapshot(T)).map((p) => p.name)).toEqual(['web-d']);
    const bound = { ...waiting, metadata: { ...waiting.metadata, resourceVersion: '901' } };
    bound.spec = { ...bound.spec, nodeName: 'node-y' };
    store.apply('Pod', 'MODIFIED', bound as RawObject);
    expect(selectUnscheduledPods(store.snapshot(T + 1))).toEqual([]);
  });
});
