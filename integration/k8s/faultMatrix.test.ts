/**
 * @jest-environment node
 *
 * The fault matrix: the pages' live session (src/pages/state/liveCluster.ts) on the testbed's real kube-apiserver,
 * reached as the browser reaches it, through the sandbox's emulation of Grafana's datasource proxy, with
 * testbed/fault-proxy/ (and, for "API down", a TCP relay that stops listening) in front of kube-apiserver, and a real
 * Prometheus behind the sandbox's Prometheus datasource. One row per fault; each row asserts
 * - the message the page shows (the session banner, a kind's error or the reconnecting cause: K8sErrors that name
 *   cause and fix, or a missing figure's reason),
 * - the last good objects kept while the fault lasts,
 * - recovery once it clears (live again, no error, a pod created during the fault shown),
 * - the requests sent while it lasted, below a budget that only backoff keeps them under,
 * and writes one line to artifacts/fault-matrix.json (scripts/reliability-table.ts prints docs/reliability.md's table).
 *
 * The session runs as over HTTP/2 (`multiplexed`: every kind holds a watch), so recovery shows within the watches'
 * backoff; the HTTP/1.1 mode (three held watches, the rest polled) is live.test.ts's.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Observable, type Subscriber } from 'rxjs';
import { isK8sError, type K8sError } from '../../src/k8s/errors';
import { DEFAULT_RETRY } from '../../src/k8s/client';
import { KIND_NAMES } from '../../src/k8s/kinds';
import { nodeWatchStream } from '../../src/k8s/nodeWatchStream';
import { grafanaProxyRoutes } from '../../src/k8s/routes';
import type { HttpStream, StreamPart } from '../../src/k8s/watchStream';
import type { KindName } from '../../src/model/types';
import { loadFigures } from '../../src/prometheus/figures';
import { startLiveCluster, type LiveState } from '../../src/pages/state/liveCluster';
import type { FaultRule } from '../../testbed/fault-proxy/src/rules';
import { loopbackPort, startComponent, stopComponents, waitUntil, type Component } from '../../testbed/src/processes';
import type { FaultLine } from '../../scripts/reliability-table';
import { startGround, TESTBED_TIMEOUT_MS, throughProxy, type Ground, type ProxyTransport } from './harness';

const REPO = path.resolve(__dirname, '../..');
const ARTIFACT = path.join(REPO, 'artifacts/fault-matrix.json');
/** How long each fault lasts. */
const FAULT_MS = 4_000;
const INTERVAL_MS = 1_000;

// src/prometheus/client.ts asks @grafana/runtime's backendSrv: here it is node's fetch to the sandbox.
let mockGrafanaOrigin = '';
let mockPrometheusQueries = 0;
jest.mock('@grafana/runtime', () => ({
  isFetchError: (error: unknown) => typeof error === 'object' && error !== null && 'status' in error,
  getBackendSrv: () => ({
    fetch: ({ url, params }: { url: string; params: Record<string, string> }) =>
      new Observable((subscriber) => {
        mockPrometheusQueries++;
        const target = `${mockGrafanaOrigin}${url}?${new URLSearchParams(params)}`;
        fetch(target)
          .then(async (response) => {
            const text = await response.text();
            let data: unknown = text;
            try {
              data = JSON.parse(text);
            } catch {}
            const reply = { data, status: response.status, statusText: response.statusText };
            if (!response.ok) {
              return subscriber.error(reply);
            }
            subscriber.next(reply);
            subscriber.complete();
          })
          .catch((error) => subscriber.error(error));
      }),
  }),
}));

jest.setTimeout(60_000);

/** A TCP relay to the fault proxy: `down()` stops listening and drops every connection, as an apiserver gone away. */
async function startRelay(target: URL) {
  const port = await loopbackPort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const up = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((socket) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        for (const s of [socket, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        socket.pipe(upstream).pipe(socket);
        socket.on('close', () => upstream.destroy());
        upstream.on('close', () => socket.destroy());
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  const down = () =>
    new Promise<void>((resolve) => {
      sockets.forEach((s) => s.destroy());
      server ? server.close(() => resolve()) : resolve();
      server = undefined;
    });
  await up();
  return { url: `https://127.0.0.1:${port}`, up, down };
}

/** A real Prometheus scraping a one-series exporter every second; `serving` takes the series away. */
async function startPrometheus() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-faults-prom-'));
  const exporter = { serving: true };
  const metrics = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      exporter.serving
        ? 'container_memory_working_set_bytes{container="app",namespace="default",pod="hello",node="kwok-node-0"} 1048576\n'
        : ''
    );
  });
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  const port = await loopbackPort();
  const config = path.join(dir, 'prometheus.yml');
  const target = `127.0.0.1:${(metrics.address() as net.AddressInfo).port}`;
  fs.writeFileSync(
    config,
    `global: { scrape_interval: 1s }\nscrape_configs: [{ job_name: cadvisor, static_configs: [{ targets: ['${target}'] }] }]\n`
  );
  let component: Component | undefined;
  const url = `http://127.0.0.1:${port}`;
  const start = async () => {
    const args = [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
    ];
    component = startComponent('prometheus', 'prometheus', args, dir);
    await waitUntil('Prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 30_000,
      watch: [component],
    });
    // A scrape of this process's own, so a series the exporter drops gets its staleness marker (a sample replayed
    // from the WAL would stay visible for the 5 min lookback).
    await waitUntil(
      'a first scrape',
      async () => (await (await fetch(`${url}/api/v1/query?query=up==1`)).json()).data.result.length > 0,
      {
        timeoutMs: 30_000,
        watch: [component],
      }
    );
  };
  const stop = () => (component ? stopComponents([component]) : Promise.resolve());
  await start();
  return {
    url,
    exporter,
    start,
    stop,
    close: async () => {
      await stop();
      await new Promise((resolve) => metrics.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let ground: Ground;
let relay: Awaited<ReturnType<typeof startRelay>>;
let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
const lines: FaultLine[] = [];

beforeAll(async () => {
  ground = await startGround({ readOnly: true });
  relay = await startRelay(new URL(ground.faulty.url));
  prometheus = await startPrometheus();
  ground.testbed.kubectl(['create', 'namespace', 'fault-matrix']);
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  // A run of some rows (-t) leaves the last full run's table in place.
  if (lines.length === ROWS.length) {
    fs.mkdirSync(path.dirname(ARTIFACT), { recursive: true });
    const run = { at: new Date().toISOString(), faultMs: FAULT_MS, rows: lines };
    fs.writeFileSync(ARTIFACT, JSON.stringify(run, null, 2));
  }
  await relay?.down();
  await prometheus?.close();
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);

interface Session {
  transport: ProxyTransport;
  states: LiveState[];
  last(): LiveState | undefined;
  /** Requests sent so far: LIST pages, watch opens and Prometheus queries. */
  sent(): number;
  /** Ends the open watch streams as their server-side timeout does, so each reopens into the fault at once. */
  endStreams(): void;
  stop(): Promise<void>;
}

interface SessionOptions {
  timeoutSeconds?: number;
  /** Changes each URL before it is sent: LIST pages and watches. */
  rewriteUrl?: (url: string) => string;
  pageSize?: number;
}

async function session(options: SessionOptions = {}): Promise<Session> {
  const transport = await throughProxy(
    { ...ground.faulty, url: relay.url },
    { timeoutSeconds: options.timeoutSeconds, env: { KUBEATLAS_PROMETHEUS_URL: prometheus.url } }
  );
  mockGrafanaOrigin = transport.origin;
  const { client, requests } = transport.client({ rewriteUrl: options.rewriteUrl, pageSize: options.pageSize });
  const rewrite = options.rewriteUrl ?? ((url: string) => url);
  const node = nodeWatchStream();
  const open = new Set<Subscriber<StreamPart>>();
  let watches = 0;
  const stream: HttpStream = (request) =>
    new Observable<StreamPart>((subscriber) => {
      watches++;
      open.add(subscriber);
      const subscription = node({ ...request, url: transport.origin + rewrite(request.url) }).subscribe(subscriber);
      return () => {
        open.delete(subscriber);
        subscription.unsubscribe();
      };
    });
  const states: LiveState[] = [];
  const loop = startLiveCluster({
    client,
    source: { routes: grafanaProxyRoutes(transport.datasourceUid), stream },
    loadExtras: async (signal) => ({
      figures: await loadFigures({ datasourceUid: 'kubeatlas-prometheus' }, ['nodeMemoryUsage'], signal),
    }),
    intervalMs: INTERVAL_MS,
    multiplexed: true,
    isVisible: () => true,
    onChange: (state) => states.push(state),
  });
  return {
    transport,
    states,
    last: () => states.at(-1),
    sent: () => requests.length + watches + mockPrometheusQueries,
    endStreams: () => [...open].forEach((s) => s.complete()),
    stop: async () => {
      loop.stop();
      await transport.close();
    },
  };
}

/** What the page shows of a state: the banner, the reconnecting cause, each kind's error, each missing figure. */
function shown(state: LiveState | undefined): Array<Error | string> {
  const snapshot = state?.data?.snapshot;
  const kindErrors = KIND_NAMES.flatMap((k) => {
    const error = snapshot?.kinds[k]?.error;
    return error ? [error] : [];
  });
  const figures = Object.values(state?.data?.figures ?? {}).flatMap((f) => (f?.status === 'missing' ? [f.reason] : []));
  return [
    ...(state?.error ? [state.error] : []),
    ...(state?.live?.cause ? [state.live.cause] : []),
    ...kindErrors,
    ...figures,
  ];
}
const text = (m: Error | string) => (typeof m === 'string' ? m : m.message);
const counts = (state: LiveState | undefined) =>
  Object.fromEntries(KIND_NAMES.map((k) => [k, state?.data?.snapshot.byKind[k]?.length ?? 0])) as Record<
    KindName,
    number
  >;
const healthy = (state: LiveState | undefined) =>
  !!state?.data &&
  !state.error &&
  state.live?.phase === 'live' &&
  KIND_NAMES.every((k) => state.data!.snapshot.kinds[k]?.state !== 'error') &&
  state.data.figures.nodeMemoryUsage?.status === 'ok';

async function until(what: string, probe: () => boolean, timeoutMs = 30_000) {
  await waitUntil(what, async () => probe(), { timeoutMs, watch: [], intervalMs: 100 });
}

/**
 * What `FAULT_MS` of failure may cost with backoff: each watch reopens after 1, 2, 4 s (jittered down to half),
 * so at most 4 opens per kind; a cycle per interval lists what failed, a page with its retries; Prometheus is asked
 * once per cycle. A client retrying every 100 ms without backoff would send ten times this.
 */
const BUDGET = KIND_NAMES.length * 4 + (FAULT_MS / INTERVAL_MS + 1) * (2 * (DEFAULT_RETRY.maxRetries + 1) + 1);

interface Row {
  fault: string;
  /** What the page shows while it lasts; undefined: nothing (the fault is absorbed). */
  message?: RegExp;
  apply(s: Session): void | Promise<void>;
  clear?(): void | Promise<void>;
  /** Kinds whose objects may be absent while it lasts (an API group gone). */
  mayLose?: KindName[];
  options?: SessionOptions;
}

const proxyFault =
  (rules: FaultRule[], reopen = true) =>
  (s: Session) => {
    ground.faults.setFaults(rules);
    if (reopen) {
      s.endStreams();
    }
  };
const STREAM_CUT = /ended in the middle of an event\. A proxy between Grafana and the API server may be cutting/;
const APPS: KindName[] = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'];
let appsGone = false;
let expireContinue = false;

const ROWS: Row[] = [
  {
    fault: 'API down (connection refused)',
    message: /Grafana could not reach the cluster/,
    // The relay drops the open connections itself.
    apply: () => relay.down(),
    clear: () => relay.up(),
  },
  { fault: 'slow API (5 s per request)', apply: proxyFault([{ type: 'latency', ms: 5_000 }], false) },
  {
    fault: '5xx (503 on every request)',
    message: /The cluster answered 503 to watch \w+ .*The API server is failing; check its health/,
    apply: proxyFault([{ type: 'error', status: 503 }]),
  },
  {
    fault: '429 with Retry-After: 2',
    message: /answered 429 \(too many requests\).*Wait and refresh; raise the refresh interval/,
    apply: proxyFault([{ type: 'error', status: 429, retryAfter: 2 }]),
  },
  {
    fault: 'connection reset',
    message: /Grafana could not reach the cluster/,
    apply: proxyFault([{ type: 'reset' }]),
  },
  {
    fault: 'truncated body',
    message: /broke off \(ECONNRESET\)\. KubeAtlas resumes it|ended in the middle of an event/,
    apply: proxyFault([{ type: 'truncate' }]),
  },
  // The broken body has no line end: to the watch it is an event that never ends.
  { fault: 'invalid JSON', message: STREAM_CUT, apply: proxyFault([{ type: 'invalid-json' }]) },
  {
    fault: "410 Expired on a watch (ERROR event), then on the relist's continue token",
    options: {
      pageSize: 5,
      // The relist's second page meets 410 as when etcd compacted past its token: the client starts over, once.
      rewriteUrl: (url) => {
        if (expireContinue && /\/pods\?.*continue=/.test(url)) {
          expireContinue = false;
          ground.faults.setFaults([{ type: 'error', status: 410, resource: 'pods', count: 1 }]);
        }
        return url;
      },
    },
    apply: (s) => {
      expireContinue = true;
      proxyFault([{ type: 'watch-error', status: 410, resource: 'pods', count: 1 }])(s);
    },
  },
  {
    fault: 'token revoked (401, Grafana answers 400)',
    message: /rejected the datasource token/,
    apply: proxyFault([{ type: 'unauthorized' }]),
  },
  {
    fault: 'one kind forbidden (services)',
    message: /may not (watch|list) Service cluster-wide/,
    apply: proxyFault([{ type: 'forbidden', resource: 'services' }]),
  },
  {
    // An unserved group answers the reader's token 403 (RBAC knows no rule for it), so the served group `apps` loses
    // its version instead: kube-apiserver answers 404, as for a CRD or an aggregated API gone.
    fault: 'an API group version gone (apps/v1 answers 404)',
    message: /apps\/v1/,
    mayLose: APPS,
    options: { rewriteUrl: (url) => (appsGone ? url.replace('/apis/apps/v1/', '/apis/apps/v9/') : url) },
    apply: (s) => {
      appsGone = true;
      s.endStreams();
    },
    clear: () => {
      appsGone = false;
    },
  },
  {
    fault: 'Prometheus series missing',
    message: /Prometheus has no container_memory_working_set_bytes/,
    apply: () => void (prometheus.exporter.serving = false),
    clear: () => void (prometheus.exporter.serving = true),
  },
  {
    fault: 'Prometheus down',
    message: /Prometheus is unreachable through Grafana/,
    apply: () => prometheus.stop(),
    clear: () => prometheus.start(),
  },
  {
    fault: "Grafana's proxy timing out (504, timeout 2 s, answers after 4 s)",
    message: /The cluster did not answer watch \w+ in time\. Retry; on a large cluster raise the request timeout/,
    options: { timeoutSeconds: 2 },
    apply: proxyFault([{ type: 'latency', ms: 4_000 }]),
  },
];

it.each(ROWS.map((row) => [row.fault, row] as const))('%s', async (_name, row) => {
  const s = await session(row.options);
  const line: FaultLine = {
    fault: row.fault,
    message: '',
    dataKept: false,
    recovered: false,
    requests: 0,
    budget: BUDGET,
    verdict: 'failed',
  };
  lines.push(line);
  const created = `during-${lines.length}`;
  let cleared = false;
  const clear = async () => {
    ground.faults.setFaults([]);
    if (!cleared) {
      cleared = true;
      await row.clear?.();
    }
  };
  try {
    await until('the session live with figures', () => healthy(s.last()));
    const before = counts(s.last());
    const from = s.states.length;
    const sentBefore = s.sent();
    await row.apply(s);
    ground.testbed.kubectl([
      '-n',
      'fault-matrix',
      'run',
      created,
      '--image=registry.example/probe:1',
      '--restart=Never',
    ]);
    const seen = () => [
      ...new Set(
        s.states
          .slice(from)
          .flatMap((st) => shown(st))
          .map(text)
      ),
    ];
    if (row.message) {
      await until(`the page to show ${row.message}`, () => seen().some((m) => row.message!.test(m))).catch((error) => {
        throw new Error(`${(error as Error).message}; it showed ${JSON.stringify(seen())}`);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, FAULT_MS)));
    const during = s.states.slice(from);
    line.requests = s.sent() - sentBefore;
    await clear();

    const clearedAt = Date.now();
    const messages = seen();
    const lost = during.flatMap((st) => {
      const now = counts(st);
      return KIND_NAMES.filter((k) => !row.mayLose?.includes(k) && now[k] < before[k]).map((k) => `${k} ${now[k]}`);
    });
    line.dataKept = lost.length === 0 && during.every((st) => st.data);
    // An absorbed fault may show a watch reconnecting for a moment, but no banner and no kind in error.
    const errors = row.message ? [] : during.flatMap((st) => shown({ ...st, live: undefined }).map(text));
    line.message = row.message
      ? (messages.find((m) => row.message!.test(m)) ?? '')
      : (errors[0] ?? '(none: the fault was absorbed)');
    // A K8sError names its cause (summary) and its fix.
    const k8sShown = during.flatMap((st) => shown(st)).filter((m): m is K8sError => isK8sError(m));
    k8sShown.forEach((e) => expect(e.fix || e.summary).toBeTruthy());

    await until('recovery: live, no error, the pod made during the fault shown', () => {
      const st = s.last();
      return healthy(st) && !!st?.data?.snapshot.byNamespace.get('fault-matrix')?.Pod?.some((p) => p.name === created);
    });
    line.recovered = true;
    line.recoveryMs = Date.now() - clearedAt;
    expect({ lost, errors, messages: row.message ? messages : [] }).toEqual({
      lost: [],
      errors: [],
      messages: row.message ? expect.arrayContaining([expect.stringMatching(row.message)]) : [],
    });
    expect(line.requests).toBeLessThanOrEqual(BUDGET);
    line.verdict = 'survived';
  } finally {
    console.log(JSON.stringify(line));
    expireContinue = false;
    await clear();
    await s.stop();
  }
});
