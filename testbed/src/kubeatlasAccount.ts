/**
 * The project's RBAC applied to the testbed as the README's "Connect a cluster" tells users to, and a
 * ServiceAccount's long-lived token read back from the Secret the controller-manager's token controller fills.
 */
import path from 'node:path';
import type { Testbed } from './launcher';
import { waitUntil } from './processes';

const REPO = path.resolve(__dirname, '../..');
export const READER_MANIFEST = path.join(REPO, 'deploy/kubernetes/kubeatlas-reader.yaml');
export const OPERATOR_MANIFEST = path.join(REPO, 'deploy/kubernetes/kubeatlas-operator.yaml');

/**
 * Applies RBAC manifests with kubectl, as users do (files, or YAML text through stdin), then waits until the
 * controller-manager's token controller has filled the ServiceAccount token Secret and returns the token.
 * Defaults: deploy/kubernetes/kubeatlas-reader.yaml, and Secret kubeatlas-token in namespace kubeatlas.
 */
export async function applyRbacAndReadToken(
  testbed: Testbed,
  options: { files?: string[]; manifestYaml?: string; namespace?: string } = {}
): Promise<string> {
  const files = options.files ?? (options.manifestYaml ? [] : [READER_MANIFEST]);
  testbed.kubectl(
    ['apply', ...files.flatMap((file) => ['-f', file]), ...(options.manifestYaml ? ['-f', '-'] : [])],
    options.manifestYaml
  );
  const secretPath = `/api/v1/namespaces/${options.namespace ?? 'kubeatlas'}/secrets/kubeatlas-token`;
  let token = '';
  await waitUntil(
    `the token controller to fill ${secretPath}`,
    async () => {
      const secret = await testbed.api.get<{ data?: { token?: string } }>(secretPath);
      token = Buffer.from(secret.data?.token ?? '', 'base64').toString();
      return token.length > 0 && (await authenticates(testbed, token));
    },
    { timeoutMs: 30_000, watch: [] }
  );
  return token;
}

/** kube-apiserver knows the token (it checks a legacy token's Secret in its own informer cache, which may lag). */
async function authenticates(testbed: Testbed, token: string): Promise<boolean> {
  const api = testbed.api.as(token);
  try {
    const review = await api.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    return review.status === 201;
  } finally {
    api.close();
  }
}
