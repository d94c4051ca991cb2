/**
 * The app pages on the demo cluster (the testbed's real control plane, scenario `demo`, provisioned as datasource
 * `kubeatlas-demo`). The stack's real Prometheus scrapes the metrics stand-in, so usage figures come from the linked
 * datasource. Faults come from the fault proxy in front of kube-apiserver.
 */
import type { Page } from 'playwright-core';
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
// Grafana serves its Roboto Mono font files from public/fonts (used by the theme's monospace family); the sandbox
// host does not ship Grafana's font files, so their 404s are expected here and only here.
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];

/** Scrolls a virtualized list from top to bottom and returns what `read` extracts from every row seen. */
async function collectVirtualRows(page: Page, listTestId: string, rowSelector: string): Promise<string[]> {
  const list = page.getByTestId(listTestId);
  await list.waitFor();
  // No named functions inside: tsx's keepNames would wrap them in a __name helper the browser does not have.
  return list.evaluate(async (element, selector) => {
    const seen = new Map<string, string>();
    element.scrollTop = 0;
    for (let i = 0; i < 500; i++) {
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
      for (const row of Array.from(element.querySelectorAll<HTMLElement>(selector))) {
        const key = row.closest('[data-index]')?.getAttribute('data-index') ?? row.innerText;
        const data = Object.entries(row.dataset)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        seen.set(key, `${data} | ${row.innerText.replace(/\s+/g, ' ')}`);
      }
      if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) {
        break;
      }
      element.scrollTop += element.clientHeight * 0.8;
    }
    return [...seen.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, text]) => text);
  }, rowSelector);
}

test(
  'overview renders the demo cluster and lists every planted problem',
  async ({ open }) => {
    const page = await open(`${APP}/overview?cluster=${CLUSTER}`, { role: 'Viewer', theme: 'light' });
    await page.getByTestId('stat-nodes').waitFor({ timeout: 30_000 });
    // The first test of a run may open the page while kwok is still planting the node's conditions: the Node watch
    // brings them without a reload.
    let problems = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(1000)) {
      problems = (await collectVirtualRows(page, 'problems-list', '[data-testid="problem"]')).join('\n');
      if (/type=NodePressure /.test(problems)) {
        break;
      }
    }
    const expectProblem = (pattern: RegExp, what: string) =>
      expect(pattern.test(problems), `${what} is listed; got:\n${problems}`);
    expectProblem(/type=NodeNotReady .*NotReady/, 'the NotReady node');
    expectProblem(/type=NodePressure .*MemoryPressure/, 'the node under MemoryPressure');
    expectProblem(
      /type=CrashLoopBackOff .*checkout.*OOMKilled/,
      'the crashlooping checkout pod with its OOMKilled last termination'
    );
    expectProblem(/type=ImagePull .*(ImagePullBackOff|ErrImagePull).*recommendations/, 'the image pull failure');
    expectProblem(
      // kube-scheduler's own message: the pod asks for a node label (accelerator) that no node has.
      /type=Unschedulable .*fraud-detector.*0\/5 nodes are available: .*didn't match Pod's node affinity\/selector/,
      'the unschedulable pod with the FailedScheduling message'
    );
    expectProblem(/type=WorkloadUnavailable .*frontend/, 'the deployment with unavailable replicas');
    expectProblem(/type=JobFailed /, 'the failed Job');
    expectProblem(/type=WarningEvent /, 'a recent Warning event');
    const nodes = await page.getByTestId('stat-nodes').innerText();
    expect(nodes.includes('4/5'), `4 of 5 nodes ready: ${nodes}`);
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'the app map shows scrape coverage from the monitors and real Prometheus, with each "why not"',
  async ({ open }) => {
    // Monitors: testbed/scenarios/demo/40-monitors.yaml; their up series: testbed/prometheus-operator-targets.yaml.
    const page = await open(`${APP}/applications?cluster=${CLUSTER}&namespace=shop&namespace=payments&namespace=data`, {
      role: 'Viewer',
    });
    const rows = (await collectVirtualRows(page, 'appmap', '[data-testid^="appmap-"]')).join('\n');
    const has = (pattern: RegExp, what: string) => expect(pattern.test(rows), `${what}; got:\n${rows}`);
    has(/namespace=shop .*scrape coverage: 1 covered · 0 selected but down · \d+ not covered/, 'shop sums coverage');
    has(/namespace=payments .*scrape coverage: 0 covered · 2 selected but down/, 'payments sums coverage');
    has(/kind=StatefulSet name=redis .*scraped · 3\/3 up/, 'redis is scraped and up, pod by pod');
    has(/testid=appmap-service name=redis .*scraped · 3\/3 up/, 'the redis Service is scraped and up');
    has(/kind=StatefulSet name=kafka .*scraped · 3\/3 up/, 'the PodMonitor scrapes the kafka pods');
    has(/testid=appmap-service name=checkout .*not scraped/, 'checkout is selected by a monitor but not scraped');
    has(/testid=appmap-service name=postgres .*scrape down · 0\/2 up/, 'postgres is selected, its targets down');
    has(/kind=Deployment name=fraud-detector .*scrape: no up series/, 'the PodMonitor selects pods without series');
    has(/testid=appmap-service name=ledger .*not scraped/, 'ledger is matched in the wrong namespace');
    has(/testid=appmap-service name=frontend .*no monitor/, 'frontend has no monitor');
    has(/testid=appmap-ingress name=shop .*probed by monitoring\/shop-ingress/, 'the Probe shows on its Ingress');

    const why = async (url: string, row: string, reason: string, text: string) => {
      const view = await open(`${APP}/applications?cluster=${CLUSTER}&${url}`, { role: 'Viewer' });
      const badge = view.locator(`${row} [data-testid="coverage"]`);
      await badge.waitFor({ timeout: 30_000 });
      await badge.scrollIntoViewIfNeeded();
      const reasons = await badge.getAttribute('data-reasons');
      expect(reasons?.split(',').includes(reason), `${row}: reason ${reason} in ${reasons}`);
      await badge.hover();
      await view.getByText(text).first().waitFor({ timeout: 5000 });
    };
    await why(
      'namespace=shop&text=checkout',
      '[data-testid="appmap-service"][data-name="checkout"]',
      'port',
      'ServiceMonitor shop/checkout selects it but scrapes Service port metrics'
    );
    await why(
      'namespace=payments&text=ledger',
      '[data-testid="appmap-service"][data-name="ledger"]',
      'namespace',
      'looks only in its own namespace monitoring: add payments'
    );
    await why(
      'namespace=payments&text=postgres',
      '[data-testid="appmap-service"][data-name="postgres"]',
      'down',
      'its 2 targets are down in Prometheus'
    );
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'the app map links services to workloads with ports and ingresses to services',
  async ({ open }) => {
    const page = await open(`${APP}/applications?cluster=${CLUSTER}&namespace=shop`, { role: 'Viewer', theme: 'dark' });
    const rows = (await collectVirtualRows(page, 'appmap', '[data-testid^="appmap-"]')).join('\n');
    const has = (pattern: RegExp, what: string) => expect(pattern.test(rows), `${what}; got:\n${rows}`);
    has(/testid=appmap-namespace namespace=shop/, 'the shop namespace is a group');
    has(/kind=Deployment name=frontend .*desired 2 · ready 0 · available 0/, 'frontend shows desired/ready/available');
    has(
      /kind=Deployment name=frontend .*frontend http 80→http\/TCP/,
      'frontend lists the service that selects it with its ports'
    );
    has(
      /testid=appmap-service name=frontend .*LoadBalancer.*http 80→http\/TCP.*https 443→https\/TCP.*Deployment frontend/,
      'the frontend service links to its deployment with ports'
    );
    has(
      /testid=appmap-ingress name=shop .*shop\.example\.com\/ frontend :http.*shop\.example\.com\/api\/cart cart :7070/,
      'the ingress links hosts/paths to services'
    );
    has(
      /testid=appmap-service name=frontend .*← Ingress shop shop\.example\.com\//,
      'the service shows the ingress that routes to it'
    );
    has(/kind=StatefulSet name=redis/, 'statefulsets are listed');
    expect(!/namespace=payments/.test(rows), 'the namespace filter keeps only shop');
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'the nodes page shows the NotReady node with its pressure and the Unscheduled group',
  async ({ open }) => {
    const page = await open(`${APP}/nodes?cluster=${CLUSTER}&sort=pressure`, { role: 'Viewer', theme: 'light' });
    const rows = await collectVirtualRows(page, 'nodes', '[data-testid="node-card"], [data-testid="unscheduled"]');
    const text = rows.join('\n');
    expect(
      /testid=unscheduled .*Unscheduled.*payments.*fraud-detector/.test(rows[0]),
      `the Unscheduled group comes first; got:\n${text}`
    );
    // Sorted by pressure, the NotReady node is the first node card.
    expect(
      /testid=node-card node=\S+ ready=false .*NotReady.*MemoryPressure/.test(rows[1]),
      `the NotReady node leads; got:\n${text}`
    );
    expect(/Requests.*\(\d+%\)/.test(rows[1]), 'requests are shown against allocatable');
    expect(rows.filter((r) => r.includes('testid=node-card')).length === 5, `every node has a card; got:\n${text}`);
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  "the crashlooping pod's details show OOMKilled, its restart count and its events",
  async ({ open }) => {
    const page = await open(`${APP}/overview?cluster=${CLUSTER}`, { role: 'Viewer', theme: 'dark' });
    const problem = page.locator('[data-testid="problem"][data-type="CrashLoopBackOff"]').first();
    await problem.getByRole('link').click();
    await page.waitForURL(/detail=Pod%2Fshop%2Fcheckout-|detail=Pod\/shop\/checkout-/);
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('pod-restarts').waitFor();
    const restarts = Number(await drawer.getByTestId('pod-restarts').innerText());
    expect(restarts > 0, `the restart count is shown: ${restarts}`);
    await drawer.getByTestId('owner-chain').getByText('checkout', { exact: true }).waitFor();
    const dashboard = await drawer.getByRole('link', { name: 'Pod dashboard' }).getAttribute('href');
    expect(
      /^\/d\/kubeatlas-pod\?var-datasource=kubeatlas-prometheus&var-cluster=kubeatlas-demo&var-namespace=shop&var-pod=checkout-/.test(
        dashboard ?? ''
      ),
      `the pod dashboard link carries its variables: ${dashboard}`
    );
    await drawer.getByRole('tab', { name: /Containers/ }).click();
    const termination = await drawer.getByTestId('container-last-termination').first().innerText();
    expect(/OOMKilled, exit code 137/.test(termination), `last termination OOMKilled: ${termination}`);
    const state = await drawer.getByTestId('container-state').first().innerText();
    expect(/CrashLoopBackOff/.test(state), `the waiting reason is shown: ${state}`);
    await drawer.getByRole('tab', { name: /Events/ }).click();
    await drawer.locator('[data-testid="event"][data-reason="BackOff"]').first().waitFor();
    await drawer.getByRole('tab', { name: /YAML/ }).click();
    const yaml = await drawer.getByTestId('yaml').innerText();
    expect(/kind: Pod/.test(yaml) && /OOMKilled/.test(yaml), 'the YAML is the live object');
    // The details URL is shareable: a reload opens the same tab of the same pod.
    await page.reload();
    await page.getByRole('dialog').getByTestId('yaml').waitFor({ timeout: 30_000 });
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'filters live in the URL and survive a reload',
  async ({ open }) => {
    const page = await open(`${APP}/applications?cluster=${CLUSTER}`, { role: 'Viewer', theme: 'light' });
    await page.getByTestId('appmap').waitFor({ timeout: 30_000 });
    await page.getByLabel('Search workloads').fill('checkout');
    await page.getByLabel('Problems only').check({ force: true });
    await page.waitForURL(
      (url) => url.searchParams.get('q') === 'checkout' && url.searchParams.get('problems') === '1'
    );
    await page.reload();
    await page.getByTestId('appmap').waitFor({ timeout: 30_000 });
    expect((await page.getByLabel('Search workloads').inputValue()) === 'checkout', 'the search text is restored');
    const rows = (await collectVirtualRows(page, 'appmap', '[data-testid="appmap-workload"]')).join('\n');
    expect(
      /name=checkout/.test(rows) && !/name=cart /.test(rows),
      `only the matching problem workload is shown; got:\n${rows}`
    );
    expect(new URL(page.url()).searchParams.get('cluster') === CLUSTER, 'the cluster stays in the URL');
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'a Viewer sees no write controls, an Editor does',
  async ({ open }) => {
    const overview = (role: 'Viewer' | 'Editor') => open(`${APP}/overview?cluster=${CLUSTER}`, { role, theme: 'dark' });
    for (const role of ['Viewer', 'Editor'] as const) {
      const page = await overview(role);
      const problem = page.locator('[data-testid="problem"][data-type="CrashLoopBackOff"]').first();
      await problem.getByRole('link').click();
      await page.getByRole('dialog').getByTestId('summary').waitFor();
      const controls = await page.getByTestId('write-actions').count();
      expect(role === 'Viewer' ? controls === 0 : controls === 1, `${role}: ${controls} write control blocks`);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'every page renders in the dark and the light theme without console errors',
  async ({ open }) => {
    for (const theme of ['dark', 'light'] as const) {
      for (const route of ['overview', 'applications', 'nodes']) {
        const page = await open(`${APP}/${route}?cluster=${CLUSTER}`, { role: 'Admin', theme });
        await page.getByTestId('last-updated').waitFor({ timeout: 30_000 });
      }
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'usage comes from the linked Prometheus with one batched query per figure',
  async ({ open, stack, responses }) => {
    await stack!.waitForScrapes();
    const page = await open(`${APP}/nodes?cluster=${CLUSTER}&sort=usage`, { role: 'Viewer', theme: 'dark' });
    const cpuUsage = page.getByTestId('node-card').first().getByTestId('usage-cpu');
    await cpuUsage.waitFor({ timeout: 30_000 });
    // rate() needs two scrapes: refresh until Prometheus has them (the page refreshes by itself too).
    for (let i = 0; i < 20 && /Usagen\/a/.test((await cpuUsage.innerText()).replace(/\s+/g, '')); i++) {
      await page.waitForTimeout(3000);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    const text = (await cpuUsage.innerText()).replace(/\s+/g, ' ');
    expect(/Usage [\d.]+m? \(\d+%\)/.test(text), `CPU usage is shown against allocatable: ${text}`);
    const queries = responses
      .filter((r) => r.url.includes('/api/datasources/proxy/uid/kubeatlas-prometheus/api/v1/query'))
      .map((r) => new URL(r.url).searchParams.get('query') ?? '');
    expect(
      queries.length > 0 && queries.every((q) => /^sum by \((node|namespace, pod)\)/.test(q)),
      `only batched queries: ${queries.join('\n')}`
    );
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'without a linked Prometheus the pages work from the API and name the missing figures',
  async ({ open, createDatasource, clusterDatasource }) => {
    const settings = clusterDatasource() as { jsonData: Record<string, unknown> };
    const uid = await createDatasource({
      ...settings,
      name: 'No Prometheus',
      jsonData: { ...settings.jsonData, prometheusDatasourceUid: '' },
    });
    const page = await open(`${APP}/overview?cluster=${uid}`, { role: 'Viewer', theme: 'light' });
    const banner = page.getByTestId('missing-figures');
    await banner.waitFor({ timeout: 30_000 });
    expect(
      /No Prometheus datasource is linked/.test(await banner.innerText()),
      'the banner names the cause and the fix'
    );
    await page.getByTestId('problems-list').waitFor();
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'a forbidden kind is named with its RBAC rule while the rest of the cluster renders',
  async ({ open, stack }) => {
    stack!.setFaults([{ type: 'forbidden', resource: 'nodes' }]);
    try {
      const page = await open(`${APP}/overview?cluster=${CLUSTER}`, { role: 'Viewer', theme: 'dark' });
      const banner = page.getByTestId('forbidden-kinds');
      await banner.waitFor({ timeout: 30_000 });
      const text = await banner.innerText();
      expect(
        /Node/.test(text) && /resources: \["nodes"\], verbs: \["list"\]/.test(text),
        `the missing rule is shown: ${text}`
      );
      await page.getByTestId('problems-list').waitFor();
      expect(/0\/0/.test(await page.getByTestId('stat-nodes').innerText()), 'no node data is invented');
    } finally {
      stack!.setFaults([]);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS, [/\/k8s-read\/api\/v1\/nodes/, 403]] }
);

test(
  'a failed refresh keeps the last good data under a banner that names the cause',
  async ({ open, stack }) => {
    const page = await open(`${APP}/overview?cluster=${CLUSTER}`, { role: 'Viewer', theme: 'light' });
    await page.getByTestId('problems-list').waitFor({ timeout: 30_000 });
    stack!.setFaults([{ type: 'unauthorized' }]);
    try {
      await page.getByRole('button', { name: 'Refresh' }).click();
      const banner = page.getByTestId('refresh-failed');
      await banner.waitFor({ timeout: 30_000 });
      const text = await banner.innerText();
      expect(/token/i.test(text), `the banner names the rejected token: ${text}`);
      expect(
        (await page.locator('[data-testid="problem"]').count()) > 0,
        'the last good problems list stays on screen'
      );
    } finally {
      stack!.setFaults([]);
    }
    // The next refresh succeeds and the banner goes away.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('refresh-failed').waitFor({ state: 'detached', timeout: 30_000 });
  },
  { cluster: true, expectHttpErrors: [FONTS, [/\/api\/datasources\/proxy\/uid\/kubeatlas-demo\//, 400]] }
);

test(
  "the details drawer plots a pod's CPU and memory from Prometheus",
  async ({ open, stack }) => {
    await stack!.waitForScrapes();
    const page = await open(`${APP}/applications?cluster=${CLUSTER}&namespace=shop&q=cart`, {
      role: 'Viewer',
      theme: 'dark',
    });
    await page.getByTestId('pod-tile').first().click();
    await page.waitForURL(/detail=Pod/);
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('tab', { name: 'Usage' }).click();
    await drawer.getByTestId('usage-over-time').waitFor({ timeout: 30_000 });
    await drawer.locator('[data-testid="usage-over-time"] svg circle').first().waitFor({ timeout: 30_000 });
    const explore = await drawer.getByRole('link', { name: 'Explore' }).first().getAttribute('href');
    expect(
      /^\/explore\?/.test(explore ?? '') && /container_cpu_usage_seconds_total/.test(decodeURIComponent(explore ?? '')),
      `Explore link: ${explore}`
    );
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'refreshes never overlap: the refresh button is disabled while one runs and each refresh lists pods once',
  async ({ open, stack, responses, createDatasource, clusterDatasource }) => {
    const podLists = () => responses.filter((r) => /\/k8s-read\/api\/v1\/pods\?/.test(r.url)).length;
    const polling = await pollingCluster({ createDatasource, clusterDatasource });
    const page = await open(`${APP}/overview?cluster=${polling}`, { role: 'Viewer', theme: 'dark' });
    await page.getByTestId('problems-list').waitFor({ timeout: 30_000 });
    stack!.setFaults([{ type: 'latency', ms: 2000, path: '^/api/v1/pods' }]);
    try {
      const before = podLists();
      const refresh = page.getByRole('button', { name: 'Refresh' });
      await refresh.click();
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('button')).some((b) => b.textContent?.includes('Refresh') && b.disabled)
      );
      expect(await refresh.isDisabled(), 'a second refresh cannot start while one runs');
      await page.waitForFunction(
        () =>
          !Array.from(document.querySelectorAll('button')).some(
            (b) => b.textContent?.includes('Refresh') && b.disabled
          ),
        undefined,
        { timeout: 30_000 }
      );
      await page.waitForTimeout(500);
      expect(podLists() - before === 1, `one pods LIST per refresh, got ${podLists() - before}`);
    } finally {
      stack!.setFaults([]);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

/**
 * The demo cluster with watching turned off (`watch: false`): the fallback that lists every kind each refresh, which
 * the tests below pin down. The pages on watches are e2e/live.e2e.ts.
 */
async function pollingCluster(context: {
  createDatasource: (settings: Record<string, unknown>) => Promise<string>;
  clusterDatasource: () => Record<string, unknown>;
}): Promise<string> {
  const settings = context.clusterDatasource();
  return context.createDatasource({
    ...settings,
    // Each test adds its own, deleted when the test ends.
    name: `E2E polling ${Date.now()}`,
    jsonData: { ...(settings.jsonData as object), watch: false },
  });
}

/** A pods LIST through the datasource proxy (the request the latency fault slows down). */
const isPodsList = (url: string) => /\/k8s-read\/api\/v1\/pods\?/.test(url);
const SLOW_PODS_MS = 6000;

test(
  'navigating away cancels the in-flight LIST: the browser aborts it and the next page loads its own data',
  async ({ open, stack, createDatasource, clusterDatasource }) => {
    const polling = await pollingCluster({ createDatasource, clusterDatasource });
    const page = await open(`${APP}/overview?cluster=${polling}`, { role: 'Viewer', theme: 'dark' });
    await page.getByTestId('problems-list').waitFor({ timeout: 30_000 });
    stack!.setFaults([{ type: 'latency', ms: SLOW_PODS_MS, path: '^/api/v1/pods' }]);
    try {
      const listing = page.waitForRequest((r) => isPodsList(r.url()));
      await page.getByRole('button', { name: 'Refresh' }).click();
      const overviewList = await listing;
      // Caught here so that a timeout becomes the assertion below, not an unhandled rejection.
      const aborted = page
        .waitForEvent('requestfailed', { predicate: (r) => r === overviewList, timeout: SLOW_PODS_MS - 1000 })
        .catch(() => undefined);
      // In-app navigation (a router link, as Grafana's nav): the overview unmounts, the document stays.
      await page.getByRole('navigation', { name: /pages/ }).getByRole('link', { name: 'Nodes', exact: true }).click();
      const failed = await aborted;
      expect(failed, 'the overview’s pods LIST failed in the browser before the slowed server answered');
      expect(
        failed.failure()?.errorText === 'net::ERR_ABORTED',
        `the overview's pods LIST was aborted, got ${failed.failure()?.errorText}`
      );
      expect((await failed.response()) === null, 'the aborted LIST never delivered a response');
      await page.waitForURL(/\/nodes/);
      // The nodes page lists pods itself (slowed too) and renders its own data.
      await page.getByTestId('node-card').first().waitFor({ timeout: 30_000 });
      await page.getByTestId('last-updated').waitFor();
    } finally {
      stack!.setFaults([]);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'switching cluster cancels the old cluster’s LIST and its result never replaces the new cluster’s state',
  async ({ open, stack, createDatasource, clusterDatasource }) => {
    const settings = clusterDatasource();
    const unreachable = await createDatasource({
      ...settings,
      name: 'E2E unreachable',
      jsonData: { ...(settings.jsonData as object), clusterUrl: 'https://127.0.0.1:1' },
    });
    const polling = await pollingCluster({ createDatasource, clusterDatasource });
    const page = await open(`${APP}/overview?cluster=${polling}`, { role: 'Viewer', theme: 'light' });
    await page.getByTestId('problems-list').waitFor({ timeout: 30_000 });
    stack!.setFaults([{ type: 'latency', ms: SLOW_PODS_MS, path: '^/api/v1/pods' }]);
    try {
      const listing = page.waitForRequest((r) => isPodsList(r.url()) && r.url().includes(`/uid/${polling}/`));
      await page.getByRole('button', { name: 'Refresh' }).click();
      const demoList = await listing;
      const sentAt = Date.now();
      // Caught here so that a timeout becomes the assertion below, not an unhandled rejection.
      const aborted = page
        .waitForEvent('requestfailed', { predicate: (r) => r === demoList, timeout: SLOW_PODS_MS - 1000 })
        .catch(() => undefined);
      await page.getByRole('combobox', { name: 'Cluster' }).click();
      await page.getByRole('option', { name: 'E2E unreachable' }).click({ timeout: 5000 });
      const failed = await aborted;
      expect(failed, 'the demo cluster’s pods LIST failed in the browser before the slowed server answered');
      expect(
        failed.failure()?.errorText === 'net::ERR_ABORTED',
        `the demo cluster's pods LIST was aborted, got ${failed.failure()?.errorText}`
      );
      expect(new URL(page.url()).searchParams.get('cluster') === unreachable, 'the URL names the new cluster');

      const loadFailed = page.getByTestId('load-failed');
      await loadFailed.waitFor({ timeout: 30_000 });
      // Wait until the slowed demo LIST would have answered, then check that nothing of the demo cluster came back.
      await page.waitForTimeout(Math.max(0, sentAt + SLOW_PODS_MS + 1000 - Date.now()));
      expect(await loadFailed.isVisible(), 'the new cluster’s failure stays on screen');
      expect(
        /127\.0\.0\.1:1|reach/i.test(await loadFailed.innerText()),
        `the failure is the unreachable cluster’s: ${await loadFailed.innerText()}`
      );
      expect((await page.getByTestId('problems-list').count()) === 0, 'no demo problems list replaced it');
      expect((await page.getByTestId('last-updated').count()) === 0, 'no load of the new cluster succeeded');
      expect((await failed.response()) === null, 'the aborted LIST never delivered a response');
    } finally {
      stack!.setFaults([]);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS, [/\/api\/datasources\/proxy\/uid\/[^/]+\/k8s-read\//, 502]] }
);
