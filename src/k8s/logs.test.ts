import { Subject } from 'rxjs';
import { ForbiddenError, RejectedError, UnreachableError } from './errors';
import { logApiRequest, streamLog, type LogPart } from './logs';
import { directRoutes, grafanaProxyRoutes } from './routes';
import type { StreamPart, StreamRequest } from './watchStream';

const bytes = (text: string) => new TextEncoder().encode(text);

function run(routes = directRoutes('https://cluster:6443')) {
  const requests: StreamRequest[] = [];
  const answer = new Subject<StreamPart>();
  const parts: LogPart[] = [];
  let failure: unknown;
  let done = false;
  const subscription = streamLog(
    {
      routes,
      stream: (request) => {
        requests.push(request);
        return answer;
      },
    },
    { namespace: 'shop', pod: 'web 1', container: 'app', follow: true, timestamps: true, tailLines: 100 }
  ).subscribe({ next: (p) => parts.push(p), error: (e) => (failure = e), complete: () => (done = true) });
  const part = (status: number, text?: string) =>
    answer.next({ status, statusText: '', headers: {}, chunk: text === undefined ? undefined : bytes(text) });
  return { requests, answer, parts, part, subscription, failure: () => failure, done: () => done };
}

const lines = (parts: LogPart[]) => parts.flatMap((p) => (p.type === 'lines' ? p.lines.map((l) => l.text) : []));

describe('streamLog', () => {
  it("GETs the pod's log subresource with the options as query parameters, through Grafana's read route", () => {
    const { requests } = run(grafanaProxyRoutes('ds 1'));
    const url = new URL(requests[0].url, 'http://grafana');
    expect(url.pathname).toBe('/api/datasources/proxy/uid/ds%201/k8s-read/api/v1/namespaces/shop/pods/web%201/log');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      container: 'app',
      tailLines: '100',
      timestamps: 'true',
      follow: 'true',
    });
    expect(requests[0].headers.Authorization).toBeUndefined();
  });

  it('omits what is off, and asks for the previous container and a start time when told', () => {
    const request = logApiRequest({ namespace: 'a', pod: 'b', previous: true, sinceSeconds: 60, follow: false });
    expect(request.query).toEqual(
      expect.objectContaining({ previous: true, sinceSeconds: 60, follow: undefined, timestamps: undefined })
    );
    expect(request.context).toEqual({
      verb: 'get',
      kind: expect.anything(),
      subresource: 'log',
      namespace: 'a',
      name: 'b',
    });
  });

  it('delivers lines as they arrive, split across chunks, and the last unended line when the stream ends', () => {
    const { part, parts, answer, done } = run();
    part(200);
    expect(parts).toEqual([{ type: 'open' }]);
    part(200, 'first\nsec');
    expect(lines(parts)).toEqual(['first']);
    part(200, 'ond\nthird');
    answer.complete();
    expect(lines(parts)).toEqual(['first', 'second', 'third']);
    expect(done()).toBe(true);
  });

  it('a pod not scheduled yet (204, no body) completes with no line', () => {
    const { answer, parts, done } = run();
    answer.complete();
    expect(parts).toEqual([]);
    expect(done()).toBe(true);
  });

  it('403 names the pods/log get rule; 400 says why the apiserver cannot return this log', () => {
    const forbidden = run();
    forbidden.part(403, JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'no' }));
    forbidden.answer.complete();
    expect(forbidden.failure()).toBeInstanceOf(ForbiddenError);
    expect((forbidden.failure() as ForbiddenError).rule).toBe(
      '{apiGroups: [""], resources: ["pods/log"], verbs: ["get"]}'
    );
    const rejected = run();
    rejected.part(
      400,
      JSON.stringify({
        kind: 'Status',
        code: 400,
        reason: 'BadRequest',
        message: 'previous terminated container "app" in pod "web 1" not found',
      })
    );
    rejected.answer.complete();
    expect(rejected.failure()).toBeInstanceOf(RejectedError);
    expect(String(rejected.failure())).toContain(
      'cannot return this log of Pod shop/web 1: previous terminated container'
    );
  });

  it('a stream broken after it opened keeps what came and says Resume continues', () => {
    const { part, answer, parts, failure } = run();
    part(200, 'kept\npartial');
    answer.error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect(lines(parts)).toEqual(['kept', 'partial']);
    expect(failure()).toBeInstanceOf(UnreachableError);
    expect(String(failure())).toContain('The log stream of pod shop/web 1 broke off (ECONNRESET)');
    expect(String(failure())).toContain('Resume');
  });

  it('unsubscribing closes the stream', () => {
    const { answer, subscription } = run();
    expect(answer.observed).toBe(true);
    subscription.unsubscribe();
    expect(answer.observed).toBe(false);
  });
});
