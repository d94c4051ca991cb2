/**
 * @jest-environment node
 */
import { requestAttributes } from './requestInfo';

describe('requestAttributes', () => {
  it.each([
    ['GET', '/api/v1/pods', { verb: 'list', resource: 'pods', apiGroup: '' }],
    ['GET', '/api/v1/pods?watch=true', { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/watch/namespaces/a/pods', { verb: 'watch', resource: 'pods', namespace: 'a' }],
    ['GET', '/api/v1/namespaces/a/pods/b/log', { verb: 'get', name: 'b', subresource: 'log', namespace: 'a' }],
    ['GET', '/api/v1/namespaces/a', { verb: 'get', resource: 'namespaces', name: 'a', namespace: 'a' }],
    ['PUT', '/api/v1/namespaces/a/finalize', { verb: 'update', resource: 'namespaces', subresource: 'finalize' }],
    ['GET', '/apis/apps/v1/deployments', { verb: 'list', resource: 'deployments', apiGroup: 'apps' }],
    ['PATCH', '/apis/apps/v1/namespaces/a/deployments/b/scale', { verb: 'patch', subresource: 'scale' }],
    ['DELETE', '/api/v1/namespaces/a/pods', { verb: 'deletecollection', resource: 'pods' }],
    ['POST', '/api/v1/namespaces/a/pods', { verb: 'create', resource: 'pods', namespace: 'a' }],
    ['GET', '/api/v1/pods?fieldSelector=metadata.name%3Dweb', { verb: 'list', name: 'web' }],
    ['HEAD', '/version', { verb: 'get', path: '/version' }],
    ['GET', '/apis/apps/v1', { verb: 'get', path: '/apis/apps/v1' }],
  ])('%s %s', (method, url, expected) => {
    expect(requestAttributes(method, url)).toMatchObject(expected);
  });

  it('discovery and other non-resource paths name no resource', () => {
    expect(requestAttributes('GET', '/api')).toEqual({ verb: 'get', path: '/api' });
    expect(requestAttributes('GET', '/openapi/v3')).toEqual({ verb: 'get', path: '/openapi/v3' });
  });
});
