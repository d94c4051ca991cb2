import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test, type TestContext } from './harness';

const SAVE_AND_TEST = 'data-testid Data source settings page Save and Test button';
const ALERT = 'data-testid Data source settings page Alert';
const PROXY = /\/api\/datasources\/proxy\//;

const datasourceJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../dist/datasource/plugin.json'), 'utf8')) as {
  routes: Array<{ path: string; method?: string; reqRole?: string; reqAction?: string }>;
};

async function saveAndTest(page: Page): Promise<string> {
  await page.getByTestId(SAVE_AND_TEST).click();
  const alert = page.getByTestId(ALERT);
  await alert.waitFor({ timeout: 30_000 });
  return alert.innerText();
}

async function createAndOpen(
  context: TestContext,
  overrides: { jsonData?: object; secureJsonData?: object; name: string }
) {
  const base = context.clusterDatasource() as { jsonData: object; secureJsonData: object };
  const uid = await context.createDatasource({
    ...base,
    name: overrides.name,
    jsonData: { ...base.jsonData, ...overrides.jsonData },
    secureJsonData: { ...base.secureJsonData, ...overrides.secureJsonData },
  });
  const page = await context.open(`/connections/datasources/edit/${uid}`, { role: 'Admin' });
  await page.getByTestId(SAVE_AND_TEST).waitFor();
  return { uid, page };
}

test(
  'Save & test passes against the real control plane (kube-apiserver 1.34)',
  async (context) => {
    const { page } = await createAndOpen(context, { name: 'Testbed' });
    const text = await saveAndTest(page);
    expect(/Connected/.test(text) && !/failed/.test(text), `the health check passes, got: ${text}`);
    expect(/v1\.34\.\d+/.test(text), `the server's real version is shown, got: ${text}`);
  },
  { cluster: true }
);

test(
  'Save & test with a wrong token names the token as the cause',
  async (context) => {
    const { page } = await createAndOpen(context, {
      name: 'Wrong token',
      secureJsonData: { bearerToken: 'not-the-token' },
    });
    const text = await saveAndTest(page);
    expect(/rejected the bearer token/i.test(text), `the token message is shown, got: ${text}`);
  },
  { cluster: true, expectHttpErrors: [[PROXY, 400]] }
);

test(
  'Save & test against an unreachable URL names reachability as the cause',
  async (context) => {
    const { page } = await createAndOpen(context, {
      name: 'Unreachable',
      jsonData: { clusterUrl: 'https://127.0.0.1:1' },
    });
    const text = await saveAndTest(page);
    expect(/could not reach https:\/\/127\.0\.0\.1:1/i.test(text), `the reachability message is shown, got: ${text}`);
  },
  { cluster: true, expectHttpErrors: [[PROXY, 502]] }
);

test(
  'a Viewer gets 403 from every write route while an Editor gets through to the cluster',
  async (context) => {
    const writeRoutes = datasourceJson.routes.filter((route) => route.reqRole || route.reqAction);
    expect(writeRoutes.length > 0, 'the datasource declares role-gated write routes');
    const uid = await context.createDatasource({ ...context.clusterDatasource(), name: 'Write routes' });
    const attempt = async (role: 'Viewer' | 'Editor', route: { path: string; method?: string }) => {
      await context.request.get(`/?role=${role}`);
      const method = !route.method || route.method === '*' ? 'PATCH' : route.method;
      return context.request.fetch(
        `/api/datasources/proxy/uid/${uid}/${route.path}/api/v1/namespaces/default/configmaps/e2e-absent`,
        {
          method,
          headers: { 'content-type': 'application/merge-patch+json' },
          data: method === 'DELETE' ? undefined : '{}',
        }
      );
    };
    for (const route of writeRoutes) {
      const viewer = await attempt('Viewer', route);
      expect(viewer.status() === 403, `Viewer ${route.method} ${route.path} → ${viewer.status()}`);
      expect(
        ((await viewer.json()) as { message: string }).message === 'plugin proxy route access denied',
        "Grafana's denial message"
      );
      // Through Grafana's gate the cluster answers itself (a Kubernetes Status: not found, or forbidden by its RBAC).
      const editor = await attempt('Editor', route);
      const body = await editor.text();
      expect(
        /"kind":\s*"Status"/.test(body),
        `Editor ${route.method} ${route.path} reaches the cluster: ${editor.status()} ${body.slice(0, 200)}`
      );
    }
  },
  { cluster: true }
);

test(
  'no response and no page source carries the bearer token or a private key',
  async (context) => {
    const privateKey =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-e2e-canary\n-----END PRIVATE KEY-----';
    const token = context.stack!.token;
    const { uid, page } = await createAndOpen(context, {
      name: 'Secrets',
      secureJsonData: { tlsClientKey: privateKey, tlsClientCert: 'unused' },
    });
    await saveAndTest(page);
    const pages = [page];
    for (const pathname of [
      '/a/kubeatlas-kubernetes-app',
      `/sandbox/query/${uid}`,
      '/plugins/kubeatlas-kubernetes-app',
      '/connections/datasources',
    ]) {
      const opened = await context.open(pathname, { role: 'Admin' });
      await opened.waitForLoadState('load');
      await context.settle();
      pages.push(opened);
    }
    // A PEM private key block with key material after its header (placeholders such as Grafana's TLS editor hint have none).
    const pemKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16,}/;
    const leaks = (text: string) => text.includes(token) || pemKey.test(text) || text.includes('e2e-canary');
    expect(context.responses.length > 10, `responses were recorded (${context.responses.length})`);
    const leaking = context.responses.filter((response) => leaks(response.body)).map((response) => response.url);
    expect(leaking.length === 0, `responses carrying a secret: ${leaking.join(', ')}`);
    for (const opened of pages) {
      expect(!leaks(await opened.content()), `the page source of ${opened.url()} carries a secret`);
    }
  },
  // The app may open on this datasource, whose client key is a canary and not a key: its proxy requests fail (502).
  { cluster: true, expectHttpErrors: [[/\/api\/datasources\/proxy\/uid\/sandbox-[^/]+\/k8s-read\//, 502]] }
);
