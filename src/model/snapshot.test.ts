/**
 * @jest-environment node
 */
import { ForbiddenError } from '../k8s/errors';
import { KINDS } from '../k8s/kinds';
import type { ListOutcome, RawObject } from '../k8s/client';
import { normalize } from './normalize';
import { matchesSelector } from './relations';
import { buildSnapshot, indexSnapshot, objectKey } from './snapshot';
import * as raw from './testdata/cluster';
import type { ClusterSnapshot, Edge, KindName, RelationName } from './types';

const ok = (kind: KindName, items: unknown[]): ListOutcome => ({
  ok: true,
  result: { kind: KINDS[kind], items: items as RawObject[], stats: { requests: 1, pages: 1, retries: 0, restarts: 0 } },
});

const fixture = (): ClusterSnapshot =>
  buildSnapshot(
    {
      Namespace: ok('Namespace', raw.rawNamespaces),
      Node: ok('Node', raw.rawNodes),
      Pod: ok('Pod', raw.rawPods),
      Service: ok('Service', raw.rawServices),
      EndpointSlice: ok('EndpointSlice', raw.rawEndpointSlices),
      Ingress: ok('Ingress', raw.rawIngresses),
      Deployment: ok('Deployment', raw.rawDeployments),
      ReplicaSet: ok('ReplicaSet', raw.rawReplicaSets),
      StatefulSet: ok('StatefulSet', raw.rawStatefulSets),
      DaemonSet: ok('DaemonSet', raw.rawDaemonSets),
      Job: ok('Job', raw.rawJobs),
      CronJob: ok('CronJob', raw.rawCronJobs),
      HorizontalPodAutoscaler: ok('HorizontalPodAutoscaler', raw.rawHpas),
      PersistentVolumeClaim: ok('PersistentVolumeClaim', raw.rawPvcs),
      Event: {
        ok: false,
        error: new ForbiddenError(
          'Event',
          'list',
          undefined,
          '{apiGroups: [""], resources: ["events"], verbs: ["list"]}'
        ),
      },
    },
    1000
  );

/** "from-name -relation-> to-name" lines for one relation, sorted, for readable assertions. */
function edges(snapshot: ClusterSnapshot, relation: RelationName): string[] {
  const lines: string[] = [];
  for (const list of snapshot.edgesFrom.values()) {
    for (const edge of list.filter((e: Edge) => e.relation === relation)) {
      const from = snapshot.byUid.get(edge.from);
      const port = edge.port !== undefined ? `:${edge.port}` : '';
      lines.push(
        `${from?.kind}/${from?.name} -> ${edge.toRef.kind}/${edge.toRef.name}${port}${edge.missing ? ' (missing)' : ''}`
      );
    }
  }
  return lines.sort();
}

describe('buildSnapshot', () => {
  const snapshot = fixture();

  it('indexes by uid, kind, namespace and key; records per-kind load state', () => {
    expect(snapshot.byKind.Pod).toHaveLength(5);
    expect(snapshot.byNamespace.get('shop')?.Pod).toHaveLength(5);
    expect(snapshot.byNamespace.get('shop')?.Node).toEqual([]);
    expect(snapshot.byUid.get('d-web')?.name).toBe('web');
    expect(snapshot.byKey.get(objectKey('Node', undefined, 'node-a'))?.uid).toBe('n-a');
    expect(snapshot.kinds.Pod).toEqual({ state: 'ok', count: 5, fetchedAt: 1000 });
    expect(snapshot.kinds.Event.state).toBe('error');
    expect(snapshot.kinds.Event.error).toBeInstanceOf(ForbiddenError);
    expect(snapshot.builtAt).toBe(1000);
  });

  it('owns: Deployment → ReplicaSet → Pods, StatefulSet/DaemonSet/Job → Pod, CronJob → Job', () => {
    expect(edges(snapshot, 'owns')).toEqual([
      'CronJob/report -> Job/report-123',
      'DaemonSet/agent -> Pod/agent-x',
      'Deployment/web -> ReplicaSet/web-7d9',
      'Job/report-123 -> Pod/report-123-xyz',
      'ReplicaSet/web-7d9 -> Pod/web-7d9-aaa',
      'ReplicaSet/web-7d9 -> Pod/web-7d9-bbb',
      'StatefulSet/pg -> Pod/pg-0',
    ]);
  });

  it('selects: Services → Pods by selector in their namespace; a service without selector selects nothing', () => {
    expect(edges(snapshot, 'selects')).toEqual([
      'Service/pg -> Pod/pg-0',
      'Service/web -> Pod/web-7d9-aaa',
      'Service/web -> Pod/web-7d9-bbb',
    ]);
  });

  it('routesTo: Ingress → Service with port, and a dangling backend marked missing', () => {
    expect(edges(snapshot, 'routesTo')).toEqual([
      'Ingress/shop -> Service/api:8080 (missing)',
      'Ingress/shop -> Service/web:http',
    ]);
    const incoming = snapshot.edgesTo.get('s-web') ?? [];
    expect(incoming.map((e) => e.relation).sort()).toEqual(['endpointsOf', 'routesTo']);
  });

  it('endpointsOf, scales, runsOn (missing node marked), mounts', () => {
    expect(edges(snapshot, 'endpointsOf')).toEqual(['EndpointSlice/web-abcde -> Service/web']);
    expect(edges(snapshot, 'scales')).toEqual(['HorizontalPodAutoscaler/web -> Deployment/web']);
    expect(edges(snapshot, 'runsOn')).toEqual([
      'Pod/agent-x -> Node/node-gone (missing)',
      'Pod/pg-0 -> Node/node-a',
      'Pod/report-123-xyz -> Node/node-a',
      'Pod/web-7d9-aaa -> Node/node-a',
      'Pod/web-7d9-bbb -> Node/node-b',
    ]);
    expect(edges(snapshot, 'mounts')).toEqual(['Pod/pg-0 -> PersistentVolumeClaim/data-pg-0']);
  });

  it('about: Events → their involved object, by name in the event namespace', () => {
    const withEvents = indexSnapshot({
      Pod: [normalize('Pod', raw.rawPods[1])!, normalize('Pod', raw.rawPods[3])!],
      Node: [normalize('Node', raw.rawNodes[0])!],
      Event: [
        ...raw.rawEvents.map((e) => normalize('Event', e)!),
        normalize('Event', {
          metadata: { name: 'node-a.1', namespace: 'default', uid: 'e-3' },
          involvedObject: { kind: 'Node', name: 'node-a' },
        })!,
        normalize('Event', {
          metadata: { name: 'x.1', namespace: 'shop', uid: 'e-4' },
          involvedObject: { kind: 'Secret', name: 'x' },
        })!,
      ],
    });
    expect(edges(withEvents, 'about')).toEqual([
      'Event/node-a.1 -> Node/node-a',
      'Event/pg-0.17b -> Pod/pg-0',
      'Event/web-7d9-bbb.17a -> Pod/web-7d9-bbb',
    ]);
  });

  it('selectors never cross namespaces', () => {
    const pod = (ns: string, uid: string) =>
      normalize('Pod', { metadata: { name: uid, namespace: ns, uid, labels: { app: 'web' } } })!;
    const service = normalize('Service', {
      metadata: { name: 'web', namespace: 'a', uid: 's' },
      spec: { selector: { app: 'web' } },
    })!;
    const snap = indexSnapshot({ Pod: [pod('a', 'pa'), pod('b', 'pb')], Service: [service] });
    expect(snap.edgesFrom.get('s')?.map((e) => e.to)).toEqual(['pa']);
  });
});

describe('matchesSelector', () => {
  const labels = { app: 'web', tier: 'front' };
  it.each([
    [{ matchLabels: {}, matchExpressions: [] }, true],
    [{ matchLabels: { app: 'web' }, matchExpressions: [] }, true],
    [{ matchLabels: { app: 'api' }, matchExpressions: [] }, false],
    [
      { matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['front', 'back'] }] },
      true,
    ],
    [{ matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['front'] }] }, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'env', operator: 'NotIn' as const, values: ['prod'] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'Exists' as const, values: [] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'DoesNotExist' as const, values: [] }] }, false],
  ])('%j → %s', (selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });
});

describe('scale', () => {
  it('10,000 pods in 100 namespaces with 2,000 services: every service selects exactly its 5 pods', () => {
    const pods: unknown[] = [];
    const services: unknown[] = [];
    for (let n = 0; n < 100; n++) {
      for (let s = 0; s < 20; s++) {
        services.push({
          metadata: { name: `svc-${s}`, namespace: `ns-${n}`, uid: `s-${n}-${s}` },
          spec: { selector: { app: `app-${s}`, tier: 'x' } },
        });
        for (let p = 0; p < 5; p++) {
          pods.push({
            metadata: {
              name: `pod-${s}-${p}`,
              namespace: `ns-${n}`,
              uid: `p-${n}-${s}-${p}`,
              labels: { app: `app-${s}`, tier: 'x' },
            },
            spec: { nodeName: `node-${p}` },
          });
        }
      }
    }
    const snapshot = buildSnapshot({ Pod: ok('Pod', pods), Service: ok('Service', services) });
    expect(snapshot.byKind.Pod).toHaveLength(10_000);
    const selected = snapshot.byKind.Service.map((s) => (snapshot.edgesFrom.get(s.uid) ?? []).length);
    expect(selected.every((count) => count === 5)).toBe(true);
    expect(snapshot.edgesTo.get('p-99-19-4')?.map((e) => e.from)).toEqual(['s-99-19']);
  });
});
