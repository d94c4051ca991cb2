import fc from 'fast-check';
import type { ListOutcome, RawObject } from '../k8s/client';
import { KIND_NAMES, KINDS } from '../k8s/kinds';
import { buildSnapshot } from '../model/snapshot';
import { clusterArb } from '../model/testdata/arbitraries';
import * as raw from '../model/testdata/cluster';
import { Health, type ClusterSnapshot, type KindName } from '../model/types';
import { demoSnapshot, NOW } from './__fixtures__/cluster';
import { problemUids, selectProblems } from './problems';
import {
  EMPTY_FILTER,
  OFF_NODE_GROUP,
  selectTopology,
  TOPOLOGY_KINDS,
  type Topology,
  type TopologyFilter,
  type TopologyKind,
} from './topology';

const NO_FOLD = { pods: 1e9, objects: 1e9, edges: 1e9 };

function snapshotOfLists(lists: Partial<Record<KindName, unknown[]>>, now = NOW): ClusterSnapshot {
  const outcomes: Partial<Record<KindName, ListOutcome>> = {};
  for (const kind of KIND_NAMES) {
    const items = (lists[kind] ?? []) as RawObject[];
    outcomes[kind] = {
      ok: true,
      result: { kind: KINDS[kind], items, stats: { requests: 1, pages: 1, retries: 0, restarts: 0 } },
    };
  }
  return buildSnapshot(outcomes, now);
}

function topologyOf(snapshot: ClusterSnapshot, filter: Partial<TopologyFilter> = {}, thresholds = NO_FOLD): Topology {
  return selectTopology(snapshot, { ...EMPTY_FILTER, ...filter }, problemUids(selectProblems(snapshot)), thresholds);
}

const edgeIds = (t: Topology) => t.edges.map((e) => e.id).sort();
const nodeIds = (t: Topology) => t.nodes.map((n) => n.id).sort();

describe('selectTopology on the demo fixture', () => {
  const snapshot = demoSnapshot();

  test('Ingress → Service → workload → Pod → Node, ReplicaSets folded into their Deployment', () => {
    const t = topologyOf(snapshot);
    expect(t.collapse).toBe('none');
    expect(nodeIds(t).some((id) => id.startsWith('ReplicaSet/'))).toBe(false);
    expect(edgeIds(t)).toEqual(
      expect.arrayContaining([
        'Ingress/shop/shop>Service/shop/web',
        'Service/shop/web>Deployment/shop/web',
        'Service/shop/db>StatefulSet/shop/db',
        'Deployment/shop/web>Pod/shop/web-7d9f-1',
        'CronJob/batch/report>Job/batch/report-2901',
        'Job/batch/report-2901>Pod/batch/report-2901-abc',
        'Pod/shop/db-0>Node//node-a',
      ])
    );
    // The unschedulable pod has no node, so no runsOn edge.
    expect(edgeIds(t).filter((id) => id.startsWith('Pod/batch/huge-0>'))).toEqual([]);
  });

  test('above the pod threshold healthy pods fold into their workload; failing pods stay with their edges', () => {
    const t = topologyOf(snapshot, {}, { pods: 3, objects: 1e9, edges: 1e9 });
    expect(t.collapse).toBe('pods');
    const web = t.nodes.find((n) => n.id === 'Deployment/shop/web')!;
    expect(web.folded.Pod).toBe(3);
    expect(web.health).toBe(Health.Warning);
    expect(nodeIds(t)).not.toContain('Pod/shop/web-7d9f-1');
    expect(nodeIds(t)).toEqual(expect.arrayContaining(['Pod/shop/api-7d9f-x', 'Pod/shop/broken-image']));
    expect(edgeIds(t)).toEqual(
      expect.arrayContaining([
        'Deployment/shop/web>Node//node-a',
        'Deployment/shop/api>Pod/shop/api-7d9f-x',
        'Pod/shop/api-7d9f-x>Node//node-a',
      ])
    );
  });

  test('above the object threshold healthy namespaced objects fold into their namespace', () => {
    const t = topologyOf(snapshot, {}, { pods: 0, objects: 3, edges: 1e9 });
    expect(t.collapse).toBe('namespaces');
    const shop = t.nodes.find((n) => n.id === 'Namespace//shop')!;
    // The web Deployment has a problem, so it stays, with its healthy pods folded into it.
    expect(shop.folded).toMatchObject({ Ingress: 1, StatefulSet: 1, Pod: 1 });
    expect(t.nodes.find((n) => n.id === 'Deployment/shop/web')!.folded).toEqual({ Pod: 3 });
    expect(nodeIds(t)).toEqual(expect.arrayContaining(['Deployment/shop/api', 'Node//node-b', 'Service/shop/web']));
    // A folded namespace draws no line to a healthy Node; failing objects keep theirs.
    expect(edgeIds(t)).toEqual(
      expect.arrayContaining(['Namespace//shop>Service/shop/web', 'Pod/shop/broken-image>Node//node-a'])
    );
    expect(edgeIds(t)).not.toContain('Namespace//shop>Node//node-a');
    expect(nodeIds(t)).toContain('Node//node-a');
  });

  test('above the edge threshold objects fold into their namespace even when few graph nodes are drawn', () => {
    const pods = topologyOf(snapshot, {}, { pods: 3, objects: 1e9, edges: 1e9 });
    const edges = topologyOf(snapshot, {}, { pods: 3, objects: 1e9, edges: pods.edges.length - 1 });
    expect(edges.collapse).toBe('namespaces');
    expect(edges.edges.length).toBeLessThan(pods.edges.length);
    expect(topologyOf(snapshot, {}, { pods: 3, objects: 1e9, edges: pods.edges.length }).collapse).toBe('pods');
  });

  test('filters: namespace keeps only the Nodes its pods run on, kind, label, problems only with neighbours', () => {
    const batch = topologyOf(snapshot, { namespaces: ['batch'] });
    expect(nodeIds(batch)).toEqual([
      'CronJob/batch/report',
      'Job/batch/report-2901',
      'Node//node-a',
      'Pod/batch/huge-0',
      'Pod/batch/report-2901-abc',
    ]);
    const kinds = topologyOf(snapshot, { kinds: ['Ingress', 'Service'] });
    expect(edgeIds(kinds)).toEqual(['Ingress/shop/shop>Service/shop/web']);
    const label = topologyOf(snapshot, { label: 'app=db' });
    expect(nodeIds(label).every((id) => id.includes('/db'))).toBe(true);
    expect(topologyOf(snapshot, { label: 'no-such-label' }).nodes).toEqual([]);
    const problems = topologyOf(snapshot, { problemsOnly: true });
    expect(nodeIds(problems)).toEqual(
      expect.arrayContaining(['Pod/shop/api-7d9f-x', 'Deployment/shop/api', 'Node//node-b'])
    );
    expect(nodeIds(problems)).not.toContain('StatefulSet/shop/db');
  });

  test('group by node: pods in their node group, unplaced pods and other objects apart', () => {
    const t = topologyOf(snapshot, { groupBy: 'node' });
    const group = (id: string) => t.nodes.find((n) => n.id === id)?.group;
    expect(group('Pod/shop/db-0')).toBe('node-a');
    expect(group('Node//node-a')).toBe('node-a');
    expect(group('Pod/batch/huge-0')).toBe('Unscheduled');
    expect(group('Deployment/shop/web')).toBe(OFF_NODE_GROUP);
    expect(t.groups.slice(-2)).toEqual([OFF_NODE_GROUP, 'Unscheduled']);
  });
});

test('HPA → workload and PVC → Pod', () => {
  const t = topologyOf(
    snapshotOfLists({
      Pod: raw.rawPods,
      Deployment: raw.rawDeployments,
      ReplicaSet: raw.rawReplicaSets,
      StatefulSet: raw.rawStatefulSets,
      HorizontalPodAutoscaler: raw.rawHpas,
      PersistentVolumeClaim: raw.rawPvcs,
    })
  );
  const relations = new Map(t.edges.map((e) => [e.id, e.relation]));
  const hpa = t.edges.find((e) => e.relation === 'scales')!;
  expect(hpa.source).toMatch(/^HorizontalPodAutoscaler\//);
  expect(hpa.target).toBe('Deployment/shop/web');
  const mount = t.edges.find((e) => e.relation === 'mounts')!;
  expect(mount.source).toMatch(/^PersistentVolumeClaim\/.*\/data-pg-0$/);
  expect(mount.target).toMatch(/^Pod\//);
  expect(relations.size).toBe(t.edges.length);
});

const filterArb: fc.Arbitrary<TopologyFilter> = fc.record({
  namespaces: fc.subarray(['shop', 'payments', 'default']),
  kinds: fc.subarray([...TOPOLOGY_KINDS] as TopologyKind[], { maxLength: 4 }),
  label: fc.constantFrom('', 'app', 'app=web', 'tier=db'),
  problemsOnly: fc.boolean(),
  groupBy: fc.constantFrom('namespace' as const, 'node' as const),
});

test('property: every edge joins two nodes of the graph, ids are unique, failing objects survive folding', () => {
  fc.assert(
    fc.property(
      clusterArb({ minLength: 5, maxLength: 50 }),
      filterArb,
      fc.record({ pods: fc.nat(6), objects: fc.nat(12), edges: fc.nat(20) }),
      (objects, filter, thresholds) => {
        const lists: Partial<Record<KindName, unknown[]>> = {};
        for (const { kind, raw: object } of objects) {
          (lists[kind] ??= []).push(object);
        }
        const snapshot = snapshotOfLists(lists);
        const problems = problemUids(selectProblems(snapshot));
        const folded = selectTopology(snapshot, filter, problems, thresholds);
        const full = selectTopology(snapshot, filter, problems, NO_FOLD);
        const ids = new Set(folded.nodes.map((n) => n.id));
        expect(ids.size).toBe(folded.nodes.length);
        expect(new Set(edgeIds(folded)).size).toBe(folded.edges.length);
        for (const edge of folded.edges) {
          expect(ids.has(edge.source) && ids.has(edge.target)).toBe(true);
          expect(edge.source).not.toBe(edge.target);
        }
        for (const node of full.nodes.filter((n) => n.problem)) {
          expect(ids.has(node.id)).toBe(true);
        }
        for (const node of folded.nodes) {
          expect(folded.groups).toContain(node.group);
        }
      }
    ),
    { numRuns: 200 }
  );
});
