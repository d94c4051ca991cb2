/**
 * The smoke that every Grafana line the sandbox hosts runs (`npm run e2e -- --grafana <line> e2e/smoke.e2e.ts`): each
 * page of the app and the datasource loads from dist/ on that line's modules, with data from the testbed and no
 * console error (the harness fails a test on any console error, uncaught exception or failed request).
 */
import type { Page } from 'playwright-core';
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';

/** The app's own pages with what shows once each has its data. */
const appPages: Array<{ name: string; path: string; ready: (page: Page) => Promise<void> }> = [
  { name: 'Overview', path: 'overview', ready: (page) => page.getByTestId('problems-list').waitFor() },
  {
    name: 'Applications',
    path: 'applications',
    ready: (page) => page.getByTestId('appmap-workload').first().waitFor(),
  },
  { name: 'Nodes', path: 'nodes', ready: (page) => page.getByTestId('node-card').first().waitFor() },
  {
    name: 'All clusters',
    path: 'clusters',
    ready: (page) => page.getByTestId('cluster-card').getByTestId('cluster-pods').first().waitFor(),
  },
  // The layout runs in elkjs's Web Worker: the nodes on screen mean the worker loaded from dist/ on this line.
  { name: 'Topology', path: 'topology', ready: (page) => page.getByTestId('topology-node').first().waitFor() },
];

for (const appPage of appPages) {
  test(
    `${appPage.name} loads with the demo cluster's data`,
    async ({ open, settle, sandbox }) => {
      const page = await open(`${APP}/${appPage.path}?cluster=${CLUSTER}`, { role: 'Viewer' });
      await appPage.ready(page);
      await settle();
      const react = await page.evaluate(() => document.documentElement.dataset.reactVersion);
      expect(react === sandbox.host.reactVersion, `the page runs on React ${sandbox.host.reactVersion}, got ${react}`);
    },
    { cluster: true }
  );
}

test(
  "a problem's pod opens in the details drawer",
  async ({ open, settle }) => {
    const page = await open(`${APP}/overview?cluster=${CLUSTER}`, { role: 'Viewer' });
    await page.getByTestId('problems-list').getByRole('link').first().click();
    await page.getByRole('dialog').getByRole('tab').first().waitFor();
    await settle();
  },
  { cluster: true }
);

test(
  'the app configuration page loads',
  async ({ open }) => {
    const page = await open('/plugins/kubeatlas-kubernetes-app', { role: 'Admin' });
    await page.getByRole('tab').first().waitFor();
  },
  { cluster: true }
);

test(
  "the demo datasource's Save & test passes",
  async ({ open }) => {
    const page = await open(`/connections/datasources/edit/${CLUSTER}`, { role: 'Admin' });
    await page.getByTestId('data-testid Data source settings page Save and Test button').click();
    const alert = page.getByTestId('data-testid Data source settings page Alert');
    await alert.waitFor({ timeout: 30_000 });
    const text = await alert.innerText();
    expect(/Connected/.test(text) && !/failed/.test(text), `Save & test passed: ${text}`);
  },
  { cluster: true }
);

test(
  'the query editor runs a query and the extension host renders the links and status card',
  async ({ open, settle }) => {
    const query = await open(`/sandbox/query/${CLUSTER}`, { role: 'Viewer' });
    await query.getByRole('button', { name: 'Run query' }).click();
    await query.getByTestId('sandbox-frame').first().waitFor({ timeout: 30_000 });
    // A loaded card (not its warning): @grafana/ui's links inside it need the line's router to be the app's.
    const extensions = await open(`/sandbox/extensions?var-cluster=${CLUSTER}&namespace=shop&pod=redis-0`, {
      role: 'Viewer',
    });
    await extensions.getByTestId('kubeatlas-status-card-health').waitFor({ timeout: 30_000 });
    await settle();
  },
  { cluster: true }
);
