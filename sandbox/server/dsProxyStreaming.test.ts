/**
 * @jest-environment node
 *
 * A watch-like body through the sandbox's datasource proxy, relayed the way Grafana's reverse proxy relays it
 * (dsProxy.ts relayBody): headers before the first event, each chunk as the upstream writes it, the browser's slow
 * reading slowing the upstream instead of filling the proxy's memory, a body cut mid-way reaching the browser cut,
 * and a browser that leaves closing the upstream request.
 */
import http from 'node:http';
import path from 'node:path';
import { createSandboxServer } from './app';
import { fixtureDist, listen, storedDatasource } from './testing';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
const servers: http.Server[] = [];
let sandboxUrl = '';

beforeAll(async () => {
  const upstream = http.createServer((req, res) => handler(req, res));
  const upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;
  const dir = fixtureDist('sandbox-stream-', {
    id: 'stream-datasource',
    type: 'datasource',
    name: 'Stream',
    routes: [{ path: 'read', method: 'GET', url: '{{ .JsonData.clusterUrl }}' }],
  });
  const ds = storedDatasource({
    uid: 'stream',
    type: 'stream-datasource',
    // A one-second response header timeout: every stream below outlives it.
    jsonData: { clusterUrl: upstreamUrl, timeout: 1 },
  });
  const sandbox = createSandboxServer({
    distDir: dir,
    hostBundleFile: path.join(dir, 'none.js'),
    provisioning: { apps: [], datasources: [ds] },
  });
  servers.push(upstream, sandbox);
  sandboxUrl = `http://127.0.0.1:${await listen(sandbox)}`;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const open = (signal?: AbortSignal) =>
  fetch(`${sandboxUrl}/api/datasources/proxy/uid/stream/read/api/v1/pods?watch=1`, { signal });

const EVENT = (n: number) => `{"type":"ADDED","object":{"metadata":{"resourceVersion":"${n}"}}}\n`;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('sends the status and headers before the first event, after the response header timeout is over', async () => {
  let release = () => undefined as void;
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    release = () => void res.end(EVENT(1));
  };
  const response = await open();
  expect(response.status).toBe(200);
  await wait(1200);
  release();
  expect(await response.text()).toBe(EVENT(1));
});

it('relays each chunk as the upstream writes it: the second only once the browser has the first', async () => {
  let second: () => void = () => undefined;
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(EVENT(1));
    second = () => res.end(EVENT(2));
  };
  const reader = (await open()).body!.getReader();
  const decoder = new TextDecoder();
  const first = await reader.read();
  expect(decoder.decode(first.value)).toBe(EVENT(1));
  second();
  let rest = '';
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    rest += decoder.decode(part.value, { stream: true });
  }
  expect(rest).toBe(EVENT(2));
});

it('a browser that does not read holds the upstream back instead of buffering the body', async () => {
  const CHUNK = Buffer.alloc(256 * 1024, 'x');
  const CAP = 64 * 1024 * 1024;
  let written = 0;
  let stalled: (bytes: number) => void = () => undefined;
  const stall = new Promise<number>((resolve) => (stalled = resolve));
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const pump = () => {
      while (written < CAP) {
        written += CHUNK.length;
        if (!res.write(CHUNK)) {
          // No drain within half a second: the proxy stopped reading because the browser did.
          const timer = setTimeout(() => stalled(written), 500);
          res.once('drain', () => {
            clearTimeout(timer);
            pump();
          });
          return;
        }
      }
      stalled(written);
      res.end();
    };
    pump();
  };
  const response = await open();
  const held = await stall;
  expect(held).toBeLessThan(CAP / 2);
  // Reading resumes the upstream, and every byte arrives.
  const body = Buffer.from(await response.arrayBuffer());
  await wait(0);
  expect(body.length).toBe(written);
  expect(written).toBe(CAP);
});

it('a body the upstream breaks off reaches the browser broken, not as a clean end', async () => {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(EVENT(1) + '{"type":"MODI');
    setTimeout(() => res.socket?.destroy(), 100);
  };
  const reader = (await open()).body!.getReader();
  const read = async () => {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      // drain
    }
  };
  await expect(read()).rejects.toThrow();
});

it('a browser that goes away closes the upstream request', async () => {
  let upstreamClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
  handler = (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(EVENT(1));
    req.socket.on('close', upstreamClosed);
  };
  const controller = new AbortController();
  const reader = (await open(controller.signal)).body!.getReader();
  await reader.read();
  controller.abort();
  await closed;
});
