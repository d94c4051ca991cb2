/**
 * The app pages on the demo cluster (simulator scenario `demo`, provisioned as datasource `kubeatlas-demo`).
 * Without a Prometheus in this run, the pages must still work from the API and say which figures are missing.
 */
import type { Page } from 'playwright-core';
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
// No Prometheus runs in the e2e environment: its proxy answers with an error the pages must explain, not hide.
const PROMETHEUS_PROXY: Array<[RegExp, number]> = [
  [/\/api\/datasources\/proxy\/uid\/kubeatlas-prometheus\//, 502],
  [/\/api\/datasources\/proxy\/uid\/kubeatlas-prometheus\//, 500],
  [/\/api\/datasources\/proxy\/uid\/kubeatlas-prometheus\//, 400],
];

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
        const data = Object.entries(row.dataset).map(([k, v]) => `${k}=${v}`).join(' ');
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
    const problems = (await collectVirtualRows(page, 'problems-list', '[data-testid="problem"]')).join('\n');
    const expectProblem = (pattern: RegExp, what: string) => expect(pattern.test(problems), `${what} is listed; got:\n${problems}`);
    expectProblem(/type=NodeNotReady .*NotReady/, 'the NotReady node');
    expectProblem(/type=NodePressure .*MemoryPressure/, 'the node under MemoryPressure');
    expectProblem(/type=CrashLoopBackOff .*checkout.*OOMKilled/, 'the crashlooping checkout pod with its OOMKilled last termination');
    expectProblem(/type=ImagePull .*(ImagePullBackOff|ErrImagePull).*recommendations/, 'the image pull failure');
    expectProblem(/type=Unschedulable .*fraud-detector.*Insufficient/, 'the unschedulable pod with the FailedScheduling message');
    expectProblem(/type=WorkloadUnavailable .*frontend/, 'the deployment with unavailable replicas');
    expectProblem(/type=JobFailed /, 'the failed Job');
    expectProblem(/type=WarningEvent /, 'a recent Warning event');
    const nodes = await page.getByTestId('stat-nodes').innerText();
    expect(/\d+\/\d+/.test(nodes), `nodes ready/total shown: ${nodes}`);
    await page.getByTestId('missing-figures').waitFor();
  },
  { simulator: true, expectHttpErrors: PROMETHEUS_PROXY }
);
