/**
 * @jest-environment node
 *
 * Save & test (src/datasource/healthCheck.ts) against the testbed's real control plane, through the sandbox's emulation
 * of Grafana's datasource proxy with the routes of src/datasource/plugin.json — the browser's path — and straight over
 * HTTPS where a transport error must be seen as it is (TLS). The token is the kubeatlas ServiceAccount's of
 * deploy/kubernetes/kubeatlas-reader.yaml, applied with kubectl and read from its Secret, as users do.
 */
import { K8sClient } from '../../src/k8s/client';
import { nodeHttpFetch } from '../../src/k8s/nodeHttp';
import { directRoutes } from '../../src/k8s/routes';
import type { HealthStep } from '../../src/datasource/health';
import { runHealthCheck } from '../../src/datasource/healthCheck';
import {
  applyRbacAndReadToken,
  readerWithout,
  startGround,
  TESTBED_TIMEOUT_MS,
  throughProxy,
  type Cluster,
  type Ground,
  type ProxyOptions,
} from '../k8s/harness';

let ground: Ground;

beforeAll(async () => {
  ground = await startGround({ readOnly: true });
}, TESTBED_TIMEOUT_MS);
afterAll(() => ground?.stop(), TESTBED_TIMEOUT_MS);

const noPrometheus = async () => {
  throw new Error('no Prometheus in this test');
};

async function checkThroughProxy(
  options: ProxyOptions = {},
  cluster: Cluster = ground.cluster
): Promise<Record<string, HealthStep>> {
  const transport = await throughProxy(cluster, options);
  try {
    const steps = await runHealthCheck({
      client: transport.client().client,
      settings: { clusterUrl: options.env?.KUBEATLAS_CLUSTER_URL ?? cluster.url, tlsAuthWithCACert: true },
      queryPrometheus: noPrometheus,
    });
    return Object.fromEntries(steps.map((s) => [s.title, s]));
  } finally {
    await transport.close();
  }
}

describe('Save & test against kube-apiserver', () => {
  it('passes every Kubernetes check for the kubeatlas ServiceAccount of deploy/kubernetes', async () => {
    const steps = await checkThroughProxy();
    expect(steps['Kubernetes API']).toMatchObject({
      status: 'pass',
      detail: `Reached Kubernetes v1.34.2 (linux/amd64) at ${ground.cluster.url}.`,
    });
    expect(steps.TLS).toMatchObject({ status: 'pass', detail: 'Server certificate verified with the configured CA.' });
    expect(steps.Token.status).toBe('pass');
    expect(steps.Permissions.status).toBe('pass');
    expect(steps['API groups'].status).toBe('pass');
    expect(steps.Prometheus).toMatchObject({ status: 'warn', detail: 'No Prometheus datasource is linked.' });
  });

  it("names the token when the cluster rejects it (Grafana's 400 for the cluster's 401)", async () => {
    const steps = await checkThroughProxy({ env: { KUBEATLAS_TOKEN: 'not-the-token' } });
    expect(steps['Kubernetes API'].status).toBe('pass');
    expect(steps.Token).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('Authentication to data source failed'),
    });
    expect(steps.Permissions).toBeUndefined();
  });

  it('names the missing token when none is set: /version is public, the reviews are refused as anonymous', async () => {
    const steps = await checkThroughProxy({ env: { KUBEATLAS_TOKEN: '' } });
    expect(steps['Kubernetes API'].status).toBe('pass');
    expect(steps.Token).toMatchObject({
      status: 'fail',
      detail: 'The cluster treats the datasource as anonymous: no bearer token reached it.',
    });
    expect(steps.Permissions).toBeUndefined();
  });

  it('names reachability and TLS when nothing answers', async () => {
    const steps = await checkThroughProxy({ env: { KUBEATLAS_CLUSTER_URL: 'https://127.0.0.1:1' } });
    expect(steps['Kubernetes API']).toMatchObject({
      status: 'fail',
      detail: 'Grafana could not reach https://127.0.0.1:1 or could not complete the TLS handshake.',
    });
    expect(steps.TLS.fix).toContain("'Add self-signed certificate'");
  });

  it('explains an untrusted server certificate seen by the client itself', async () => {
    const client = new K8sClient({
      routes: directRoutes(ground.cluster.url),
      headers: { Authorization: `Bearer ${ground.cluster.token}` },
      fetch: nodeHttpFetch(), // no CA: the testbed's own CA is not trusted
    });
    const steps = await runHealthCheck({
      client,
      settings: { clusterUrl: ground.cluster.url },
      queryPrometheus: noPrometheus,
    });
    const tls = steps.find((s) => s.title === 'TLS')!;
    expect(tls.status).toBe('fail');
    // The testbed's CA signs the apiserver's certificate: node reports the chain's unknown issuer.
    expect(tls.detail).toMatch(
      /TLS handshake with the cluster failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/
    );
  });

  it('with a ClusterRole that lacks CronJobs: lists what is missing and the ClusterRole rule to add', async () => {
    const namespace = 'kubeatlas-no-cronjobs';
    const token = await applyRbacAndReadToken(ground.testbed, {
      manifestYaml: readerWithout(namespace, 'batch', 'cronjobs'),
      namespace,
    });
    const steps = await checkThroughProxy({}, { ...ground.cluster, token });
    expect(steps.Token.status).toBe('pass');
    expect(steps.Permissions).toMatchObject({
      status: 'fail',
      detail:
        'The token may not get cronjobs.batch; list cronjobs.batch; watch cronjobs.batch; KubeAtlas pages and queries show those kinds as not loaded.',
    });
    expect(steps.Permissions.fix).toContain(
      '- apiGroups: ["batch"]\n  resources: ["cronjobs"]\n  verbs: ["get", "list", "watch"]'
    );
    // Discovery is not RBAC-filtered: batch/v1 CronJob is still served.
    expect(steps['API groups'].status).toBe('pass');
  });
});
