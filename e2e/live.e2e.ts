/**
 * The pages on watches (src/pages/state/liveCluster.ts) against the testbed's real kube-apiserver: changes show
 * without a refresh and without a LIST, the tabs of one Grafana share the held watches, and Grafana's own requests
 * still get a connection while they run.
 */
import type { Page, Request } from 'playwright-core';
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];
const NAMESPACE = 'live-e2e';

const isWatch = (url: string) => /\/k8s-read\/.*[?&]watch=1/.test(url);
const isHeldWatch = (url: string) => isWatch(url) && !/[?&]timeoutSeconds=1(&|$)/.test(url);
const isList = (url: string) => /\/k8s-read\//.test(url) && !isWatch(url);

/** Requests that are open now (sent, not finished), per page. */
function track(page: Page) {
  const open = new Set<Request>();
  const all: string[] = [];
  page.on('request', (r) => {
    all.push(r.url());
    open.add(r);
  });
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  return { open, all };
}

async function livePhase(page: Page): Promise<string | null> {
  return page.getByTestId('live-indicator').getAttribute('data-phase');
}

test(
  'a scaled Deployment’s new pods show within seconds, with no refresh and no LIST after the first load',
  async ({ open, stack }) => {
    const kubectl = stack!.testbed.kubectl.bind(stack!.testbed);
    kubectl(['create', 'namespace', NAMESPACE]);
    try {
      kubectl(['-n', NAMESPACE, 'create', 'deployment', 'live-web', '--image=registry.example/web:1', '--replicas=1']);
      kubectl(['-n', NAMESPACE, 'rollout', 'status', 'deployment/live-web', '--timeout=60s']);
      const page = await open(`${APP}/applications?cluster=${CLUSTER}&namespace=${NAMESPACE}`, { role: 'Viewer' });
      const requests = track(page);
      const workload = page.locator('[data-testid="appmap-workload"][data-name="live-web"]');
      await workload.getByTestId('pod-tile').first().waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="live-indicator"]')?.getAttribute('data-phase') === 'live',
        undefined,
        { timeout: 30_000 }
      );
      const listsBefore = requests.all.filter(isList).length;

      const scaledAt = Date.now();
      kubectl(['-n', NAMESPACE, 'scale', 'deployment/live-web', '--replicas=4']);
      await page.waitForFunction(
        () =>
          document.querySelectorAll('[data-testid="appmap-workload"][data-name="live-web"] [data-testid="pod-tile"]')
            .length === 4,
        undefined,
        { timeout: 20_000 }
      );
      const onScreenMs = Date.now() - scaledAt;
      console.log(`     scale 1 → 4: four pod tiles on screen ${onScreenMs} ms after kubectl scale returned`);
      await page.waitForFunction(
        () =>
          /desired 4/.test(
            document.querySelector('[data-testid="appmap-workload"][data-name="live-web"] [data-testid="replicas"]')
              ?.textContent ?? ''
          ),
        undefined,
        { timeout: 20_000 }
      );
      const lists = requests.all.slice(0).filter(isList).length - listsBefore;
      expect(lists === 0, `no LIST after the first load, got ${lists}`);
      expect(requests.all.some(isHeldWatch), 'the page holds watches');
      expect((await livePhase(page)) === 'live', 'the indicator still says live');

      kubectl(['-n', NAMESPACE, 'delete', 'deployment', 'live-web', '--wait=false']);
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="appmap-workload"][data-name="live-web"]').length === 0,
        undefined,
        { timeout: 20_000 }
      );
    } finally {
      kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'three tabs share the held watches, and a Prometheus query from a tab completes while they run',
  async ({ open }) => {
    const pages: Page[] = [];
    const tracked: Array<ReturnType<typeof track>> = [];
    for (const route of ['overview', 'applications', 'nodes']) {
      const page = await open(`${APP}/${route}?cluster=${CLUSTER}`, { role: 'Viewer' });
      tracked.push(track(page));
      pages.push(page);
      await page.getByTestId('live-indicator').waitFor({ timeout: 30_000 });
    }
    await pages[2].waitForFunction(
      () => document.querySelector('[data-testid="live-indicator"]')?.getAttribute('data-phase') !== 'connecting',
      undefined,
      { timeout: 30_000 }
    );
    await pages[2].waitForTimeout(2000);
    const held = tracked.flatMap((t) => [...t.open].filter((r) => isHeldWatch(r.url())));
    expect(held.length <= 3, `at most 3 held watches for all tabs, got ${held.length}: ${held.map((r) => r.url())}`);
    const phases = await Promise.all(pages.map(livePhase));
    expect(phases[0] === 'live', `the first tab watches: ${phases}`);

    const started = Date.now();
    const answer = await pages[2].evaluate(async () => {
      const response = await fetch('/api/datasources/proxy/uid/kubeatlas-prometheus/api/v1/query?query=up', {
        headers: { 'X-Grafana-Org-Id': '1' },
      });
      return { status: response.status, body: await response.text() };
    });
    const ms = Date.now() - started;
    console.log(`     a Prometheus query from the third tab answered in ${ms} ms beside ${held.length} held watches`);
    expect(answer.status === 200 && /"status":"success"/.test(answer.body), `the query answered: ${answer.status}`);
    expect(ms < 10_000, `the query did not wait for a free connection (${ms} ms)`);
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);
