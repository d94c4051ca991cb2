/**
 * Issue 12's remaining targets, measured in headless Chromium with the built plugin (run `npm run build` first) in
 * the sandbox on the real testbed (kube-apiserver + etcd + kwok): a benchmark that prints figures, not a test.
 *
 *   first load  the Overview, Applications and Nodes pages against the floor: the same paged LISTs (limit 500 +
 *               continue, 4 kinds at a time, the optional kinds after GET /apis, one at a time, as src/k8s/client.ts
 *               lists them) fetched and JSON.parsed in a page of the same browser through the same datasource proxy,
 *               from the first request to the last page parsed. Floor and page loads alternate, --runs times each,
 *               each in a fresh browser context (no cache). Also the size of that full LIST: raw JSON and on the wire.
 *   steady      for --minutes, one Overview and one Nodes page open (two contexts, so two sets of held watches) while
 *               --replace-pods percent of the owned pods are deleted a minute (their controllers replace them). Every
 *               minute: each page's JS heap after a forced GC, its long tasks, and the Kubernetes bytes through the
 *               fault proxy against one full LIST; the bytes by kind from the browser's network events; once, how
 *               long a Deployment scaled up by 3 takes to show on the Overview.
 *
 *   npx tsx --tsconfig sandbox/tsconfig.json scripts/bench-live.ts [--scale S|M|L|XL] [--minutes 30] [--runs 3]
 *     [--replace-pods 1] [--profile]
 *
 * --minutes 0 measures the first load only. --profile samples both pages' main threads through the steady state,
 * writes bench-live-<page>.cpuprofile into the working directory and prints what the long tasks are made of, by
 * original source (dist/*.js.map); sampling slows the pages, so a profiled run's figures are not the benchmark's.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { DEFAULT_PAGE_SIZE } from '../src/k8s/client';
import { groupVersion, KIND_NAMES, KINDS, resourcePath } from '../src/k8s/kinds';
import { grafanaProxyRoutes } from '../src/k8s/routes';
import type { ScaleName } from '../testbed/src/scenario';
import type { Stack } from '../testbed/src/stack';
// A namespace: this script uses most of the module, and its calls read as the shared helpers they are.
import * as live from './lib/liveBench';
import { startProfile, stopProfile, type LongTaskBreakdown } from './lib/cpuProfile';

const DATASOURCE = 'kubeatlas-demo';
const PROMETHEUS = 'kubeatlas-prometheus';
const READ_BASE = grafanaProxyRoutes(DATASOURCE).read;
/** listKinds' default concurrency (src/k8s/client.ts). */
const LIST_CONCURRENCY = 4;
const PAGES = [
  { route: 'overview', ready: 'problems-list' },
  { route: 'applications', ready: 'appmap' },
  { route: 'nodes', ready: 'nodes' },
] as const;
const pageUrl = (route: string) => `/a/kubeatlas-kubernetes-app/${route}?cluster=${DATASOURCE}&role=Viewer&theme=dark`;
const VIEWPORT = { width: 1400, height: 900 };
const MiB = 2 ** 20;

const { values: flags } = parseArgs({
  options: {
    scale: { type: 'string', default: 'S' },
    minutes: { type: 'string', default: '30' },
    'replace-pods': { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
  },
});
const scale = flags.scale!.toUpperCase() as ScaleName;
const minutes = Number(flags.minutes);
const replacePercent = Number(flags['replace-pods']);
const runs = Number(flags.runs);
const refused = !['S', 'M', 'L', 'XL'].includes(scale)
  ? `--scale ${flags.scale}: give S, M, L or XL (testbed/src/scenario.ts)`
  : !(Number.isInteger(minutes) && minutes >= 0)
    ? `--minutes must be a whole number ≥ 0 (0: first load only), got ${flags.minutes}`
    : !(replacePercent >= 0)
      ? `--replace-pods must be a percentage ≥ 0, got ${flags['replace-pods']}`
      : !(Number.isInteger(runs) && runs >= 1)
        ? `--runs must be a whole number ≥ 1, got ${flags.runs}`
        : undefined;
if (refused) {
  console.error(`bench-live: ${refused}`);
  process.exit(2);
}

/** What the floor lists: the kinds and paths of liveCluster's first load (built-in kinds, then optional ones). */
const FLOOR_PLAN = {
  base: READ_BASE,
  builtIn: KIND_NAMES.filter((k) => !KINDS[k].installedBy).map((k) => resourcePath(KINDS[k])),
  optional: KIND_NAMES.filter((k) => KINDS[k].installedBy).map((k) => ({
    groupVersion: groupVersion(KINDS[k]),
    path: resourcePath(KINDS[k]),
  })),
  limit: DEFAULT_PAGE_SIZE,
  concurrency: LIST_CONCURRENCY,
};

/**
 * The floor, run in the page: K8sClient.list and listKinds/listOptionalKinds without the app around them. A string,
 * not a function: tsx's keepNames would wrap inner functions in a __name helper the browser does not have.
 */
const FLOOR_SCRIPT = `async (plan) => {
  const started = performance.now();
  let requests = 0;
  let chars = 0;
  let objects = 0;
  const kept = [];
  const get = async (path, query) => {
    requests++;
    const url = plan.base + path + (query ? '?' + new URLSearchParams(query) : '');
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) {
      throw new Error('GET ' + url + ' answered ' + response.status + ': ' + text.slice(0, 300));
    }
    chars += text.length;
    return JSON.parse(text);
  };
  const list = async (path) => {
    const items = [];
    let next;
    do {
      const page = await get(path, next ? { limit: plan.limit, continue: next } : { limit: plan.limit });
      for (const item of page.items || []) items.push(item);
      next = (page.metadata && page.metadata.continue) || undefined;
    } while (next);
    objects += items.length;
    kept.push(items);
  };
  const pool = async (paths, width) => {
    const queue = [...paths];
    await Promise.all(Array.from({ length: Math.min(width, paths.length) }, async () => {
      for (let path = queue.shift(); path; path = queue.shift()) await list(path);
    }));
  };
  const optional = async () => {
    const apis = await get('/apis');
    const served = new Set(apis.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)));
    await pool(plan.optional.filter((o) => served.has(o.groupVersion)).map((o) => o.path), 1);
  };
  await Promise.all([pool(plan.builtIn, plan.concurrency), optional()]);
  return { ms: performance.now() - started, requests, chars, objects, kept: kept.length };
}`;

interface FloorRun {
  ms: number;
  requests: number;
  /** Characters of the decoded JSON: its bytes, the objects being ASCII. */
  chars: number;
  objects: number;
  /** Response bodies as they came over the wire (gzip where the apiserver compressed). */
  wireBytes: number;
  /** The Kubernetes proxy URLs requested: what the app's first load is compared with. */
  urls: string[];
}

/** Collects the Kubernetes proxy requests a page makes, and their encoded body sizes once finished. */
function recordRequests(page: Page): { urls: string[]; sizes: Array<Promise<number>> } {
  const seen = { urls: [] as string[], sizes: [] as Array<Promise<number>> };
  page.on('request', (request) => {
    if (request.url().includes(READ_BASE)) {
      seen.urls.push(request.url());
    }
  });
  page.on('requestfinished', (request) => {
    if (request.url().includes(READ_BASE)) {
      seen.sizes.push(request.sizes().then((s) => s.responseBodySize));
    }
  });
  return seen;
}

const kubePath = (url: string) => new URL(url).pathname.slice(READ_BASE.length);

async function floor(browser: Browser, baseURL: string): Promise<FloorRun> {
  const context = await browser.newContext({ baseURL });
  try {
    // The sandbox takes the role from this cookie, as from ?role= on a page; /api/health loads nothing else.
    await context.addCookies([{ name: 'grafana_sandbox_role', value: 'Viewer', url: baseURL }]);
    const page = await context.newPage();
    await page.goto('/api/health');
    const seen = recordRequests(page);
    const run = (await page.evaluate(`(${FLOOR_SCRIPT})(${JSON.stringify(FLOOR_PLAN)})`)) as Omit<
      FloorRun,
      'wireBytes' | 'urls'
    >;
    // Playwright reports the last requests' ends a moment after the page has parsed them.
    for (let waited = 0; seen.sizes.length < run.requests && waited < 10_000; waited += 50) {
      await live.sleep(50);
    }
    const wireBytes = (await Promise.all(seen.sizes)).reduce((a, b) => a + b, 0);
    return { ...run, wireBytes, urls: [...seen.urls] };
  } finally {
    await context.close();
  }
}

interface LoadRun {
  /** page.goto to the ready element: Grafana's shell, the plugin's code, the LISTs, the model, the render. */
  ms: number;
  /** From the first Kubernetes request to the ready element: what the floor compares with. */
  fromFirstRequestMs: number;
  urls: string[];
}

async function firstLoad(browser: Browser, baseURL: string, route: string, ready: string): Promise<LoadRun> {
  const context = await browser.newContext({ baseURL, viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const firstRequest: number[] = [];
    page.on('request', (request) => {
      if (request.url().includes(READ_BASE) && !firstRequest.length) {
        firstRequest.push(Date.now());
      }
    });
    const seen = recordRequests(page);
    const started = Date.now();
    await page.goto(pageUrl(route), { waitUntil: 'commit', timeout: 180_000 });
    await page.getByTestId(ready).or(page.getByTestId('problems-all-good')).first().waitFor({ timeout: 180_000 });
    const done = Date.now();
    return { ms: done - started, fromFirstRequestMs: done - (firstRequest[0] ?? started), urls: [...seen.urls] };
  } finally {
    await context.close();
  }
}

/** LIST pages, watches and other reads among Kubernetes proxy URLs, and the kinds' paths listed. */
function classify(urls: string[]): { lists: number; watches: number; other: string[]; listed: Set<string> } {
  const parsed = urls.map((url) => new URL(url));
  const lists = parsed.filter((u) => u.searchParams.has('limit'));
  return {
    lists: lists.length,
    watches: parsed.filter((u) => u.searchParams.get('watch') === '1').length,
    other: parsed
      .filter((u) => !u.searchParams.has('limit') && u.searchParams.get('watch') !== '1')
      .map((u) => kubePath(u.href)),
    listed: new Set(lists.map((u) => kubePath(u.href))),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
const mib = (bytes: number, digits = 1) => `${(bytes / MiB).toFixed(digits)} MiB`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;

/** Phase 1: floor and page loads alternating, per page; returns the full LIST's size for the steady phase. */
async function firstLoads(browser: Browser, baseURL: string): Promise<{ raw: number; wire: number }> {
  // Once untimed each, so that nothing measured pays for first use (the apiserver's caches, the sandbox's code).
  await floor(browser, baseURL);
  await firstLoad(browser, baseURL, PAGES[0].route, PAGES[0].ready);
  const rows: string[][] = [
    [
      'page',
      'first load, median',
      'min–max',
      'from its 1st LIST',
      'floor, median',
      'min–max',
      'load / floor',
      '1st LIST→ready / floor',
    ],
  ];
  const floors: FloorRun[] = [];
  const comparisons: string[] = [];
  for (const { route, ready } of PAGES) {
    const loads: LoadRun[] = [];
    const pageFloors: FloorRun[] = [];
    for (let run = 0; run < runs; run++) {
      pageFloors.push(await floor(browser, baseURL));
      loads.push(await firstLoad(browser, baseURL, route, ready));
    }
    floors.push(...pageFloors);
    const [load, fromFirst, floorMs] = [
      loads.map((l) => l.ms),
      loads.map((l) => l.fromFirstRequestMs),
      pageFloors.map((f) => f.ms),
    ];
    rows.push([
      route,
      `${median(load).toFixed(0)} ms`,
      range(load),
      `${median(fromFirst).toFixed(0)} ms`,
      `${median(floorMs).toFixed(0)} ms`,
      range(floorMs),
      `${(median(load) / median(floorMs)).toFixed(2)}×`,
      `${(median(fromFirst) / median(floorMs)).toFixed(2)}×`,
    ]);
    const app = classify(loads[0].urls);
    const mirror = classify(pageFloors[0].urls);
    const onlyApp = [...app.listed].filter((p) => !mirror.listed.has(p));
    const onlyFloor = [...mirror.listed].filter((p) => !app.listed.has(p));
    comparisons.push(
      `${route}: the app made ${loads[0].urls.length} Kubernetes requests before it was ready ` +
        `(${app.lists} LIST pages of ${app.listed.size} kinds, ${app.watches} watches, other: ${app.other.join(', ') || 'none'}); ` +
        `the floor ${pageFloors[0].requests} (${mirror.lists} LIST pages of ${mirror.listed.size} kinds, other: ${mirror.other.join(', ')})` +
        (onlyApp.length || onlyFloor.length
          ? `. NOT THE SAME LISTS: only the app ${onlyApp.join(', ') || '-'}; only the floor ${onlyFloor.join(', ') || '-'}`
          : '')
    );
  }
  const raw = median(floors.map((f) => f.chars));
  const wire = median(floors.map((f) => f.wireBytes));
  console.log(`\n## First load against the floor (${runs} runs each, alternating, a fresh browser context each)\n`);
  console.log(live.table(rows));
  console.log(`\n${comparisons.join('\n')}`);
  console.log(
    `\none full LIST: ${floors[0].objects.toLocaleString('en')} objects, ${mib(raw)} of JSON, ${mib(wire, 2)} on the wire ` +
      `(${((100 * wire) / raw).toFixed(1)} %: the apiserver gzips the large pages), ${floors[0].requests} requests`
  );
  return { raw, wire };
}

/** Bytes a page received, from Chromium's network events: each chunk as it arrives, so held watches count too. */
interface Traffic {
  requests: number;
  wire: number;
  decoded: number;
}

/** Which traffic a proxy URL is: Kubernetes `<plural> <list|held watch|poll|read>`, Prometheus, or not ours. */
function trafficKey(url: string): string | undefined {
  if (url.includes(`/api/datasources/proxy/uid/${PROMETHEUS}/`)) {
    return 'Prometheus queries';
  }
  if (!url.includes(READ_BASE)) {
    return undefined;
  }
  const parsed = new URL(url);
  const plural = kubePath(url).split('/').pop();
  const q = parsed.searchParams;
  const what = q.has('limit')
    ? 'list'
    : q.get('watch') !== '1'
      ? 'read'
      : q.get('timeoutSeconds') === '1'
        ? 'poll'
        : 'held watch';
  return `${plural} ${what}`;
}

function countTraffic(cdp: CDPSession, into: Map<string, Traffic>): void {
  const keys = new Map<string, string>();
  const of = (key: string) => into.get(key) ?? into.set(key, { requests: 0, wire: 0, decoded: 0 }).get(key)!;
  cdp.on('Network.requestWillBeSent', (event) => {
    const key = trafficKey(event.request.url);
    if (key) {
      keys.set(event.requestId, key);
      of(key).requests++;
    }
  });
  cdp.on('Network.dataReceived', (event) => {
    const key = keys.get(event.requestId);
    if (key) {
      of(key).wire += event.encodedDataLength;
      of(key).decoded += event.dataLength;
    }
  });
  cdp.on('Network.loadingFinished', (event) => keys.delete(event.requestId));
  cdp.on('Network.loadingFailed', (event) => keys.delete(event.requestId));
}

interface OpenPage {
  name: string;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  traffic: Map<string, Traffic>;
  /** Page-clock windows of the forced GCs, whose own long tasks are not the app's. */
  gcWindows: Array<[number, number]>;
  errors: string[];
}

async function openPage(browser: Browser, baseURL: string, name: string, route: string, ready: string) {
  const context = await browser.newContext({ baseURL, viewport: VIEWPORT });
  const page = await live.pageWithLongTasks(context);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const open: OpenPage = { name, context, page, cdp, traffic: new Map(), gcWindows: [], errors: [] };
  countTraffic(cdp, open.traffic);
  page.on('pageerror', (error) => open.errors.push(`uncaught exception: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      open.errors.push(`HTTP ${response.status()} from ${response.url()}`);
    }
  });
  await page.goto(pageUrl(route), { waitUntil: 'commit', timeout: 180_000 });
  await page.getByTestId(ready).or(page.getByTestId('problems-all-good')).first().waitFor({ timeout: 180_000 });
  return open;
}

/** The page's JS heap in MiB after a full GC (CDP), so that what is read is what the page holds, not garbage. */
async function heapAfterGc(open: OpenPage): Promise<number> {
  const from = await open.page.evaluate(() => performance.now());
  await open.cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await open.cdp.send('Runtime.getHeapUsage');
  open.gcWindows.push([from, await open.page.evaluate(() => performance.now())]);
  return usedSize / MiB;
}

/** The page's long tasks since the last call, less those the forced GCs caused. */
async function appLongTasks(open: OpenPage): Promise<live.LongTask[]> {
  const tasks = await live.takeLongTasks(open.page);
  return tasks.filter((t) => !open.gcWindows.some(([from, to]) => t.start < to && t.start + t.duration > from));
}

function totals(open: OpenPage[]): Map<string, Traffic> {
  const sum = new Map<string, Traffic>();
  for (const { traffic } of open) {
    for (const [key, t] of traffic) {
      const s = sum.get(key) ?? { requests: 0, wire: 0, decoded: 0 };
      sum.set(key, { requests: s.requests + t.requests, wire: s.wire + t.wire, decoded: s.decoded + t.decoded });
    }
  }
  return sum;
}
const kubeOnly = (traffic: Map<string, Traffic>, field: 'wire' | 'decoded') =>
  [...traffic].filter(([key]) => key !== 'Prometheus queries').reduce((a, [, t]) => a + t[field], 0);

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const [mx, my] = [points.reduce((a, [x]) => a + x, 0) / n, points.reduce((a, [, y]) => a + y, 0) / n];
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return n < 2 || sxx === 0 ? NaN : points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx;
}

/** Phase 2: the Overview and the Nodes page open for --minutes while pods are replaced, a row a minute. */
async function steady(stack: Stack, browser: Browser, baseURL: string, list: { raw: number; wire: number }) {
  const open = [
    await openPage(browser, baseURL, 'Overview', 'overview', 'problems-list'),
    await openPage(browser, baseURL, 'Nodes', 'nodes', 'nodes'),
  ];
  const onScreen = await live.changeOnScreen(stack, open[0].page);
  // Minute 0: after the first load and the scale-up, before any pod is replaced.
  const heaps: number[][] = [await Promise.all(open.map(heapAfterGc))];
  await Promise.all(open.map(appLongTasks));
  const profiles = flags.profile ? await Promise.all(open.map((o) => startProfile(o.page, o.cdp))) : [];
  const tasksByPage: live.LongTask[][] = open.map(() => []);
  const trafficAtStart = totals(open);
  stack.setFaults([]); // starts the proxy's counters afresh
  let before = await live.proxyStats(stack);
  let decodedBefore = kubeOnly(trafficAtStart, 'decoded');
  const started = Date.now();
  const replaced = live.replacingPods(stack, replacePercent, minutes * 60_000);
  const heads = ['minute', ...open.map((o) => `${o.name} heap`), 'tasks > 50 ms', '> 200 ms', 'longest'];
  const rows: string[][] = [
    [...heads, 'K8s bytes (proxy)', '% LIST wire', '% LIST raw', 'decoded (browser)', '% LIST raw'],
  ];
  const allTasks: live.LongTask[] = [];
  const proxyBytes: number[] = [];
  console.log(
    `\n## Steady state: ${open.map((o) => o.name).join(' and ')} open for ${minutes} min, ${replacePercent} % of ` +
      `the owned pods replaced a minute\n\na Deployment scaled up by 3: its pods on the Overview ${onScreen} after kubectl scale returned\n`
  );
  for (let minute = 1; minute <= minutes; minute++) {
    await live.sleep(Math.max(0, started + minute * 60_000 - Date.now()));
    const stats = await live.proxyStats(stack);
    const decoded = kubeOnly(totals(open), 'decoded');
    const pageTasks = await Promise.all(open.map(appLongTasks));
    pageTasks.forEach((t, i) => tasksByPage[i].push(...t));
    const tasks = pageTasks.flat();
    heaps.push(await Promise.all(open.map(heapAfterGc)));
    const bytes = stats.responseBytes - before.responseBytes;
    proxyBytes.push(bytes);
    allTasks.push(...tasks);
    rows.push([
      String(minute),
      ...heaps[minute].map((h) => `${h.toFixed(1)} MiB`),
      String(tasks.filter((t) => t.duration > 50).length),
      String(tasks.filter((t) => t.duration > 200).length),
      `${Math.max(0, ...tasks.map((t) => t.duration)).toFixed(0)} ms`,
      kib(bytes),
      percent(bytes, list.wire),
      percent(bytes, list.raw),
      kib(decoded - decodedBefore),
      percent(decoded - decodedBefore, list.raw),
    ]);
    // A row as each minute ends: a long run shows its progress, and a run cut short what it had.
    const lines = live.table([rows[0], rows[rows.length - 1]], 11).split('\n');
    console.log(minute === 1 ? lines.join('\n') : lines[1]);
    [before, decodedBefore] = [stats, decoded];
  }
  const podsReplaced = await replaced;
  const steadyTraffic = [...totals(open)].map(([key, t]) => {
    const start = trafficAtStart.get(key) ?? { requests: 0, wire: 0, decoded: 0 };
    return {
      key,
      requests: t.requests - start.requests,
      wire: t.wire - start.wire,
      decoded: t.decoded - start.decoded,
    };
  });
  const seconds = (Date.now() - started) / 1000;
  summarize({ open, heaps, allTasks, proxyBytes, list, steadyTraffic, seconds, podsReplaced });
  for (const [i, running] of profiles.entries()) {
    const file = path.resolve(`bench-live-${open[i].name.toLowerCase()}.cpuprofile`);
    printBreakdown(open[i].name, file, await stopProfile(running, tasksByPage[i], file, path.resolve('dist')));
  }
  await Promise.all(open.map((o) => o.context.close()));
}

function summarize(run: {
  open: OpenPage[];
  heaps: number[][];
  allTasks: live.LongTask[];
  proxyBytes: number[];
  list: { raw: number; wire: number };
  steadyTraffic: Array<Traffic & { key: string }>;
  seconds: number;
  podsReplaced: number;
}): void {
  const { open, heaps, allTasks, proxyBytes, list, steadyTraffic, seconds } = run;
  console.log('');
  const rows = [['page', 'heap at minute 0', `at minute ${minutes}`, 'slope, 2nd half', 'errors']];
  open.forEach((o, i) => {
    const secondHalf = heaps.map((h, m) => [m, h[i]] as [number, number]).filter(([m]) => m >= minutes / 2);
    rows.push([
      o.name,
      `${heaps[0][i].toFixed(1)} MiB`,
      `${heaps[heaps.length - 1][i].toFixed(1)} MiB`,
      `${(slope(secondHalf) * 10).toFixed(2)} MiB / 10 min`,
      String(o.errors.length),
    ]);
  });
  console.log(live.table(rows));
  const mean = proxyBytes.reduce((a, b) => a + b, 0) / proxyBytes.length;
  console.log(
    `\nlong tasks, both pages, ${minutes} min: ${allTasks.filter((t) => t.duration > 50).length} over 50 ms, ` +
      `${allTasks.filter((t) => t.duration > 200).length} over 200 ms, longest ` +
      `${Math.max(0, ...allTasks.map((t) => t.duration)).toFixed(0)} ms (the forced GCs' own left out)\n` +
      `Kubernetes bytes a minute (fault proxy, both pages): mean ${kib(mean)}, ${percent(mean, list.wire)} of a full ` +
      `LIST on the wire (${mib(list.wire, 2)}), ${percent(mean, list.raw)} of its raw JSON (${mib(list.raw)}); ` +
      `${run.podsReplaced} pods deleted`
  );
  const perMinute = (bytes: number) => kib(bytes / (seconds / 60));
  const kube = steadyTraffic.filter((t) => t.key !== 'Prometheus queries');
  const kubeWire = kube.reduce((a, t) => a + t.wire, 0);
  const byKind = [
    ['where the bytes go (browser, both pages)', 'requests / min', 'wire / min', 'decoded / min', 'share'],
  ];
  // The first load's LISTs are not steady traffic: kinds with no request and no byte since are left out.
  for (const t of steadyTraffic.filter((t) => t.requests || t.wire).sort((a, b) => b.wire - a.wire)) {
    byKind.push([
      t.key,
      (t.requests / (seconds / 60)).toFixed(1),
      perMinute(t.wire),
      perMinute(t.decoded),
      t.key === 'Prometheus queries' ? '-' : percent(t.wire, kubeWire),
    ]);
  }
  byKind.push([
    'Kubernetes, total',
    (kube.reduce((a, t) => a + t.requests, 0) / (seconds / 60)).toFixed(1),
    perMinute(kubeWire),
    perMinute(kube.reduce((a, t) => a + t.decoded, 0)),
    '100.00 %',
  ]);
  console.log(`\n${live.table(byKind)}`);
  for (const o of open) {
    const distinct = [...new Set(o.errors)];
    if (distinct.length) {
      console.log(`${o.name} errors (${o.errors.length}):\n  ${distinct.slice(0, 10).join('\n  ')}`);
    }
  }
}

function printBreakdown(page: string, file: string, b: LongTaskBreakdown): void {
  const share = (ms: number) => percent(ms, b.sampledMs);
  const top = (rows: Array<[string, number]>) =>
    rows.slice(0, 15).map(([name, ms]) => [name, `${ms.toFixed(0)} ms`, share(ms)]);
  console.log(
    `\n## ${page}: what its long tasks are made of (${b.sampledMs.toFixed(0)} ms sampled inside them; profile: ${file})\n\n` +
      `${live.table([['self time', 'ms', 'share'], ...top(b.self)])}\n\n` +
      live.table([['source file on the stack', 'ms', 'share'], ...top(b.inclusiveByFile)])
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `bench-live: scale ${scale}, ${runs} runs of each first load, ${minutes} min steady ` +
      `(${replacePercent} % of owned pods replaced per minute), on ${live.machineDescription()}, ${new Date().toISOString()}`
  );
  await live.withLiveBench('bench-live', scale, async ({ stack, sandbox, browser }) => {
    console.log(`stack and sandbox up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const list = await firstLoads(browser, sandbox.url);
    if (minutes > 0) {
      await steady(stack, browser, sandbox.url, list);
    }
  });
  console.log(`\ndone in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
