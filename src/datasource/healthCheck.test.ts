/**
 * @jest-environment node
 *
 * Save & test end to end on answers recorded from kube-apiserver 1.34 (src/k8s/__fixtures__/): the probes, the
 * client's error mapping and the evaluators together.
 */
import recorded from '../k8s/__fixtures__/kube-apiserver-1.34.json';
import { K8sClient } from '../k8s/client';
import { directRoutes } from '../k8s/routes';
import type { HealthStep } from './health';
import { runHealthCheck } from './healthCheck';

type RecordedName = keyof typeof recorded.responses;

/** Save & test against a cluster whose every path answers with the recording `answers` names for it. */
async function saveAndTest(answers: (path: string) => RecordedName): Promise<Record<string, HealthStep>> {
  const client = new K8sClient({
    routes: directRoutes('https://cluster.test:6443'),
    fetch: async (request) => {
      const answer = recorded.responses[answers(new URL(request.url).pathname)];
      return { status: answer.status, statusText: '', headers: answer.headers, body: answer.body };
    },
    retry: { maxRetries: 0 },
  });
  const steps = await runHealthCheck({
    client,
    settings: { clusterUrl: 'https://cluster.test:6443' },
    queryPrometheus: async () => [],
  });
  return Object.fromEntries(steps.map((step) => [step.title, step]));
}

describe('Save & test on recorded kube-apiserver answers', () => {
  it('an empty token: /version answers (public-info-viewer), the rules review is refused as anonymous', async () => {
    const steps = await saveAndTest((path) =>
      path === '/version'
        ? 'anonymousVersion'
        : path.endsWith('/selfsubjectrulesreviews')
          ? 'anonymousRulesReview'
          : 'anonymousList'
    );
    expect(steps['Kubernetes API']).toMatchObject({ status: 'pass', detail: expect.stringContaining('v1.34.2') });
    expect(steps.Token).toMatchObject({
      status: 'fail',
      detail: 'The cluster treats the datasource as anonymous: no bearer token reached it.',
      fix: expect.stringContaining('Set Authentication → Bearer token'),
    });
    // Not a list of ClusterRole rules to add: the RBAC step is left out.
    expect(steps.Permissions).toBeUndefined();
  });

  it('a build without version stamps shows its major.minor, not v0.0.0-master+$Format:%H$', async () => {
    // Only /version matters here; the other probes are refused.
    const steps = await saveAndTest((path) => (path === '/version' ? 'unstampedVersion' : 'anonymousList'));
    expect(steps['Kubernetes API'].detail).toContain('Reached Kubernetes 1.34 (a build without a release version');
    expect(steps['Kubernetes API'].detail).not.toContain('$Format');
  });
});
