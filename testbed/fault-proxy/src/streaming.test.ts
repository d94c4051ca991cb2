/**
 * @jest-environment node
 *
 * Streams through the proxy: a simulator watch whose events arrive while the stream stays open, a truncated watch,
 * and, against a small upstream the test drives step by step, chunks relayed one by one (nothing buffered), a client
 * that leaves closing its upstream stream, a stalled stream and an injected ERROR event, Upgrade requests, the caller's name from SelfSubjectReview for forbidden,
 * and the proxy's own 502 when the upstream cannot be reached or trusted.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { parseFlags, startSimulator, type RunningSimulator } from '../../../simulator/src/main';
import { generateCa, generateServerCert, type PemPair } from './certificates';
import { startFaultProxy, type RunningFaultProxy } from './proxy';
import { call, callUntilBroken, open, watchEvents } from './testClient';

const ADMIN_TOKEN = 'fault-proxy-test-admin';
// Key generation and the simulator's start take seconds when the shared machine is busy: a limit, not an assertion.
jest.setTimeout(30_000);
const proxyCa = generateCa('fault-proxy-test-ca');
const quiet = () => undefined;

function proxyFor(upstream: string, upstreamCa: string | undefined): Promise<RunningFaultProxy> {
  return startFaultProxy({ upstream, upstreamCa, ca: proxyCa, adminToken: ADMIN_TOKEN, log: quiet });
}

describe('a simulator watch through the proxy', () => {
  let sim: RunningSimulator;
  let proxy: RunningFaultProxy;
  beforeAll(async () => {
    sim = await startSimulator(parseFlags(['--port', '0', '--tick', '0', '--metrics-port', '-1']));
    proxy = await proxyFor(sim.url, sim.caCert);
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });

  const watch = (path: string) =>
    open(`${proxy.url}${path}`, { ca: proxy.caPem, headers: { Authorization: `Bearer ${sim.token}` } });

  it('delivers each event while the stream is still open', async () => {
    const response = await watch('/api/v1/namespaces?watch=1');
    expect(response.statusCode).toBe(200);
    const events = watchEvents(response);
    const existing = sim.sim.store.count('namespaces');
    for (let i = 0; i < existing; i++) {
      expect((await events.next()).type).toBe('ADDED');
    }
    sim.sim.store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'made-during-the-watch', uid: '', resourceVersion: '', creationTimestamp: '' },
    });
    const added = await events.next();
    expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'made-during-the-watch' } } });
    expect(events.ended()).toBe(false);
    response.destroy();
  });

  it('truncate on a watch: half of the first chunk, then the stream breaks', async () => {
    proxy.setFaults([{ type: 'truncate', resource: 'namespaces' }]);
    const cut = await callUntilBroken(`${proxy.url}/api/v1/namespaces?watch=true`, {
      ca: proxy.caPem,
      headers: { Authorization: `Bearer ${sim.token}` },
    });
    expect(cut.status).toBe(200);
    expect(cut.error).toMatch(/aborted|ECONNRESET|socket hang up/);
    expect(cut.received.length).toBeGreaterThan(0);
    expect(() => JSON.parse(cut.received.toString())).toThrow();
    proxy.setFaults([]);
  });
});

/** An HTTPS upstream whose answers the test writes itself. */
async function stubUpstream(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const ca = generateCa('stub-upstream-ca');
  const serving: PemPair = generateServerCert(ca, ['127.0.0.1'], 'stub-upstream');
  const server = https.createServer(serving, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    ca: ca.cert,
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('against an upstream the test drives', () => {
  type Step = (req: IncomingMessage, res: ServerResponse) => void;
  let next: Step;
  let upstream: Awaited<ReturnType<typeof stubUpstream>>;
  let proxy: RunningFaultProxy;
  beforeAll(async () => {
    upstream = await stubUpstream((req, res) => next(req, res));
    proxy = await proxyFor(upstream.url, upstream.ca);
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  it('relays each chunk as the upstream writes it, and a client that leaves closes the upstream stream', async () => {
    let upstreamResponse!: ServerResponse;
    const upstreamClosed = new Promise<void>((resolve) => {
      next = (req, res) => {
        upstreamResponse = res;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"type":"ADDED","object":{"metadata":{"name":"first"}}}\n');
        res.on('close', resolve);
      };
    });
    const response = await open(`${proxy.url}/api/v1/pods?watch=1`, { ca: proxy.caPem });
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const events = watchEvents(response);
    expect(await events.next()).toMatchObject({ object: { metadata: { name: 'first' } } });
    // The second event is written only now that the first has reached the client.
    upstreamResponse.write('{"type":"MODIFIED","object":{"metadata":{"name":"second"}}}\n');
    expect(await events.next()).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'second' } } });
    response.destroy();
    await upstreamClosed;
  });

  it('stall: the upstream status and headers, then silence until the client leaves, which closes the upstream', async () => {
    const upstreamClosed = new Promise<void>((resolve) => {
      next = (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"type":"ADDED","object":{"metadata":{"name":"held-back"}}}\n');
        res.on('close', resolve);
      };
    });
    proxy.setFaults([{ type: 'stall', resource: 'pods', count: 1 }]);
    const response = await open(`${proxy.url}/api/v1/pods?watch=1`, { ca: proxy.caPem });
    expect(response.statusCode).toBe(200);
    let received = '';
    response.on('data', (chunk: Buffer) => (received += chunk));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toBe('');
    expect(proxy.stats()).toMatchObject({ inFlight: 1, responseBytes: 0 });
    response.destroy();
    await upstreamClosed;
    proxy.setFaults([]);
  });

  it('watch-error: a 200 stream with one ERROR event carrying the Status, then its end; the upstream not asked', async () => {
    let asked = 0;
    next = (req, res) => {
      asked++;
      res.end('{}');
    };
    proxy.setFaults([{ type: 'watch-error', status: 500, resource: 'pods' }]);
    const response = await open(`${proxy.url}/api/v1/pods?watch=1`, { ca: proxy.caPem });
    expect(response.statusCode).toBe(200);
    const events = watchEvents(response);
    expect(await events.next()).toEqual({
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Internal error occurred: injected fault',
        reason: 'InternalError',
        code: 500,
      },
    });
    await expect(events.next()).rejects.toThrow('the watch ended before the next event');
    expect(asked).toBe(0);
    proxy.setFaults([]);
  });

  it('names the caller from SelfSubjectReview in a forbidden message', async () => {
    const reviews: Array<string | undefined> = [];
    next = (req, res) => {
      reviews.push(req.headers.authorization);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'jane' } } }));
    };
    proxy.setFaults([{ type: 'forbidden', resource: 'secrets' }]);
    const get = () =>
      call(`${proxy.url}/api/v1/namespaces/team/secrets/db`, {
        ca: proxy.caPem,
        headers: { Authorization: 'Bearer jane-token' },
      });
    const denied = await get();
    expect(denied.json?.message).toBe(
      'secrets "db" is forbidden: User "jane" cannot get resource "secrets" in API group "" in the namespace "team"'
    );
    await get();
    expect(reviews).toEqual(['Bearer jane-token']); // asked once per credential
    proxy.setFaults([]);
  });

  it('passes Upgrade requests through to the upstream and relays raw bytes both ways', async () => {
    upstream.server.once('upgrade', (req: IncomingMessage, socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (data: Buffer) => socket.write(`echo:${data}`));
    });
    const { port } = new URL(proxy.url);
    const client = tls.connect({ host: '127.0.0.1', port: Number(port), ca: proxy.caPem, servername: 'localhost' });
    client.write(
      'GET /api/v1/namespaces/a/pods/b/exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n'
    );
    let received = '';
    client.on('data', (data: Buffer) => (received += data));
    const waitFor = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (received.includes(text)) {
            client.off('data', check);
            resolve();
          }
        };
        client.on('data', check);
        check();
      });
    await waitFor('\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1.1 101 Switching Protocols/);
    client.write('ping');
    await waitFor('echo:ping');
    client.destroy();
  });
});

describe("the proxy's own failures", () => {
  it('an upstream that does not answer: a 502 naming it and the fix', async () => {
    const upstream = await stubUpstream(() => undefined);
    await upstream.close(); // its port is free now: nothing listens there
    const proxy = await proxyFor(upstream.url, upstream.ca);
    const reply = await call(`${proxy.url}/api/v1/pods`, { ca: proxy.caPem });
    expect(reply.status).toBe(502);
    expect(reply.json?.message).toContain(
      `fault-proxy: the upstream apiserver ${upstream.url} did not answer (ECONNREFUSED`
    );
    expect(reply.json?.message).toContain('point upstream / --upstream at the apiserver');
    await proxy.close();
  });

  it('an upstream whose certificate the given CA did not sign: a 502 saying so', async () => {
    const upstream = await stubUpstream((req, res) => res.end('{}'));
    const proxy = await proxyFor(upstream.url, generateCa('some-other-ca').cert);
    const reply = await call(`${proxy.url}/version`, { ca: proxy.caPem });
    expect(reply.status).toBe(502);
    expect(reply.json?.message).toContain('its certificate is not trusted: give the CA that signed it');
    await proxy.close();
    await upstream.close();
  });

  it('refuses to start without what it needs, naming the option', async () => {
    await expect(startFaultProxy({ upstream: 'https://127.0.0.1:1', ca: proxyCa, adminToken: 'x' })).rejects.toThrow(
      'give the CA that signed its certificate (upstreamCa / --upstream-ca)'
    );
    await expect(startFaultProxy({ upstream: 'http://127.0.0.1:1', adminToken: 'x' })).rejects.toThrow(
      'fault-proxy needs a serving certificate'
    );
    await expect(startFaultProxy({ upstream: 'http://127.0.0.1:1', ca: proxyCa, adminToken: '' })).rejects.toThrow(
      'needs an admin token'
    );
  });
});
