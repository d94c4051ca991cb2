/**
 * @jest-environment node
 *
 * The client's typed errors for answers recorded from kube-apiserver 1.34 (src/k8s/__fixtures__/, recorded by
 * testbed/probe/differential.ts), each fed to the client for the request the app makes.
 */
import recorded from './__fixtures__/kube-apiserver-1.34.json';
import { K8sClient } from './client';
import {
  ApiMissingError,
  errorFromResponse,
  ForbiddenError,
  RejectedError,
  UnauthorizedError,
  type RequestContext,
} from './errors';
import type { HttpRequest } from './http';
import { directRoutes } from './routes';

type RecordedName = keyof typeof recorded.responses;

/** A client every request of which gets the recorded answer; requests are kept to check what was asked. */
function answering(name: RecordedName) {
  const answer = recorded.responses[name];
  const requests: HttpRequest[] = [];
  const client = new K8sClient({
    routes: directRoutes('https://cluster.test:6443'),
    fetch: async (request) => {
      requests.push(request);
      // A body that is not JSON ("404 page not found\n", a 204's '') reaches the client as its text, as nodeHttpFetch
      // and backendSrvFetch hand it over.
      return { status: answer.status, statusText: '', headers: answer.headers, body: answer.body };
    },
    retry: { maxRetries: 0 },
  });
  return { client, requests };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Error) => error
  );

describe('no token reached the cluster (403 for system:anonymous)', () => {
  it.each(['anonymousList', 'emptyBearerList'] as const)(
    '%s: Unauthorized naming the token field, not RBAC',
    async (name) => {
      const error = await failure(answering(name).client.list('Pod'));
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error).toMatchObject({ anonymous: true, status: 403 });
      expect(error.message).toContain('No token reached the cluster');
      expect(error.message).toContain('set Authentication → Bearer token');
      expect(error.message).toContain('This is not a missing RBAC rule.');
      expect(error).not.toBeInstanceOf(ForbiddenError);
    }
  );

  it('the rules review of Save & test is refused the same way', async () => {
    const error = await failure(answering('anonymousRulesReview').client.selfSubjectRulesReview('default'));
    expect(error).toMatchObject({ code: 'Unauthorized', anonymous: true });
  });

  it('a token the cluster does not know is a 401, whose fix is a valid token, not an empty field', async () => {
    const error = await failure(answering('badToken').client.list('Pod'));
    expect(error).toMatchObject({ code: 'Unauthorized', anonymous: false, status: 401 });
    expect(error.message).toContain('check it has not expired or been deleted');
  });
});

describe('API groups and versions the cluster does not serve', () => {
  it('a kind whose whole group is missing (plain-text 404): the group is named, and how to serve it', async () => {
    const { client, requests } = answering('groupNotServed');
    const error = await failure(client.list('CronJob'));
    expect(requests[0].url).toBe('https://cluster.test:6443/apis/batch/v1/cronjobs?limit=500');
    expect(error).toBeInstanceOf(ApiMissingError);
    expect(error).toMatchObject({ groupVersion: 'batch/v1', kind: 'CronJob', groupServed: false });
    expect(error.message).toContain(
      'The cluster does not serve batch/v1 (needed for CronJob). Its API group batch is not served at all.'
    );
    expect(error.message).toContain('--runtime-config=batch/v1=true');
  });

  it('a group from a CustomResourceDefinition, at its discovery path: install what provides it', () => {
    const answer = recorded.responses.groupNotServedDiscovery;
    const context: RequestContext = {
      method: 'GET',
      url: `https://cluster.test:6443${answer.request.path}`,
      path: answer.request.path,
      verb: 'get',
    };
    const error = errorFromResponse({ status: answer.status, body: answer.body }, context);
    expect(error).toBeInstanceOf(ApiMissingError);
    expect(error.message).toBe(
      'The cluster does not serve monitoring.coreos.com/v1. Its API group monitoring.coreos.com is not served at all. ' +
        'monitoring.coreos.com comes from a CustomResourceDefinition: install the operator or CRDs that provide it ' +
        '(kubectl get crd | grep monitoring.coreos.com lists none now).'
    );
  });

  it('an unserved version of a served group (NotFound Status, empty details): upgrade the cluster', async () => {
    const error = await failure(answering('versionNotServed').client.get('CronJob', 'cleanup', 'data'));
    expect(error).toMatchObject({ code: 'ApiMissing', groupServed: true });
    expect(error.message).toBe(
      'The cluster does not serve batch/v1 (needed for CronJob). Upgrade the cluster to a version that serves it; ' +
        'pages that need it stay empty meanwhile.'
    );
  });
});

describe('requests the API server refuses itself', () => {
  it('a malformed label selector of a query names the selector and its syntax', async () => {
    const { client, requests } = answering('malformedLabelSelector');
    const error = await failure(client.list('Pod', { labelSelector: 'app in (' }));
    expect(requests[0].url).toContain('labelSelector=app+in+%28');
    expect(error).toBeInstanceOf(RejectedError);
    expect(error).toMatchObject({ reason: 'BadRequest', status: 400 });
    expect(error.message).toBe(
      'The cluster cannot use the label selector "app in (" to list pods: unable to parse requirement: found \'\', ' +
        "expected: ',', ')' or identifier. Correct the label selector in the query: key=value, key!=value, " +
        'key in (a,b), key notin (a,b), key, !key, joined by commas.'
    );
  });

  it('a log of a container the pod does not have', async () => {
    const error = await failure(
      answering('logUnknownContainer').client.podLogs('shop', 'frontend-1', { container: 'nope' })
    );
    expect(error).toMatchObject({ code: 'Rejected', reason: 'BadRequest' });
    expect(error.message).toContain(
      'The cluster cannot return this log of Pod shop/frontend-1: container nope is not valid'
    );
    expect(error.message).toContain('pick the container again');
  });

  it('a write on an object that changed meanwhile (409 Conflict): refresh and retry', async () => {
    const error = await failure(answering('staleUpdate').client.restart('Deployment', 'shop', 'cart'));
    expect(error).toMatchObject({ code: 'Rejected', reason: 'Conflict', status: 409 });
    expect(error.message).toContain('Deployment shop/cart changed while KubeAtlas was changing it (409 Conflict:');
    expect(error.message).toContain('Refresh the page and try again.');
  });

  it('a value the cluster refuses (422 Invalid) is quoted with the field it names', async () => {
    const error = await failure(answering('invalidScale').client.scale('StatefulSet', 'shop', 'redis', 2));
    expect(error).toMatchObject({ code: 'Rejected', reason: 'Invalid', status: 422 });
    expect(error.message).toContain(
      'The cluster refused the change to StatefulSet shop/redis: Scale.autoscaling "redis" is invalid: spec.replicas'
    );
    expect(error.message).toContain('ValidatingAdmissionPolicy');
  });

  it('a write the role lacks stays Forbidden with the rule to add', async () => {
    const error = await failure(answering('readerScaleForbidden').client.scale('Deployment', 'shop', 'frontend', 2));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).rule).toBe(
      '{apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}'
    );
  });
});

describe('answers that are not failures', () => {
  it("a Pending pod's log is kube-apiserver's 204 without a body: an empty log", async () => {
    await expect(answering('logPendingPod').client.podLogs('payments', 'fraud-detector-1')).resolves.toBe('');
  });
});
