/**
 * @jest-environment node
 */
import { Observable } from 'rxjs';
import pluginJson from '../datasource/plugin.json';
import { K8sClient, type K8sClientOptions } from './client';
import {
  ApiMissingError,
  BadResponseError,
  CancelledError,
  ExpiredError,
  ForbiddenError,
  NotFoundError,
  RouteDeniedError,
  TimeoutError,
  TlsError,
  UnauthorizedError,
  UnavailableError,
  UnreachableError,
} from './errors';
import { backendSrvFetch, type BackendSrvLike, type HttpRequest, type HttpResponse } from './http';
import { K8S_ROUTE_PATHS, directRoutes, grafanaProxyRoutes } from './routes';

type Handler = (request: HttpRequest, url: URL) => Partial<HttpResponse> | Promise<Partial<HttpResponse>>;

/** A client whose HTTP goes to `handler`; records every request and every backoff delay. */
function clientWith(handler: Handler, options: Partial<K8sClientOptions> = {}) {
  const requests: HttpRequest[] = [];
  const sleeps: number[] = [];
  const client = new K8sClient({
    routes: directRoutes('https://cluster.test:6443'),
    fetch: async (request) => {
      requests.push(request);
      const response = await handler(request, new URL(request.url, 'http://grafana'));
      return { status: 200, statusText: '', headers: {}, body: '', ...response };
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { client, requests, sleeps };
}

const pod = (name: string) => ({ metadata: { name, namespace: 'default', uid: `uid-${name}` } });
const list = (items: unknown[], next?: string) => ({
  status: 200,
  body: { kind: 'PodList', metadata: { resourceVersion: '42', continue: next }, items },
});
const status = (code: number, reason: string, message = reason, details?: object) => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details },
});

describe('list paging', () => {
  it('follows continue tokens with limit 500, cluster-wide, in one LIST per page', async () => {
    const { client, requests } = clientWith((_req, url) => {
      const token = url.searchParams.get('continue');
      return token === null
        ? list([pod('a'), pod('b')], 'p2')
        : token === 'p2'
          ? list([pod('c')], 'p3')
          : list([pod('d')]);
    });
    const result = await client.list('Pod');
    expect(result.items.map((i) => i.metadata?.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(result.stats).toEqual({ requests: 3, pages: 3, retries: 0, restarts: 0 });
    expect(result.resourceVersion).toBe('42');
    expect(requests.map((r) => r.url)).toEqual([
      'https://cluster.test:6443/api/v1/pods?limit=500',
      'https://cluster.test:6443/api/v1/pods?limit=500&continue=p2',
      'https://cluster.test:6443/api/v1/pods?limit=500&continue=p3',
    ]);
  });

  it('notOlderThan: the first page asks the watch cache for a state no older than the version, the next follow continue', async () => {
    const { client, requests } = clientWith((_req, url) =>
      url.searchParams.get('continue') ? list([pod('b')]) : list([pod('a')], 'p2')
    );
    await client.list('Pod', { notOlderThan: '9000' });
    expect(requests.map((r) => r.url)).toEqual([
      'https://cluster.test:6443/api/v1/pods?limit=500&resourceVersion=9000&resourceVersionMatch=NotOlderThan',
      'https://cluster.test:6443/api/v1/pods?limit=500&continue=p2',
    ]);
  });

  it('passes namespace, label and field selectors', async () => {
    const { client, requests } = clientWith(() => list([]));
    await client.list('Deployment', {
      namespace: 'shop',
      labelSelector: 'app in (web)',
      fieldSelector: 'metadata.name=x',
      pageSize: 50,
    });
    const url = new URL(requests[0].url);
    expect(url.pathname).toBe('/apis/apps/v1/namespaces/shop/deployments');
    expect(url.searchParams.get('limit')).toBe('50');
    expect(url.searchParams.get('labelSelector')).toBe('app in (web)');
    expect(url.searchParams.get('fieldSelector')).toBe('metadata.name=x');
  });

  it('restarts the list once when the continue token expired (410)', async () => {
    let expired = false;
    const { client } = clientWith((_req, url) => {
      const token = url.searchParams.get('continue');
      if (token === 'p2' && !expired) {
        expired = true;
        return status(410, 'Expired', 'The provided continue parameter is too old');
      }
      return token === null ? list([pod('a')], 'p2') : list([pod('b')]);
    });
    const result = await client.list('Pod');
    expect(result.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
    expect(result.stats).toMatchObject({ requests: 4, pages: 3, restarts: 1 });
  });

  it('surfaces a second 410 as ExpiredError', async () => {
    const { client } = clientWith((_req, url) =>
      url.searchParams.get('continue') ? status(410, 'Expired') : list([pod('a')], 'p2')
    );
    await expect(client.list('Pod')).rejects.toBeInstanceOf(ExpiredError);
  });

  it('rejects a body that is not a list', async () => {
    const { client } = clientWith(() => ({ status: 200, body: '<html>login</html>' }));
    await expect(client.list('Pod')).rejects.toBeInstanceOf(BadResponseError);
  });

  it('treats items: null as an empty page', async () => {
    const { client } = clientWith(() => ({ status: 200, body: { items: null, metadata: {} } }));
    expect((await client.list('Pod')).items).toEqual([]);
  });
});

describe('retries', () => {
  it('retries 429 after the Retry-After header, then succeeds', async () => {
    let calls = 0;
    const { client, sleeps } = clientWith(() =>
      ++calls === 1 ? { ...status(429, 'TooManyRequests'), headers: { 'retry-after': '2' } } : list([pod('a')])
    );
    const result = await client.list('Pod');
    expect(sleeps).toEqual([2000]);
    expect(result.stats).toMatchObject({ requests: 2, retries: 1 });
  });

  it('uses details.retryAfterSeconds when headers are hidden (backendSrv errors)', async () => {
    let calls = 0;
    const { client, sleeps } = clientWith(() =>
      ++calls === 1 ? status(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 3 }) : list([])
    );
    await client.list('Pod');
    expect(sleeps).toEqual([3000]);
  });

  it('honours an HTTP-date Retry-After, capped at maxDelayMs', async () => {
    let calls = 0;
    const later = new Date(Date.now() + 3600_000).toUTCString();
    const { client, sleeps } = clientWith(
      () => (++calls === 1 ? { status: 503, headers: { 'retry-after': later } } : list([])),
      { retry: { maxDelayMs: 5000 } }
    );
    await client.list('Pod');
    expect(sleeps).toEqual([5000]);
  });

  it('backs off exponentially on 5xx and surfaces Unavailable after maxRetries', async () => {
    const { client, sleeps, requests } = clientWith(() => status(503, 'ServiceUnavailable', 'etcd leader changed'), {
      retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10_000 },
    });
    const error = await client.list('Pod').catch((e) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain('after 3 retries');
    expect(error.message).toContain('etcd leader changed');
    expect(requests).toHaveLength(4);
    // jittered between half and all of 100, 200, 400 ms
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(50 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it('retries connection failures, but not TLS failures', async () => {
    let calls = 0;
    const refused = clientWith(() => {
      if (++calls < 3) {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      }
      return list([]);
    });
    await refused.client.list('Pod');
    expect(refused.requests).toHaveLength(3);

    const tls = clientWith(() => {
      throw Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    });
    const error = await tls.client.list('Pod').catch((e) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect(error.message).toContain('CA certificate');
    expect(tls.requests).toHaveLength(1);
  });

  it('does not retry writes on 5xx (they may have applied) but does on 429', async () => {
    const failing = clientWith(() => status(500, 'InternalError'));
    await expect(failing.client.deletePod('default', 'web-0')).rejects.toBeInstanceOf(UnavailableError);
    expect(failing.requests).toHaveLength(1);

    let calls = 0;
    const throttled = clientWith(() => (++calls === 1 ? status(429, 'TooManyRequests') : { status: 200, body: {} }));
    await throttled.client.scale('Deployment', 'default', 'web', 3);
    expect(throttled.requests).toHaveLength(2);
  });

  it('does not retry 504 (Grafana already waited its full timeout)', async () => {
    const { client, requests } = clientWith(() => ({ status: 504, body: '' }));
    await expect(client.list('Pod')).rejects.toBeInstanceOf(TimeoutError);
    expect(requests).toHaveLength(1);
  });
});

describe('cancellation and timeout', () => {
  /** A fetch that only settles when its signal aborts, like a hung connection. */
  const hanging: Handler = (request) =>
    new Promise((_resolve, reject) =>
      request.signal.addEventListener('abort', () =>
        reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
      )
    );

  it('aborts the in-flight request and rejects with CancelledError', async () => {
    const { client, requests } = clientWith(hanging);
    const controller = new AbortController();
    const pending = client.list('Pod', { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(requests[0].signal.aborted).toBe(true);
  });

  it('does not start when already aborted', async () => {
    const { client, requests } = clientWith(() => list([]));
    await expect(client.list('Pod', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(requests).toHaveLength(0);
  });

  it('cancels during a backoff sleep (real timers)', async () => {
    const controller = new AbortController();
    const client = new K8sClient({
      routes: directRoutes('https://cluster.test'),
      fetch: async () => ({ status: 503, statusText: '', headers: { 'retry-after': '30' }, body: '' }),
      retry: { maxDelayMs: 60_000 },
    });
    const started = Date.now();
    const pending = client.list('Pod', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('times out a request that does not answer within timeoutMs', async () => {
    const { client } = clientWith(hanging, { timeoutMs: 30 });
    const error = await client.list('Pod').catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('pods');
  });
});

describe('error mapping', () => {
  const failWith = (response: Partial<HttpResponse>) => clientWith(() => response, { retry: { maxRetries: 0 } }).client;

  it("401 and Grafana's rewritten 400 are Unauthorized", async () => {
    await expect(failWith(status(401, 'Unauthorized')).list('Pod')).rejects.toBeInstanceOf(UnauthorizedError);
    const error = await failWith({ status: 400, body: 'Authentication to data source failed' })
      .list('Pod')
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain('token');
    // kube-apiserver's RBAC refusal of a request that carried no usable token.
    const anonymous = 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group ""';
    const none = await failWith(status(403, 'Forbidden', anonymous))
      .list('Pod')
      .catch((e) => e);
    expect(none).toBeInstanceOf(UnauthorizedError);
    expect(none.message).toContain('No token reached the cluster');
  });

  it('a Kubernetes 403 is Forbidden naming the kind, verb, namespace and the rule to add', async () => {
    const error = await failWith(
      status(
        403,
        'Forbidden',
        'deployments.apps is forbidden: User "system:serviceaccount:kubeatlas:kubeatlas" cannot list'
      )
    )
      .list('Deployment', { namespace: 'shop' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ kind: 'Deployment', verb: 'list', namespace: 'shop' });
    expect(error.rule).toBe('{apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"]}');
    expect(error.message).toContain('may not list Deployment in namespace shop');
  });

  it('a Forbidden subresource names it in the rule', async () => {
    const error = await failWith(status(403, 'Forbidden'))
      .scale('StatefulSet', 'db', 'pg', 2)
      .catch((e) => e);
    expect(error.rule).toBe('{apiGroups: ["apps"], resources: ["statefulsets/scale"], verbs: ["patch"]}');
  });

  it('a forbidden discovery or version path names the nonResourceURLs rule', async () => {
    const error = await failWith(status(403, 'Forbidden'))
      .version()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.rule).toBe('{nonResourceURLs: ["/version"], verbs: ["get"]}');
    expect(error.message).toContain('may not get /version');
  });

  it("Grafana's own 403 is RouteDenied, not an RBAC problem", async () => {
    const error = await failWith({ status: 403, body: { message: 'plugin proxy route access denied' } })
      .deletePod('default', 'x')
      .catch((e) => e);
    expect(error).toBeInstanceOf(RouteDeniedError);
    expect(error.message).toContain('Editor');
  });

  it('404 on a list is a missing API, 404 Status on a named object is NotFound', async () => {
    const missing = await failWith({ status: 404, body: '404 page not found' })
      .list('CronJob')
      .catch((e) => e);
    expect(missing).toBeInstanceOf(ApiMissingError);
    expect(missing).toMatchObject({ groupVersion: 'batch/v1', kind: 'CronJob' });
    const gone = await failWith(status(404, 'NotFound', 'pods "x" not found', { name: 'x', kind: 'pods' }))
      .get('Pod', 'x', 'default')
      .catch((e) => e);
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(gone.message).toContain('Pod default/x does not exist');
    // An unserved version of a served group: a NotFound Status without details, even for a named object.
    const unserved = status(404, 'NotFound', 'the server could not find the requested resource', {});
    await expect(failWith(unserved).get('CronJob', 'x', 'default')).rejects.toBeInstanceOf(ApiMissingError);
  });

  it("Grafana's own 404 (unknown datasource) is NotFound, not a missing API", async () => {
    const error = await failWith({ status: 404, body: { message: 'Unable to find datasource' } })
      .list('Pod')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('Unable to find datasource');
  });

  it("Grafana's empty 502 is Unreachable (naming TLS as the other cause); a Kubernetes 502 is Unavailable", async () => {
    const proxy = await failWith({ status: 502, body: '' })
      .list('Pod')
      .catch((e) => e);
    expect(proxy).toBeInstanceOf(UnreachableError);
    expect(proxy.message).toMatch(/TLS/);
    await expect(failWith(status(502, 'InternalError')).list('Pod')).rejects.toBeInstanceOf(UnavailableError);
  });

  it('connection refused is Unreachable with the fix', async () => {
    const { client } = clientWith(
      () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      { retry: { maxRetries: 0 } }
    );
    const error = await client.version().catch((e) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('cluster URL');
  });

  it('version() rejects an answer that is not Kubernetes', async () => {
    await expect(failWith({ status: 200, body: { hello: 'world' } }).version()).rejects.toBeInstanceOf(
      BadResponseError
    );
  });
});

describe('listKinds', () => {
  it('loads every kind on its own: one forbidden kind leaves the others loaded', async () => {
    const { client } = clientWith((_req, url) =>
      url.pathname.endsWith('/secrets') || url.pathname.endsWith('/cronjobs')
        ? status(403, 'Forbidden')
        : list([pod('a')])
    );
    const outcomes = await client.listKinds(['Pod', 'CronJob', 'Deployment']);
    expect(outcomes.Pod?.ok).toBe(true);
    expect(outcomes.Deployment?.ok).toBe(true);
    const cron = outcomes.CronJob;
    expect(cron?.ok).toBe(false);
    expect(cron && !cron.ok && cron.error).toBeInstanceOf(ForbiddenError);
  });
});

describe('discovery, reviews and writes', () => {
  it('discover() reports kinds whose group/version or resource is not served', async () => {
    const { client, requests } = clientWith((_req, url) => {
      const bodies: Record<string, unknown> = {
        '/api': { versions: ['v1'] },
        '/apis': {
          groups: [
            { name: 'apps', versions: [{ groupVersion: 'apps/v1' }] },
            { name: 'batch', versions: [{ groupVersion: 'batch/v1' }, { groupVersion: 'batch/v1beta1' }] },
          ],
        },
        '/api/v1': { resources: [{ name: 'pods' }, { name: 'pods/log' }] },
        '/apis/apps/v1': { resources: [{ name: 'deployments' }] },
        '/apis/batch/v1': { resources: [{ name: 'jobs' }] },
      };
      return { status: 200, body: bodies[url.pathname] };
    });
    const found = await client.discover(['Pod', 'Deployment', 'Job', 'CronJob', 'EndpointSlice']);
    expect(found.served).toEqual(['Pod', 'Deployment', 'Job']);
    expect(found.missing).toEqual([
      { kind: 'CronJob', groupVersion: 'batch/v1' },
      { kind: 'EndpointSlice', groupVersion: 'discovery.k8s.io/v1' },
    ]);
    expect(found.groupVersions.has('batch/v1beta1')).toBe(true);
    expect(requests).toHaveLength(5);
  });

  it('posts access and rules reviews to the review route', async () => {
    const { client, requests } = clientWith((req) =>
      req.url.endsWith('selfsubjectaccessreviews')
        ? { status: 201, body: { status: { allowed: false, reason: 'no rule' } } }
        : {
            status: 201,
            body: {
              status: { resourceRules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }], incomplete: false },
            },
          }
    );
    expect(await client.selfSubjectAccessReview({ group: 'apps', resource: 'deployments', verb: 'list' })).toEqual({
      allowed: false,
      reason: 'no rule',
    });
    const rules = await client.selfSubjectRulesReview('default');
    expect(rules.resourceRules).toEqual([{ verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: [] }]);
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['POST', 'https://cluster.test:6443/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'],
      ['POST', 'https://cluster.test:6443/apis/authorization.k8s.io/v1/selfsubjectrulesreviews'],
    ]);
    expect(JSON.parse(requests[0].body ?? '')).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: 'apps', resource: 'deployments', verb: 'list' } },
    });
  });

  it('scale, restart and delete send the documented patches', async () => {
    const { client, requests } = clientWith(() => ({ status: 200, body: {} }));
    await client.scale('Deployment', 'shop', 'web', 4);
    await client.restart('StatefulSet', 'db', 'pg', new Date('2026-01-02T03:04:05Z'));
    await client.deletePod('shop', 'web-1');
    expect(requests.map((r) => [r.method, new URL(r.url).pathname, r.headers['Content-Type'], r.body])).toEqual([
      [
        'PATCH',
        '/apis/apps/v1/namespaces/shop/deployments/web/scale',
        'application/merge-patch+json',
        '{"spec":{"replicas":4}}',
      ],
      [
        'PATCH',
        '/apis/apps/v1/namespaces/db/statefulsets/pg',
        'application/merge-patch+json',
        '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-02T03:04:05.000Z"}}}}}',
      ],
      ['DELETE', '/api/v1/namespaces/shop/pods/web-1', undefined, undefined],
    ]);
    await expect(client.scale('Deployment', 'shop', 'web', -1)).rejects.toThrow(RangeError);
  });
});

describe('routes', () => {
  it('through Grafana, every call lands on a plugin.json route of the same method', async () => {
    const { client, requests } = clientWith(
      () => ({ status: 200, body: { items: [], gitVersion: 'v1', status: {} } }),
      {
        routes: grafanaProxyRoutes('ds-1'),
      }
    );
    await client.list('Pod');
    await client.version();
    await client.podLogs('default', 'web-0', { container: 'app', tailLines: 10 });
    await client.selfSubjectAccessReview({ group: '', resource: 'pods', verb: 'list' });
    await client.selfSubjectRulesReview('default');
    await client.scale('Deployment', 'a', 'b', 1);
    await client.deletePod('a', 'b');
    const routes = (pluginJson as { routes?: Array<{ path: string; method: string }> }).routes ?? [];
    for (const request of requests) {
      const proxyPath = new URL(request.url, 'http://grafana').pathname.replace('/api/datasources/proxy/uid/ds-1/', '');
      // Grafana's matching: first route whose method matches and whose path is a raw prefix (ds_proxy.go).
      const matched = routes.find((r) => r.method === request.method && proxyPath.startsWith(r.path));
      expect({ proxyPath, method: request.method, matched: Boolean(matched) }).toEqual({
        proxyPath,
        method: request.method,
        matched: true,
      });
    }
  });

  it('no route path is a prefix of another', () => {
    const paths = Object.values(K8S_ROUTE_PATHS);
    for (const a of paths) {
      expect(paths.filter((b) => b !== a && b.startsWith(a))).toEqual([]);
    }
  });
});

describe('backendSrvFetch', () => {
  const backendSrv = (result: {
    data?: unknown;
    status: number;
    error?: boolean;
    cancelled?: boolean;
  }): BackendSrvLike => ({
    fetch: <T>() =>
      new Observable<{ data: T; status: number; statusText: string; headers: Headers }>((subscriber) => {
        if (result.error) {
          subscriber.error({
            status: result.status,
            data: result.data,
            statusText: 'Forbidden',
            cancelled: result.cancelled,
          });
        } else {
          subscriber.next({
            data: result.data as T,
            status: result.status,
            statusText: 'OK',
            headers: new Headers({ 'X-A': '1' }),
          });
          subscriber.complete();
        }
      }),
  });
  const request: HttpRequest = {
    method: 'GET',
    url: '/x',
    headers: {},
    responseType: 'json',
    signal: new AbortController().signal,
  };

  it('turns a FetchError into a response so the client maps it', async () => {
    const response = await backendSrvFetch(backendSrv({ status: 403, error: true, data: { kind: 'Status' } }))(request);
    expect(response).toEqual({ status: 403, statusText: 'Forbidden', headers: {}, body: { kind: 'Status' } });
  });

  it('passes success through with lower-cased headers', async () => {
    const response = await backendSrvFetch(backendSrv({ status: 200, data: { items: [] } }))(request);
    expect(response).toEqual({ status: 200, statusText: 'OK', headers: { 'x-a': '1' }, body: { items: [] } });
  });

  it('sends the JSON body as a string with its content type (older Grafana form-encodes objects)', async () => {
    const seen: unknown[] = [];
    const recording: BackendSrvLike = {
      fetch: <T>(options: unknown) => {
        seen.push(options);
        return new Observable<{ data: T; status: number; statusText: string; headers: Headers }>((subscriber) => {
          subscriber.next({ data: {} as T, status: 200, statusText: 'OK', headers: new Headers() });
          subscriber.complete();
        });
      },
    };
    const client = new K8sClient({ routes: grafanaProxyRoutes('ds'), fetch: backendSrvFetch(recording) });
    await client.scale('Deployment', 'shop', 'web', 2);
    expect(seen[0]).toMatchObject({
      url: '/api/datasources/proxy/uid/ds/k8s-patch/apis/apps/v1/namespaces/shop/deployments/web/scale',
      method: 'PATCH',
      data: '{"spec":{"replicas":2}}',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      showErrorAlert: false,
    });
  });

  it('unsubscribes when aborted, which cancels the request in backendSrv', async () => {
    let unsubscribed = false;
    const pending: BackendSrvLike = {
      fetch: () =>
        new Observable(() => () => {
          unsubscribed = true;
        }),
    };
    const controller = new AbortController();
    const response = backendSrvFetch(pending)({ ...request, signal: controller.signal });
    controller.abort();
    await expect(response).rejects.toMatchObject({ name: 'AbortError' });
    expect(unsubscribed).toBe(true);
  });

  it('rethrows a cancelled request', async () => {
    await expect(
      backendSrvFetch(backendSrv({ status: -1, error: true, cancelled: true }))(request)
    ).rejects.toMatchObject({
      cancelled: true,
    });
  });
});

describe('error names', () => {
  it('come from the code, so a minifier renaming the classes does not change them', () => {
    // A minified build gives classes short names; a subclass with another name stands in for that.
    class X extends CancelledError {}
    const error = new X('The request was cancelled.', '');
    expect(error.name).toBe('CancelledError');
    expect(String(error)).toBe('CancelledError: The request was cancelled.');
    expect(new ForbiddenError('Pod', 'list', undefined, 'rule').name).toBe('ForbiddenError');
  });
});

describe('optional kinds', () => {
  it('lists only the custom resources GET /apis shows; the others are ApiMissing without a request', async () => {
    const { client, requests } = clientWith((_req, url) =>
      url.pathname === '/apis'
        ? {
            body: {
              kind: 'APIGroupList',
              groups: [{ name: 'monitoring.coreos.com', versions: [{ groupVersion: 'monitoring.coreos.com/v1' }] }],
            },
          }
        : list([pod('m')])
    );
    const outcomes = await client.listOptionalKinds(['ServiceMonitor', 'MetricsInstance']);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      '/apis',
      '/apis/monitoring.coreos.com/v1/servicemonitors',
    ]);
    expect(outcomes.ServiceMonitor).toMatchObject({ ok: true });
    const missing = outcomes.MetricsInstance;
    expect(missing?.ok === false && missing.error).toBeInstanceOf(ApiMissingError);
    expect(missing?.ok === false && missing.error.message).toContain(
      'Its API group monitoring.grafana.com is not served'
    );
  });

  it('tries every kind when discovery fails, so each reports its own error', async () => {
    const { client, requests } = clientWith((_req, url) =>
      url.pathname === '/apis' ? status(503, 'ServiceUnavailable') : status(403, 'Forbidden', 'forbidden')
    );
    const outcomes = await client.listOptionalKinds(['Probe'], {});
    expect(requests.some((r) => r.url.includes('/probes'))).toBe(true);
    expect(outcomes.Probe?.ok === false && outcomes.Probe.error).toBeInstanceOf(ForbiddenError);
  });
});
