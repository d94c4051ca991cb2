import { K8sClient } from '../../k8s/client';
import type { HttpRequest } from '../../k8s/http';
import { directRoutes } from '../../k8s/routes';
import { summaryLoader } from './clusterSummaries';
import { limiter, VERSION_MAX_AGE_MS, whenVisible } from './summaryRequests';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('limiter', () => {
  it('runs at most `limit` tasks at once, the waiting ones in call order', async () => {
    const run = limiter(2);
    const signal = new AbortController().signal;
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const task = (i: number) => () =>
      new Promise<number>((resolve) => {
        started.push(i);
        finish[i] = () => resolve(i);
      });
    const results = [0, 1, 2, 3].map((i) => run(task(i), signal));
    await tick();
    expect(started).toEqual([0, 1]);
    finish[1]();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish[0]();
    finish[2]();
    await tick();
    finish[3]();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
  });

  it('never starts a task whose signal aborts while it waits, and frees nothing it did not take', async () => {
    const run = limiter(1);
    let release: () => void = () => {};
    const first = run(() => new Promise<void>((resolve) => (release = resolve)), new AbortController().signal);
    const aborted = new AbortController();
    const started: string[] = [];
    const cancelled = run(async () => void started.push('cancelled'), aborted.signal);
    const next = run(async () => void started.push('next'), new AbortController().signal);
    aborted.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'Cancelled' });
    release();
    await first;
    await next;
    expect(started).toEqual(['next']);
  });
});

describe('whenVisible', () => {
  function fakeDocument(state: DocumentVisibilityState) {
    const target = new EventTarget() as EventTarget & { visibilityState: DocumentVisibilityState };
    target.visibilityState = state;
    return target;
  }

  it('waits while the tab is hidden and goes on when it is shown', async () => {
    const doc = fakeDocument('hidden');
    let shown = false;
    const waiting = whenVisible(new AbortController().signal, doc as unknown as Document).then(() => (shown = true));
    doc.dispatchEvent(new Event('visibilitychange'));
    await tick();
    expect(shown).toBe(false);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await waiting;
    expect(shown).toBe(true);
  });

  it('rejects as cancelled when the page goes away while hidden', async () => {
    const controller = new AbortController();
    const waiting = whenVisible(controller.signal, fakeDocument('hidden') as unknown as Document);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'Cancelled' });
  });
});

describe('summaryLoader', () => {
  const table = (rows: unknown[][], next?: string) => ({
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { continue: next },
    columnDefinitions: [{ name: 'Name' }, { name: 'Status' }, { name: 'Age' }],
    rows: rows.map((cells) => ({ cells })),
  });

  function client(requests: HttpRequest[]) {
    return new K8sClient({
      routes: directRoutes('https://cluster.example'),
      fetch: async (request) => {
        requests.push(request);
        const url = new URL(request.url);
        const body =
          url.pathname === '/version'
            ? { gitVersion: 'v1.34.2' }
            : url.pathname === '/api/v1/nodes'
              ? table([['n1', 'Ready', '1d']])
              : url.searchParams.get('fieldSelector')
                ? table([['p3', 'Pending', '1h']])
                : url.searchParams.get('continue')
                  ? table([['p3', 'Pending', '1h']])
                  : table(
                      [
                        ['p1', 'Running', '1h'],
                        ['p2', 'Running', '1h'],
                      ],
                      'page-2'
                    );
        return { status: 200, statusText: 'OK', headers: {}, body };
      },
    });
  }

  it('asks /version once per VERSION_MAX_AGE_MS and three Table LISTs without objects per refresh, paged', async () => {
    const requests: HttpRequest[] = [];
    let now = 0;
    const load = summaryLoader(client(requests), limiter(1), () => now);
    const signal = new AbortController().signal;
    const first = await load(signal);
    expect(first.version).toBe('v1.34.2');
    expect(first.summary.nodes).toEqual({ ready: 1, total: 1 });
    expect(first.summary.pods.total).toBe(3);
    expect(first.summary.pods.phases.slice(0, 2)).toEqual([
      { phase: 'Running', count: 2 },
      { phase: 'Pending', count: 1 },
    ]);
    const paths = requests.map((r) => {
      const url = new URL(r.url);
      return `${url.pathname}?${['continue', 'fieldSelector'].map((k) => url.searchParams.get(k) ?? '').join('&')}`;
    });
    expect(paths).toEqual([
      '/version?&',
      '/api/v1/nodes?&',
      '/api/v1/pods?&',
      '/api/v1/pods?page-2&',
      '/api/v1/pods?&status.phase=Pending',
    ]);
    for (const request of requests.slice(1)) {
      expect(request.headers.Accept).toBe('application/json;as=Table;g=meta.k8s.io;v=v1');
      expect(new URL(request.url).searchParams.get('includeObject')).toBe('None');
    }

    requests.length = 0;
    now = VERSION_MAX_AGE_MS;
    await load(signal);
    expect(requests.some((r) => r.url.endsWith('/version'))).toBe(false);
    now = VERSION_MAX_AGE_MS + 1;
    await load(signal);
    expect(requests.filter((r) => r.url.endsWith('/version'))).toHaveLength(1);
  });

  it('asks nothing while the tab is hidden, even after waiting for a slot, and goes on once it is shown', async () => {
    const requests: HttpRequest[] = [];
    const setVisibility = (state: DocumentVisibilityState) => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    const run = limiter(1);
    let release: () => void = () => {};
    const busy = run(() => new Promise<void>((resolve) => (release = resolve)), new AbortController().signal);
    const loading = summaryLoader(client(requests), run)(new AbortController().signal);
    setVisibility('hidden');
    release();
    await busy;
    await tick();
    expect(requests).toHaveLength(0);
    setVisibility('visible');
    expect((await loading).summary.pods.total).toBe(3);
    expect(requests).toHaveLength(5);
  });

  it('refuses an answer that is not a Table, naming the cause', async () => {
    const load = summaryLoader(
      new K8sClient({
        routes: directRoutes('https://cluster.example'),
        fetch: async (request) => ({
          status: 200,
          statusText: 'OK',
          headers: {},
          body: request.url.endsWith('/version') ? { gitVersion: 'v1.34.2' } : { kind: 'NodeList', items: [] },
        }),
      }),
      limiter(1)
    );
    await expect(load(new AbortController().signal)).rejects.toMatchObject({
      code: 'BadResponse',
      summary: 'The answer to list nodes as a Table is not a Table.',
    });
  });
});
