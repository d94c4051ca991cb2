/**
 * @jest-environment node
 *
 * src/k8s/watch.ts's faults on the real control plane, straight over HTTPS and through the sandbox's emulation of
 * Grafana's datasource proxy, with testbed/fault-proxy/ in front of kube-apiserver: a stream cut mid-event resumes
 * without losing or repeating an event; 5xx, 429 with Retry-After and a dropped connection on reopen are retried with
 * backoff, a bounded number of times; an ERROR event is a RELIST and a relist; a stream held silent is reopened once
 * the idle timeout passes; a revoked binding or token is the typed error when the stream next opens. Every fault's
 * requests are counted, by the fault proxy and by the watch's own transport.
 *
 * kube-apiserver restarting is in live.test.ts (testbed.restartApiserver()), where the whole live session runs
 * through it; the single faults a client sees of one (a dropped connection, 5xx on reopen) are here.
 */
import { ForbiddenError, TimeoutError, UnauthorizedError, UnavailableError, type K8sError } from '../../src/k8s/errors';
import { listThenWatch, watchKind, type ListWatchNotice, type WatchOptions } from '../../src/k8s/watch';
import type { KindName } from '../../src/model/types';
import { waitUntil } from '../../testbed/src/processes';
import {
  applyRbacAndReadToken,
  collect,
  readerWithout,
  startGround,
  TESTBED_TIMEOUT_MS,
  watchWay,
  type Cluster,
  type Collected,
  type Ground,
  type WatchWay,
} from './harness';

jest.setTimeout(120_000);

let ground: Ground;
const opened: WatchWay[] = [];

beforeAll(async () => {
  ground = await startGround({ readOnly: true });
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(opened.map((w) => w.close()));
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);
afterEach(() => ground.faults.setFaults([]));

const WAYS = ['direct', 'proxy'] as const;
type WayName = (typeof WAYS)[number];
async function way(name: WayName, cluster: Cluster): Promise<WatchWay> {
  const w = await watchWay(name, cluster);
  opened.push(w);
  return w;
}
const watch = (w: WatchWay, kind: KindName, options: WatchOptions) => collect(watchKind(w.source, kind, options));
const kubectl = (...args: string[]) => ground.testbed.kubectl(args);
const replicasOf = (namespace: string, name: string) =>
  Number(kubectl('-n', namespace, 'get', 'deploy', name, '-o', 'jsonpath={.spec.replicas}'));
const retrying = (c: Collected) => c.states().filter((s) => s.phase === 'retrying');
const namespacesRv = async () =>
  (await (await way('direct', ground.cluster)).client.list('Namespace')).resourceVersion!;
const fast: Partial<WatchOptions> = { backoff: { baseDelayMs: 100, maxDelayMs: 400 } };

describe.each(WAYS)('faults from the fault proxy, %s', (name) => {
  it('a stream cut mid-event resumes from the last whole event: every event once, as a clean watch sees them', async () => {
    const clean = await way('direct', ground.cluster);
    const faulty = await way(name, ground.faulty);
    const from = (await clean.client.list('Pod')).resourceVersion!;
    const replicas = replicasOf('default', 'hello');
    // Events after `from` pile up before the watches open, so the first chunk holds several.
    kubectl('-n', 'default', 'scale', 'deploy/hello', `--replicas=${replicas + 2}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      ground.faults.setFaults([{ type: 'truncate', resource: 'pods', count: 1 }]);
      const reference = watch(clean, 'Pod', { resourceVersion: from });
      const cut = watch(faulty, 'Pod', { resourceVersion: from, ...fast });
      await cut.until('the resumed stream', () => faulty.requests.length === 2 && cut.objects().length > 0);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(retrying(cut).map((s) => s.cause?.summary)).toEqual([
        expect.stringMatching(/broke off|ended in the middle/),
      ]);
      const upTo = Math.min(
        ...[reference, cut].map((c) => Math.max(...c.objects().map((e) => Number(e.resourceVersion))))
      );
      const seen = (c: Collected) =>
        c
          .objects()
          .filter((e) => Number(e.resourceVersion) <= upTo)
          .map((e) => `${e.type} ${e.object.metadata!.namespace}/${e.object.metadata!.name} ${e.resourceVersion}`);
      expect(seen(cut).length).toBeGreaterThan(0);
      expect(seen(cut)).toEqual(seen(reference));
      // The resume asked for the last whole event before the cut (or the start, when the cut took the first).
      expect([from, ...cut.objects().map((e) => e.resourceVersion)]).toContain(faulty.requests[1].resourceVersion);
      expect(ground.faults.stats()).toMatchObject({ requests: 2, rules: [{ fired: 1, expired: true }] });
      reference.subscription.unsubscribe();
      cut.subscription.unsubscribe();
    } finally {
      kubectl('-n', 'default', 'scale', 'deploy/hello', `--replicas=${replicas}`);
    }
  });

  it.each<[string, object, number, Partial<WatchOptions>]>([
    ['503 three times', { type: 'error', status: 503, count: 3 }, 4, fast],
    ['a dropped connection twice', { type: 'reset', count: 2 }, 3, fast],
    // Retry-After is obeyed up to backoff.maxDelayMs.
    [
      '429 with Retry-After: 1 once',
      { type: 'error', status: 429, retryAfter: 1, count: 1 },
      2,
      { backoff: { baseDelayMs: 100, maxDelayMs: 5000 } },
    ],
  ])('%s on reopen: one request per failure and one that works, with backoff', async (_f, rule, expected, options) => {
    const w = await way(name, ground.faulty);
    const rv = await namespacesRv();
    ground.faults.setFaults([{ ...rule, resource: 'namespaces' }]);
    const namespaces = watch(w, 'Namespace', { resourceVersion: rv, ...options });
    await namespaces.until('live after the faults', () => namespaces.live(), 30_000);
    namespaces.subscription.unsubscribe();
    expect(ground.faults.stats().requests).toBe(expected);
    expect(w.requests.map((r) => r.resourceVersion)).toEqual(Array(expected).fill(rv));
    const waits = w.requests.slice(1).map((r, i) => r.at - w.requests[i].at);
    expect(retrying(namespaces)).toHaveLength(expected - 1);
    if ((rule as { status?: number }).status === 429) {
      expect(waits[0]).toBeGreaterThanOrEqual(950);
    } else {
      // Half to full jitter of 100, 200, 400 ms.
      waits.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(50 * 2 ** i - 10));
    }
  });

  it('503 until relistAfterMs: RELIST disconnected, after a bounded number of requests', async () => {
    const w = await way(name, ground.faulty);
    const rv = await namespacesRv();
    ground.faults.setFaults([{ type: 'error', status: 503, resource: 'namespaces' }]);
    const namespaces = watch(w, 'Namespace', { resourceVersion: rv, ...fast, relistAfterMs: 2000 });
    await namespaces.until('the watch to give up', () => namespaces.completed(), 30_000);
    expect(namespaces.notices.at(-1)).toMatchObject({ type: 'RELIST', reason: 'disconnected', resourceVersion: rv });
    const causes = namespaces.states().flatMap((s) => (s.cause ? [s.cause] : []));
    expect(causes.every((cause) => cause instanceof UnavailableError)).toBe(true);
    // Backoff 100, 200, 400, 400 … ms with half to full jitter over 2 s: between 6 and 14 requests.
    const { requests } = ground.faults.stats();
    expect(requests).toBe(w.requests.length);
    expect(requests).toBeGreaterThanOrEqual(6);
    expect(requests).toBeLessThanOrEqual(14);
  });

  it('an ERROR event: RELIST error-event with its message, and listThenWatch lists again (SYNC, RELIST, SYNC)', async () => {
    const w = await way(name, ground.faulty);
    ground.faults.setFaults([{ type: 'watch-error', status: 500, resource: 'namespaces', count: 1 }]);
    // The rule would hit the LISTs too (it matches the resource): they go the same way, but past the fault proxy.
    const lister = (await way(name, ground.cluster)).client;
    let lists = 0;
    const list = (kind: KindName, options: { signal?: AbortSignal }) => (lists++, lister.list(kind, options));
    const flow = collect<ListWatchNotice>(listThenWatch(list, w.source, 'Namespace', fast));
    await flow.until('the second SYNC and a live watch', () => lists === 2 && w.requests.at(-1)?.status === 200);
    await flow.until('live again', () => flow.states().filter((s) => s.phase === 'live').length === 2);
    flow.subscription.unsubscribe();
    expect(flow.notices.filter((n) => n.type !== 'STATE').map((n) => n.type)).toEqual(['SYNC', 'RELIST', 'SYNC']);
    expect(flow.notices.find((n) => n.type === 'RELIST')).toMatchObject({
      reason: 'error-event',
      message: 'Internal error occurred: injected fault',
    });
    // Two watches, no retry between.
    expect(w.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(ground.faults.stats().requests).toBe(2);
    expect(retrying(flow)).toEqual([]);
  });

  it('a stream held silent (no event, no bookmark) is reopened once idleTimeoutMs passes, and closed', async () => {
    const w = await way(name, ground.faulty);
    const rv = await namespacesRv();
    ground.faults.setFaults([{ type: 'stall', resource: 'namespaces', count: 1 }]);
    const namespaces = watch(w, 'Namespace', { resourceVersion: rv, ...fast, idleTimeoutMs: 1500 });
    await namespaces.until(
      'a second live stream',
      () => namespaces.states().filter((s) => s.phase === 'live').length === 2
    );
    const causes = retrying(namespaces).map((s) => s.cause);
    expect(causes).toEqual([expect.any(TimeoutError)]);
    expect(causes[0]!.message).toMatch(/sent nothing, not even a bookmark, for 2 s/);
    expect(w.requests.map((r) => [r.resourceVersion, r.status])).toEqual([
      [rv, 200],
      [rv, 200],
    ]);
    expect(w.requests[1].at - w.requests[0].at).toBeGreaterThanOrEqual(1500);
    // The stalled request was closed: only the renewed one is open at the proxy.
    await waitUntil('the stalled stream closed', async () => ground.faults.stats().inFlight === 1, {
      timeoutMs: 5000,
      watch: [],
      intervalMs: 100,
    });
    expect(ground.faults.stats().requests).toBe(2);
    namespaces.subscription.unsubscribe();
  });

  it('cancelling closes the stream up to the API server', async () => {
    const w = await way(name, ground.faulty);
    const rv = await namespacesRv();
    ground.faults.setFaults([]);
    const controller = new AbortController();
    const namespaces = watch(w, 'Namespace', { resourceVersion: rv, signal: controller.signal });
    await namespaces.until('live', () => namespaces.live());
    expect(ground.faults.stats().inFlight).toBe(1);
    controller.abort();
    expect(namespaces.completed()).toBe(true);
    await waitUntil('the fault proxy to see the watch closed', async () => ground.faults.stats().inFlight === 0, {
      timeoutMs: 10_000,
      watch: [],
      intervalMs: 100,
    });
  });
});

describe('access revoked mid-watch', () => {
  /** A second reader account (deploy/kubernetes/kubeatlas-reader.yaml in its own namespace) to revoke. */
  async function account(namespace: string): Promise<Cluster> {
    const token = await applyRbacAndReadToken(ground.testbed, {
      manifestYaml: readerWithout(namespace, 'batch', 'cronjobs'),
      namespace,
    });
    return { ...ground.cluster, token };
  }

  it.each<[string, (namespace: string) => void, number[], (error: K8sError) => void]>([
    [
      'its ClusterRoleBinding deleted: ForbiddenError naming the watch rule',
      (namespace) => kubectl('delete', 'clusterrolebinding', `kubeatlas-reader-${namespace}`),
      [403, 403],
      (error) => {
        expect(error).toBeInstanceOf(ForbiddenError);
        expect(error.message).toContain('{apiGroups: [""], resources: ["namespaces"], verbs: ["watch"]}');
      },
    ],
    [
      'its token Secret deleted: UnauthorizedError (401 direct; Grafana turns it into 400)',
      (namespace) => kubectl('-n', namespace, 'delete', 'secret', 'kubeatlas-token'),
      [401, 400],
      (error) => expect(error).toBeInstanceOf(UnauthorizedError),
    ],
  ])('%s', async (what, revoke, statuses, check) => {
    const namespace = `kubeatlas-w${Math.floor(Math.random() * 1e6)}`;
    const cluster = await account(namespace);
    const ways = await Promise.all(WAYS.map((n) => way(n, cluster)));
    const rv = (await ways[0].client.list('Namespace')).resourceVersion!;
    // Short watches, so that the next request comes soon: kube-apiserver checks access when a request starts.
    const watches = ways.map((w) => watch(w, 'Namespace', { resourceVersion: rv, timeoutSeconds: 3 }));
    await Promise.all(watches.map((c) => c.until('live', () => c.live())));
    const revokedAt = Date.now();
    revoke(namespace);
    for (const [i, c] of watches.entries()) {
      await c.until(`the ${WAYS[i]} watch to fail`, () => c.failure() !== undefined, 60_000);
      check(c.failure()!);
      const { requests } = ways[i];
      // Every request but the last was let through; the last was refused, and nothing was sent after it.
      expect(requests.slice(0, -1).every((r) => r.status === 200)).toBe(true);
      expect(requests.at(-1)!.status).toBe(statuses[i]);
      const after = requests.filter((r) => r.at >= revokedAt).length;
      const seconds = (requests.at(-1)!.at - revokedAt) / 1000;
      // Renewals every 3-6 s until the API server saw the revocation, and the refused one.
      expect(after).toBeLessThanOrEqual(Math.ceil(seconds / 3) + 1);
      expect(retrying(c)).toEqual([]);
      console.log(`${what.split(':')[0]}, ${WAYS[i]}: refused ${seconds.toFixed(1)} s after, ${after} requests since`);
    }
  });
});
