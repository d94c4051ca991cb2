/**
 * What the benchmarks of open pages on the real testbed share (scripts/bench-viewers.ts, scripts/bench-live.ts): the
 * stack at a scale preset with the built plugin in a sandbox of its own process and headless Chromium, the fault
 * proxy's counters, the Long Tasks observer, pods replaced as a controller-driven churn, and the time a change takes
 * to reach the Overview.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FaultStats } from '../../testbed/fault-proxy/src/rules';
import { loopbackPort, startComponent, stopComponents, waitUntil, type Component } from '../../testbed/src/processes';
import type { ScaleName } from '../../testbed/src/scenario';
import { startStack, type Stack } from '../../testbed/src/stack';
import { launchChromium } from './bench';

const REPO = path.resolve(__dirname, '../..');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Cores, CPU model and memory: the line that says what a run's figures were measured on. */
export function machineDescription(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

/**
 * Columns: the first left-aligned, the others right-aligned, each at least `minWidth` wide (so that rows printed one
 * at a time line up).
 */
export function table(rows: string[][], minWidth = 0): string {
  const widths = rows[0].map((_, i) => Math.max(minWidth, ...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n');
}

/** The fault proxy's counters (requests, response bytes, in flight) since its rules were last replaced. */
export function proxyStats(stack: Stack): Promise<FaultStats> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      `${stack.apiUrl}/__faults/stats`,
      { ca: stack.caPem, headers: { Authorization: `Bearer ${stack.testbed.adminToken}` }, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(body))));
      }
    );
    request.on('error', reject);
  });
}

/** The built plugin in the sandbox, in its own process so that its CPU is its own. */
export async function startSandboxProcess(
  stack: Stack,
  logDir: string
): Promise<{ component: Component; url: string }> {
  if (!fs.existsSync(path.join(REPO, 'dist/module.js'))) {
    throw new Error('dist/module.js is missing: run `npm run build` first; the sandbox serves the built plugin.');
  }
  const port = await loopbackPort();
  // The same variables provisioningEnv() hands an in-process sandbox.
  Object.assign(process.env, {
    KUBEATLAS_PROMETHEUS_URL: stack.prometheusUrl,
    KUBEATLAS_CLUSTER_URL: stack.apiUrl,
    KUBEATLAS_TOKEN: stack.token,
    KUBEATLAS_CA_CERT: stack.caPem,
    TSX_TSCONFIG_PATH: path.join(REPO, 'sandbox/tsconfig.json'),
  });
  const component = startComponent(
    'sandbox',
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'sandbox/server/main.ts'), '--no-cluster', '--port', String(port)],
    logDir
  );
  const url = `http://localhost:${port}`;
  await waitUntil('the sandbox', async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).ok, {
    timeoutMs: 120_000,
    watch: [component],
  });
  return { component, url };
}

export interface LiveBench {
  stack: Stack;
  sandbox: { component: Component; url: string };
  browser: Browser;
}

/**
 * Starts the stack at `scale` (Prometheus scraping every 15 s, every target up), the sandbox process and Chromium,
 * runs `body`, then stops them all, whatever happened. `name` names the folder of the sandbox's log.
 */
export async function withLiveBench(name: string, scale: ScaleName, body: (bench: LiveBench) => Promise<void>) {
  const stack = await startStack({ scale, scrapeIntervalSeconds: 15 });
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `kubeatlas-${name}-`));
  let sandbox: Component | undefined;
  let browser: Browser | undefined;
  try {
    await stack.waitForScrapes(120_000);
    const sandboxUp = await startSandboxProcess(stack, logDir);
    sandbox = sandboxUp.component;
    browser = await launchChromium();
    await body({ stack, sandbox: sandboxUp, browser });
  } finally {
    await browser?.close();
    if (sandbox) {
      await stopComponents([sandbox]);
    }
    await stack.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
}

/** A main-thread task over 50 ms, on the page's clock (ms). */
export interface LongTask {
  start: number;
  duration: number;
}

/** Records the page's main-thread long tasks (Long Tasks API) in `window.__longTasks`, from its first script on. */
const LONG_TASKS_SCRIPT = `window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: true });`;

/** A new page of the context whose long tasks are recorded from its first script on (read them with takeLongTasks). */
export async function pageWithLongTasks(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(LONG_TASKS_SCRIPT);
  return page;
}

/** The page's long tasks since the last call, which empties them; the page must come from pageWithLongTasks. */
export function takeLongTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks.splice(0));
}

/**
 * For `ms`: deletes `percent` of the pods that have an owner per minute, in batches every 10 s, as admin; resolves
 * with how many it deleted.
 */
export async function replacingPods(stack: Stack, percent: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let deleted = 0;
  // The fraction a batch cannot delete is carried to the next, so that small clusters lose their share too.
  let owed = 0;
  while (Date.now() < until) {
    const list = await stack.kubeGet<{
      items: Array<{ metadata: { name: string; namespace: string; ownerReferences?: unknown[] } }>;
    }>('/api/v1/pods');
    const owned = list.items.filter((p) => p.metadata.ownerReferences?.length);
    owed += (owned.length * percent) / 100 / 6;
    const batch = Math.floor(owed);
    owed -= batch;
    for (let i = 0; i < batch; i++) {
      const pod = owned[Math.floor(Math.random() * owned.length)].metadata;
      try {
        stack.testbed.kubectl(['-n', pod.namespace, 'delete', 'pod', pod.name, '--wait=false', '--ignore-not-found']);
        deleted++;
      } catch {
        // Already gone: another batch took it.
      }
    }
    await sleep(Math.min(10_000, Math.max(0, until - Date.now())));
  }
  return deleted;
}

/**
 * How long a change takes to reach the screen: scales a Deployment of the cluster up by 3 and waits for the
 * Overview's pod count to grow by 3 (kwok creates the pods at once), then scales it back.
 */
export async function changeOnScreen(stack: Stack, page: Page): Promise<string> {
  const list = await stack.kubeGet<{
    items: Array<{ metadata: { name: string; namespace: string }; spec: { replicas?: number } }>;
  }>('/apis/apps/v1/deployments?limit=50');
  const target = list.items.find((d) => (d.spec.replicas ?? 0) > 0);
  if (!target) {
    return 'not measured (no Deployment with replicas)';
  }
  const { name, namespace } = target.metadata;
  const replicas = target.spec.replicas!;
  const podCount = async () =>
    Number(/Pods \((\d+)\)/.exec(await page.getByTestId('stat-pods').innerText())?.[1] ?? NaN);
  const before = await podCount();
  stack.testbed.kubectl(['-n', namespace, 'scale', `deployment/${name}`, `--replicas=${replicas + 3}`]);
  const scaled = Date.now();
  let shown: number | undefined;
  while (Date.now() - scaled < 90_000) {
    if ((await podCount()) >= before + 3) {
      shown = Date.now() - scaled;
      break;
    }
    await sleep(50);
  }
  stack.testbed.kubectl(['-n', namespace, 'scale', `deployment/${name}`, `--replicas=${replicas}`]);
  await sleep(5000);
  return shown === undefined ? 'not within 90 s' : `${shown} ms`;
}
