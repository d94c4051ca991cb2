/**
 * Write access per Grafana edition (docs/editions.md), on the demo cluster through the sandbox's proxy:
 * - OSS: an Editor holds the plugin role's permission and cordons a node; the scale action is enabled too.
 * - Enterprise, the role taken from the Editor: the actions show disabled with the reason, the cluster is not asked,
 *   and a forced request through the proxy gets Grafana's 403 and changes nothing.
 * - A Viewer sees no action on either edition, and the proxy refuses it too.
 * The page's `?edition=` and `?revoke=` choose the case (sandbox/server/sandboxUser.ts).
 */
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
const WRITE = 'kubeatlas-kubernetes-datasource.resources:write';
const NODE = 'kwok-worker-1';
// The sandbox host does not ship Grafana's font files (see pages.e2e.ts).
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];
const FORCED = `/api/datasources/proxy/uid/${CLUSTER}/k8s-patch/api/v1/nodes/${NODE}`;

const drawer = (detail: string, access: string) =>
  `${APP}/applications?cluster=${CLUSTER}&detail=${encodeURIComponent(detail)}&${access}`;

/** A browser-side predicate (plain JavaScript): the button is there and enabled. */
const enabled = (testId: string) => `document.querySelector('[data-testid="${testId}"]')?.disabled === false`;

test(
  'OSS: an Editor cordons a node (and may scale) through the plugin role granted to Editor',
  async ({ open, stack }) => {
    const api = stack!.testbed.api;
    try {
      const page = await open(drawer(`Node/${NODE}`, 'edition=oss'), { role: 'Editor', theme: 'light' });
      const cordon = page.getByRole('dialog').getByTestId('action-cordon');
      await cordon.waitFor();
      await page.waitForFunction(enabled('action-cordon'), undefined, { timeout: 15_000 });
      await cordon.click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="dry-run-diff"]')?.textContent?.includes('spec.unschedulable'),
        undefined,
        { timeout: 15_000 }
      );
      await page.waitForFunction(enabled('action-apply'));
      await page.getByTestId('action-apply').click();
      await page.getByText(/applied\. The change shows at the next refresh/).waitFor({ timeout: 15_000 });
      const node = await api.get<{ spec: { unschedulable?: boolean } }>(`/api/v1/nodes/${NODE}`);
      expect(node.spec.unschedulable === true, 'the node is cordoned');

      const workload = await open(drawer('Deployment/shop/cart', 'edition=oss'), { role: 'Editor' });
      await workload.getByRole('dialog').getByTestId('action-scale').waitFor();
      await workload.waitForFunction(enabled('action-scale'), undefined, { timeout: 15_000 });
    } finally {
      // Other specs read the demo as it was.
      stack!.testbed.kubectl(['uncordon', NODE]);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'Enterprise, the role taken from an Editor: actions disabled with the reason; a forced request gets 403',
  async ({ open, request, responses, stack }) => {
    const page = await open(drawer(`Node/${NODE}`, `edition=enterprise&revoke=${WRITE}`), { role: 'Editor' });
    const reason = page.getByRole('dialog').getByTestId('action-reason-grafana');
    await reason.waitFor({ timeout: 15_000 });
    const text = await reason.innerText();
    expect(
      text.includes(`lacks the permission ${WRITE}`) && text.includes('"Cluster operator"'),
      `the reason names the permission and the role: ${text}`
    );
    expect(await page.getByTestId('action-cordon').isDisabled(), 'Cordon is disabled');
    expect(
      !responses.some((response) => response.url.includes('selfsubjectaccessreviews')),
      'the cluster is not asked what the token may do'
    );

    // The page's cookies are the request context's: the same user, forcing the write the button would send.
    const forced = await request.patch(FORCED, {
      headers: { 'content-type': 'application/merge-patch+json' },
      data: '{"spec":{"unschedulable":true}}',
    });
    expect(forced.status() === 403, `the proxy refuses: ${forced.status()}`);
    expect((await forced.text()).includes('plugin proxy route access denied'), 'with Grafana’s message');
    const node = await stack!.testbed.api.get<{ spec: { unschedulable?: boolean } }>(`/api/v1/nodes/${NODE}`);
    expect(node.spec.unschedulable !== true, 'the node was not cordoned');
  },
  { cluster: true, expectHttpErrors: [FONTS, [/\/k8s-patch\//, 403]] }
);

test(
  'a Viewer sees no action on OSS or Enterprise, and the proxy refuses its write',
  async ({ open, request }) => {
    for (const edition of ['oss', 'enterprise']) {
      const page = await open(drawer(`Node/${NODE}`, `edition=${edition}`), { role: 'Viewer' });
      await page.getByRole('dialog').getByTestId('summary').waitFor();
      expect((await page.getByTestId('write-actions').count()) === 0, `${edition}: no action bar`);
      const forced = await request.patch(FORCED, {
        headers: { 'content-type': 'application/merge-patch+json' },
        data: '{"spec":{"unschedulable":true}}',
      });
      expect(forced.status() === 403, `${edition}: the proxy refuses the Viewer: ${forced.status()}`);
    }
  },
  { cluster: true, expectHttpErrors: [FONTS, [/\/k8s-patch\//, 403]] }
);
