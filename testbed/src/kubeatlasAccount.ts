/**
 * The project's RBAC applied to the testbed as the README's "Connect a cluster" tells users to, and the KubeAtlas
 * ServiceAccount's long-lived token read back from the Secret the controller-manager's token controller fills.
 */
import path from 'node:path';
import type { Testbed } from './launcher';
import { waitUntil } from './processes';

const REPO = path.resolve(__dirname, '../..');
export const READER_MANIFEST = path.join(REPO, 'deploy/kubernetes/kubeatlas-reader.yaml');
export const OPERATOR_MANIFEST = path.join(REPO, 'deploy/kubernetes/kubeatlas-operator.yaml');
export const SERVICE_ACCOUNT = 'system:serviceaccount:kubeatlas:kubeatlas';

/** Applies the reader (and, unless readOnly, the operator) manifest and returns the ServiceAccount's token. */
export async function kubeatlasToken(testbed: Testbed, options: { readOnly?: boolean } = {}): Promise<string> {
  testbed.kubectl(['apply', '-f', READER_MANIFEST, ...(options.readOnly ? [] : ['-f', OPERATOR_MANIFEST])]);
  let token = '';
  await waitUntil(
    'the token controller to fill kubeatlas/kubeatlas-token',
    async () => {
      const secret = await testbed.api.get<{ data?: { token?: string } }>(
        '/api/v1/namespaces/kubeatlas/secrets/kubeatlas-token'
      );
      token = Buffer.from(secret.data?.token ?? '', 'base64').toString();
      return token.length > 0;
    },
    { timeoutMs: 30000, watch: [] }
  );
  return token;
}
