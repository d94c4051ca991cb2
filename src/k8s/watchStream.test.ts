/**
 * @jest-environment node
 *
 * The two streaming transports: backendSrv.chunked() as the browser gets it (a stand-in BackendSrv emitting what
 * @grafana/runtime's type promises), and node's http against a local server that streams, breaks off and notices a
 * client leaving.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, Observable, toArray, type Subscriber, type TeardownLogic } from 'rxjs';
import { nodeWatchStream } from './nodeWatchStream';
import { backendSrvStream, type ChunkedBackendSrvLike, type StreamPart } from './watchStream';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (parts: StreamPart[]) => parts.map((p) => (p.chunk ? new TextDecoder().decode(p.chunk) : '')).join('');

describe('backendSrvStream', () => {
  type Chunk = ReturnType<ChunkedBackendSrvLike['chunked']> extends Observable<infer T> ? T : never;

  /** A BackendSrv whose chunked() answers as `answer` says, recording what it was asked. */
  function backendSrv(answer: (subscriber: Subscriber<Chunk>) => TeardownLogic) {
    const calls: Array<Parameters<ChunkedBackendSrvLike['chunked']>[0]> = [];
    const srv: ChunkedBackendSrvLike = {
      chunked: (options) => {
        calls.push(options);
        return new Observable(answer);
      },
    };
    return { srv, calls };
  }

  it('asks chunked() for a relative URL (Grafana under a sub-path), with the org and the headers given', async () => {
    const { srv, calls } = backendSrv((s) => s.complete());
    await firstValueFrom(
      backendSrvStream(srv, { orgId: 3 })({
        url: '/api/datasources/proxy/uid/x/k8s-read/api/v1/pods?watch=1',
        headers: { Accept: 'application/json' },
      }).pipe(toArray())
    );
    expect(calls).toEqual([
      {
        url: 'api/datasources/proxy/uid/x/k8s-read/api/v1/pods?watch=1',
        method: 'GET',
        headers: { Accept: 'application/json', 'X-Grafana-Org-Id': '3' },
        showErrorAlert: false,
      },
    ]);
  });

  it('passes each chunk on with the status and lower-case headers', async () => {
    const { srv } = backendSrv((s) => {
      const headers = new Headers({ 'Content-Type': 'application/json' });
      s.next({ status: 200, statusText: 'OK', headers, data: bytes('{"a"') });
      s.next({ status: 200, statusText: 'OK', headers, data: bytes(':1}\n') });
      s.complete();
    });
    const parts = await firstValueFrom(backendSrvStream(srv)({ url: 'x', headers: {} }).pipe(toArray()));
    expect(parts.map((p) => [p.status, p.headers['content-type']])).toEqual([
      [200, 'application/json'],
      [200, 'application/json'],
    ]);
    expect(text(parts)).toBe('{"a":1}\n');
  });

  it('an error answer thrown as a FetchError becomes the same response, its body as bytes', async () => {
    const { srv } = backendSrv((s) =>
      s.error({ status: 400, statusText: 'Bad Request', data: 'Authentication to data source failed' })
    );
    const parts = await firstValueFrom(backendSrvStream(srv)({ url: 'x', headers: {} }).pipe(toArray()));
    expect(parts).toHaveLength(1);
    expect(parts[0].status).toBe(400);
    expect(text(parts)).toBe('Authentication to data source failed');

    const json = backendSrv((s) => s.error({ status: 403, data: { message: 'plugin proxy route access denied' } }));
    const denied = await firstValueFrom(backendSrvStream(json.srv)({ url: 'x', headers: {} }).pipe(toArray()));
    expect(text(denied)).toBe('{"message":"plugin proxy route access denied"}');
  });

  it('a failure without a status stays a transport error; unsubscribing unsubscribes chunked()', async () => {
    const network = backendSrv((s) => s.error(new TypeError('Failed to fetch')));
    await expect(firstValueFrom(backendSrvStream(network.srv)({ url: 'x', headers: {} }))).rejects.toThrow(
      'Failed to fetch'
    );
    let torn = false;
    const open = backendSrv(() => () => (torn = true));
    backendSrvStream(open.srv)({ url: 'x', headers: {} }).subscribe().unsubscribe();
    expect(torn).toBe(true);
  });
});

describe('nodeWatchStream', () => {
  let server: http.Server;
  let base = '';
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('the status first, then each chunk as written, then completion', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"');
      setTimeout(() => res.end(',"object":{}}\n'), 50);
    };
    const parts = await firstValueFrom(nodeWatchStream()({ url: `${base}/w`, headers: {} }).pipe(toArray()));
    expect(parts[0]).toEqual({
      status: 200,
      statusText: 'OK',
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
    });
    expect(text(parts)).toBe('{"type":"ADDED","object":{}}\n');
  });

  it('a body broken off is an error, not a completion', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{"type":"AD');
      setTimeout(() => res.socket?.destroy(), 50);
    };
    await expect(
      firstValueFrom(nodeWatchStream()({ url: `${base}/w`, headers: {} }).pipe(toArray()))
    ).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET/),
    });
  });

  it('unsubscribing closes the connection: the server sees it go', async () => {
    let gone: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (gone = resolve));
    handler = (req, res) => {
      res.writeHead(200);
      res.write('x');
      req.socket.on('close', gone);
    };
    const subscription = nodeWatchStream()({ url: `${base}/w`, headers: {} }).subscribe((part) => {
      if (part.chunk) {
        subscription.unsubscribe();
      }
    });
    await closed;
  });
});
