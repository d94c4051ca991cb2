/**
 * UI extensions in the sandbox's emulation of Grafana's extension registry (sandbox/host/extensions.tsx): the panel
 * menu link of a pod's panel opens that pod's details in KubeAtlas, Explore's toolbar gets its link for the same
 * query, and the exposed status card renders the pod's status read from the demo cluster.
 */
import { expect, test } from './harness';

const CLUSTER = 'kubeatlas-demo';
const NAMESPACE = 'shop';
// A StatefulSet pod: its name is stable across runs of the demo scenario.
const POD = 'redis-0';
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];

test(
  'the panel menu link for a pod opens its details, and the status card shows its status',
  async ({ open, request, responses }) => {
    const raw = await request.get(
      `/api/datasources/proxy/uid/${CLUSTER}/k8s-read/api/v1/namespaces/${NAMESPACE}/pods/${POD}`
    );
    expect(raw.ok(), `the demo cluster serves pod ${NAMESPACE}/${POD} (HTTP ${raw.status()})`);
    const pod = (await raw.json()) as {
      status?: { phase?: string; containerStatuses?: Array<{ ready: boolean; restartCount: number }> };
    };
    const phase = pod.status?.phase;
    const statuses = pod.status?.containerStatuses ?? [];
    const ready = statuses.filter((status) => status.ready).length;
    const restarts = statuses.reduce((sum, status) => sum + status.restartCount, 0);
    expect(phase === 'Running' && ready === statuses.length, `the demo's ${POD} runs ready; got ${phase}`);

    const page = await open(`/sandbox/extensions?var-cluster=${CLUSTER}&namespace=${NAMESPACE}&pod=${POD}`, {
      role: 'Viewer',
    });

    // The exposed component: one GET of the pod, its status badge.
    const card = page.getByTestId('kubeatlas-status-card');
    await card.waitFor({ timeout: 30_000 });
    const cardText = await card.innerText();
    expect(cardText.includes(`Pod ${NAMESPACE}/${POD}`), `the card names the pod; got:\n${cardText}`);
    const badge = (await card.getByTestId('kubeatlas-status-card-health').innerText()).trim();
    expect(badge === phase, `the health badge shows the phase ${phase}; got ${badge}`);
    for (const fact of [`${ready}/${statuses.length} containers ready`, `${restarts} restart`]) {
      expect(cardText.includes(fact), `the card shows "${fact}" as the API does; got:\n${cardText}`);
    }

    // Cheap to embed: the card read the pod with one GET, nothing else from the cluster.
    const clusterReads = () => responses.filter((response) => response.url.includes(`/uid/${CLUSTER}/`));
    for (let i = 0; i < 20 && clusterReads().length === 0; i++) {
      await page.waitForTimeout(100);
    }
    const reads = clusterReads().map((response) => new URL(response.url).pathname);
    expect(
      reads.length === 1 && reads[0].endsWith(`/api/v1/namespaces/${NAMESPACE}/pods/${POD}`),
      `one GET of the pod; got ${JSON.stringify(reads)}`
    );

    // Explore's toolbar: its own link, for the same query.
    const explore = page.getByRole('navigation', { name: 'Explore toolbar extensions' });
    const exploreLink = explore.getByRole('link', { name: 'Open query in KubeAtlas' });
    await exploreLink.waitFor();
    const exploreHref = (await exploreLink.getAttribute('href')) ?? '';
    expect(/uel_epid=grafana%2Fexplore%2Ftoolbar%2Faction/.test(exploreHref), `tracking params; got ${exploreHref}`);

    // The panel menu: configure() read the query's namespace and pod labels and the $cluster variable.
    const menu = page.getByRole('navigation', { name: 'Panel menu extensions' });
    const link = menu.getByRole('link', { name: 'Open in KubeAtlas' });
    await link.waitFor();
    const href = (await link.getAttribute('href')) ?? '';
    const url = new URL(href, 'http://sandbox');
    expect(url.pathname === '/a/kubeatlas-kubernetes-app/applications', `the applications page; got ${href}`);
    expect(url.searchParams.get('cluster') === CLUSTER, `the cluster from $cluster; got ${href}`);
    expect(url.searchParams.get('detail') === `Pod/${NAMESPACE}/${POD}`, `the pod's details; got ${href}`);
    expect(
      url.searchParams.get('uel_pid') === 'kubeatlas-kubernetes-app' &&
        url.searchParams.get('uel_epid') === 'grafana/dashboard/panel/menu',
      `Grafana's tracking parameters; got ${href}`
    );
    expect(
      (await link.locator('xpath=..').getAttribute('title')) === `Opens pod ${NAMESPACE}/${POD} in KubeAtlas`,
      'the description configure() returned'
    );

    await link.click();
    await page.waitForURL(/\/a\/kubeatlas-kubernetes-app\/applications\?/);
    const drawerTitle = page.getByRole('heading', { name: `Pod ${NAMESPACE}/${POD}` });
    await drawerTitle.waitFor({ timeout: 30_000 });
    const summary = await page.getByTestId('summary').innerText();
    expect(summary.length > 0, 'the pod details summary renders');
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'a panel that names nothing Kubernetes gets no KubeAtlas link',
  async ({ open }) => {
    const page = await open(`/sandbox/extensions?var-cluster=${CLUSTER}&kind=Pod&name=none`, { role: 'Viewer' });
    const menu = page.getByRole('navigation', { name: 'Panel menu extensions' });
    await menu.getByText('No extensions for this context').waitFor({ timeout: 30_000 });
    // Without a namespace the card names the missing prop instead of guessing.
    const card = page.getByTestId('kubeatlas-status-card');
    await card.waitFor();
    expect(/needs its namespace/.test(await card.innerText()), 'the card names the missing namespace');
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);
