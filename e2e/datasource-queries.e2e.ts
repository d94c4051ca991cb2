/**
 * The datasource in the sandbox against the testbed (real kube-apiserver) and real Prometheus: every Save & test line, a resource table
 * from query(), and a variable query. The connection and failure messages are in datasource.e2e.ts.
 */
import type { Page } from 'playwright-core';
import { expect, test, type TestContext } from './harness';

/** The Prometheus datasource the sandbox provisions from provisioning/datasources/kubeatlas.yaml (the stack's). */
const PROMETHEUS_UID = 'kubeatlas-prometheus';

async function createDatasource(context: TestContext, name: string): Promise<string> {
  const base = context.clusterDatasource() as { jsonData: object };
  return context.createDatasource({
    ...base,
    name,
    jsonData: { ...base.jsonData, prometheusDatasourceUid: PROMETHEUS_UID },
  });
}

async function cellTexts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allInnerTexts();
}

test(
  'Save & test shows one line per check, all passing against the real control plane and its Prometheus',
  async (context) => {
    const uid = await createDatasource(context, 'Health lines');
    const page = await context.open(`/connections/datasources/edit/${uid}`, { role: 'Admin' });
    await page.getByTestId('data-testid Data source settings page Save and Test button').click();
    const alert = page.getByTestId('data-testid Data source settings page Alert');
    await alert.waitFor({ timeout: 30_000 });
    const text = await alert.innerText();
    for (const line of [
      /✔ Kubernetes API: Reached Kubernetes v1\.\d+\.\d+/,
      /✔ TLS: Server certificate verified with the configured CA/,
      /✔ Token: The cluster accepted the bearer token/,
      /✔ Permissions: The token has every permission the pages need/,
      /✔ API groups: Every API the pages read is served/,
      /✔ kube-state-metrics: v2 series present/,
      /[✔⚠] node-exporter: /,
      /✔ cAdvisor: Container series present with pod, container and node labels/,
    ]) {
      expect(line.test(text), `Save & test shows ${line}, got:\n${text}`);
    }
  },
  // The sandbox does not serve Grafana's core Prometheus logo that the linked-datasource picker shows.
  { cluster: true, expectHttpErrors: [[/prometheus_logo\.svg$/, 404]] }
);

test(
  'a services query returns a table with ports, and a namespace filter narrows it',
  async (context) => {
    const uid = await createDatasource(context, 'Query table');
    const page = await context.open(`/sandbox/query/${uid}`, { role: 'Viewer' });
    await page.locator('#kubeatlas-resource-A').click();
    await page.getByRole('option', { name: 'services (with ports)' }).click();
    await page.locator('#kubeatlas-namespace-A').fill('shop');
    await page.getByRole('button', { name: 'Run query' }).click();
    const table = page.getByTestId('sandbox-frame');
    await table.waitFor();
    const headers = await cellTexts(page, '[data-testid="sandbox-frame"] th');
    expect(
      ['Namespace', 'Name', 'Type', 'Cluster IP', 'Ports', 'Selector', 'Created'].every((h) => headers.includes(h)),
      `service columns, got ${headers.join(', ')}`
    );
    const rows = await table.locator('tbody tr').count();
    expect(rows > 0, 'the shop namespace has services');
    const namespaces = new Set(await cellTexts(page, '[data-testid="sandbox-frame"] tbody td:first-child'));
    expect(namespaces.size === 1 && namespaces.has('shop'), `only shop services, got ${[...namespaces].join(', ')}`);
    const ports = await cellTexts(
      page,
      `[data-testid="sandbox-frame"] tbody td:nth-child(${headers.indexOf('Ports') + 1})`
    );
    expect(
      ports.some((p) => /\d+(→\S+)?\/TCP/.test(p)),
      `ports such as 80→8080/TCP, got ${ports.join(' | ')}`
    );
  },
  { cluster: true }
);

test(
  'variable queries list namespaces and the pods of a namespace',
  async (context) => {
    const uid = await createDatasource(context, 'Variables');
    const page = await context.open(`/sandbox/variables/${uid}`, { role: 'Viewer' });
    const values = async (query: string) => {
      await page.getByRole('textbox').fill(query);
      await page.getByRole('button', { name: 'Run variable query' }).click();
      const list = page.getByTestId('sandbox-variable-values');
      await list.waitFor();
      return list.locator('li').allInnerTexts();
    };
    const namespaces = await values('namespaces()');
    expect(
      ['kube-system', 'monitoring', 'shop'].every((ns) => namespaces.includes(ns)),
      `namespaces, got ${namespaces.join(', ')}`
    );
    expect([...namespaces].sort().join() === namespaces.join(), 'namespaces are sorted');
    const pods = await values('pods(shop)');
    expect(pods.length > 0 && pods.some((pod) => pod.startsWith('frontend-')), `shop pods, got ${pods.join(', ')}`);
    const deployments = await values('workloads(Deployment, shop)');
    expect(
      deployments.includes('frontend') && deployments.includes('cart'),
      `shop deployments, got ${deployments.join(', ')}`
    );
  },
  { cluster: true }
);
