import { errorFromNetwork, errorFromResponse, type RequestContext } from '../k8s/errors';
import { KINDS } from '../k8s/kinds';
import { permissionKey, READER_PERMISSIONS } from '../k8s/rbac';
import type { KindName } from '../model/types';
import recorded from '../k8s/__fixtures__/kube-apiserver-1.34.json';
import {
  accessAttributes,
  describeVersion,
  evaluateApis,
  evaluateConnection,
  evaluatePrometheus,
  evaluateRbac,
  summarize,
  ungranted,
  type HealthStep,
  type PrometheusObservations,
} from './health';

const versionContext: RequestContext = {
  method: 'GET',
  url: '/api/datasources/proxy/uid/x/k8s-read/version',
  verb: 'get',
};
const https = { clusterUrl: 'https://10.0.0.1:6443' };
const byTitle = (steps: HealthStep[]) => Object.fromEntries(steps.map((s) => [s.title, s]));
/** What Grafana's proxy answers, mapped by the client exactly as in the browser. */
const grafanaAnswer = (status: number, body: unknown) => ({
  ok: false as const,
  error: errorFromResponse({ status, body }, versionContext),
});

describe('evaluateConnection', () => {
  it('shows the server version and the TLS verification on success', () => {
    const steps = byTitle(
      evaluateConnection(
        { ...https, tlsAuthWithCACert: true },
        { ok: true, value: { gitVersion: 'v1.31.2', platform: 'linux/amd64' } },
        true
      )
    );
    expect(steps['Kubernetes API']).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('v1.31.2 (linux/amd64)'),
    });
    expect(steps.TLS).toMatchObject({ status: 'pass', detail: expect.stringContaining('configured CA') });
    expect(steps.Token.status).toBe('pass');
  });

  it('warns when TLS verification is skipped', () => {
    const steps = byTitle(
      evaluateConnection({ ...https, tlsSkipVerify: true }, { ok: true, value: { gitVersion: 'v1.31.2' } }, true)
    );
    expect(steps.TLS).toMatchObject({ status: 'warn', fix: expect.stringContaining('CA certificate') });
  });

  it("reports a rejected token from Grafana's 400 rewrite of the cluster's 401", () => {
    const steps = byTitle(
      evaluateConnection(https, grafanaAnswer(400, 'Authentication to data source failed'), undefined)
    );
    expect(steps.Token).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('Authentication to data source failed'),
    });
    expect(steps.Token.fix).toMatch(/kubectl -n kubeatlas get secret/);
    expect(steps['Kubernetes API'].status).toBe('pass');
  });

  it("explains both causes of Grafana's empty 502 for an https URL", () => {
    const steps = byTitle(evaluateConnection(https, grafanaAnswer(502, ''), undefined));
    expect(steps['Kubernetes API']).toMatchObject({ status: 'fail', detail: expect.stringContaining('TLS handshake') });
    expect(steps.TLS).toMatchObject({ status: 'fail', fix: expect.stringContaining('certificate-authority-data') });
    expect(steps.Token.status).toBe('skip');
  });

  it('does not blame TLS for an unreachable http URL', () => {
    const steps = byTitle(
      evaluateConnection({ clusterUrl: 'http://127.0.0.1:8001' }, grafanaAnswer(502, ''), undefined)
    );
    expect(steps['Kubernetes API'].fix).toMatch(/DNS, firewall, port/);
    expect(steps['Kubernetes API'].fix).not.toMatch(/TLS/);
    expect(steps.TLS.status).toBe('skip');
  });

  it('names a TLS handshake failure seen directly (node transport)', () => {
    const error = errorFromNetwork(
      Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      versionContext
    );
    const steps = byTitle(evaluateConnection(https, { ok: false, error }, undefined));
    expect(steps.TLS).toMatchObject({ status: 'fail', detail: expect.stringContaining('DEPTH_ZERO_SELF_SIGNED_CERT') });
  });

  it('explains PEM blocks Grafana cannot load', () => {
    const steps = byTitle(
      evaluateConnection(https, grafanaAnswer(400, { message: 'Unable to load TLS certificate' }), undefined)
    );
    expect(steps.TLS).toMatchObject({ status: 'fail', fix: expect.stringContaining('PEM') });
  });

  it('tells to use https when the API server got plain HTTP', () => {
    const steps = byTitle(
      evaluateConnection(
        { clusterUrl: 'http://10.0.0.1:6443' },
        grafanaAnswer(400, 'Client sent an HTTP request to an HTTPS server.'),
        undefined
      )
    );
    expect(steps['Kubernetes API'].fix).toBe('Use https://10.0.0.1:6443.');
  });

  it('reports a timeout', () => {
    const steps = byTitle(evaluateConnection(https, grafanaAnswer(504, ''), undefined));
    expect(steps['Kubernetes API']).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('did not answer in time'),
    });
  });

  it('fails the token when the review was refused as unauthenticated', () => {
    const steps = byTitle(evaluateConnection(https, { ok: true, value: { gitVersion: 'v1.31.2' } }, false));
    expect(steps.Token).toMatchObject({ status: 'fail', detail: expect.stringContaining('anonymous') });
    expect(steps.Token.fix).toContain('Set Authentication → Bearer token');
    expect(steps.Token.fix).toContain('No RBAC rule is missing.');
  });

  it('names the empty token, not a rejected one, when even /version is refused as anonymous', () => {
    // Recorded after deleting ClusterRoleBinding system:public-info-viewer, as hardened clusters do.
    const { status, body } = recorded.responses.anonymousVersionWithoutPublicInfo;
    const steps = byTitle(evaluateConnection(https, grafanaAnswer(status, body), undefined));
    expect(steps['Kubernetes API']).toMatchObject({ status: 'pass', detail: expect.stringContaining('as anonymous') });
    expect(steps.Token).toMatchObject({
      status: 'fail',
      detail: 'The cluster treats the datasource as anonymous: no bearer token reached it.',
      fix: expect.stringContaining('Set Authentication → Bearer token'),
    });
  });
});

describe('describeVersion', () => {
  it("prints a release's gitVersion as it is", () => {
    expect(describeVersion(recorded.responses.version.body)).toBe('v1.34.2');
    expect(describeVersion({ gitVersion: 'v1.30.4-eks-a737599', major: '1', minor: '30+' })).toBe(
      'v1.30.4-eks-a737599'
    );
    expect(describeVersion({ gitVersion: 'v1.29.3+k3s1' })).toBe('v1.29.3+k3s1');
  });

  it("prints major.minor for a build without version stamps, without git's $Format placeholder", () => {
    const unstamped = recorded.responses.unstampedVersion.body;
    expect(unstamped.gitVersion).toBe('v0.0.0-master+$Format:%H$');
    expect(describeVersion(unstamped)).toBe('1.34 (a build without a release version, gitVersion v0.0.0-master)');
    const steps = byTitle(evaluateConnection(https, { ok: true, value: unstamped }, true));
    expect(steps['Kubernetes API'].detail).toBe(
      'Reached Kubernetes 1.34 (a build without a release version, gitVersion v0.0.0-master) (linux/amd64) at https://10.0.0.1:6443.'
    );
  });

  it('falls back to the emulated version, then says the version is unknown', () => {
    expect(describeVersion({ gitVersion: '', major: '', minor: '', emulationMajor: '1', emulationMinor: '33' })).toBe(
      '1.33 (a build without a release version)'
    );
    expect(describeVersion({ gitVersion: 'devel', major: '', minor: '' })).toBe(
      'of unknown version (/version says gitVersion "devel")'
    );
    expect(describeVersion({ gitVersion: '' })).toBe('of unknown version (/version says no gitVersion)');
  });
});

describe('RBAC', () => {
  it('passes when nothing is missing', () => {
    expect(evaluateRbac({ ok: true, value: [] }).status).toBe('pass');
  });

  it('finds what a SelfSubjectRulesReview does not grant, and names the ClusterRole rules to add', () => {
    const rules = [
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['*'], resourceNames: [] },
      {
        verbs: ['*'],
        apiGroups: ['apps', 'networking.k8s.io', 'discovery.k8s.io', 'autoscaling'],
        resources: ['*'],
        resourceNames: [],
      },
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['*'], resourceNames: [] },
      {
        verbs: ['get', 'list', 'watch'],
        apiGroups: ['monitoring.coreos.com', 'monitoring.grafana.com'],
        resources: ['*'],
        resourceNames: [],
      },
      // A rule limited to named objects grants no list.
      { verbs: ['list'], apiGroups: ['batch'], resources: ['jobs'], resourceNames: ['only-this-one'] },
    ];
    const missing = ungranted(READER_PERMISSIONS, rules);
    expect(missing.map(permissionKey)).toEqual([
      'batch/jobs:get',
      'batch/jobs:list',
      'batch/jobs:watch',
      'batch/cronjobs:get',
      'batch/cronjobs:list',
      'batch/cronjobs:watch',
    ]);
    const step = evaluateRbac({ ok: true, value: missing });
    expect(step.status).toBe('fail');
    expect(step.detail).toBe(
      'The token may not get jobs.batch, cronjobs.batch; list jobs.batch, cronjobs.batch; watch jobs.batch, cronjobs.batch; ' +
        'KubeAtlas pages and queries show those kinds as not loaded.'
    );
    expect(step.fix).toContain(
      '- apiGroups: ["batch"]\n  resources: ["jobs", "cronjobs"]\n  verbs: ["get", "list", "watch"]'
    );
  });

  it('reports the monitoring custom resources as optional: a warning with the rule, not a failure', () => {
    const rules = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] }].map((r) => ({
      ...r,
      apiGroups: ['', 'apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io', 'autoscaling', 'authorization.k8s.io'],
    }));
    const missing = ungranted(READER_PERMISSIONS, rules);
    expect(new Set(missing.map((p) => p.group))).toEqual(new Set(['monitoring.coreos.com', 'monitoring.grafana.com']));
    const step = evaluateRbac({ ok: true, value: missing });
    expect(step.status).toBe('warn');
    expect(step.detail).toContain(
      'Optional, for scrape coverage: the token may not get servicemonitors.monitoring.coreos.com'
    );
    expect(step.fix).toContain(
      '- apiGroups: ["monitoring.coreos.com"]\n  resources: ["servicemonitors", "podmonitors", "probes"]'
    );

    const withRequired = evaluateRbac({
      ok: true,
      value: [...missing, { group: 'batch', resource: 'jobs', verb: 'list' }],
    });
    expect(withRequired.status).toBe('fail');
    expect(withRequired.detail).toMatch(
      /^The token may not list jobs\.batch; KubeAtlas pages .* Optional, for scrape coverage/
    );
  });

  it('checks pod logs as the subresource of pods', () => {
    expect(accessAttributes({ group: '', resource: 'pods/log', verb: 'get' })).toEqual({
      group: '',
      resource: 'pods',
      subresource: 'log',
      verb: 'get',
    });
  });

  it('explains a refused review', () => {
    const error = errorFromResponse(
      { status: 403, body: { kind: 'Status', reason: 'Forbidden', message: 'forbidden' } },
      { method: 'POST', url: 'x', verb: 'create' }
    );
    expect(evaluateRbac({ ok: false, error })).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('system:basic-user'),
    });
  });
});

describe('evaluateApis', () => {
  /** Discovery of a cluster that serves only the core v1 and misses these kinds. */
  const missingOnly = (missing: Array<{ kind: KindName; groupVersion: string }>) =>
    evaluateApis({ ok: true, value: { groupVersions: new Set(['v1']), served: [], missing } });

  it('warns about a cluster without batch/v1 CronJob and discovery.k8s.io/v1, naming what is lost', () => {
    const step = missingOnly([
      { kind: 'CronJob', groupVersion: 'batch/v1' },
      { kind: 'EndpointSlice', groupVersion: 'discovery.k8s.io/v1' },
    ]);
    expect(step.status).toBe('warn');
    expect(step.detail).toContain('batch/v1 CronJob (CronJobs in the Applications page');
    expect(step.detail).toContain('discovery.k8s.io/v1 EndpointSlice');
    expect(step.fix).toMatch(/1\.21/);
  });
  it('passes without the monitoring CRDs, saying which operator is not installed and what that costs', () => {
    const step = missingOnly([
      { kind: 'ServiceMonitor', groupVersion: 'monitoring.coreos.com/v1' },
      { kind: 'PodMonitor', groupVersion: 'monitoring.coreos.com/v1' },
      { kind: 'Probe', groupVersion: 'monitoring.coreos.com/v1' },
      { kind: 'MetricsInstance', groupVersion: 'monitoring.grafana.com/v1alpha1' },
    ]);
    expect(step.status).toBe('pass');
    expect(step.detail).toContain(
      'Optional: prometheus-operator is not installed (no ServiceMonitor, PodMonitor, Probe), so scrape coverage is not shown.'
    );
    expect(step.detail).toContain('Optional: Grafana Agent Operator is not installed (no MetricsInstance)');
  });
  it('passes when everything is served', () => {
    const kinds = Object.keys(KINDS) as Array<keyof typeof KINDS>;
    expect(evaluateApis({ ok: true, value: { groupVersions: new Set(), served: kinds, missing: [] } }).status).toBe(
      'pass'
    );
  });
});

describe('evaluatePrometheus', () => {
  const link = { uid: 'prom', name: 'Prometheus', exists: true };
  const healthy: PrometheusObservations = {
    kubePodInfo: 40,
    ksmV2Requests: 80,
    nodeCpuSeconds: 8,
    cadvisorWithPodLabels: 120,
    cadvisorAny: 130,
    knownNodes: new Set(['node-a', 'node-b']),
    cadvisorNodes: new Set(['node-a', 'node-b']),
    nodeExporterInstances: new Set(['10.0.0.5:9100']),
    unameNodenames: new Set(['node-a']),
  };
  const run = (o: Partial<PrometheusObservations>, extra = {}) =>
    byTitle(evaluatePrometheus({ ...link, ...extra }, { ok: true, value: { ...healthy, ...o } }));

  it('passes a complete stack and says how nodes were matched', () => {
    const steps = run({});
    expect(Object.values(steps).map((s) => s.status)).toEqual(['pass', 'pass', 'pass']);
    expect(steps['node-exporter'].detail).toContain('node_uname_info nodename');
  });
  it('names the dashboards and pages each missing source affects, with the cluster label', () => {
    const steps = run(
      { kubePodInfo: 0, nodeCpuSeconds: 0, cadvisorAny: 0, cadvisorWithPodLabels: 0 },
      { clusterLabelName: 'cluster', clusterLabelValue: 'prod' }
    );
    expect(steps['kube-state-metrics'].detail).toContain('kube_pod_info series with cluster="prod"');
    expect(steps['kube-state-metrics'].fix).toContain('KubeAtlas / Cluster overview');
    expect(steps['node-exporter'].fix).toContain('dashboard KubeAtlas / Nodes');
    expect(steps.cAdvisor.fix).toContain('usage in the Nodes, Applications and details pages');
    expect(steps.cAdvisor.fix).toContain('Check the cluster label');
  });
  it('detects kube-state-metrics v1, cAdvisor without pod labels or node label, and unmatched node-exporter', () => {
    expect(run({ ksmV2Requests: 0 })['kube-state-metrics'].detail).toContain('v1');
    expect(run({ cadvisorWithPodLabels: 0 }).cAdvisor.detail).toContain('pod and container labels');
    expect(run({ cadvisorNodes: new Set() }).cAdvisor.fix).toContain('__meta_kubernetes_node_name');
    expect(run({ unameNodenames: new Set(['ip-10-0-0-5']) })['node-exporter'].status).toBe('warn');
  });
  it('handles no link, a deleted link and a failing Prometheus', () => {
    expect(evaluatePrometheus({ exists: false }, undefined)[0].status).toBe('warn');
    expect(evaluatePrometheus({ uid: 'gone', exists: false }, undefined)[0]).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('gone'),
    });
    expect(evaluatePrometheus(link, { ok: false, error: new Error('HTTP 502') })[0]).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('HTTP 502'),
    });
  });
});

describe('summarize', () => {
  it("returns Grafana's TestDataSourceResponse with every line in details", () => {
    const steps: HealthStep[] = [
      { title: 'Kubernetes API', status: 'pass', detail: 'Reached Kubernetes v1.31.2.' },
      { title: 'Permissions', status: 'fail', detail: 'The token may not list nodes.', fix: 'Add the rule.' },
      { title: 'cAdvisor', status: 'warn', detail: 'No series.', fix: 'Scrape it.' },
    ];
    const response = summarize(steps);
    expect(response.status).toBe('error');
    expect(response.message).toBe('1 check failed: Permissions.');
    expect(response.details?.message?.split('\n')).toEqual([
      '✔ Kubernetes API: Reached Kubernetes v1.31.2.',
      '✖ Permissions: The token may not list nodes. Fix: Add the rule.',
      '⚠ cAdvisor: No series. Fix: Scrape it.',
    ]);
    expect(summarize(steps.filter((s) => s.status !== 'fail')).status).toBe('warning');
    expect(summarize(steps.slice(0, 1))).toMatchObject({
      status: 'success',
      message: 'Connected: every check passed.',
    });
  });
});
