/**
 * @jest-environment node
 *
 * The watch's state machine: resume, backoff, relist and typed errors, driven by a manual clock and a transport whose
 * every request the test answers by hand. The same watch against kube-apiserver itself, directly and through the
 * sandbox's Grafana proxy, is integration/k8s/watch.test.ts.
 */
import { Observable, Subject } from 'rxjs';
import type { ListResult } from './client';
import { ForbiddenError, RejectedError, RouteDeniedError, TlsError, UnauthorizedError, type K8sError } from './errors';
import { KINDS } from './kinds';
import { directRoutes, grafanaProxyRoutes } from './routes';
import {
  listThenWatch,
  watchKind,
  type ListWatchNotice,
  type WatchClock,
  type WatchNotice,
  type WatchOptions,
} from './watch';
import type { StreamPart, StreamRequest } from './watchStream';

class ManualClock implements WatchClock {
  time = 0;
  /** How far each reading moves time on: a busy main thread, on which work takes time. */
  tick = 0;
  private timers: Array<{ at: number; callback: () => void }> = [];

  now() {
    this.time += this.tick;
    return this.time;
  }

  setTimeout(callback: () => void, ms: number) {
    const timer = { at: this.time + ms, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time on, running each timer that falls due at its own time. */
  advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) {
        break;
      }
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }

  get pending() {
    return this.timers.length;
  }
}

/** One watch request the test answers: status, body pieces, a clean end, or a break. */
class Exchange {
  readonly parts = new Subject<StreamPart>();
  closed = false;
  private status = 200;
  private headers: Record<string, string> = {};

  constructor(readonly request: StreamRequest) {}

  /** What the transport hands the watch: the parts, and `closed` once the watch unsubscribes. */
  observable(): Observable<StreamPart> {
    return new Observable<StreamPart>((subscriber) => {
      const subscription = this.parts.subscribe(subscriber);
      return () => {
        this.closed = true;
        subscription.unsubscribe();
      };
    });
  }

  get query() {
    return new URL(this.request.url, 'http://relative').searchParams;
  }

  respond(status = 200, headers: Record<string, string> = {}) {
    this.status = status;
    this.headers = headers;
    this.parts.next({ status, statusText: '', headers });
    return this;
  }

  send(text: string) {
    this.parts.next({
      status: this.status,
      statusText: '',
      headers: this.headers,
      chunk: new TextEncoder().encode(text),
    });
    return this;
  }

  end() {
    this.parts.complete();
  }

  fail(code = 'ECONNRESET') {
    this.parts.error(Object.assign(new Error(`socket ${code}`), { code }));
  }
}

function setup(options: Partial<WatchOptions> = {}, routes = directRoutes('https://cluster:6443')) {
  const clock = new ManualClock();
  const exchanges: Exchange[] = [];
  const source = {
    routes,
    headers: { Authorization: 'Bearer t0k' },
    stream: (request: StreamRequest) => {
      const exchange = new Exchange(request);
      exchanges.push(exchange);
      return exchange.observable();
    },
  };
  const notices: WatchNotice[] = [];
  let error: K8sError | undefined;
  let completed = false;
  const subscription = watchKind(source, 'Pod', {
    resourceVersion: '100',
    clock,
    random: () => 1,
    ...options,
  }).subscribe({
    next: (notice) => notices.push(notice),
    error: (e) => (error = e),
    complete: () => (completed = true),
  });
  return {
    clock,
    exchanges,
    notices,
    subscription,
    last: () => exchanges[exchanges.length - 1],
    events: () => notices.filter((n) => n.type !== 'STATE'),
    states: () => notices.flatMap((n) => (n.type === 'STATE' ? [n.state] : [])),
    error: () => error,
    completed: () => completed,
  };
}

const event = (type: string, rv: number, name = `pod-${rv}`) =>
  JSON.stringify({
    type,
    object: { kind: 'Pod', metadata: { name, namespace: 'shop', resourceVersion: String(rv) } },
  }) + '\n';
const bookmark = (rv: number) =>
  JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: String(rv) } } }) + '\n';
const status = (code: number, reason: string, message: string, details?: object) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details });

describe('watchKind', () => {
  it('watches the collection path from the resourceVersion, with bookmarks and a jittered timeoutSeconds', () => {
    const w = setup({ timeoutSeconds: 300, random: () => 0.5 });
    const { request, query } = w.last();
    expect(request.url.split('?')[0]).toBe('https://cluster:6443/api/v1/pods');
    expect(Object.fromEntries(query)).toEqual({
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: '100',
      timeoutSeconds: '450',
    });
    expect(request.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer t0k' });
  });

  it("through Grafana: the datasource's read route, no Authorization of its own", () => {
    const clock = new ManualClock();
    const requests: StreamRequest[] = [];
    watchKind(
      {
        routes: grafanaProxyRoutes('ds-1'),
        stream: (request) => {
          requests.push(request);
          return new Subject<StreamPart>();
        },
      },
      'Deployment',
      { resourceVersion: '7', clock }
    ).subscribe();
    expect(requests[0].url).toMatch(/^\/api\/datasources\/proxy\/uid\/ds-1\/k8s-read\/apis\/apps\/v1\/deployments\?/);
    expect(requests[0].headers).toEqual({ Accept: 'application/json' });
  });

  it('delivers ADDED, MODIFIED, DELETED and BOOKMARK in order, and says when it is live', () => {
    const w = setup();
    w.last()
      .respond()
      .send(event('ADDED', 101) + event('MODIFIED', 102))
      .send(event('DELETED', 103) + bookmark(110));
    expect(w.events()).toEqual([
      { type: 'ADDED', object: expect.objectContaining({ kind: 'Pod' }), resourceVersion: '101' },
      { type: 'MODIFIED', object: expect.anything(), resourceVersion: '102' },
      { type: 'DELETED', object: expect.anything(), resourceVersion: '103' },
      { type: 'BOOKMARK', resourceVersion: '110' },
    ]);
    expect(w.states().map((s) => s.phase)).toEqual(['connecting', 'live']);
  });

  it('an event split across chunks arrives once, whole', () => {
    const w = setup();
    const line = event('ADDED', 101);
    w.last().respond().send(line.slice(0, 10)).send(line.slice(10, 40));
    expect(w.events()).toHaveLength(0);
    w.last().send(line.slice(40));
    expect(w.events()).toHaveLength(1);
  });

  it('a chunk of many events is worked through over several tasks, in order, the end of the stream after them', () => {
    const w = setup();
    w.last().respond();
    w.clock.tick = 3;
    const rvs = Array.from({ length: 20 }, (_, i) => 101 + i);
    w.last()
      .send(rvs.map((rv) => event('ADDED', rv)).join(''))
      .end();
    const firstTask = w.events().length;
    // 3 ms an event against a slice of 8 ms: the rest waits for the next task.
    expect(firstTask).toBeGreaterThan(0);
    expect(firstTask).toBeLessThan(5);
    expect(w.exchanges).toHaveLength(1);
    for (let task = 0; task < 20 && w.exchanges.length === 1; task++) {
      w.clock.advance(10);
    }
    expect(w.events().map((n) => (n.type === 'ADDED' ? n.resourceVersion : n.type))).toEqual(rvs.map(String));
    // The clean end came after the last event: the watch reopened from it.
    expect(w.exchanges).toHaveLength(2);
    expect(w.last().query.get('resourceVersion')).toBe('120');
  });

  it('closing the watch mid-chunk drops the events not yet delivered', () => {
    const w = setup();
    w.last().respond();
    w.clock.tick = 3;
    w.last().send([101, 102, 103, 104, 105, 106, 107, 108].map((rv) => event('ADDED', rv)).join(''));
    const delivered = w.events().length;
    expect(delivered).toBeLessThan(8);
    w.subscription.unsubscribe();
    w.clock.advance(1_000);
    expect(w.events()).toHaveLength(delivered);
    expect(w.clock.pending).toBe(0);
  });

  it('when timeoutSeconds is over, reopens at once from the last bookmark', () => {
    const w = setup();
    w.last()
      .respond()
      .send(event('ADDED', 101) + bookmark(150));
    w.last().end();
    expect(w.exchanges).toHaveLength(1);
    w.clock.advance(0);
    expect(w.exchanges).toHaveLength(2);
    expect(w.last().query.get('resourceVersion')).toBe('150');
  });

  it('once: one request of exactly timeoutSeconds, then the resourceVersion reached and complete', () => {
    const w = setup({ once: true, timeoutSeconds: 1, random: () => 0.9 });
    expect(w.last().query.get('timeoutSeconds')).toBe('1');
    w.last()
      .respond()
      .send(event('MODIFIED', 101) + bookmark(160));
    w.last().end();
    w.clock.advance(60_000);
    expect(w.exchanges).toHaveLength(1);
    expect(w.notices.filter((n) => n.type === 'BOOKMARK').at(-1)).toEqual({ type: 'BOOKMARK', resourceVersion: '160' });
    expect(w.completed()).toBe(true);
  });

  it('once: a stream that completes without any part (an empty body through chunked()) is a poll with no change', () => {
    const w = setup({ once: true, timeoutSeconds: 1 });
    w.last().end();
    expect(w.notices.filter((n) => n.type === 'BOOKMARK')).toEqual([{ type: 'BOOKMARK', resourceVersion: '100' }]);
    expect(w.completed()).toBe(true);
    expect(w.error()).toBeUndefined();
  });

  it('once: a broken stream is an error for the caller to retry later, not a retry within', () => {
    const w = setup({ once: true, timeoutSeconds: 1 });
    w.last().respond().send(event('ADDED', 101));
    w.last().fail();
    w.clock.advance(60_000);
    expect(w.exchanges).toHaveLength(1);
    expect(w.error()?.summary).toBe('The watch of pods broke off (ECONNRESET).');
  });

  it('a stream cut mid-event resumes after backoff from the last whole event: nothing lost, nothing twice', () => {
    const w = setup({ random: () => 0 });
    w.last()
      .respond()
      .send(event('ADDED', 101) + event('MODIFIED', 102).slice(0, 25));
    w.last().fail();
    const retrying = w.states().at(-1)!;
    expect(retrying).toMatchObject({ phase: 'retrying', attempt: 1, retryAt: 500, downSince: 0 });
    expect(retrying.cause?.summary).toBe('The watch of pods broke off (ECONNRESET).');
    w.clock.advance(499);
    expect(w.exchanges).toHaveLength(1);
    w.clock.advance(1);
    expect(w.last().query.get('resourceVersion')).toBe('101');
    // kube-apiserver sends what came after 101, the cut event first.
    w.last()
      .respond()
      .send(event('MODIFIED', 102) + event('DELETED', 103));
    expect(w.events().map((e) => (e as { resourceVersion: string }).resourceVersion)).toEqual(['101', '102', '103']);
  });

  it('backs off exponentially with jitter up to maxDelayMs, and starts over once a stream delivers', () => {
    const w = setup({ backoff: { baseDelayMs: 1000, maxDelayMs: 8000 }, random: () => 1 });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      w.last()
        .respond(503)
        .send(status(503, 'ServiceUnavailable', 'etcd leader changed'))
        .end();
      const s = w.states().at(-1)!;
      delays.push(s.retryAt! - w.clock.now());
      w.clock.advance(s.retryAt! - w.clock.now());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(w.exchanges).toHaveLength(7);
    w.last().respond().send(event('ADDED', 101));
    w.last().fail();
    expect(w.states().at(-1)).toMatchObject({ phase: 'retrying', attempt: 1 });
  });

  it('jitter: half to all of the backoff step', () => {
    const low = setup({ random: () => 0 });
    low.last().fail();
    const high = setup({ random: () => 0.999 });
    high.last().fail();
    expect(low.states().at(-1)!.retryAt).toBe(500);
    expect(high.states().at(-1)!.retryAt).toBeCloseTo(999.5);
  });

  it.each([
    ['the Retry-After header', { 'retry-after': '7' }, status(429, 'TooManyRequests', 'slow down')],
    [
      'details.retryAfterSeconds (all Grafana passes on)',
      {},
      status(429, 'TooManyRequests', 'x', { retryAfterSeconds: 7 }),
    ],
  ])('429 waits as %s says', (_name, headers, body) => {
    const w = setup();
    w.last().respond(429, headers).send(body).end();
    expect(w.states().at(-1)).toMatchObject({ phase: 'retrying', retryAt: 7000 });
    expect(w.states().at(-1)!.cause?.summary).toMatch(/429 \(too many requests\) to watch pods/);
  });

  it('410 Gone on the request: RELIST expired, and the watch completes', () => {
    const w = setup();
    w.last()
      .respond(410)
      .send(status(410, 'Expired', 'too old resource version: 100 (5000)'))
      .end();
    expect(w.events().at(-1)).toEqual({
      type: 'RELIST',
      reason: 'expired',
      message: 'too old resource version: 100 (5000)',
      resourceVersion: '100',
    });
    expect(w.completed()).toBe(true);
    expect(w.clock.pending).toBe(0);
  });

  it.each([
    [410, 'Expired', 'expired'],
    [500, 'InternalError', 'error-event'],
  ])('an ERROR event with code %d (%s): RELIST %s, the stream closed', (code, reason, expected) => {
    const w = setup();
    w.last()
      .respond()
      .send(event('ADDED', 101))
      .send(JSON.stringify({ type: 'ERROR', object: JSON.parse(status(code, reason, 'the reason')) }) + '\n');
    expect(w.events().at(-1)).toEqual({
      type: 'RELIST',
      reason: expected,
      message: 'the reason',
      resourceVersion: '101',
    });
    expect(w.last().closed).toBe(true);
    expect(w.completed()).toBe(true);
  });

  it('down longer than relistAfterMs: RELIST disconnected, after a bounded number of requests', () => {
    const w = setup({ relistAfterMs: 300_000, backoff: { baseDelayMs: 1000, maxDelayMs: 30_000 }, random: () => 1 });
    w.last().respond().send(event('ADDED', 101));
    for (let guard = 0; !w.completed() && guard < 100; guard++) {
      w.last().fail('ECONNREFUSED');
      if (!w.completed()) {
        w.clock.advance(w.states().at(-1)!.retryAt! - w.clock.now());
      }
    }
    expect(w.events().at(-1)).toMatchObject({
      type: 'RELIST',
      reason: 'disconnected',
      resourceVersion: '101',
      message: expect.stringMatching(/^The watch of pods has been down for 5 min \(Could not connect/),
    });
    // 1 + 2 + 4 + 8 + 16 + 30 × 9 = 301 s: the first stream and 14 retries.
    expect(w.exchanges).toHaveLength(15);
  });

  it.each<[string, number, string, (error: K8sError) => void]>([
    ['401', 401, status(401, 'Unauthorized', 'Unauthorized'), (e) => expect(e).toBeInstanceOf(UnauthorizedError)],
    [
      "Grafana's 400 for the cluster's 401",
      400,
      'Authentication to data source failed',
      (e) => expect(e).toBeInstanceOf(UnauthorizedError),
    ],
    [
      '403 from RBAC',
      403,
      status(
        403,
        'Forbidden',
        'pods is forbidden: User "system:serviceaccount:kubeatlas:kubeatlas" cannot watch resource "pods"'
      ),
      (e) => {
        expect(e).toBeInstanceOf(ForbiddenError);
        expect(e.message).toContain('{apiGroups: [""], resources: ["pods"], verbs: ["watch"]}');
      },
    ],
    [
      "Grafana's route denial",
      403,
      '{"message":"plugin proxy route access denied"}',
      (e) => expect(e).toBeInstanceOf(RouteDeniedError),
    ],
    [
      '400 from the API server',
      400,
      status(400, 'BadRequest', 'bad rv'),
      (e) => expect(e).toBeInstanceOf(RejectedError),
    ],
  ])('%s when the stream reopens: the typed error, no retry', (_name, code, body, check) => {
    const w = setup();
    w.last().respond().send(event('ADDED', 101)).end();
    w.clock.advance(0);
    w.last().respond(code).send(body).end();
    check(w.error()!);
    expect(w.exchanges).toHaveLength(2);
    expect(w.clock.pending).toBe(0);
  });

  it('a refused certificate (direct mode) is a TlsError at once', () => {
    const w = setup();
    w.last().fail('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(w.error()).toBeInstanceOf(TlsError);
  });

  it('nothing for idleTimeoutMs, not even a bookmark: the stream is presumed dead and reopened', () => {
    const w = setup({ idleTimeoutMs: 60_000 });
    w.last().respond().send(event('ADDED', 101));
    w.clock.advance(59_999);
    expect(w.exchanges).toHaveLength(1);
    w.clock.advance(1);
    expect(w.exchanges[0].closed).toBe(true);
    expect(w.states().at(-1)!.cause?.summary).toMatch(/sent nothing, not even a bookmark, for 60 s/);
    w.clock.advance(1000);
    expect(w.last().query.get('resourceVersion')).toBe('101');
  });

  it('a garbled line is a retry with its cause named, from the last good event', () => {
    const w = setup();
    w.last()
      .respond()
      .send(event('ADDED', 101) + '{"type":"ADDED","object":{]}\n');
    expect(w.exchanges[0].closed).toBe(true);
    expect(w.states().at(-1)!.cause?.summary).toMatch(/not a Kubernetes watch event/);
    w.clock.advance(1000);
    expect(w.last().query.get('resourceVersion')).toBe('101');
  });

  it('a stream that ends empty as soon as it opens backs off instead of reopening at once', () => {
    const w = setup();
    w.last().respond().end();
    expect(w.states().at(-1)).toMatchObject({ phase: 'retrying', attempt: 1 });
    expect(w.states().at(-1)!.cause?.summary).toMatch(/ended as soon as it opened/);
  });

  it('a stream that ends cleanly mid-event is a retry, not a clean end', () => {
    const w = setup();
    w.last()
      .respond()
      .send(event('ADDED', 101) + '{"type":"MOD')
      .end();
    expect(w.states().at(-1)!.cause?.summary).toMatch(/ended in the middle of an event/);
  });

  it('the AbortSignal closes the stream and completes; so does unsubscribing, timers included', () => {
    const controller = new AbortController();
    const w = setup({ signal: controller.signal });
    w.last().respond().send(event('ADDED', 101));
    controller.abort();
    expect(w.last().closed).toBe(true);
    expect(w.completed()).toBe(true);

    const u = setup();
    u.last().fail();
    expect(u.clock.pending).toBe(1);
    u.subscription.unsubscribe();
    expect(u.clock.pending).toBe(0);
    u.clock.advance(60_000);
    expect(u.exchanges).toHaveLength(1);
  });
});

describe('listThenWatch', () => {
  const listed = (resourceVersion: string, names: string[]): ListResult => ({
    kind: KINDS.Pod,
    items: names.map((name) => ({ metadata: { name } })),
    resourceVersion,
    stats: { requests: 1, pages: 1, retries: 0, restarts: 0 },
  });

  function run(lists: Array<ListResult | Error>, watchFrom?: string) {
    const clock = new ManualClock();
    const exchanges: Exchange[] = [];
    const calls: string[] = [];
    const notices: ListWatchNotice[] = [];
    let error: unknown;
    const list = async (kind: string) => {
      calls.push(kind);
      const next = lists.shift()!;
      if (next instanceof Error) {
        throw next;
      }
      return next;
    };
    const source = {
      routes: directRoutes('https://c'),
      stream: (request: StreamRequest) => {
        const exchange = new Exchange(request);
        exchanges.push(exchange);
        return exchange.observable();
      },
    };
    const subscription = listThenWatch(list, source, 'Pod', { clock, random: () => 1, watchFrom }).subscribe({
      next: (n) => notices.push(n),
      error: (e) => (error = e),
    });
    return {
      clock,
      exchanges,
      calls,
      notices,
      subscription,
      error: () => error,
      kinds: () => notices.map((n) => n.type),
    };
  }

  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it("lists, then watches from the list's resourceVersion, passing the watch's notices on", async () => {
    const r = run([listed('100', ['a', 'b'])]);
    await flush();
    expect(r.notices[0]).toMatchObject({ type: 'SYNC', resourceVersion: '100', items: [{}, {}] });
    expect(r.exchanges[0].query.get('resourceVersion')).toBe('100');
    r.exchanges[0].respond().send(event('ADDED', 101));
    expect(r.kinds()).toEqual(['SYNC', 'STATE', 'STATE', 'ADDED']);
  });

  it('watchFrom: watches at once from the version the caller listed at, and lists only on RELIST', async () => {
    const r = run([listed('500', ['b'])], '100');
    await flush();
    expect(r.calls).toEqual([]);
    expect(r.exchanges[0].query.get('resourceVersion')).toBe('100');
    r.exchanges[0]
      .respond()
      .send(JSON.stringify({ type: 'ERROR', object: JSON.parse(status(410, 'Expired', 'too old')) }) + '\n');
    r.clock.advance(0);
    await flush();
    expect(r.calls).toEqual(['Pod']);
    expect(r.kinds().filter((k) => k !== 'STATE')).toEqual(['RELIST', 'SYNC']);
    expect(r.exchanges[1].query.get('resourceVersion')).toBe('500');
  });

  it('RELIST on an ERROR event: a second SYNC, then the watch from the new resourceVersion', async () => {
    const r = run([listed('100', ['a']), listed('500', ['b'])]);
    await flush();
    r.exchanges[0]
      .respond()
      .send(event('ADDED', 101))
      .send(JSON.stringify({ type: 'ERROR', object: JSON.parse(status(410, 'Expired', 'too old')) }) + '\n');
    r.clock.advance(0);
    await flush();
    expect(r.kinds().filter((k) => k !== 'STATE')).toEqual(['SYNC', 'ADDED', 'RELIST', 'SYNC']);
    expect(r.calls).toEqual(['Pod', 'Pod']);
    expect(r.exchanges[1].query.get('resourceVersion')).toBe('500');
  });

  it('relists back to back without an event between them wait as the backoff does', async () => {
    const errorEvent = JSON.stringify({ type: 'ERROR', object: JSON.parse(status(500, 'InternalError', 'x')) }) + '\n';
    const r = run([listed('1', []), listed('2', []), listed('3', []), listed('4', [])]);
    await flush();
    r.exchanges[0].respond().send(errorEvent);
    r.clock.advance(0);
    await flush();
    expect(r.calls).toHaveLength(2);
    r.exchanges[1].respond().send(errorEvent);
    r.clock.advance(999);
    await flush();
    expect(r.calls).toHaveLength(2);
    r.clock.advance(1);
    await flush();
    expect(r.calls).toHaveLength(3);
    r.exchanges[2].respond().send(errorEvent);
    r.clock.advance(1999);
    await flush();
    expect(r.calls).toHaveLength(3);
    r.clock.advance(1);
    await flush();
    expect(r.calls).toHaveLength(4);
  });

  it("a failed LIST errors with the client's typed error; unsubscribing stops everything", async () => {
    const forbidden = new ForbiddenError('Pod', 'list', undefined, 'rule');
    const r = run([forbidden]);
    await flush();
    expect(r.error()).toBe(forbidden);

    const s = run([listed('1', [])]);
    await flush();
    s.subscription.unsubscribe();
    expect(s.exchanges[0].closed).toBe(true);
    expect(s.clock.pending).toBe(0);
  });
});
