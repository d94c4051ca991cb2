/**
 * What the All clusters page costs with many clusters open (a benchmark that prints figures, not a test: nothing is
 * asserted). Starts the testbed stack (testbed/src/stack.ts) and the sandbox with the built plugin (run
 * `npm run build` first), adds KubeAtlas datasources up to --clusters (the provisioned demo cluster and copies of it,
 * all on the same testbed, and --dead of them at a URL nothing listens on), opens the page in one headless Chromium
 * and counts its datasource-proxy requests and response bytes:
 *
 *   visible  the page open for --minutes;
 *   hidden   the same page with document.visibilityState 'hidden' for --hidden-minutes (it should ask nothing).
 *
 * The floor is the same request set asked straight of the API server by node, once per live cluster per refresh
 * interval (the three Table LISTs, /version every VERSION_MAX_AGE_MS); for scale, the full JSON LIST of every kind
 * the cluster pages load (what one refresh of liveCluster.ts's first load costs per cluster).
 *
 *   npx tsx scripts/bench-all-clusters.ts [--clusters 20] [--dead 5] [--minutes 3] [--hidden-minutes 1] [--scale S]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { K8sClient } from '../src/k8s/client';
import type { HttpFetch } from '../src/k8s/http';
import { KIND_NAMES, KINDS } from '../src/k8s/kinds';
import { nodeHttpFetch } from '../src/k8s/nodeHttp';
import { directRoutes } from '../src/k8s/routes';
import { SUMMARY_INTERVAL_MS, summaryRequests, VERSION_MAX_AGE_MS } from '../src/pages/state/summaryRequests';
import { provisioningEnv, startSandbox, type RunningSandbox } from '../sandbox/server/sandbox';
import type { ScaleName } from '../testbed/src/scenario';
import { startStack, type Stack } from '../testbed/src/stack';

const PAGE = '/a/kubeatlas-kubernetes-app/clusters?role=Viewer&theme=dark';
const DEAD_URL = 'https://127.0.0.1:9';

const { values: flags } = parseArgs({
  options: {
    clusters: { type: 'string', default: '20' },
    dead: { type: 'string', default: '5' },
    minutes: { type: 'string', default: '3' },
    'hidden-minutes': { type: 'string', default: '1' },
    scale: { type: 'string', default: 'S' },
  },
});
const clusters = Number(flags.clusters);
const dead = Number(flags.dead);
const minutes = Number(flags.minutes);
const hiddenMinutes = Number(flags['hidden-minutes']);
const scale = flags.scale!.toUpperCase() as ScaleName;
const refused =
  !Number.isInteger(clusters) || clusters < 1
    ? `--clusters must be a whole number ≥ 1, got ${flags.clusters}`
    : !Number.isInteger(dead) || dead < 0 || dead >= clusters
      ? `--dead must be a whole number from 0 to --clusters − 1, got ${flags.dead}`
      : !(minutes > 0) || !(hiddenMinutes >= 0)
        ? '--minutes must be > 0 and --hidden-minutes ≥ 0'
        : !['S', 'M', 'L', 'XL'].includes(scale)
          ? `--scale ${flags.scale}: give S, M, L or XL (testbed/src/scenario.ts)`
          : undefined;
if (refused) {
  console.error(`bench-all-clusters: ${refused}`);
  process.exit(2);
}

interface Counts {
  requests: number;
  bytes: number;
}
const counts = { live: { requests: 0, bytes: 0 }, dead: { requests: 0, bytes: 0 } };
const deadUids = new Set<string>();

/** Counts the page's datasource-proxy requests and their response body bytes, live and dead clusters apart. */
function countRequests(page: Page): void {
  page.on('requestfinished', (request) => {
    const uid = /\/api\/datasources\/proxy\/uid\/([^/]+)\//.exec(request.url())?.[1];
    if (uid) {
      const counted = deadUids.has(uid) ? counts.dead : counts.live;
      counted.requests++;
      request
        .sizes()
        .then((sizes) => (counted.bytes += sizes.responseBodySize))
        .catch(() => undefined);
    }
  });
}

async function measure(ms: number): Promise<{ live: Counts; dead: Counts; minutes: number }> {
  const before = structuredClone(counts);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const diff = (k: 'live' | 'dead') => ({
    requests: counts[k].requests - before[k].requests,
    bytes: counts[k].bytes - before[k].bytes,
  });
  return { live: diff('live'), dead: diff('dead'), minutes: ms / 60_000 };
}

async function addDatasources(browser: Browser, sandbox: RunningSandbox, stack: Stack): Promise<void> {
  const admin = await browser.newContext({ baseURL: sandbox.url });
  try {
    await admin.request.get('/?role=Admin');
    // The provisioned demo cluster is the first; the copies make up the rest.
    for (let i = 1; i < clusters; i++) {
      const isDead = i > clusters - 1 - dead;
      const response = await admin.request.post('/api/datasources', {
        data: {
          name: `Bench ${isDead ? 'dead' : 'cluster'} ${String(i).padStart(2, '0')}`,
          type: 'kubeatlas-kubernetes-datasource',
          access: 'proxy',
          url: '',
          jsonData: { clusterUrl: isDead ? DEAD_URL : stack.apiUrl, tlsAuthWithCACert: true },
          secureJsonData: { bearerToken: stack.token, tlsCACert: stack.caPem },
        },
      });
      const body = (await response.json()) as { datasource?: { uid: string }; message?: string };
      if (!body.datasource) {
        throw new Error(`POST /api/datasources → ${response.status()} ${body.message ?? ''}`);
      }
      if (isDead) {
        deadUids.add(body.datasource.uid);
      }
    }
  } finally {
    await admin.close();
  }
}

/** HttpFetch that adds each response body's size (compact JSON, as the API server writes it) to `total`. */
function countingFetch(fetch: HttpFetch, total: Counts): HttpFetch {
  return async (request) => {
    const response = await fetch(request);
    total.requests++;
    total.bytes += Buffer.byteLength(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
    return response;
  };
}

/** One live cluster's refresh asked straight of the API server, and the full LISTs for comparison. */
async function floor(stack: Stack): Promise<{ refresh: Counts; version: Counts; fullLists: Counts }> {
  const make = (total: Counts) =>
    new K8sClient({
      routes: directRoutes(stack.apiUrl),
      fetch: countingFetch(nodeHttpFetch({ ca: stack.caPem }), total),
      headers: { Authorization: `Bearer ${stack.token}` },
    });
  const signal = new AbortController().signal;
  // The page's own request function: its first call asks /version too, the second only the three LISTs.
  const version = { requests: 0, bytes: 0 };
  const refresh = { requests: 0, bytes: 0 };
  const total = { requests: 0, bytes: 0 };
  const ask = summaryRequests(make(total));
  await ask(signal);
  Object.assign(version, total);
  total.requests = total.bytes = 0;
  await ask(signal);
  Object.assign(refresh, total);
  version.requests -= refresh.requests;
  version.bytes -= refresh.bytes;
  const fullLists = { requests: 0, bytes: 0 };
  await make(fullLists).listKinds(
    KIND_NAMES.filter((k) => !KINDS[k].installedBy),
    { signal }
  );
  return { refresh, version, fullLists };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}`;
  console.log(
    `bench-all-clusters: ${clusters} clusters (${dead} dead), scale ${scale}, ${minutes} min visible, ` +
      `${hiddenMinutes} min hidden, on ${machine}, ${new Date().toISOString()}`
  );
  const stack = await startStack({ scale });
  let sandbox: RunningSandbox | undefined;
  let browser: Browser | undefined;
  try {
    sandbox = await startSandbox({ env: { ...process.env, ...provisioningEnv(stack) } });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    await addDatasources(browser, sandbox, stack);
    const context = await browser.newContext({ baseURL: sandbox.url, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    countRequests(page);
    const opened = Date.now();
    await page.goto(PAGE);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="cluster-pods"], [data-testid="cluster-failed"]').length >= n,
      clusters,
      { timeout: 180_000 }
    );
    const firstRender = Date.now() - opened;
    const first = structuredClone(counts);
    console.log(`stack, sandbox and ${clusters} datasources up; every card rendered ${firstRender} ms after opening`);

    const visible = await measure(minutes * 60_000);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const hidden = await measure(hiddenMinutes * 60_000);
    await page.close();
    await context.close();

    const raw = await floor(stack);
    const live = clusters - dead;
    const refreshesPerMinute = 60_000 / SUMMARY_INTERVAL_MS;
    const floorPerMinute = {
      requests:
        live * refreshesPerMinute * raw.refresh.requests + (live * raw.version.requests * 60_000) / VERSION_MAX_AGE_MS,
      bytes: live * refreshesPerMinute * raw.refresh.bytes + (live * raw.version.bytes * 60_000) / VERSION_MAX_AGE_MS,
    };
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const perMinute = (c: Counts, m: number) => [(c.requests / m).toFixed(1), kib(c.bytes / m)];
    console.log(
      `\nfirst load (all ${clusters} cards): ${first.live.requests + first.dead.requests} requests, ${kib(first.live.bytes + first.dead.bytes)}`
    );
    console.log(
      table([
        ['per minute', 'requests', 'bytes'],
        [`visible: ${live} live clusters`, ...perMinute(visible.live, visible.minutes)],
        [`visible: ${dead} dead clusters`, ...perMinute(visible.dead, visible.minutes)],
        [
          'hidden: all',
          ...perMinute(
            { requests: hidden.live.requests + hidden.dead.requests, bytes: hidden.live.bytes + hidden.dead.bytes },
            Math.max(hidden.minutes, 1e-9)
          ),
        ],
        [
          `floor: the same figures asked raw, ${live} live clusters`,
          floorPerMinute.requests.toFixed(1),
          kib(floorPerMinute.bytes),
        ],
        [
          `for scale: full JSON LISTs of every kind, ${live} live clusters`,
          (live * raw.fullLists.requests * refreshesPerMinute).toFixed(1),
          kib(live * raw.fullLists.bytes * refreshesPerMinute),
        ],
      ])
    );
    console.log(
      `\none live cluster's refresh asked raw: ${raw.refresh.requests} requests, ${kib(raw.refresh.bytes)} ` +
        `(/version: ${kib(raw.version.bytes)}); its full LISTs: ${raw.fullLists.requests} requests, ${kib(raw.fullLists.bytes)}`
    );
  } finally {
    await browser?.close();
    await sandbox?.stop();
    await stack.stop();
  }
  console.log(`\ndone in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
