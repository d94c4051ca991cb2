/**
 * @jest-environment node
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { parseExposition } from '../test/exposition-parser';
import { optionsFromArgs, startExporter } from './main';

/**
 * An apiserver that answers what kube-apiserver 1.34 answers for a group/version it does not serve (plain-text
 * `404 page not found`) for HPAs, empty lists for the other kinds, except that the pods LIST waits for release().
 */
async function partialApiserver() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const watches = new Set<http.ServerResponse>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/apis/autoscaling/v2/horizontalpodautoscalers') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('404 page not found\n');
    }
    if (url.searchParams.get('watch') === '1') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      watches.add(res);
      return;
    }
    if (url.pathname === '/api/v1/pods') {
      await released;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    release,
    close: () => {
      watches.forEach((res) => res.end());
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function kubeconfigFor(server: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exporters-main-')), 'kubeconfig');
  fs.writeFileSync(
    file,
    yaml.dump({
      clusters: [{ name: 'c', cluster: { server } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    })
  );
  return file;
}

describe('startExporter', () => {
  it('answers /healthz 503 until every kind is listed; a kind the server does not serve stays empty, logged once', async () => {
    const apiserver = await partialApiserver();
    const logs: string[] = [];
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const started = startExporter({
      kubeconfig: kubeconfigFor(apiserver.url),
      port: 0,
      log: (line) => {
        logs.push(line);
        const match = /listening on (\S+);/.exec(line);
        if (match) {
          listening(match[1]);
        }
      },
    });
    try {
      const base = await url;
      const notReady = 'not ready: waiting for the first LIST of pods (12 of 13 kinds listed)\n';
      let answer = '';
      for (let polls = 0; answer !== notReady && polls < 500; polls++) {
        const response = await fetch(`${base}/healthz`);
        expect(response.status).toBe(503);
        answer = await response.text();
      }
      expect(answer).toBe(notReady);
      apiserver.release();
      const exporter = await started;
      try {
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        expect(exporter.view.status().horizontalpodautoscalers).toMatchObject({ served: false, objects: 0 });
        expect(logs.filter((line) => /horizontalpodautoscalers/.test(line))).toEqual([
          expect.stringMatching(
            /\/apis\/autoscaling\/v2\/horizontalpodautoscalers is not served by http:\/\/127\.0\.0\.1:\d+ \(404 404 page not found\); horizontalpodautoscalers stay empty/
          ),
        ]);
        const { samples, types } = parseExposition(await (await fetch(`${base}/metrics`)).text());
        expect(types.has('kube_horizontalpodautoscaler_info')).toBe(true);
        expect(samples.filter((s) => s.name.startsWith('kube_horizontalpodautoscaler_'))).toEqual([]);
      } finally {
        await exporter.close();
      }
    } finally {
      apiserver.release();
      await apiserver.close();
    }
  });

  it('names a busy port and the way out', async () => {
    const apiserver = await partialApiserver();
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      await expect(
        startExporter({ kubeconfig: kubeconfigFor(apiserver.url), port, log: () => undefined })
      ).rejects.toThrow(`--port ${port}: cannot listen (EADDRINUSE); pick another port, or 0 for a free one`);
    } finally {
      busy.close();
      apiserver.release();
      await apiserver.close();
    }
  });
});

describe('exporter flags', () => {
  it('reads the flags the test ground passes', () => {
    expect(
      optionsFromArgs(
        ['--kubeconfig', '/k', '--host', '0.0.0.0', '--port', '0', '--node-exporter', '127.0.0.1:9100'].concat([
          '--node-exporter-node',
          'kwok-worker-1',
          '--metric-labels-allowlist',
          'pods=[app]',
        ]),
        {}
      )
    ).toEqual({
      kubeconfig: '/k',
      host: '0.0.0.0',
      port: 0,
      nodeExporter: { target: '127.0.0.1:9100', node: 'kwok-worker-1' },
      labelsAllowlist: 'pods=[app]',
    });
  });

  it('falls back to $KUBECONFIG and defaults to port 16480 on loopback', () => {
    expect(optionsFromArgs([], { KUBECONFIG: '/a.yaml:/b.yaml' })).toMatchObject({
      kubeconfig: '/a.yaml',
      host: '127.0.0.1',
      port: 16480,
    });
  });

  it.each([
    [[], {}, /--kubeconfig FILE is needed/],
    [['--kubeconfig', 'k', '--port', 'http'], {}, /--port: "http" is not a port number/],
    [['--kubeconfig', 'k', '--node-exporter', 'localhost'], {}, /--node-exporter: "localhost" is not host:port/],
    [['--kubeconfig', 'k', '--node-exporter', '127.0.0.1:9100'], {}, /go together/],
    [['--kubeconfig', 'k', '--node-exporter-node', 'n1'], {}, /go together/],
    [['--kubeconfig', 'k', '--metrics-port', '1'], {}, /'--metrics-port'.*see --help/],
  ])('refuses %j naming the flag', (args, env, message) => {
    expect(() => optionsFromArgs(args, env)).toThrow(message);
  });

  it('refuses a malformed allow-list naming its flag', async () => {
    const apiserver = await partialApiserver();
    try {
      await expect(
        startExporter({ kubeconfig: kubeconfigFor(apiserver.url), port: 0, labelsAllowlist: 'pods' })
      ).rejects.toThrow(/--metric-labels-allowlist: invalid allow-list "pods"/);
    } finally {
      apiserver.release();
      await apiserver.close();
    }
  });
});
