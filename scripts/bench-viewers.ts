/**
 * What N concurrent viewers of the Overview cost (a benchmark that prints figures, not a test: nothing is asserted).
 * Starts the testbed stack (testbed/src/stack.ts: the real kube-apiserver behind the fault proxy, the metrics stand-in,
 * real Prometheus) at a scale preset and the sandbox with the built plugin (run `npm run build` first) in a process of
 * its own, then runs these phases and prints one table:
 *
 *   idle    no viewer, for --baseline-seconds: what the control plane, the exporters and Prometheus cost alone;
 *   replacing  no viewer, --replace-pods percent of the pods replaced a minute, as long: what that churn costs alone;
 *   open    N headless Chromium contexts (one browser) open the Overview, 2 s apart;
 *   steady  the N pages stay open for --minutes, each refreshing every 30 s;
 *   churn   N slots that open the Overview and close it again quickly, for --churn-minutes.
 *
 * The open, steady and churn phases run once per --mode: `watch` (the app's default: LIST once, then watches and
 * short polls) and `poll` (a copy of the datasource with `watch: false`: every kind listed again every 30 s), so
 * both designs are measured in the same run on the same cluster. During the steady phase --replace-pods percent of
 * the pods are deleted per minute, in batches every 10 s (their controllers replace them), so there are changes to
 * follow.
 *
 * CPU is read from /proc/<pid>/stat (utime + stime) of kube-apiserver, etcd and the sandbox; the idle rate is
 * subtracted. Requests, bytes and requests in flight through the Kubernetes datasource come from the fault proxy's
 * counters (between the sandbox's datasource proxy and the apiserver); the browser counts both datasources' proxy
 * requests, errors and the time to first render. The sandbox is a Node stand-in for Grafana's Go proxy: its CPU is an
 * order of magnitude for Grafana's, not Grafana's own figure.
 *
 *   npx tsx scripts/bench-viewers.ts [--scale S|M] [--viewers N] [--minutes M] [--churn-minutes C] [--baseline-seconds B]
 *     [--mode watch|poll|both] [--replace-pods P]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FaultStats } from '../testbed/fault-proxy/src/rules';
import type { ScaleName } from '../testbed/src/scenario';
import type { Stack } from '../testbed/src/stack';
import { percentileOf as percentile } from './lib/bench';
import {
  changeOnScreen,
  machineDescription,
  pageWithLongTasks,
  proxyStats,
  replacingPods,
  sleep,
  table,
  withLiveBench,
} from './lib/liveBench';

const overviewOf = (uid: string) => `/a/kubeatlas-kubernetes-app/overview?cluster=${uid}&role=Viewer&theme=dark`;
/** The uids of provisioning/datasources/kubeatlas.yaml; `kubernetes` becomes the polling copy's in poll mode. */
const DATASOURCES: Record<'kubernetes' | 'prometheus', string> = {
  kubernetes: 'kubeatlas-demo',
  prometheus: 'kubeatlas-prometheus',
};
const OPEN_STAGGER_MS = 2000;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

const { values: flags } = parseArgs({
  options: {
    scale: { type: 'string', default: 'S' },
    viewers: { type: 'string', default: '3' },
    minutes: { type: 'string', default: '1' },
    'churn-minutes': { type: 'string' },
    'baseline-seconds': { type: 'string', default: '60' },
    mode: { type: 'string', default: 'both' },
    'replace-pods': { type: 'string', default: '1' },
  },
});
const modes = flags.mode === 'both' ? ['watch', 'poll'] : [flags.mode!];
const replacePercent = Number(flags['replace-pods']);
const scale = flags.scale!.toUpperCase() as ScaleName;
const viewers = Number(flags.viewers);
const minutes = Number(flags.minutes);
const churnMinutes = Number(flags['churn-minutes'] ?? flags.minutes);
const baselineSeconds = Number(flags['baseline-seconds']);
const refused = !['S', 'M', 'L', 'XL'].includes(scale)
  ? `--scale ${flags.scale}: give S, M, L or XL (testbed/src/scenario.ts)`
  : !modes.every((m) => m === 'watch' || m === 'poll')
    ? `--mode ${flags.mode}: give watch, poll or both`
    : !(replacePercent >= 0)
      ? `--replace-pods must be a percentage ≥ 0, got ${flags['replace-pods']}`
      : Object.entries({ viewers, minutes, 'churn-minutes': churnMinutes, 'baseline-seconds': baselineSeconds })
          .filter(([flag, value]) => !(value > 0) || (flag === 'viewers' && !Number.isInteger(value)))
          .map(
            ([flag, value]) => `--${flag} must be a positive ${flag === 'viewers' ? 'whole ' : ''}number, got ${value}`
          )[0];
if (refused) {
  console.error(`bench-viewers: ${refused}`);
  process.exit(2);
}

/** What one phase saw, from the browser's side. */
interface PhaseCounts {
  name: string;
  proxy: Record<keyof typeof DATASOURCES, { requests: number; bytes: number }>;
  errors: string[];
  renders: number[];
  opens: number;
}

function newPhase(name: string): PhaseCounts {
  return {
    name,
    proxy: { kubernetes: { requests: 0, bytes: 0 }, prometheus: { requests: 0, bytes: 0 } },
    errors: [],
    renders: [],
    opens: 0,
  };
}
let phase = newPhase('start');

/** CPU seconds a process has used so far (user + system, its own threads). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The machine's busy and total jiffies (all cores), to show how loaded the 2 shared cores were. */
function machineTicks(): { busy: number; total: number } {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3] - cpu[4], total };
}

/** The pid of the process whose command line has every given part (the testbed's processes are named by flags). */
function pidOf(what: string, parts: string[]): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((part) => argv.some((arg) => arg === part || arg.endsWith(part)))) {
        return Number(entry);
      }
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no process of ${what} (command line with ${parts.join(' ')}) in /proc`);
}

/** Counts what a page does into the phase current at the time: proxy requests by datasource, bytes, errors. */
function watchPage(page: Page, closing: () => boolean): void {
  page.on('pageerror', (error) => phase.errors.push(`uncaught exception: ${error.message}`));
  page.on('console', (message) => {
    // HTTP errors are counted from the responses; Chromium also logs each as a console error.
    if (message.type() === 'error' && !/^Failed to load resource/.test(message.text())) {
      phase.errors.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      phase.errors.push(`HTTP ${response.status()} from ${response.url()}`);
    }
  });
  page.on('requestfailed', (request) => {
    // A page closed while its lists were loading cancels them: that is the client doing its job.
    if (!(closing() && /ERR_ABORTED|aborted/i.test(request.failure()?.errorText ?? ''))) {
      phase.errors.push(`request failed: ${request.url()}: ${request.failure()?.errorText}`);
    }
  });
  page.on('requestfinished', (request) => {
    const uid = /\/api\/datasources\/proxy\/uid\/([^/]+)\//.exec(request.url())?.[1];
    const which = (Object.keys(DATASOURCES) as Array<keyof typeof DATASOURCES>).find((k) => DATASOURCES[k] === uid);
    if (which) {
      const counted = phase.proxy[which];
      counted.requests++;
      request
        .sizes()
        .then((sizes) => (counted.bytes += sizes.responseBodySize))
        .catch(() => undefined);
    }
  });
}

/**
 * Loads the Overview into the page and records the time to its first render (the problems list: every kind listed,
 * normalized, selected). A page that never renders is an error, unless it was closed on purpose.
 */
async function render(page: Page, state: { closing: boolean }): Promise<void> {
  const counts = phase;
  const started = Date.now();
  counts.opens++;
  try {
    // Generous limits: on two shared cores a burst of page loads queues for CPU; that is measured, not failed.
    await page.goto(overviewOf(DATASOURCES.kubernetes), { waitUntil: 'commit', timeout: 180_000 });
    await page
      .getByTestId('problems-list')
      .or(page.getByTestId('problems-all-good'))
      .first()
      .waitFor({ timeout: 180_000 });
    counts.renders.push(Date.now() - started);
  } catch (error) {
    if (!state.closing) {
      counts.errors.push(`no first render: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}

async function newPage(context: BrowserContext, state: { closing: boolean }): Promise<Page> {
  const page = await pageWithLongTasks(context);
  watchPage(page, () => state.closing);
  return page;
}

/** The open pages' long tasks since the last call (which empties them), and their JS heaps (Chromium's figure). */
async function mainThread(pages: Page[]): Promise<{ longest: number; over50: number; heapMiB: number[] }> {
  const readings = await Promise.all(
    pages.map((page) =>
      page.evaluate(() => {
        const scope = window as unknown as { __longTasks: Array<{ duration: number }> };
        const tasks = scope.__longTasks.splice(0).map((task) => task.duration);
        const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
        return { tasks, heap: memory ? memory.usedJSHeapSize / 2 ** 20 : NaN };
      })
    )
  );
  const tasks = readings.flatMap((r) => r.tasks);
  return {
    longest: Math.max(0, ...tasks),
    over50: tasks.filter((t) => t > 50).length,
    heapMiB: readings.map((r) => r.heap),
  };
}

const between = (low: number, high: number) => low + Math.random() * (high - low);

/** Each slot opens the Overview and closes it again: half the time before it has rendered, half soon after. */
async function churn(context: BrowserContext, until: number): Promise<void> {
  while (Date.now() < until) {
    const state = { closing: false };
    const page = await newPage(context, state);
    const rendered = render(page, state);
    await (Math.random() < 0.5
      ? Promise.race([rendered, sleep(between(300, 1500))])
      : rendered.then(() => sleep(between(1000, 3000))));
    state.closing = true;
    await page.close();
    await rendered;
  }
}

interface Meter {
  pids: Record<'apiserver' | 'etcd' | 'sandbox', number>;
}
interface Reading {
  at: number;
  cpu: Record<keyof Meter['pids'], number>;
  machine: { busy: number; total: number };
}
function read(meter: Meter): Reading {
  const cpu = Object.fromEntries(Object.entries(meter.pids).map(([k, pid]) => [k, cpuSeconds(pid)])) as Reading['cpu'];
  return { at: Date.now(), cpu, machine: machineTicks() };
}

/** One phase's totals: CPU seconds per process, fault proxy counters, the browser's counts, the peak 10-s rate. */
interface PhaseResult {
  counts: PhaseCounts;
  seconds: number;
  cpu: Reading['cpu'];
  busyShare: number;
  stats: FaultStats;
  peakRequestsPer10s: number;
}

async function measure(
  stack: Stack,
  meter: Meter,
  counts: PhaseCounts,
  body: () => Promise<unknown>
): Promise<PhaseResult> {
  phase = counts;
  stack.setFaults([]); // starts the proxy's counters afresh
  const start = read(meter);
  const samples: number[] = [];
  const sampler = setInterval(() => {
    proxyStats(stack)
      .then((s) => samples.push(s.requests))
      .catch(() => undefined);
  }, 1000);
  try {
    await body();
  } finally {
    clearInterval(sampler);
  }
  const end = read(meter);
  const stats = await proxyStats(stack);
  samples.push(stats.requests);
  const cpu = Object.fromEntries(
    Object.keys(start.cpu).map((k) => [k, end.cpu[k as keyof Reading['cpu']] - start.cpu[k as keyof Reading['cpu']]])
  ) as Reading['cpu'];
  const peakRequestsPer10s = samples.reduce((peak, value, i) => Math.max(peak, value - (samples[i - 10] ?? 0)), 0);
  const busyShare = (end.machine.busy - start.machine.busy) / Math.max(1, end.machine.total - start.machine.total);
  return { counts, seconds: (end.at - start.at) / 1000, cpu, busyShare, stats, peakRequestsPer10s };
}

function report(
  { idle, opened, steady, churned }: Record<'idle' | 'opened' | 'steady' | 'churned', PhaseResult>,
  { lone, leftInFlight }: { lone?: number; leftInFlight: number }
): void {
  const idleRate = (k: keyof Reading['cpu']) => idle.cpu[k] / idle.seconds;
  /** Per viewer-minute, over the phase's N slots; CPU net of the idle rate. */
  const perViewerMinute = (r: PhaseResult, value: number) => value / (viewers * (r.seconds / 60));
  const netCpu = (r: PhaseResult, k: keyof Reading['cpu']) => r.cpu[k] - idleRate(k) * r.seconds;
  const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const columns = [steady, churned];
  const rows: string[][] = [
    ['', 'idle', `steady (${viewers} open)`, `churn (${viewers} slots)`],
    ['phase length', `${fixed(idle.seconds, 0)} s`, ...columns.map((r) => `${fixed(r.seconds, 0)} s`)],
    ['machine busy (all cores)', ...[idle, ...columns].map((r) => `${fixed(r.busyShare * 100, 0)} %`)],
    ['kube-apiserver CPU s / min', ...[idle, ...columns].map((r) => fixed(r.cpu.apiserver / (r.seconds / 60)))],
    [
      '  per viewer-minute, net of idle',
      '-',
      ...columns.map((r) => fixed(perViewerMinute(r, netCpu(r, 'apiserver')), 3)),
    ],
    ['etcd CPU s per viewer-minute, net', '-', ...columns.map((r) => fixed(perViewerMinute(r, netCpu(r, 'etcd')), 3))],
    ['sandbox (proxy stand-in) CPU s / min', ...[idle, ...columns].map((r) => fixed(r.cpu.sandbox / (r.seconds / 60)))],
    [
      '  per viewer-minute, net of idle',
      '-',
      ...columns.map((r) => fixed(perViewerMinute(r, netCpu(r, 'sandbox')), 3)),
    ],
    [
      'Kubernetes requests at the apiserver',
      String(idle.stats.requests),
      ...columns.map((r) => String(r.stats.requests)),
    ],
    ['  per viewer-minute', '-', ...columns.map((r) => fixed(perViewerMinute(r, r.stats.requests), 1))],
    ['  bytes per viewer-minute', '-', ...columns.map((r) => kib(perViewerMinute(r, r.stats.responseBytes)))],
    ['  per minute (all viewers)', '-', ...columns.map((r) => fixed(r.stats.requests / (r.seconds / 60), 0))],
    ['  most in any 10 s', '-', ...columns.map((r) => String(r.peakRequestsPer10s))],
    ['  most in flight at once', String(idle.stats.peakInFlight), ...columns.map((r) => String(r.stats.peakInFlight))],
    [
      'browser: Kubernetes proxy req / viewer-min',
      '-',
      ...columns.map((r) => fixed(perViewerMinute(r, r.counts.proxy.kubernetes.requests), 1)),
    ],
    [
      'browser: Prometheus proxy req / viewer-min',
      '-',
      ...columns.map((r) => fixed(perViewerMinute(r, r.counts.proxy.prometheus.requests), 1)),
    ],
    [
      '  Prometheus bytes per viewer-minute',
      '-',
      ...columns.map((r) => kib(perViewerMinute(r, r.counts.proxy.prometheus.bytes))),
    ],
    ['pages opened', '0', ...columns.map((r) => String(r.counts.opens))],
    [
      '  Kubernetes requests per page opened',
      '-',
      '-',
      fixed(churned.stats.requests / Math.max(1, churned.counts.opens), 1),
    ],
    ['errors', String(idle.counts.errors.length), ...columns.map((r) => String(r.counts.errors.length))],
    ['  while the first pages opened', '-', String(opened.counts.errors.length), '-'],
  ];
  console.log(`\n${table(rows)}`);
  const renders = [...opened.counts.renders, ...churned.counts.renders];
  console.log(
    `\ntime to first render of the Overview (every kind listed, problems shown), ${renders.length} renders: ` +
      `p50 ${fixed(percentile(renders, 50), 0)} ms, p95 ${fixed(percentile(renders, 95), 0)} ms, max ${fixed(Math.max(...renders), 0)} ms ` +
      `(the ${viewers} first opens, 2 s apart: p95 ${fixed(percentile(opened.counts.renders, 95), 0)} ms; ` +
      `a lone viewer before the phases: ${fixed(lone ?? NaN, 0)} ms)`
  );
  const firstLoad = opened.stats.requests / viewers;
  console.log(
    `churn stays bounded: ${fixed(churned.stats.requests / (churned.seconds / 60), 0)} requests/min and at most ` +
      `${churned.stats.peakInFlight} in flight while ${viewers} slots opened ${churned.counts.opens} pages ` +
      `(steady: ${fixed(steady.stats.requests / (steady.seconds / 60), 0)}/min, at most ${steady.stats.peakInFlight} in flight); ` +
      `${fixed(churned.stats.requests / Math.max(1, churned.counts.opens), 1)} requests per page opened against ` +
      `${fixed(firstLoad, 1)} for one full first load; ${leftInFlight} still in flight 5 s after the last page closed`
  );
  for (const r of [idle, opened, ...columns]) {
    const distinct = [...new Set(r.counts.errors)];
    if (distinct.length) {
      console.log(`${r.counts.name} errors (${r.counts.errors.length}):\n  ${distinct.slice(0, 10).join('\n  ')}`);
    }
  }
}

/** A copy of the provisioned cluster datasource with watching turned off, added as Admin; returns its uid. */
async function pollingCopy(browser: Browser, baseURL: string, stack: Stack): Promise<string> {
  const admin = await browser.newContext({ baseURL });
  try {
    await admin.request.get('/?role=Admin');
    const response = await admin.request.post('/api/datasources', {
      data: {
        name: 'Bench polling',
        type: 'kubeatlas-kubernetes-datasource',
        access: 'proxy',
        url: '',
        jsonData: {
          clusterUrl: stack.apiUrl,
          tlsAuthWithCACert: true,
          prometheusDatasourceUid: DATASOURCES.prometheus,
          watch: false,
        },
        secureJsonData: { bearerToken: stack.token, tlsCACert: stack.caPem },
      },
    });
    const body = (await response.json()) as { datasource?: { uid: string }; message?: string };
    if (!body.datasource) {
      throw new Error(`POST /api/datasources → ${response.status()} ${body.message ?? ''}`);
    }
    return body.datasource.uid;
  } finally {
    await admin.close();
  }
}

/** The two designs side by side: what the watch mode costs relative to polling, per viewer-minute. */
/** `baseline`: the pods being replaced with no viewer, so that what is compared is what the viewers add. */
function compare(
  results: Array<{ mode: string; steady: PhaseResult; churned: PhaseResult }>,
  baseline: PhaseResult
): void {
  const watch = results.find((r) => r.mode === 'watch');
  const poll = results.find((r) => r.mode === 'poll');
  if (!watch || !poll) {
    return;
  }
  const perViewerMinute = (r: PhaseResult, value: number) => value / (viewers * (r.seconds / 60));
  const apiserverNet = (r: PhaseResult) => r.cpu.apiserver - (baseline.cpu.apiserver / baseline.seconds) * r.seconds;
  const rows: string[][] = [
    ['steady, per viewer-minute', 'watch', 'poll', 'watch / poll'],
    ...(
      [
        ['kube-apiserver CPU s (net of the churn alone)', (r: PhaseResult) => perViewerMinute(r, apiserverNet(r)), 3],
        ['Kubernetes requests', (r: PhaseResult) => perViewerMinute(r, r.stats.requests), 1],
        ['Kubernetes KiB', (r: PhaseResult) => perViewerMinute(r, r.stats.responseBytes) / 1024, 0],
        ['most in flight at once (all viewers)', (r: PhaseResult) => r.stats.peakInFlight, 0],
      ] as Array<[string, (r: PhaseResult) => number, number]>
    ).map(([name, f, digits]) => {
      const [w, p] = [f(watch.steady), f(poll.steady)];
      return [name, w.toFixed(digits), p.toFixed(digits), p ? (w / p).toFixed(3) : '-'];
    }),
  ];
  console.log(`\n== watch against poll, same run\n${table(rows)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineDescription();
  console.log(
    `bench-viewers: scale ${scale}, ${viewers} viewers, modes ${modes.join(' and ')}, ${minutes} min steady ` +
      `(${replacePercent} % of pods replaced per minute), ${churnMinutes} min churn, on ${machine}, ${new Date().toISOString()}`
  );
  await withLiveBench('bench-viewers', scale, async ({ stack, sandbox, browser }) => {
    const port = new URL(stack.testbed.url).port;
    const apiserver = pidOf('kube-apiserver', ['kube-apiserver', `--secure-port=${port}`]);
    const etcdServers = fs
      .readFileSync(`/proc/${apiserver}/cmdline`, 'utf8')
      .split('\0')
      .find((a) => a.startsWith('--etcd-servers='))!;
    const etcd = pidOf('etcd', ['etcd', `--listen-client-urls=${etcdServers.slice('--etcd-servers='.length)}`]);
    const sandboxPid = sandbox.component.child.pid!;
    const meter: Meter = { pids: { apiserver, etcd, sandbox: sandboxPid } };
    console.log(
      `stack and sandbox up in ${((Date.now() - started) / 1000).toFixed(0)} s; kube-apiserver pid ${apiserver}, etcd ${etcd}, sandbox ${sandboxPid}`
    );

    const contexts = await Promise.all(
      Array.from({ length: viewers }, () =>
        browser.newContext({ baseURL: sandbox.url, viewport: { width: 1400, height: 900 } })
      )
    );

    // A page opened and closed twice first, so that nothing measured pays for first use (the apiserver's caches, the
    // sandbox's compiled code); the second is the time to first render of a lone viewer. Then a pause to settle.
    for (let i = 0; i < 2; i++) {
      const page = await newPage(contexts[0], { closing: false });
      await render(page, { closing: false });
      await page.close();
    }
    const lone = phase.renders[1];
    await sleep(15_000);
    const idle = await measure(stack, meter, newPhase('idle'), () => sleep(baselineSeconds * 1000));
    console.log(`idle measured (${baselineSeconds} s)`);
    // The pods being replaced cost the control plane by themselves (controllers, scheduler, kwok): measured with no
    // viewer, so that the comparison below counts what the viewers add.
    const replacing = await measure(stack, meter, newPhase('replacing'), () =>
      replacingPods(stack, replacePercent, baselineSeconds * 1000)
    );
    console.log(
      `pods replaced with no viewer (${baselineSeconds} s): kube-apiserver ` +
        `${(replacing.cpu.apiserver / (replacing.seconds / 60)).toFixed(2)} CPU-s/min (idle ${(idle.cpu.apiserver / (idle.seconds / 60)).toFixed(2)})`
    );

    const results: Array<{ mode: string; steady: PhaseResult; churned: PhaseResult }> = [];
    for (const mode of modes) {
      DATASOURCES.kubernetes = mode === 'watch' ? 'kubeatlas-demo' : await pollingCopy(browser, sandbox.url, stack);
      console.log(`\n== mode ${mode}: opening ${viewers} viewers on datasource ${DATASOURCES.kubernetes}`);
      // The first opens are their own phase: the steady figures are what open pages cost.
      let pages: Page[] = [];
      const opened = await measure(stack, meter, newPhase('open'), async () => {
        // Viewers arrive OPEN_STAGGER_MS apart, not in one instant: the first renders measure the app, not a stampede.
        pages = await Promise.all(
          contexts.map(async (context, i) => {
            await sleep(i * OPEN_STAGGER_MS);
            const page = await newPage(context, { closing: false });
            await render(page, { closing: false });
            return page;
          })
        );
      });
      const onScreen = await changeOnScreen(stack, pages[0]);
      console.log(`a Deployment scaled up by 3: its pods on the Overview ${onScreen} after kubectl scale returned`);
      await mainThread(pages);
      const steady = await measure(stack, meter, newPhase('steady'), () =>
        replacingPods(stack, replacePercent, minutes * 60_000)
      );
      const thread = await mainThread(pages);
      await Promise.all(pages.map((page) => page.close()));
      console.log(
        `steady measured (${minutes} min, ${replacePercent} % of pods replaced per minute): longest main-thread task ` +
          `${thread.longest.toFixed(0)} ms, ${thread.over50} over 50 ms in ${viewers} pages; JS heap per page ` +
          `${thread.heapMiB.map((h) => h.toFixed(0)).join(', ')} MiB; churning`
      );

      const churned = await measure(stack, meter, newPhase('churn'), async () => {
        const until = Date.now() + churnMinutes * 60_000;
        await Promise.all(contexts.map((context) => churn(context, until)));
      });
      await sleep(5000);
      const leftInFlight = (await proxyStats(stack)).inFlight;
      console.log(`\n== mode ${mode}`);
      report({ idle, opened, steady, churned }, { lone, leftInFlight });
      results.push({ mode, steady, churned });
    }
    compare(results, replacing);
  });
  console.log(`\ndone in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
