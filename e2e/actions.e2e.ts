/**
 * The write actions in the details drawer, on the demo cluster (the testbed's real control plane; kwok runs the pods):
 * an Editor scales a Deployment through the dry-run dialog and the pods follow; a Viewer sees no action; an Editor
 * whose datasource token is reader-only sees the action disabled with the ClusterRole rule it lacks.
 */
import path from 'node:path';
import { applyRbacAndReadToken } from '../testbed/src/kubeatlasAccount';
import { readerWithout } from '../integration/k8s/harness';
import { artifactsDir, expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
// The sandbox host does not ship Grafana's font files (see pages.e2e.ts).
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];
const CART = '/apis/apps/v1/namespaces/shop/deployments/cart';

const drawer = (cluster: string, detail: string) =>
  `${APP}/applications?cluster=${cluster}&detail=${encodeURIComponent(detail)}`;

test(
  'an Editor scales a Deployment from the drawer: the dialog shows the dry-run diff, then the pods follow',
  async ({ open, stack }) => {
    const api = stack!.testbed.api;
    const { spec } = await api.get<{ spec: { replicas: number } }>(CART);
    const wanted = spec.replicas + 1;
    try {
      const page = await open(drawer(CLUSTER, 'Deployment/shop/cart'), { role: 'Editor', theme: 'light' });
      const dialog = page.getByRole('dialog');
      const scale = dialog.getByTestId('action-scale');
      await scale.waitFor();
      await page.waitForFunction(
        () => !(document.querySelector('[data-testid="action-scale"]') as HTMLButtonElement | null)?.disabled,
        undefined,
        { timeout: 15_000 }
      );
      await scale.click();
      const modal = page.getByTestId('action-modal');
      await modal.getByTestId('scale-replicas').fill(String(wanted));
      const diff = modal.getByTestId('dry-run-diff');
      await page.waitForFunction(
        (expected) => {
          const text = document.querySelector('[data-testid="dry-run-diff"]')?.textContent ?? '';
          return text.includes('spec.replicas') && text.includes(expected);
        },
        `→${wanted}`,
        { timeout: 15_000 }
      );
      const text = (await diff.innerText()).replace(/\s+/g, ' ');
      expect(
        text.includes(`spec.replicas ${spec.replicas} → ${wanted}`),
        `the diff shows the replicas change: ${text}`
      );
      // The dry run changed nothing.
      expect((await api.get<{ spec: { replicas: number } }>(CART)).spec.replicas === spec.replicas, 'dry run only');
      await page.waitForFunction(
        () => !(document.querySelector('[data-testid="action-apply"]') as HTMLButtonElement | null)?.disabled
      );
      // The README's action dialog, once the button's colour transition is over.
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(artifactsDir, 'action-dialog.png') });

      await page.getByTestId('action-apply').click();
      await page.getByText(/applied\. The change shows at the next refresh/).waitFor({ timeout: 15_000 });
      expect((await api.get<{ spec: { replicas: number } }>(CART)).spec.replicas === wanted, 'the scale was applied');

      // kwok runs the new pod; after a refresh the drawer shows it.
      const deadline = Date.now() + 60_000;
      let tiles = 0;
      while (Date.now() < deadline) {
        await page.reload();
        await page.getByRole('dialog').getByTestId('summary').waitFor();
        tiles = await page.getByRole('dialog').getByTestId('pod-tile').count();
        if (tiles === wanted) {
          break;
        }
        await page.waitForTimeout(2000);
      }
      expect(tiles === wanted, `the drawer shows ${wanted} pods, got ${tiles}`);
    } finally {
      // Other specs read the demo as it was.
      stack!.testbed.kubectl(['-n', 'shop', 'scale', 'deployment/cart', `--replicas=${spec.replicas}`]);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'a Viewer sees no action in the drawer',
  async ({ open }) => {
    for (const detail of ['Deployment/shop/cart', 'Node/kwok-worker-1', 'CronJob/data/cleanup']) {
      const page = await open(drawer(CLUSTER, detail), { role: 'Viewer', theme: 'dark' });
      await page.getByRole('dialog').getByTestId('summary').waitFor();
      const controls = await page.getByTestId('write-actions').count();
      const buttons = await page
        .getByRole('button', { name: /^(Scale|Rollout restart|Cordon|Suspend|Run now)$/ })
        .count();
      expect(controls === 0 && buttons === 0, `${detail}: ${controls} action bars, ${buttons} action buttons`);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'an Editor whose token is reader-only sees the action disabled with the missing RBAC rule',
  async ({ open, stack, createDatasource, clusterDatasource }) => {
    const token = await applyRbacAndReadToken(stack!.testbed, {
      manifestYaml: readerWithout('kubeatlas-e2e-readonly', 'none.invalid', 'none'),
      namespace: 'kubeatlas-e2e-readonly',
    });
    const settings = clusterDatasource() as { secureJsonData: Record<string, string> };
    const uid = await createDatasource({
      ...settings,
      name: 'Reader-only token',
      secureJsonData: { ...settings.secureJsonData, bearerToken: token },
    });
    const page = await open(drawer(uid, 'Deployment/shop/cart'), { role: 'Editor', theme: 'dark' });
    const reason = page.getByTestId('action-reason-scale');
    await reason.waitFor({ timeout: 15_000 });
    const text = await reason.innerText();
    expect(
      text.includes('may not patch Deployment in namespace shop') &&
        text.includes('{apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}'),
      `the reason names the rule: ${text}`
    );
    expect(await page.getByTestId('action-scale').isDisabled(), 'Scale is disabled');
    expect(await page.getByTestId('action-restart').isDisabled(), 'Rollout restart is disabled');
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);
