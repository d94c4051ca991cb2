/**
 * @jest-environment node
 */
import { join } from 'node:path';
import { Rbac, serviceAccountUser, RequestAttributes } from './rbac';

const fixtures = join(__dirname, '../../test/fixtures');
const viewer = serviceAccountUser('tools', 'viewer');
const rbac = Rbac.load(join(fixtures, 'rbac'));

const attrs = (verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb,
  resource,
  apiGroup: '',
  path: '/',
  ...extra,
});

describe('RBAC evaluation', () => {
  it('allows what a ClusterRoleBinding grants, cluster-wide and in every namespace', () => {
    expect(rbac.allowedBy(viewer, attrs('list', 'pods'))).toContain('ClusterRoleBinding "viewer-pods"');
    expect(
      rbac.allowedBy(viewer, attrs('get', 'pods', { namespace: 'data', subresource: 'log', name: 'x' }))
    ).toBeDefined();
    expect(rbac.allowedBy(viewer, attrs('delete', 'pods', { namespace: 'data', name: 'x' }))).toBeUndefined();
  });

  it('limits a RoleBinding to its namespace', () => {
    const deployments = { apiGroup: 'apps', namespace: 'shop' };
    expect(rbac.allowedBy(viewer, attrs('list', 'deployments', deployments))).toContain(
      'RoleBinding "shop/viewer-deployments"'
    );
    expect(rbac.allowedBy(viewer, attrs('list', 'deployments', { ...deployments, namespace: 'data' }))).toBeUndefined();
    expect(rbac.allowedBy(viewer, attrs('list', 'deployments', { apiGroup: 'apps' }))).toBeUndefined();
  });

  it('matches subresources and resourceNames exactly', () => {
    const scale = { apiGroup: 'apps', namespace: 'shop', subresource: 'scale' };
    expect(rbac.allowedBy(viewer, attrs('patch', 'deployments', { ...scale, name: 'cart' }))).toBeDefined();
    expect(rbac.allowedBy(viewer, attrs('patch', 'deployments', { ...scale, name: 'frontend' }))).toBeUndefined();
    expect(
      rbac.allowedBy(viewer, attrs('patch', 'deployments', { apiGroup: 'apps', namespace: 'shop', name: 'cart' }))
    ).toBeUndefined();
  });

  it('gives every authenticated user discovery and self reviews, and system:masters everything', () => {
    const nobody = { name: 'nobody', groups: ['system:authenticated'] };
    expect(rbac.allowedBy(nobody, { verb: 'get', path: '/apis/apps/v1' })).toBeDefined();
    expect(
      rbac.allowedBy(nobody, attrs('create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' }))
    ).toBeDefined();
    expect(rbac.allowedBy(nobody, attrs('list', 'pods'))).toBeUndefined();
    expect(
      rbac.allowedBy({ name: 'root', groups: ['system:masters'] }, attrs('delete', 'nodes', { name: 'n' }))
    ).toBeDefined();
  });

  it('words 403 messages like the apiserver', () => {
    expect(() => rbac.authorize(viewer, attrs('list', 'nodes'))).toThrow(
      'nodes is forbidden: User "system:serviceaccount:tools:viewer" cannot list resource "nodes" in API group "" at the cluster scope'
    );
    expect(() =>
      rbac.authorize(
        viewer,
        attrs('patch', 'deployments', { apiGroup: 'apps', namespace: 'shop', name: 'web', subresource: 'scale' })
      )
    ).toThrow(
      'deployments.apps "web" is forbidden: User "system:serviceaccount:tools:viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"'
    );
    expect(() => rbac.authorize(viewer, { verb: 'get', path: '/metrics' })).toThrow(
      'forbidden: User "system:serviceaccount:tools:viewer" cannot get path "/metrics"'
    );
  });

  it('refuses malformed manifests, naming the file and the problem', () => {
    expect(() => Rbac.load(join(fixtures, 'bad-rbac.yaml'))).toThrow(
      /bad-rbac\.yaml: document 1: ClusterRoleBinding "missing-role-ref": roleRef must name a ClusterRole or Role/
    );
  });

  it('loads the project RBAC manifests', () => {
    const project = Rbac.load(join(__dirname, '../../../deploy/kubernetes'));
    const app = serviceAccountUser('kubeatlas', 'kubeatlas');
    expect(project.serviceAccounts).toContainEqual({ namespace: 'kubeatlas', name: 'kubeatlas' });
    expect(project.allowedBy(app, attrs('list', 'pods'))).toBeDefined();
    expect(project.allowedBy(app, attrs('list', 'secrets'))).toBeUndefined();
  });
});
