/**
 * The Topology page on the demo cluster (the testbed's real control plane, datasource `kubeatlas-demo`). Every edge on
 * the map is checked against the objects listed from the apiserver here, with the edges derived independently of
 * the app's relation table: owner references, Service selectors, Ingress backends, spec.nodeName, HPA scale targets
 * and pod volumes' claims.
 */
import type { Page } from 'playwright-core';
import type { Stack } from '../testbed/src/stack';
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const PAGE = `${APP}/topology?cluster=kubeatlas-demo`;

interface Obj {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; uid: string; controller?: boolean }>;
  };
  spec?: any;
}

const LISTS: Array<[string, string]> = [
  ['Pod', '/api/v1/pods'],
  ['Node', '/api/v1/nodes'],
  ['Service', '/api/v1/services'],
  ['Ingress', '/apis/networking.k8s.io/v1/ingresses'],
  ['Deployment', '/apis/apps/v1/deployments'],
  ['ReplicaSet', '/apis/apps/v1/replicasets'],
  ['StatefulSet', '/apis/apps/v1/statefulsets'],
  ['DaemonSet', '/apis/apps/v1/daemonsets'],
  ['Job', '/apis/batch/v1/jobs'],
  ['CronJob', '/apis/batch/v1/cronjobs'],
  ['HorizontalPodAutoscaler', '/apis/autoscaling/v2/horizontalpodautoscalers'],
  ['PersistentVolumeClaim', '/api/v1/persistentvolumeclaims'],
];

const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The edges the map should draw, from the API objects (ReplicaSets under a Deployment folded into it). */
async function expectedEdges(stack: Stack): Promise<{ edges: Set<string>; objects: Set<string> }> {
  const all: Obj[] = [];
  for (const [kind, path] of LISTS) {
    const list = await stack.testbed.api.get<{ items: Obj[] }>(path);
    all.push(...list.items.map((item) => ({ ...item, kind })));
  }
  const byUid = new Map(all.map((o) => [o.metadata.uid, o]));
  const byKey = new Map(all.map((o) => [key(o), o]));
  const ownerOf = (o: Obj) => {
    const ref = o.metadata.ownerReferences?.find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
    return ref ? byUid.get(ref.uid) : undefined;
  };
  const drawn = (o: Obj): Obj => {
    const owner = o.kind === 'ReplicaSet' ? ownerOf(o) : undefined;
    return owner?.kind === 'Deployment' ? owner : o;
  };
  const edges = new Set<string>();
  const add = (from: Obj | undefined, to: Obj | undefined) => from && to && edges.add(`${key(from)}>${key(to)}`);
  const named = (kind: string, namespace: string | undefined, name: string | undefined) =>
    name ? byKey.get(`${kind}/${namespace ?? ''}/${name}`) : undefined;
  for (const o of all) {
    const owner = ownerOf(o);
    if (owner && o.kind !== 'ReplicaSet') {
      add(drawn(owner), o);
    }
    if (o.kind === 'Pod') {
      add(o, named('Node', undefined, o.spec.nodeName));
      for (const volume of o.spec.volumes ?? []) {
        add(named('PersistentVolumeClaim', o.metadata.namespace, volume.persistentVolumeClaim?.claimName), o);
      }
    }
    if (o.kind === 'Service' && o.spec.selector) {
      for (const pod of all.filter((p) => p.kind === 'Pod' && p.metadata.namespace === o.metadata.namespace)) {
        if (Object.entries(o.spec.selector).every(([k, v]) => pod.metadata.labels?.[k] === v)) {
          const workload = ownerOf(pod);
          add(o, workload ? drawn(workload) : pod);
        }
      }
    }
    if (o.kind === 'Ingress') {
      const backends = [
        o.spec.defaultBackend,
        ...(o.spec.rules ?? []).flatMap((r: any) => r.http?.paths ?? []).map((p: any) => p.backend),
      ];
      for (const backend of backends) {
        add(o, named('Service', o.metadata.namespace, backend?.service?.name));
      }
    }
    if (o.kind === 'HorizontalPodAutoscaler') {
      const target = named(o.spec.scaleTargetRef.kind, o.metadata.namespace, o.spec.scaleTargetRef.name);
      add(o, target && drawn(target));
    }
  }
  const objects = new Set(all.filter((o) => drawn(o) === o).map(key));
  return { edges, objects };
}

async function mapEdges(page: Page): Promise<Set<string>> {
  const pairs = await page
    .getByTestId('topology-edge')
    .evaluateAll((paths) => paths.map((p) => `${p.getAttribute('data-source')}>${p.getAttribute('data-target')}`));
  return new Set(pairs);
}

async function mapNodes(page: Page): Promise<string[]> {
  return page.getByTestId('topology-node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id') ?? ''));
}

const diff = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

test(
  'the demo topology matches the API: every node and every edge',
  async ({ open, stack }) => {
    const page = await open(PAGE, { role: 'Viewer', theme: 'dark' });
    await page.getByTestId('topology-map').waitFor({ timeout: 60_000 });
    expect((await page.getByTestId('topology-status').getAttribute('data-collapse')) === 'none', 'nothing folded');
    // The map is live (watches) and the demo's CronJob spawns Jobs: compare until both sides agree on one state.
    let report = '';
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; await page.waitForTimeout(2000)) {
      const want = await expectedEdges(stack!);
      const got = await mapEdges(page);
      const nodes = new Set(await mapNodes(page));
      const missing = diff(want.edges, got);
      const extra = diff(got, want.edges);
      const missingNodes = diff(want.objects, nodes);
      const extraNodes = diff(nodes, want.objects);
      report =
        `edges expected ${want.edges.size}, on the map ${got.size}; missing ${JSON.stringify(missing)}, ` +
        `extra ${JSON.stringify(extra)}; nodes missing ${JSON.stringify(missingNodes)}, extra ${JSON.stringify(extraNodes)}`;
      if (missing.length + extra.length + missingNodes.length + extraNodes.length === 0 && want.edges.size > 0) {
        console.log(`     ${want.edges.size} edges and ${nodes.size} nodes match the API`);
        report = '';
        break;
      }
    }
    expect(report === '', report);
    // Each relation of the issue shows up at least once in the demo.
    const relations = new Set(
      await page.getByTestId('topology-edge').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-relation')))
    );
    for (const relation of ['routesTo', 'selects', 'owns', 'runsOn']) {
      expect(relations.has(relation), `a ${relation} edge is drawn; got ${[...relations].join(', ')}`);
    }
  },
  { cluster: true }
);

test(
  'clicking a node opens the details drawer; filters, grouping and the viewport round-trip through the URL',
  async ({ open }) => {
    const page = await open(PAGE, { role: 'Viewer', theme: 'light' });
    await page.getByTestId('topology-map').waitFor({ timeout: 60_000 });
    const node = page.locator('[data-testid="topology-node"][data-id^="Deployment/"]').first();
    const id = (await node.getAttribute('data-id'))!;
    const [, namespace, name] = id.split('/');
    await node.click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText(name, { exact: true }).first().waitFor();
    expect(
      new URL(page.url()).searchParams.get('detail') === `Deployment/${namespace}/${name}`,
      `detail in the URL: ${page.url()}`
    );
    await page.keyboard.press('Escape');

    // Pan: the viewport lands in the URL once the drag ends.
    const box = (await page.getByTestId('topology-map').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 80, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/[?&]view=/);

    // Group by node, then a reload keeps it: node-named groups and the radio still on Node.
    await page.getByRole('radio', { name: 'Node' }).check();
    await page.waitForURL(/[?&]group=node/);
    await page.reload();
    await page.getByTestId('topology-map').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('radio', { name: 'Node' }).isChecked(), 'grouping restored from the URL');
    const groups = await page
      .getByTestId('topology-group')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-group')));
    expect(groups.includes('Not on a node'), `groups by node: ${groups.join(', ')}`);

    // Problems only and a kind filter from the URL: only pods, each one with a problem or next to one.
    await page.getByLabel('Problems only').check({ force: true });
    await page.waitForURL(/[?&]problems=1/);
    const url = new URL(page.url());
    url.searchParams.append('kind', 'Pod');
    await page.goto(url.toString());
    await page.getByTestId('topology-map').waitFor({ timeout: 60_000 });
    const ids = await mapNodes(page);
    expect(ids.length > 0 && ids.every((i) => i.startsWith('Pod/')), `only pods: ${ids.join(', ')}`);
    const problems = await page.locator('[data-testid="topology-node"][data-problem="true"]').count();
    expect(problems === ids.length, `every pod shown has a problem (${problems} of ${ids.length})`);

    // A label filter typed in the toolbar lands in the URL.
    await page.getByLabel('Label', { exact: true }).fill('app=checkout');
    await page.waitForURL(/[?&]label=app%3Dcheckout/);
  },
  { cluster: true }
);

test(
  'the datasource topology query returns Node Graph frames whose edges join listed nodes',
  async ({ open }) => {
    const page = await open('/sandbox/query/kubeatlas-demo', { role: 'Viewer' });
    await page.getByRole('radio', { name: 'Topology (Node Graph)' }).check();
    await page.locator('#kubeatlas-namespace-A').fill('shop');
    await page.getByRole('button', { name: 'Run query' }).click();
    const frames = page.getByTestId('sandbox-frame');
    await frames.nth(1).waitFor({ timeout: 30_000 });
    expect((await frames.locator('caption').allInnerTexts()).join(',') === 'nodes,edges', 'a nodes and an edges frame');
    const column = async (frame: number, header: string) => {
      const headers = await frames.nth(frame).locator('th').allInnerTexts();
      const index = headers.indexOf(header);
      expect(index >= 0, `column ${header} in ${headers.join(', ')}`);
      return frames
        .nth(frame)
        .locator(`tbody tr td:nth-child(${index + 1})`)
        .allInnerTexts();
    };
    const ids = new Set(await column(0, 'id'));
    const sources = await column(1, 'source');
    const targets = await column(1, 'target');
    expect(sources.length > 0, 'the shop namespace has edges');
    expect(
      [...sources, ...targets].every((id) => ids.has(id)),
      'every edge joins two listed nodes'
    );
    const nonShop = [...ids].filter((id) => !id.startsWith('Node/') && !id.split('/')[1].startsWith('shop'));
    expect(nonShop.length === 0, `only shop objects and their nodes: ${nonShop.join(', ')}`);
  },
  { cluster: true }
);
