/**
 * @jest-environment node
 */
import {
  accessFor,
  actionPermissions,
  actionsFor,
  applyAction,
  asDryRun,
  checkAccess,
  fieldChanges,
  INSTANTIATE,
  jobFromCronJob,
  manualJobName,
  planAction,
  previewAction,
  RESTARTED_AT,
} from './actions';
import { K8sClient } from './client';
import { ForbiddenError } from './errors';
import type { HttpRequest, HttpResponse } from './http';
import { OPERATOR_PERMISSIONS, permissionKey } from './rbac';
import { directRoutes, grafanaProxyRoutes } from './routes';

type Handler = (request: HttpRequest, url: URL) => Partial<HttpResponse>;

function clientWith(handler: Handler, routes = directRoutes('https://cluster.test:6443')) {
  const requests: HttpRequest[] = [];
  const client = new K8sClient({
    routes,
    fetch: async (request) => {
      requests.push(request);
      return {
        status: 200,
        statusText: '',
        headers: {},
        body: '',
        ...handler(request, new URL(request.url, 'http://grafana')),
      };
    },
    sleep: async () => undefined,
  });
  return { client, requests };
}

const sent = (r: HttpRequest) => {
  const url = new URL(r.url, 'http://grafana');
  return [r.method, url.pathname + url.search, r.headers['Content-Type'], r.body && JSON.parse(r.body)];
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'd1', resourceVersion: '10' },
  spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } },
};

const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly-report', namespace: 'data', uid: 'c1' },
  spec: {
    schedule: '0 2 * * *',
    jobTemplate: {
      metadata: { labels: { app: 'report' }, annotations: { team: 'data' } },
      spec: {
        backoffLimit: 2,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'report:1' }] } },
      },
    },
  },
};

describe('fieldChanges', () => {
  it('lists the changed leaves under each field, before → after', () => {
    expect(fieldChanges({ spec: { replicas: 3 } }, { spec: { replicas: 5 } }, ['spec.replicas'])).toEqual([
      { field: 'spec.replicas', before: '3', after: '5' },
    ]);
    expect(fieldChanges({ spec: { replicas: 3 } }, { spec: { replicas: 3 } }, ['spec.replicas'])).toEqual([]);
  });

  it('reads an absent field as its default, and otherwise as (unset)', () => {
    const defaults = { 'spec.unschedulable': false };
    expect(fieldChanges({ spec: {} }, { spec: { unschedulable: true } }, ['spec.unschedulable'], defaults)).toEqual([
      { field: 'spec.unschedulable', before: 'false', after: 'true' },
    ]);
    // The API server drops a false bool (omitempty): uncordon reads true → false, not true → (unset).
    expect(fieldChanges({ spec: { unschedulable: true } }, { spec: {} }, ['spec.unschedulable'], defaults)).toEqual([
      { field: 'spec.unschedulable', before: 'true', after: 'false' },
    ]);
    expect(fieldChanges({}, { metadata: { deletionTimestamp: 't' } }, ['metadata.deletionTimestamp'])).toEqual([
      { field: 'metadata.deletionTimestamp', before: '(unset)', after: 't' },
    ]);
  });

  it('names keys with dots or slashes in brackets and array items by index', () => {
    const after = {
      spec: { template: { metadata: { annotations: { [RESTARTED_AT]: '2026-01-02T03:04:05Z', a: 'x' } } } },
    };
    const before = { spec: { template: { metadata: { annotations: { a: 'x' } } } } };
    expect(fieldChanges(before, after, ['spec.template.metadata.annotations'])).toEqual([
      {
        field: 'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]',
        before: '(unset)',
        after: '2026-01-02T03:04:05Z',
      },
    ]);
    expect(fieldChanges(undefined, { m: { refs: [{ kind: 'CronJob', name: 'x' }] } }, ['m.refs.0.kind'])).toEqual([
      { field: 'm.refs[0].kind', before: '(unset)', after: 'CronJob' },
    ]);
  });
});

describe('actions offered', () => {
  it('by kind and state', () => {
    expect(actionsFor('Deployment')).toEqual(['scale', 'restart']);
    expect(actionsFor('StatefulSet')).toEqual(['scale', 'restart']);
    expect(actionsFor('ReplicaSet')).toEqual(['scale']);
    expect(actionsFor('DaemonSet')).toEqual(['restart']);
    expect(actionsFor('Pod')).toEqual(['delete']);
    expect(actionsFor('Node', { unschedulable: false })).toEqual(['cordon']);
    expect(actionsFor('Node', { unschedulable: true })).toEqual(['uncordon']);
    expect(actionsFor('CronJob', { suspend: false })).toEqual(['suspend', 'run']);
    expect(actionsFor('CronJob', { suspend: true })).toEqual(['resume', 'run']);
    expect(actionsFor('Service')).toEqual([]);
    expect(actionsFor('Job')).toEqual([]);
  });

  it('the operator ClusterRole grants what the actions write, plus update on the scale subresources, and no more', () => {
    const needed = actionPermissions().map(permissionKey).sort();
    const granted = OPERATOR_PERMISSIONS.map(permissionKey).sort();
    expect(granted.filter((k) => !needed.includes(k))).toEqual([
      'apps/deployments/scale:update',
      'apps/replicasets/scale:update',
      'apps/statefulsets/scale:update',
    ]);
    expect(needed.filter((k) => !granted.includes(k))).toEqual([]);
  });

  it('asks access for the exact verb, resource, subresource and namespace', () => {
    expect(accessFor('scale', { kind: 'StatefulSet', namespace: 'db', name: 'pg' })).toEqual([
      { group: 'apps', resource: 'statefulsets', verb: 'get', namespace: 'db' },
      { group: 'apps', resource: 'statefulsets', subresource: 'scale', verb: 'patch', namespace: 'db' },
    ]);
    expect(accessFor('cordon', { kind: 'Node', name: 'n1' })[1]).toEqual({
      group: '',
      resource: 'nodes',
      subresource: undefined,
      verb: 'patch',
      namespace: undefined,
    });
    expect(accessFor('run', { kind: 'CronJob', namespace: 'data', name: 'x' })[1]).toMatchObject({
      group: 'batch',
      resource: 'jobs',
      verb: 'create',
      namespace: 'data',
    });
  });
});

describe('checkAccess', () => {
  it('sends one SelfSubjectAccessReview per permission and names the missing rule', async () => {
    const { client, requests } = clientWith((request) => {
      const attributes = JSON.parse(request.body ?? '{}').spec.resourceAttributes;
      return { status: 201, body: { status: { allowed: attributes.verb === 'get' } } };
    });
    const access = await checkAccess(client, 'scale', { kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(requests.map((r) => JSON.parse(r.body ?? '{}').spec.resourceAttributes)).toEqual([
      { group: 'apps', resource: 'deployments', verb: 'get', namespace: 'shop' },
      { group: 'apps', resource: 'deployments', subresource: 'scale', verb: 'patch', namespace: 'shop' },
    ]);
    expect(access).toEqual({
      allowed: false,
      reason:
        "The datasource's service account may not patch Deployment in namespace shop. Add this rule to its ClusterRole " +
        '(deploy/kubernetes/): {apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}',
    });
  });

  it('is unknown, with the cause, when a review fails; allowed when every review allows', async () => {
    const failing = clientWith(() => ({ status: 404, body: 'x' })).client;
    expect(await checkAccess(failing, 'delete', { kind: 'Pod', namespace: 'a', name: 'b' })).toMatchObject({
      allowed: 'unknown',
    });
    const allowing = clientWith(() => ({ status: 201, body: { status: { allowed: true } } })).client;
    expect(await checkAccess(allowing, 'cordon', { kind: 'Node', name: 'n1' })).toEqual({ allowed: true });
  });
});

describe('plans, dry runs and applies', () => {
  it('scale: reads the workload, dry-runs PATCH …/scale, diffs replicas, applies the same patch', async () => {
    const { client, requests } = clientWith((request) =>
      request.method === 'GET'
        ? { body: deployment }
        : { body: { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 }, status: { replicas: 3 } } }
    );
    const plan = await planAction(
      client,
      'scale',
      { kind: 'Deployment', namespace: 'shop', name: 'web' },
      { replicas: 5 }
    );
    expect(await previewAction(client, plan)).toEqual([{ field: 'spec.replicas', before: '3', after: '5' }]);
    await applyAction(client, plan);
    expect(requests.map(sent)).toEqual([
      ['GET', '/apis/apps/v1/namespaces/shop/deployments/web', undefined, undefined],
      [
        'PATCH',
        '/apis/apps/v1/namespaces/shop/deployments/web/scale?dryRun=All',
        'application/merge-patch+json',
        { spec: { replicas: 5 } },
      ],
      [
        'PATCH',
        '/apis/apps/v1/namespaces/shop/deployments/web/scale',
        'application/merge-patch+json',
        { spec: { replicas: 5 } },
      ],
    ]);
    await expect(planAction(client, 'scale', { kind: 'Deployment', namespace: 'shop', name: 'web' })).rejects.toThrow(
      RangeError
    );
  });

  it('scale of a ReplicaSet its Deployment controls warns that the Deployment will set it back', async () => {
    const rs = {
      kind: 'ReplicaSet',
      metadata: { name: 'web-1', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] },
    };
    const { client } = clientWith(() => ({ body: rs }));
    const plan = await planAction(
      client,
      'scale',
      { kind: 'ReplicaSet', namespace: 'shop', name: 'web-1' },
      { replicas: 1 }
    );
    expect(plan.warnings).toEqual([
      'Deployment web controls this ReplicaSet and will set its replicas back: scale the Deployment instead.',
    ]);
  });

  it('restart, cordon, uncordon, suspend, resume and delete send the documented requests', async () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const { client, requests } = clientWith(() => ({ body: {} }));
    const targets = [
      ['restart', { kind: 'DaemonSet', namespace: 'kube-system', name: 'agent' }],
      ['cordon', { kind: 'Node', name: 'kwok-node-1' }],
      ['uncordon', { kind: 'Node', name: 'kwok-node-1' }],
      ['suspend', { kind: 'CronJob', namespace: 'data', name: 'cleanup' }],
      ['resume', { kind: 'CronJob', namespace: 'data', name: 'cleanup' }],
      ['delete', { kind: 'Pod', namespace: 'shop', name: 'web-0' }],
    ] as const;
    for (const [action, target] of targets) {
      await applyAction(client, await planAction(client, action, target, { now }));
    }
    const writes = requests.filter((r) => r.method !== 'GET').map(sent);
    expect(writes).toEqual([
      [
        'PATCH',
        '/apis/apps/v1/namespaces/kube-system/daemonsets/agent',
        'application/merge-patch+json',
        { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: '2026-01-02T03:04:05.000Z' } } } } },
      ],
      ['PATCH', '/api/v1/nodes/kwok-node-1', 'application/merge-patch+json', { spec: { unschedulable: true } }],
      ['PATCH', '/api/v1/nodes/kwok-node-1', 'application/merge-patch+json', { spec: { unschedulable: false } }],
      [
        'PATCH',
        '/apis/batch/v1/namespaces/data/cronjobs/cleanup',
        'application/merge-patch+json',
        { spec: { suspend: true } },
      ],
      [
        'PATCH',
        '/apis/batch/v1/namespaces/data/cronjobs/cleanup',
        'application/merge-patch+json',
        { spec: { suspend: false } },
      ],
      ['DELETE', '/api/v1/namespaces/shop/pods/web-0', undefined, undefined],
    ]);
    // Cluster-scoped nodes are read without a namespace.
    expect(requests.filter((r) => r.method === 'GET').map((r) => new URL(r.url).pathname)[1]).toBe(
      '/api/v1/nodes/kwok-node-1'
    );
  });

  it('delete: a terminating pod shows its deletion timestamp; an unscheduled pod deleted at once says so', async () => {
    const pod = { kind: 'Pod', metadata: { name: 'web-0', namespace: 'shop' } };
    const terminating = {
      ...pod,
      metadata: { ...pod.metadata, deletionTimestamp: '2026-01-02T03:05:00Z', deletionGracePeriodSeconds: 30 },
    };
    for (const [answer, expected] of [
      [
        terminating,
        [
          { field: 'metadata.deletionTimestamp', before: '(unset)', after: '2026-01-02T03:05:00Z' },
          { field: 'metadata.deletionGracePeriodSeconds', before: '(unset)', after: '30' },
        ],
      ],
      [{ kind: 'Status', status: 'Success' }, [{ field: 'pod', before: 'exists', after: 'deleted' }]],
    ] as const) {
      const { client } = clientWith((request) => ({ body: request.method === 'GET' ? pod : answer }));
      const plan = await planAction(client, 'delete', { kind: 'Pod', namespace: 'shop', name: 'web-0' });
      expect(await previewAction(client, plan)).toEqual(expected);
    }
  });

  it('run now: a Job as kubectl create job --from makes it, POSTed through the jobs route, dry run first', async () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const { client, requests } = clientWith(
      (request) => ({ body: request.method === 'GET' ? cronJob : { ...JSON.parse(request.body ?? '{}'), status: {} } }),
      grafanaProxyRoutes('ds-1')
    );
    const plan = await planAction(
      client,
      'run',
      { kind: 'CronJob', namespace: 'data', name: 'nightly-report' },
      { now }
    );
    const name = manualJobName('nightly-report', now);
    expect(name).toBe('nightly-report-manual-t87v6t');
    const changes = await previewAction(client, plan);
    expect(changes).toEqual([
      { field: 'metadata.name', before: '(unset)', after: name },
      { field: `metadata.annotations["${INSTANTIATE}"]`, before: '(unset)', after: 'manual' },
      { field: 'metadata.annotations.team', before: '(unset)', after: 'data' },
      { field: 'metadata.ownerReferences[0].kind', before: '(unset)', after: 'CronJob' },
      { field: 'metadata.ownerReferences[0].name', before: '(unset)', after: 'nightly-report' },
    ]);
    await applyAction(client, plan);
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: 'data',
        labels: { app: 'report' },
        annotations: { [INSTANTIATE]: 'manual', team: 'data' },
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', uid: 'c1', controller: true },
        ],
      },
      spec: cronJob.spec.jobTemplate.spec,
    };
    expect(requests.map(sent)).toEqual([
      [
        'GET',
        '/api/datasources/proxy/uid/ds-1/k8s-read/apis/batch/v1/namespaces/data/cronjobs/nightly-report',
        undefined,
        undefined,
      ],
      ['POST', '/api/datasources/proxy/uid/ds-1/k8s-jobs/data/jobs?dryRun=All', 'application/json', job],
      ['POST', '/api/datasources/proxy/uid/ds-1/k8s-jobs/data/jobs', 'application/json', job],
    ]);
    expect(jobFromCronJob(cronJob, name)).toEqual(job);
  });

  it('job names stay within 52 characters and end in an alphanumeric', () => {
    const name = manualJobName(`${'a'.repeat(40)}-${'b'.repeat(20)}`, new Date(0));
    expect(name.length).toBeLessThanOrEqual(52);
    expect(name).toMatch(/^[a-z0-9-]*[a-z0-9]$/);
    expect(manualJobName('x', new Date(0))).toBe('x-manual-0');
  });

  it('a denied dry run is a ForbiddenError naming the rule; the created Job is not retried on 5xx', async () => {
    const status = (code: number, reason: string) => ({
      status: code,
      body: { kind: 'Status', status: 'Failure', code, reason, message: reason },
    });
    const denied = clientWith((request) => (request.method === 'GET' ? { body: cronJob } : status(403, 'Forbidden')));
    const plan = await planAction(denied.client, 'run', { kind: 'CronJob', namespace: 'data', name: 'nightly-report' });
    const error = await previewAction(denied.client, plan).catch((e) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      kind: 'Job',
      verb: 'create',
      namespace: 'data',
      rule: '{apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"]}',
    });

    const failing = clientWith((request) =>
      request.method === 'GET' ? { body: cronJob } : status(503, 'ServiceUnavailable')
    );
    const again = await planAction(failing.client, 'run', {
      kind: 'CronJob',
      namespace: 'data',
      name: 'nightly-report',
    });
    await expect(applyAction(failing.client, again)).rejects.toMatchObject({ code: 'Unavailable' });
    expect(failing.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('asDryRun keeps the request and adds dryRun=All', () => {
    const request = {
      route: 'patch' as const,
      method: 'PATCH' as const,
      path: '/x',
      query: { a: 1 },
      context: { verb: 'patch' },
    };
    expect(asDryRun(request)).toEqual({ ...request, query: { a: 1, dryRun: 'All' } });
  });
});
