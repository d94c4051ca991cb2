/**
 * A ClusterView over test/fixtures/testbed-demo.jsonl (what the testbed's kube-apiserver listed; see
 * capture-fixture.ts), with a clock that starts at the capture and moves only when a test says, and writes that
 * replace objects as a watch's MODIFIED does (a new object each time).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { KindName } from '../src/apiView';
import type * as shapes from '../src/shapes';

const FIXTURE = path.join(__dirname, 'fixtures/testbed-demo.jsonl');

type Lists = Record<KindName, shapes.K8sObject[]>;

export interface FixtureCluster {
  view: shapes.ClusterView;
  /** The objects of a kind as they are now. */
  list<T extends shapes.K8sObject>(kind: KindName): T[];
  /** Replaces the object with the same namespace and name by `edit`'s copy of it. */
  modify<T extends shapes.K8sObject>(kind: KindName, object: T, edit: (copy: T) => void): void;
  remove(kind: KindName, object: shapes.K8sObject): void;
  advance(seconds: number): void;
}

export function fixtureCluster(): FixtureCluster {
  const [header, ...lines] = fs
    .readFileSync(FIXTURE, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const lists = {} as Lists;
  for (const { kind, object } of lines as Array<{ kind: KindName; object: shapes.K8sObject }>) {
    (lists[kind] ??= []).push(object);
  }
  let now = Date.parse((header as { capturedAt: string }).capturedAt);
  const all = <T>(kind: KindName) => (lists[kind] ?? []) as unknown as T[];
  const same = (a: shapes.K8sObject, b: shapes.K8sObject) =>
    a.metadata.namespace === b.metadata.namespace && a.metadata.name === b.metadata.name;
  const view: shapes.ClusterView = {
    nowMs: () => now,
    pods: () => all<shapes.Pod>('pods'),
    podsOnNode: (node) => all<shapes.Pod>('pods').filter((pod) => pod.spec.nodeName === node),
    node: (name) => all<shapes.Node>('nodes').find((node) => node.metadata.name === name),
    nodes: () => all<shapes.Node>('nodes'),
    deployments: () => all<shapes.Deployment>('deployments'),
    replicaSets: () => all<shapes.ReplicaSet>('replicasets'),
    statefulSets: () => all<shapes.StatefulSet>('statefulsets'),
    daemonSets: () => all<shapes.DaemonSet>('daemonsets'),
    jobs: () => all<shapes.Job>('jobs'),
    cronJobs: () => all<shapes.CronJob>('cronjobs'),
    namespaces: () => all<shapes.Namespace>('namespaces'),
    services: () => all<shapes.Service>('services'),
    ingresses: () => all<shapes.Ingress>('ingresses'),
    horizontalPodAutoscalers: () => all<shapes.HorizontalPodAutoscaler>('horizontalpodautoscalers'),
    persistentVolumeClaims: () => all<shapes.PersistentVolumeClaim>('persistentvolumeclaims'),
  };
  return {
    view,
    list: (kind) => all(kind),
    modify(kind, object, edit) {
      const copy = structuredClone(object);
      edit(copy);
      lists[kind] = lists[kind].map((stored) => (same(stored, object) ? copy : stored));
    },
    remove(kind, object) {
      lists[kind] = lists[kind].filter((stored) => !same(stored, object));
    },
    advance: (seconds) => (now += seconds * 1000),
  };
}
