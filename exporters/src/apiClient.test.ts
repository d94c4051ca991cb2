/**
 * @jest-environment node
 */
import { ApiError, explain } from './apiClient';

const credentials = { server: 'https://10.0.0.1:6443', token: 't', source: '/kc (context prod)' };
const pods = { group: '', resource: 'pods' };
const errno = (code: string, message = code) => Object.assign(new Error(message), { code });
const status = (code: number, message: string) => JSON.stringify({ kind: 'Status', code, message });

describe('explain', () => {
  it.each([
    [
      new ApiError(
        403,
        '/api/v1/pods',
        status(
          403,
          'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope'
        ),
        undefined
      ),
      /did not recognise the credentials of \/kc \(context prod\) and ran the request as system:anonymous/,
    ],
    [
      new ApiError(
        403,
        '/api/v1/pods',
        status(403, 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" at the cluster scope'),
        undefined
      ),
      /^pods is forbidden: User "bob" .*\(403\)\. Grant it with the rule \{apiGroups: \[""\], resources: \["pods"\], verbs: \["list", "watch"\]\} in a ClusterRole/,
    ],
    [new ApiError(400, '/api/v1/pods', 'bad', undefined), /answered 400 for \/api\/v1\/pods: bad/],
    [
      errno('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      /does not name its host .*use a server URL with a name or IP the certificate lists/,
    ],
    [errno('CERT_HAS_EXPIRED'), /outside its validity \(CERT_HAS_EXPIRED\)/],
    [
      errno('EPROTO', 'wrong version number'),
      /did not answer TLS \(EPROTO\): if it serves plain HTTP, write http:\/\//,
    ],
    [
      errno('ENOTFOUND'),
      /the host of https:\/\/10\.0\.0\.1:6443 does not resolve \(ENOTFOUND\): fix the server URL in \/kc/,
    ],
  ])('%s: a cause and a fix, no retry', (error, message) => {
    const explanation = explain(error, credentials, pods);
    expect(explanation.message).toMatch(message);
    expect(explanation.fatal).toBe(true);
  });

  it.each([
    [
      new ApiError(429, '/api/v1/pods', status(429, 'too many requests'), 2),
      /answered 429 for \/api\/v1\/pods \(too many requests\)/,
    ],
    [new ApiError(504, '/api/v1/pods', status(504, 'Timeout: request did not complete'), undefined), /answered 504/],
    [errno('ECONNRESET', 'socket hang up'), /pods from https:\/\/10\.0\.0\.1:6443: socket hang up \(ECONNRESET\)/],
  ])('%s passes: tried again', (error, message) => {
    const explanation = explain(error, credentials, pods);
    expect(explanation.message).toMatch(message);
    expect(explanation.fatal).toBe(false);
  });
});
