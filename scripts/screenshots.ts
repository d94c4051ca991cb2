/**
 * The README screenshots: `npm run build && npx tsx scripts/screenshots.ts`. Starts the testbed demo cluster and the
 * sandbox through the e2e harness (e2e/harness.ts), opens the built plugin in headless Chromium at 1440×900 in the
 * dark theme and writes viewport PNGs into docs/screenshots/. The scale dialog is shown, never confirmed.
 */
import path from 'node:path';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { Environment, registeredTests, setCurrentFile, test, type TestContext } from '../e2e/harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
const OUT = path.resolve(__dirname, '../docs/screenshots');
// The sandbox host does not ship Grafana's font files (see e2e/pages.e2e.ts).
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];

async function shoot(context: TestContext, page: Page, name: string): Promise<void> {
  await context.settle();
  await page.screenshot({ path: path.join(OUT, name) });
  console.log(`wrote docs/screenshots/${name}`);
}

async function openWide(context: TestContext, pathname: string, role: 'Viewer' | 'Editor'): Promise<Page> {
  const page = await context.open(pathname, { role, theme: 'dark' });
  await page.setViewportSize({ width: 1440, height: 900 });
  return page;
}

/** Waits until the map's node positions are the same on two reads 500 ms apart (the layout has settled). */
async function waitForLayout(page: Page): Promise<void> {
  const positions = () =>
    page
      .getByTestId('topology-node')
      .evaluateAll((nodes) => nodes.map((n) => JSON.stringify(n.getBoundingClientRect())).join());
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = await positions();
    if (now === last) {
      return;
    }
    last = now;
    await page.waitForTimeout(500);
  }
  throw new Error('the topology layout did not settle in 20 s');
}

setCurrentFile(__filename);

test(
  'screenshots',
  async (context) => {
    fs.mkdirSync(OUT, { recursive: true });

    const overview = await openWide(context, `${APP}/overview?cluster=${CLUSTER}`, 'Viewer');
    await overview.getByText('Nodes ready').waitFor({ timeout: 30_000 });
    await shoot(context, overview, 'overview.png');

    const topology = await openWide(context, `${APP}/topology?cluster=${CLUSTER}`, 'Viewer');
    await topology.getByTestId('topology-node').first().waitFor({ timeout: 30_000 });
    await context.settle();
    await waitForLayout(topology);
    await shoot(context, topology, 'topology.png');

    const applications = await openWide(context, `${APP}/applications?cluster=${CLUSTER}`, 'Viewer');
    await applications.getByText(/desired \d+ · ready/).first().waitFor({ timeout: 30_000 });
    await shoot(context, applications, 'applications.png');

    const pods = await context.stack!.testbed.api.get<{ items: Array<{ metadata: { name: string } }> }>(
      '/api/v1/namespaces/shop/pods'
    );
    const pod = pods.items.map((p) => p.metadata.name).find((name) => name.startsWith('frontend-'));
    if (!pod) {
      throw new Error('the demo cluster has no shop/frontend-* pod: is the testbed demo seeded (testbed/src)?');
    }
    const detail = encodeURIComponent(`Pod/shop/${pod}`);
    const logs = await openWide(context, `${APP}/applications?cluster=${CLUSTER}&detail=${detail}&tab=logs`, 'Viewer');
    await logs.getByRole('dialog').getByTestId('log-lines').getByTestId('log-line').first().waitFor({ timeout: 30_000 });
    await shoot(context, logs, 'logs.png');

    // Opened as in e2e/actions.e2e.ts; the dry-run diff is the state shown, Apply is never pressed.
    const action = await openWide(
      context,
      `${APP}/applications?cluster=${CLUSTER}&detail=${encodeURIComponent('Deployment/shop/cart')}`,
      'Editor'
    );
    // Enabled once the access review has answered.
    const scale = action.getByRole('dialog').locator('[data-testid="action-scale"]:not([disabled])');
    await scale.waitFor({ timeout: 30_000 });
    await scale.click();
    const modal = action.getByTestId('action-modal');
    const replicas = modal.getByTestId('scale-replicas');
    await replicas.fill(String(Number(await replicas.inputValue()) + 1));
    await action.waitForFunction(
      () => (document.querySelector('[data-testid="dry-run-diff"]')?.textContent ?? '').includes('spec.replicas'),
      undefined,
      { timeout: 15_000 }
    );
    await shoot(context, action, 'action-dialog.png');
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

async function main(): Promise<void> {
  const environment = new Environment();
  await environment.start();
  try {
    for (const registered of registeredTests) {
      await environment.run(registered);
    }
  } finally {
    const leaks = await environment.stop();
    if (leaks.length > 0) {
      throw new Error(`a secret of the run in ${leaks.join('; ')}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  }
);
