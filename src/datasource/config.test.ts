import { checkClusterUrl } from './config';

describe('checkClusterUrl', () => {
  it.each([
    ['https://10.0.0.1:6443', 'https://10.0.0.1:6443'],
    ['https://rancher.example.com/k8s/clusters/c-abc/', 'https://rancher.example.com/k8s/clusters/c-abc'],
    [' http://127.0.0.1:8001 ', 'http://127.0.0.1:8001'],
  ])('accepts %p as %p', (input, normalized) => {
    expect(checkClusterUrl(input)).toEqual({ ok: true, url: normalized });
  });

  it.each([
    ['', /Enter the API server URL/],
    ['10.0.0.1:6443', /scheme/],
    ['kubernetes.default.svc', /not a URL.*https:\/\/kubernetes\.default\.svc/],
    ['ftp://host', /scheme must be https/],
    ['https://host:6443/?x=1', /query string/],
    ['https://user:pw@host:6443', /bearer token/],
  ])('rejects %p with the reason', (input, reason) => {
    const result = checkClusterUrl(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});
