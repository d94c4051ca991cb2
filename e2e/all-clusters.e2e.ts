/**
 * The All clusters page with the demo cluster (provisioned `kubeatlas-demo`), a datasource whose cluster URL nothing
 * listens on, and one whose token the cluster rejects: the good one shows the figures the API server gives, each bad
 * one its own cause and fix, and a click opens the good one's Overview.
 */
import type { Page } from 'playwright-core';
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
const PROXY_OF = (uid: string) => new RegExp(`/api/datasources/proxy/uid/${uid}/`);

interface Condition {
  type: string;
  status: string;
}
interface Listed<T> {
  items: T[];
}
type Node = { status?: { conditions?: Condition[] } };
type Pod = { metadata: { deletionTimestamp?: string }; status?: { phase?: string } };

/** The figures as the page prints them, from the card's data attributes. */
async function cardFigures(page: Page, uid: string): Promise<string> {
  const card = page.locator(`[data-testid="cluster-card"][data-cluster="${uid}"]`);
  await card.getByTestId('cluster-pods').waitFor({ timeout: 60_000 });
  const nodes = (await card.getByTestId('cluster-nodes').innerText()).replace(/\s+/g, ' ');
  const phases = await card
    .locator('[data-phase]')
    .evaluateAll((spans) => spans.map((s) => `${s.getAttribute('data-phase')}=${s.getAttribute('data-count')}`));
  const total = await card.getByTestId('cluster-pods').getAttribute('data-total');
  return `${nodes.replace('Nodes ready ', 'nodes ')} pods ${total} ${phases.join(' ')}`;
}

/** The same figures counted from full LISTs of the API server, as the Overview counts them. */
async function apiFigures(kubeGet: <T>(path: string) => Promise<T>): Promise<string> {
  const [nodes, pods] = await Promise.all([
    kubeGet<Listed<Node>>('/api/v1/nodes'),
    kubeGet<Listed<Pod>>('/api/v1/pods'),
  ]);
  const ready = nodes.items.filter((n) =>
    n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
  ).length;
  const phases = new Map<string, number>([['Running', 0]]);
  let terminating = 0;
  for (const pod of pods.items) {
    if (pod.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(pod.status?.phase ?? '')) {
      terminating++;
    } else {
      phases.set(pod.status?.phase ?? 'Unknown', (phases.get(pod.status?.phase ?? 'Unknown') ?? 0) + 1);
    }
  }
  const order = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'];
  const listed = order.filter((p) => p === 'Running' || phases.get(p)).map((p) => `${p}=${phases.get(p)}`);
  if (terminating) {
    listed.push(`Terminating=${terminating}`);
  }
  return `nodes ${ready}/${nodes.items.length} pods ${pods.items.length} ${listed.join(' ')}`;
}

test(
  'all clusters: real figures for the demo cluster, each failing cluster its own cause, a click opens the Overview',
  async ({ open, stack, createDatasource, clusterDatasource }) => {
    const settings = clusterDatasource() as { jsonData: Record<string, unknown>; secureJsonData: object };
    const stamp = Date.now();
    const unreachable = await createDatasource({
      ...settings,
      name: `E2E unreachable ${stamp}`,
      jsonData: { ...settings.jsonData, clusterUrl: 'https://127.0.0.1:9' },
    });
    const wrongToken = await createDatasource({
      ...settings,
      name: `E2E wrong token ${stamp}`,
      secureJsonData: { ...settings.secureJsonData, bearerToken: 'not-the-token' },
    });
    const kubeGet = <T>(path: string) => stack!.kubeGet<T>(path);

    const page = await open(`${APP}/clusters`, { role: 'Viewer', theme: 'dark' });
    // The demo's Jobs may still be making pods: the page and the API are compared until they agree (a reload
    // refreshes the page, which otherwise asks again only after 60 s).
    let shown = '';
    let counted = '';
    for (let attempt = 0; attempt < 4; attempt++) {
      shown = await cardFigures(page, CLUSTER);
      counted = await apiFigures(kubeGet);
      if (shown === counted) {
        break;
      }
      await page.waitForTimeout(3000);
      await page.reload();
    }
    expect(shown === counted, `the demo card shows the API's figures: page "${shown}", API "${counted}"`);
    expect(/nodes 4\/5/.test(shown), `the demo's NotReady node counts against ready nodes, got ${shown}`);

    const demo = page.locator(`[data-testid="cluster-card"][data-cluster="${CLUSTER}"]`);
    const version = (await kubeGet<{ gitVersion: string }>('/version')).gitVersion;
    const versionText = await demo.getByTestId('cluster-version').innerText();
    expect(versionText.includes(version), `the card names Kubernetes ${version}, got ${versionText}`);
    const problems = demo.getByTestId('cluster-problems');
    const problemText = await problems.innerText();
    expect(
      /NotReady nodes\s*1/.test(problemText) && /CrashLoopBackOff\s*[1-9]/.test(problemText),
      `the NotReady node and the crash loops are counted, got ${problemText}`
    );
    expect(Number(await problems.getAttribute('data-critical')) >= 2, 'they count as critical');
    expect(/Refreshed .*ago/.test(await demo.getByTestId('cluster-refreshed').innerText()), 'the refresh time shows');

    const failure = async (uid: string) => {
      const alert = page.locator(`[data-testid="cluster-card"][data-cluster="${uid}"]`).getByTestId('cluster-failed');
      await alert.waitFor({ timeout: 60_000 });
      return alert.innerText();
    };
    const refused = await failure(unreachable);
    expect(
      /could not reach the cluster/i.test(refused) && /Check the cluster URL/.test(refused),
      `the unreachable cluster names the cause and the fix, got ${refused}`
    );
    const rejected = await failure(wrongToken);
    expect(
      /rejected the datasource token/.test(rejected) && /Paste a valid service-account token/.test(rejected),
      `the rejected token names the cause and the fix, got ${rejected}`
    );
    expect((await demo.getByTestId('cluster-failed').count()) === 0, 'the demo card shows no error of the others');

    await demo.getByTestId('cluster-link').click();
    await page.waitForURL(/\/overview\?cluster=kubeatlas-demo/);
    await page.getByTestId('stat-nodes').waitFor({ timeout: 30_000 });
    const picker = await page.getByRole('combobox', { name: 'Cluster' }).inputValue();
    expect(picker === 'KubeAtlas demo cluster', `the Overview has the demo cluster selected, got ${picker}`);
    const overviewNodes = (await page.getByTestId('stat-nodes').innerText()).replace(/\s+/g, ' ');
    expect(overviewNodes.includes(shown.split(' ')[1]), `the Overview agrees: ${overviewNodes} against ${shown}`);
  },
  {
    cluster: true,
    expectHttpErrors: [
      [PROXY_OF('[^/]+'), 502],
      [PROXY_OF('[^/]+'), 400],
      [/\/public\/fonts\//, 404],
    ],
  }
);

test(
  'all clusters: a failed refresh keeps the last good figures with their age and names the cause',
  async ({ open, stack }) => {
    const page = await open(`${APP}/clusters`, { role: 'Viewer', theme: 'light' });
    const demo = page.locator(`[data-testid="cluster-card"][data-cluster="${CLUSTER}"]`);
    await demo.getByTestId('cluster-nodes').waitFor({ timeout: 60_000 });
    const before = await demo.getByTestId('cluster-nodes').innerText();
    stack!.setFaults([{ type: 'forbidden', resource: 'nodes' }]);
    try {
      // The next refresh is due 60 s after the first ended.
      const banner = demo.getByTestId('refresh-failed');
      await banner.waitFor({ timeout: 90_000 });
      const text = await banner.innerText();
      expect(
        /may not list Node/.test(text) && /resources: \["nodes"\]/.test(text) && /Data shown is from/.test(text),
        `the banner names the missing rule and the data's time, got ${text}`
      );
      expect((await demo.getByTestId('cluster-nodes').innerText()) === before, 'the last good figures stay');
      expect(/ago\)/.test(await demo.getByTestId('cluster-refreshed').innerText()), 'with their age');
    } finally {
      stack!.setFaults([]);
    }
  },
  {
    cluster: true,
    // The first test's failing datasources are still there (the sandbox keeps datasources for the whole run).
    expectHttpErrors: [
      [PROXY_OF('[^/]+'), 403],
      [PROXY_OF('[^/]+'), 502],
      [PROXY_OF('[^/]+'), 400],
      [/\/public\/fonts\//, 404],
    ],
  }
);
