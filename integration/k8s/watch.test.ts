/**
 * @jest-environment node
 *
 * src/k8s/watch.ts against kube-apiserver 1.34 on the testbed, straight over HTTPS and through the sandbox's emulation
 * of Grafana's datasource proxy: real changes arrive as ADDED, MODIFIED and DELETED; bookmarks move the resume point;
 * a burst of 5,000 events is delivered whole and in order; a resourceVersion older than the API server's watch cache
 * is a 410 and a relist (listThenWatch: SYNC, RELIST, SYNC), the CI smoke of issue 12. The faults are in
 * watchFaults.test.ts.
 *
 * Why the 410 comes from the watch cache and not from etcd compaction: kube-apiserver serves every watch with a
 * resourceVersion from its watch cache, which holds each kind's events since it started (resourceVersion=1 on a
 * fresh cluster replays the whole history as ADDED, compacted or not). The cache drops its oldest events only once it
 * is full and they are older than 75 s (k8s.io/apiserver watch_cache.go, eventFreshDuration); a resourceVersion from
 * before the oldest event it holds is then `too old resource version`, code 410, sent as an ERROR event on a 200.
 * ServiceMonitors are quiet: the test creates 10 right after the start (their events may be the only ones the cache
 * holds: the demo's 4 can predate its first list), and about 100 more once those are 80 s old make it drop them.
 */
import type { RawObject } from '../../src/k8s/client';
import { listThenWatch, watchKind, type ListWatchNotice, type WatchOptions } from '../../src/k8s/watch';
import type { KindName } from '../../src/model/types';
import {
  collect,
  direct,
  startGround,
  TESTBED_TIMEOUT_MS,
  watchWay,
  type Collected,
  type Ground,
  type WatchWay,
} from './harness';

jest.setTimeout(120_000);

let ground: Ground;
/** A ServiceMonitor list's resourceVersion taken at the start, for the watch cache to outgrow. */
let staleRv: string;
/** When the first ServiceMonitors after staleRv were made: their events are the ones the cache must drop. */
let seededAt: number;
const opened: WatchWay[] = [];

beforeAll(async () => {
  ground = await startGround({ readOnly: true });
  staleRv = (await direct(ground.cluster).client().client.list('ServiceMonitor')).resourceVersion!;
  await createMonitors('seed', 10);
  seededAt = Date.now();
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(opened.map((w) => w.close()));
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);

const WAYS = ['direct', 'proxy'] as const;
async function way(name: (typeof WAYS)[number]): Promise<WatchWay> {
  const w = await watchWay(name, ground.cluster);
  opened.push(w);
  return w;
}
const watch = (w: WatchWay, kind: KindName, options: WatchOptions) => collect(watchKind(w.source, kind, options));
const kubectl = (...args: string[]) => ground.testbed.kubectl(args);
const replicasOf = (namespace: string, name: string) =>
  Number(kubectl('-n', namespace, 'get', 'deploy', name, '-o', 'jsonpath={.spec.replicas}'));
const rvs = (c: Collected) => c.objects().map((e) => Number(e.resourceVersion));
const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]);

/** Runs `create(i)` for i below `count`, `parallel` at a time. */
async function createMany(count: number, parallel: number, create: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        await create(next++);
      }
    })
  );
}

async function post(path: string, body: object) {
  const answer = await ground.testbed.api.request('POST', path, body);
  if (answer.status !== 201) {
    throw new Error(`POST ${path}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  }
}

const createMonitors = (prefix: string, count: number) =>
  createMany(count, 16, (i) =>
    post('/apis/monitoring.coreos.com/v1/namespaces/default/servicemonitors', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: `${prefix}-${i}`, labels: { 'kubeatlas.io/test': 'filler' } },
      spec: { selector: {}, endpoints: [] },
    })
  );

describe.each(WAYS)('watch %s', (name) => {
  it('a scaled Deployment and a deleted pod arrive as ADDED, MODIFIED and DELETED, none from before the list', async () => {
    const w = await way(name);
    const listed = await w.client.list('Pod');
    const before = new Set(listed.items.map((p) => p.metadata?.name));
    const pods = watch(w, 'Pod', { resourceVersion: listed.resourceVersion! });
    await pods.until('live', () => pods.live());
    const replicas = replicasOf('default', 'hello');
    kubectl('-n', 'default', 'scale', 'deploy/hello', `--replicas=${replicas + 1}`);
    try {
      const isNew = (o: RawObject) => o.metadata!.namespace === 'default' && !before.has(o.metadata!.name);
      await pods.until('the new pod ADDED', () => pods.objects().some((e) => e.type === 'ADDED' && isNew(e.object)));
      const added = pods.objects().find((e) => e.type === 'ADDED' && isNew(e.object))!.object.metadata!.name!;
      const running = (e: { type: string; object: RawObject }) =>
        e.type === 'MODIFIED' &&
        e.object.metadata!.name === added &&
        (e.object.status as { phase?: string }).phase === 'Running';
      await pods.until('the new pod running (MODIFIED)', () => pods.objects().some(running));
      kubectl('-n', 'default', 'delete', 'pod', added, '--wait=false');
      await pods.until('the deleted pod DELETED', () =>
        pods.objects().some((e) => e.type === 'DELETED' && e.object.metadata!.name === added)
      );
      expect(rvs(pods).every((v) => v > Number(listed.resourceVersion))).toBe(true);
      expect(increasing(rvs(pods))).toBe(true);
      expect(w.requests.map((r) => [r.resourceVersion, r.status])).toEqual([[listed.resourceVersion, 200]]);
    } finally {
      kubectl('-n', 'default', 'scale', 'deploy/hello', `--replicas=${replicas}`);
      pods.subscription.unsubscribe();
    }
  });

  it('bookmarks arrive before each short watch ends, and each renewal starts from a version given, never an older one', async () => {
    const w = await way(name);
    const listed = await w.client.list('Pod');
    // kube-apiserver sends a bookmark 2 s before a watch's deadline (when its cache has moved on: the demo's pods
    // change all the time; a quiet kind such as Namespace got none in 30 s); timeoutSeconds 3 is a 3-6 s deadline.
    const pods = watch(w, 'Pod', { resourceVersion: listed.resourceVersion!, timeoutSeconds: 3 });
    await pods.until(
      'two bookmarks and a third request',
      () => pods.notices.filter((n) => n.type === 'BOOKMARK').length >= 2 && w.requests.length >= 3
    );
    pods.subscription.unsubscribe();
    const versions = pods.notices.flatMap((n) =>
      'resourceVersion' in n && n.resourceVersion ? [n.resourceVersion] : []
    );
    expect(w.requests[0].resourceVersion).toBe(listed.resourceVersion);
    // Each renewal asked for a version the watch was given, never an older one, and no end was taken for a failure.
    const asked = w.requests.map((r) => Number(r.resourceVersion));
    expect(asked).toEqual([...asked].sort((a, b) => a - b));
    for (const r of w.requests.slice(1)) {
      expect([listed.resourceVersion, ...versions]).toContain(r.resourceVersion);
    }
    expect(pods.states().filter((s) => s.phase === 'retrying')).toEqual([]);
  });
});

describe('a burst of 5,000 events', () => {
  it('is delivered whole, once each and in order, to a direct and a proxied watch at the same time', async () => {
    const ways = await Promise.all(WAYS.map(way));
    const rv = (await ways[0].client.list('Event')).resourceVersion!;
    const watches = ways.map((w) => watch(w, 'Event', { resourceVersion: rv }));
    await Promise.all(watches.map((c) => c.until('live', () => c.live())));
    const COUNT = 5000;
    const burst = (c: Collected) => c.objects().filter((e) => e.object.metadata!.name!.startsWith('burst-'));
    const started = Date.now();
    try {
      await createMany(COUNT, 32, (i) =>
        post('/api/v1/namespaces/default/events', {
          metadata: { name: `burst-${i}`, labels: { 'kubeatlas.io/test': 'burst' } },
          involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: 'default' },
          reason: 'Burst',
          message: `event ${i} of a burst`,
          type: 'Normal',
        })
      );
      const created = Date.now() - started;
      const delivered: number[] = [];
      for (const c of watches) {
        await c.until('every event of the burst', () => burst(c).length >= COUNT, 90_000);
        delivered.push(Date.now() - started);
      }
      const sequences = watches.map((c) =>
        burst(c).map((e) => `${e.type} ${e.object.metadata!.name} ${e.resourceVersion}`)
      );
      for (const [i, c] of watches.entries()) {
        expect(burst(c)).toHaveLength(COUNT);
        expect(new Set(burst(c).map((e) => e.object.metadata!.name)).size).toBe(COUNT);
        expect(burst(c).every((e) => e.type === 'ADDED')).toBe(true);
        expect(increasing(rvs(c))).toBe(true);
        // One stream each from start to end: no reconnection, so nothing replayed.
        expect(ways[i].requests).toHaveLength(1);
        expect(c.states().filter((s) => s.phase === 'retrying')).toEqual([]);
      }
      expect(sequences[1]).toEqual(sequences[0]);
      console.log(
        `burst: ${COUNT} Events created in ${(created / 1000).toFixed(1)} s (${Math.round(COUNT / (created / 1000))}/s); ` +
          `all delivered after ${(delivered[0] / 1000).toFixed(1)} s direct, ${(delivered[1] / 1000).toFixed(1)} s through the proxy`
      );
    } finally {
      watches.forEach((c) => c.subscription.unsubscribe());
      await ground.testbed.api.request(
        'DELETE',
        '/api/v1/namespaces/default/events?labelSelector=kubeatlas.io%2Ftest%3Dburst'
      );
    }
  });
});

describe('a resourceVersion older than the watch cache', () => {
  const expired = async () =>
    (
      await ground.testbed.api.request(
        'GET',
        `/apis/monitoring.coreos.com/v1/servicemonitors?watch=1&resourceVersion=${staleRv}&timeoutSeconds=1`
      )
    ).text.includes('"code":410');

  beforeAll(async () => {
    const wait = Math.max(0, seededAt + 80_000 - Date.now());
    console.log(`410: waiting ${(wait / 1000).toFixed(0)} s for the seeded ServiceMonitors to be 80 s old`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    let batches = 0;
    while (!(await expired())) {
      if (batches === 40) {
        throw new Error(`${batches * 50} more ServiceMonitors and a watch from ${staleRv} is still served`);
      }
      await createMonitors(`filler-${batches++}`, 50);
    }
    console.log(`410: the watch cache dropped resourceVersion ${staleRv} after ${batches * 50} more ServiceMonitors`);
  }, 150_000);

  it.each(WAYS)('%s: one request, answered by an ERROR event 410, then RELIST expired', async (name) => {
    const w = await way(name);
    const stale = watch(w, 'ServiceMonitor', { resourceVersion: staleRv });
    await stale.until('the watch to end', () => stale.completed());
    expect(stale.notices.at(-1)).toMatchObject({
      type: 'RELIST',
      reason: 'expired',
      message: expect.stringMatching(/too old resource version/),
      resourceVersion: staleRv,
    });
    expect(w.requests.map((r) => [r.resourceVersion, r.status])).toEqual([[staleRv, 200]]);
  });

  it.each(WAYS)('%s: listThenWatch lists again and watches on from the new list (SYNC, RELIST, SYNC)', async (name) => {
    const w = await way(name);
    let lists = 0;
    // The first list comes back with a resourceVersion as old as a tab left open over a weekend.
    const list = async (kind: KindName, options: { signal?: AbortSignal }) => {
      const result = await w.client.list(kind, options);
      return ++lists === 1 ? { ...result, resourceVersion: staleRv } : result;
    };
    const flow = collect<ListWatchNotice>(listThenWatch(list, w.source, 'ServiceMonitor'));
    await flow.until('a second SYNC and a live watch', () => {
      const syncs = flow.notices.filter((n) => n.type === 'SYNC').length;
      return syncs === 2 && flow.states().filter((s) => s.phase === 'live').length >= 2;
    });
    flow.subscription.unsubscribe();
    expect(flow.notices.filter((n) => n.type !== 'STATE').map((n) => n.type)).toEqual(['SYNC', 'RELIST', 'SYNC']);
    const syncs = flow.notices.flatMap((n) => (n.type === 'SYNC' ? [n] : []));
    expect(syncs[1].items.length).toBeGreaterThan(50);
    expect(lists).toBe(2);
    expect(w.requests.map((r) => [r.resourceVersion, r.status])).toEqual([
      [staleRv, 200],
      [syncs[1].resourceVersion, 200],
    ]);
  });
});
