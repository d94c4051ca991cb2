/**
 * @jest-environment node
 *
 * The pages' live session (src/pages/state/liveCluster.ts) on the testbed's real kube-apiserver, through the fault
 * proxy: a change arrives as a watch event with no LIST; while the API server is unreachable the last good data stays
 * with a `reconnecting` status and a bounded number of requests, and the session catches up once it is back; a kind
 * that may be listed but not watched falls back to listing; a rejected token is said above the page.
 */
import { Observable, type Subscriber } from 'rxjs';
import type { HttpStream, StreamPart } from '../../src/k8s/watchStream';
import { nodeWatchStream } from '../../src/k8s/nodeWatchStream';
import { directRoutes } from '../../src/k8s/routes';
import { UnauthorizedError, UnavailableError } from '../../src/k8s/errors';
import { startLiveCluster, type Extras, type LiveClusterOptions, type LiveState } from '../../src/pages/state/liveCluster';
import type { WatchSlot } from '../../src/pages/state/connectionBudget';
import { direct, startGround, TESTBED_TIMEOUT_MS, type Ground } from './harness';

jest.setTimeout(120_000);

let ground: Ground;
beforeAll(async () => {
  ground = await startGround({ readOnly: true });
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);
afterEach(() => ground.faults.setFaults([]));

/** A live session on the faulty cluster, recording every LIST page and every watch request it sends. */
function session(loadExtras: LiveClusterOptions['loadExtras'] = async () => ({ figures: {} })) {
  const { client, requests } = direct(ground.faulty).client();
  const watches: string[] = [];
  const stream = nodeWatchStream({ ca: ground.faulty.caCert });
  const open = new Set<Subscriber<StreamPart>>();
  // Records each watch request; cutStreams() breaks the open ones as a dropped connection would.
  const recorded: HttpStream = (request) => {
    watches.push(request.url);
    return new Observable<StreamPart>((subscriber) => {
      open.add(subscriber);
      const subscription = stream(request).subscribe(subscriber);
      return () => {
        open.delete(subscriber);
        subscription.unsubscribe();
      };
    });
  };
  const cutStreams = () => {
    for (const subscriber of [...open]) {
      subscriber.error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    }
  };
  const states: LiveState[] = [];
  const slots: WatchSlot[] = [];
  const loop = startLiveCluster({
    client,
    source: {
      routes: directRoutes(ground.faulty.url),
      stream: recorded,
      headers: { Authorization: `Bearer ${ground.faulty.token}` },
    },
    loadExtras,
    intervalMs: 1_000,
    // As one tab alone would be granted: three held watches.
    takeSlot: async (held) => {
      if (held >= 3) {
        return undefined;
      }
      const slot = { release: () => undefined };
      slots.push(slot);
      return slot;
    },
    isVisible: () => true,
    onChange: (state) => states.push(state),
  });
  const last = () => states[states.length - 1];
  const lists = (plural: string) =>
    requests.filter((r) => new RegExp(`/${plural}(\\?|$)`).test(r.url.split('?')[0] + '?') && !/watch=1/.test(r.url));
  return { loop, states, last, watches, requests, lists, cutStreams };
}

const kubectl = (args: string[]) => ground.testbed.kubectl(args);

/** Resolves once `probe` holds (checked every 100 ms), or fails naming what did not happen. */
async function waitUntil(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const podNames = (state: LiveState | undefined, namespace: string) =>
  (state?.data?.snapshot.byNamespace.get(namespace)?.Pod ?? []).map((p) => p.name).sort();

test('first load lists each kind once; then a new pod arrives by watch within seconds, with no LIST', async () => {
  const s = session();
  try {
    await waitUntil(() => s.last()?.live?.phase === 'live', 60_000, 'the session to go live');
    expect(s.last()!.live!.watched).toEqual(['Pod', 'Node', 'Deployment']);
    expect(s.last()!.live!.polled).toContain('Service');
    const listsAfterLoad = s.requests.filter((r) => !/watch=1/.test(r.url)).length;
    const podListPages = s.lists('pods').length;

    kubectl(['create', 'namespace', 'live-int']);
    const createdAt = Date.now();
    kubectl(['-n', 'live-int', 'run', 'probe', '--image=registry.example/probe:1', '--restart=Never']);
    await waitUntil(() => podNames(s.last(), 'live-int').includes('probe'), 20_000, 'the new pod in the model');
    const ms = Date.now() - createdAt;
    console.log(`new pod in the model ${ms} ms after kubectl run returned`);
    expect(ms).toBeLessThan(5_000);
    // A poll cycle ran meanwhile: it brought the namespace by a short watch, not a LIST.
    await waitUntil(
      () => s.last()?.data?.snapshot.byKind.Namespace.some((n) => n.name === 'live-int') ?? false,
      20_000,
      'the namespace by a poll'
    );
    expect(s.lists('pods')).toHaveLength(podListPages);
    expect(s.requests.filter((r) => !/watch=1/.test(r.url)).length).toBe(listsAfterLoad);
    expect(s.watches.some((url) => /namespaces\?.*timeoutSeconds=1(&|$)/.test(url))).toBe(true);
  } finally {
    s.loop.stop();
    kubectl(['delete', 'namespace', 'live-int', '--wait=false', '--ignore-not-found']);
  }
});

test('while the API server is unreachable: last good data, reconnecting, bounded requests; then it catches up', async () => {
  const s = session();
  try {
    await waitUntil(() => s.last()?.live?.phase === 'live', 60_000, 'the session to go live');
    const podsBefore = s.last()!.data!.snapshot.byKind.Pod.length;
    // The fault proxy refuses every new request, and the open streams break as a dropped connection does.
    ground.faults.setFaults([{ type: 'reset' }]);
    const watchesBefore = s.watches.length;
    const cutAt = Date.now();
    s.cutStreams();
    await waitUntil(() => s.last()?.live?.phase === 'reconnecting', 30_000, 'a reconnecting status');
    const downFor = 10_000;
    await new Promise((resolve) => setTimeout(resolve, downFor));
    const state = s.last()!;
    expect(state.data!.snapshot.byKind.Pod.length).toBe(podsBefore);
    expect(state.live!.downSince).toBeGreaterThanOrEqual(cutAt - 1_000);
    const attempts = s.watches.length - watchesBefore;
    console.log(
      `${attempts} watch requests in ${(Date.now() - cutAt) / 1000} s of outage for 3 held watches and polls`
    );
    // Backoff from 1 s, doubling, with jitter: a held watch tries about 4 times in 10 s, a poll once per cycle.
    expect(attempts).toBeLessThan(40);

    kubectl(['create', 'namespace', 'live-gap']);
    kubectl(['-n', 'live-gap', 'run', 'missed', '--image=registry.example/probe:1', '--restart=Never']);
    ground.faults.setFaults([]);
    await waitUntil(() => s.last()?.live?.phase === 'live', 60_000, 'live again');
    await waitUntil(() => podNames(s.last(), 'live-gap').includes('missed'), 30_000, 'the pod created while down');
  } finally {
    s.loop.stop();
    kubectl(['delete', 'namespace', 'live-gap', '--wait=false', '--ignore-not-found']);
  }
});

test('kube-apiserver restarting: the cause and the last good data while down, bounded requests, then live again', async () => {
  const s = session();
  try {
    await waitUntil(() => s.last()?.live?.phase === 'live', 60_000, 'the session to go live');
    const podsBefore = s.last()!.data!.snapshot.byKind.Pod.length;
    const [watchesBefore, listsBefore] = [s.watches.length, s.requests.filter((r) => !/watch=1/.test(r.url)).length];
    const [podPagesBefore, requestsBefore] = [s.lists('pods').length, s.requests.length];
    let down = { seconds: 0, watches: 0, lists: 0 };
    const stoppingAt = Date.now();
    await ground.testbed.restartApiserver(async () => {
      await waitUntil(() => s.last()?.live?.phase === 'reconnecting', 30_000, 'a reconnecting status');
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      const state = s.last()!;
      console.log(`apiserver down: ${state.live!.cause?.name}: "${state.live!.cause?.message}"`);
      // What StaleDataBanner shows: the age of the data and the cause, over the last good objects.
      expect(state.data!.snapshot.byKind.Pod.length).toBe(podsBefore);
      expect(state.live!.downSince).toBeGreaterThanOrEqual(stoppingAt);
      expect(state.live!.cause).toBeInstanceOf(UnavailableError);
      expect(state.live!.cause!.message).toMatch(/answered 502 to watch .*The API server is failing; check its health/);
      down = {
        seconds: (Date.now() - stoppingAt) / 1000,
        watches: s.watches.length - watchesBefore,
        lists: s.requests.filter((r) => !/watch=1/.test(r.url)).length - listsBefore,
      };
    });
    console.log(
      `${down.watches} watch requests and ${down.lists} LIST pages in ${down.seconds} s with the apiserver down`
    );
    // Backoff from 1 s, doubling, with jitter: a held watch tries about 4 times in 10 s, a poll cycle stops at its
    // first failure; nothing is listed while the watches only retry.
    expect(down.watches).toBeLessThan(30);
    expect(down.lists).toBe(0);

    const upAt = Date.now();
    // A watch reopened while the new apiserver still loads its RBAC policies is refused (403): that kind is listed
    // once, polled by a short watch, and then held again.
    // The other kinds may go live first: wait for all three held watches, not only the one that is back first.
    const allHeld = () => s.last()?.live?.phase === 'live' && s.last()!.live!.watched.length === 3;
    await waitUntil(allHeld, 60_000, 'live again after the restart, every held watch streaming');
    const podPagesAfter = s.lists('pods').length - podPagesBefore;
    console.log(
      `live again ${Date.now() - upAt} ms after /readyz; watched ${s.last()!.live!.watched.join(', ')}; ` +
        `${podPagesAfter} pod LIST pages since the restart`
    );
    expect([...s.last()!.live!.watched].sort()).toEqual(['Deployment', 'Node', 'Pod']);
    // A new apiserver fills its watch cache from etcd: the watches resume from their version, or relist on a 410
    // or a 403. Either way at most one LIST of the pods, not a LIST every interval.
    expect(podPagesAfter).toBeLessThanOrEqual(1);
    const podPages = s.lists('pods').length;
    // In a namespace that has its ServiceAccount: kube-controller-manager may not have reconnected yet.
    kubectl(['-n', 'default', 'run', 'after-restart', '--image=registry.example/probe:1', '--restart=Never']);
    await waitUntil(() => podNames(s.last(), 'default').includes('after-restart'), 30_000, 'a pod created after');
    expect(s.lists('pods').length).toBe(podPages);
    // Polled kinds whose short watch was refused or answered 410 meanwhile are listed again, once each.
    const listedSince = new Map<string, number>();
    for (const r of s.requests.slice(requestsBefore).filter((r) => !/watch=1/.test(r.url))) {
      const path = r.url.split('?')[0];
      listedSince.set(path, (listedSince.get(path) ?? 0) + 1);
    }
    console.log(`listed since the restart: ${[...listedSince].map(([p, n]) => `${p} ×${n}`).join(', ')}`);
    expect(Math.max(0, ...listedSince.values())).toBeLessThanOrEqual(1);
  } finally {
    s.loop.stop();
    kubectl(['-n', 'default', 'delete', 'pod', 'after-restart', '--wait=false', '--ignore-not-found']);
  }
});

test('slow Prometheus figures do not hold back the first snapshot; they go out with a later one', async () => {
  // Each ask waits until answered; `answer` holds the newest ask's, the one the session keeps.
  let answer: (extras: Extras) => void = () => undefined;
  const s = session(() => new Promise((resolve) => (answer = resolve)));
  try {
    await waitUntil(() => s.last()?.live?.phase === 'live', 60_000, 'the session to go live');
    const first = s.states.find((state) => state.data)!;
    expect(first.loading).toBe(false);
    expect(first.data!.snapshot.byKind.Pod.length).toBeGreaterThan(0);
    expect(first.data!.figures).toEqual({});

    answer({ figures: { nodeCpuUsage: { status: 'missing', reason: 'no series' } } });
    await waitUntil(() => s.last()?.data?.figures.nodeCpuUsage !== undefined, 5_000, 'the figures in a snapshot');
    expect(s.last()!.data!.figures.nodeCpuUsage).toEqual({ status: 'missing', reason: 'no series' });
  } finally {
    s.loop.stop();
  }
});

test('a page closed during its first load cancels the LISTs without an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const s = session();
    await waitUntil(() => s.requests.length > 0, 10_000, 'the first LIST to be sent');
    s.loop.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('a kind that may be listed but not watched is listed every interval; a rejected token is said above the page', async () => {
  ground.faults.setFaults([{ type: 'forbidden', resource: 'services', path: '.', method: 'GET', rate: 1 }]);
  const s = session();
  try {
    // Only the watches of services are refused: the LIST of the first load passes.
    ground.faults.setFaults([]);
    await waitUntil(() => s.last()?.live?.phase === 'live', 60_000, 'the session to go live');
    ground.faults.setFaults([{ type: 'forbidden', resource: 'services' }]);
    await waitUntil(() => s.last()?.live?.listed.includes('Service') ?? false, 30_000, 'services listed instead');
    ground.faults.setFaults([]);
    const listed = s.lists('services').length;
    // A cycle polls the other kinds one by one (a second each) and lists services on the way.
    await waitUntil(() => s.lists('services').length > listed, 45_000, 'services listed again by the next cycle');
    await waitUntil(() => s.last()?.data?.snapshot.kinds.Service.state === 'ok', 30_000, 'services ok again');

    ground.faults.setFaults([{ type: 'unauthorized' }]);
    await waitUntil(() => s.last()?.error instanceof UnauthorizedError, 30_000, 'the rejected token above the page');
    expect(s.last()!.data!.snapshot.byKind.Pod.length).toBeGreaterThan(0);
    ground.faults.setFaults([]);
    await waitUntil(() => s.last()?.error === undefined, 30_000, 'the error cleared once the token works');
  } finally {
    s.loop.stop();
  }
});
