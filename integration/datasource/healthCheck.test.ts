/**
 * @jest-environment node
 *
 * Save & test (src/datasource/healthCheck.ts) against the real simulator, through the sandbox's emulation of Grafana's
 * datasource proxy with the routes of src/datasource/plugin.json — the browser's path — and straight over HTTPS where
 * a transport error must be seen as it is (TLS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import type { RunningSimulator } from '../../simulator/src/main';
import { K8sClient } from '../../src/k8s/client';
import { nodeHttpFetch } from '../../src/k8s/nodeHttp';
import { directRoutes } from '../../src/k8s/routes';
import type { HealthStep } from '../../src/datasource/health';
import { runHealthCheck } from '../../src/datasource/healthCheck';
import { simulator, throughProxy, type ProxyOptions } from '../k8s/harness';

const REPO = path.resolve(__dirname, '../..');
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const noPrometheus = async () => {
  throw new Error('no Prometheus in this test');
};

async function checkThroughProxy(
  options: ProxyOptions = {},
  clusterUrl = sim.url
): Promise<Record<string, HealthStep>> {
  const transport = await throughProxy(sim, options);
  try {
    const steps = await runHealthCheck({
      client: transport.client().client,
      settings: { clusterUrl, tlsAuthWithCACert: true },
      queryPrometheus: noPrometheus,
    });
    return Object.fromEntries(steps.map((s) => [s.title, s]));
  } finally {
    await transport.close();
  }
}

describe('Save & test against the simulator', () => {
  it('passes every Kubernetes check for the kubeatlas ServiceAccount of deploy/kubernetes', async () => {
    const steps = await checkThroughProxy();
    expect(steps['Kubernetes API']).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/Reached Kubernetes v1\.\d+\.\d+/),
    });
    expect(steps.TLS.status).toBe('pass');
    expect(steps.Token.status).toBe('pass');
    expect(steps.Permissions.status).toBe('pass');
    expect(steps['API groups'].status).toBe('pass');
    expect(steps.Prometheus).toMatchObject({ status: 'warn', detail: 'No Prometheus datasource is linked.' });
  });

  it("names the token when the cluster rejects it (Grafana's 400 for the cluster's 401)", async () => {
    const steps = await checkThroughProxy({ env: { KUBEATLAS_TOKEN: 'not-the-token' } });
    expect(steps.Token).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('Authentication to data source failed'),
    });
    expect(steps.Permissions).toBeUndefined();
  });

  it('names reachability and TLS when nothing answers', async () => {
    const steps = await checkThroughProxy(
      { env: { KUBEATLAS_CLUSTER_URL: 'https://127.0.0.1:1' } },
      'https://127.0.0.1:1'
    );
    expect(steps['Kubernetes API']).toMatchObject({
      status: 'fail',
      detail: 'Grafana could not reach https://127.0.0.1:1 or could not complete the TLS handshake.',
    });
    expect(steps.TLS.fix).toContain("'Add self-signed certificate'");
  });

  it('explains an untrusted server certificate seen by the client itself', async () => {
    const client = new K8sClient({
      routes: directRoutes(sim.url),
      headers: { Authorization: `Bearer ${sim.token}` },
      fetch: nodeHttpFetch(), // no CA: the simulator's certificate is not trusted
    });
    const steps = await runHealthCheck({ client, settings: { clusterUrl: sim.url }, queryPrometheus: noPrometheus });
    const tls = steps.find((s) => s.title === 'TLS')!;
    expect(tls.status).toBe('fail');
    expect(tls.detail).toMatch(
      /TLS handshake with the cluster failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\)/
    );
  });
});

describe('Save & test with a ClusterRole that lacks CronJobs', () => {
  let restricted: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-rbac-'));
    const documents = yaml.loadAll(
      fs.readFileSync(path.join(REPO, 'deploy/kubernetes/kubeatlas-reader.yaml'), 'utf8')
    ) as Array<{
      kind: string;
      rules?: Array<{ apiGroups?: string[]; resources?: string[] }>;
    }>;
    for (const doc of documents) {
      for (const rule of doc.kind === 'ClusterRole' ? (doc.rules ?? []) : []) {
        if (rule.apiGroups?.includes('batch')) {
          rule.resources = rule.resources?.filter((r) => r !== 'cronjobs');
        }
      }
    }
    fs.writeFileSync(path.join(dir, 'reader.yaml'), documents.map((d) => yaml.dump(d)).join('---\n'));
    restricted = await simulator('--rbac', dir);
  });
  afterAll(async () => {
    await restricted.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists what is missing and the ClusterRole rule to add', async () => {
    const transport = await throughProxy(restricted);
    try {
      const steps = await runHealthCheck({
        client: transport.client().client,
        settings: { clusterUrl: restricted.url, tlsAuthWithCACert: true },
        queryPrometheus: noPrometheus,
      });
      const permissions = steps.find((s) => s.title === 'Permissions')!;
      expect(permissions.status).toBe('fail');
      expect(permissions.detail).toBe(
        'The token may not get cronjobs.batch; list cronjobs.batch; watch cronjobs.batch; KubeAtlas pages and queries show those kinds as not loaded.'
      );
      expect(permissions.fix).toContain(
        '- apiGroups: ["batch"]\n  resources: ["cronjobs"]\n  verbs: ["get", "list", "watch"]'
      );
    } finally {
      await transport.close();
    }
  });
});
