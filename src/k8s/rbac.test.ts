/**
 * @jest-environment node
 */
import { readFileSync } from 'fs';
import { loadAll } from 'js-yaml';
import { join } from 'path';
import type { ResourceRule } from './client';
import {
  clusterRoleRules,
  isGranted,
  OPERATOR_PERMISSIONS,
  permissionKey,
  READER_NON_RESOURCE_URLS,
  READER_PERMISSIONS,
  type RbacPermission,
} from './rbac';

interface Manifest {
  apiVersion: string;
  kind: string;
  type?: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  rules?: Array<{ apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] }>;
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace: string }>;
}

function manifests(file: string): Manifest[] {
  return loadAll(readFileSync(join(__dirname, '../../deploy/kubernetes', file), 'utf8')) as Manifest[];
}

function find(docs: Manifest[], kind: string, name: string): Manifest {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) {
    throw new Error(`${kind} ${name} missing`);
  }
  return doc;
}

/** Expands a ClusterRole's resource rules into sorted "group/resource:verb" keys. */
function granted(role: Manifest): string[] {
  return (role.rules ?? [])
    .filter((r) => r.resources)
    .flatMap((r) =>
      (r.apiGroups ?? []).flatMap((group) =>
        (r.resources ?? []).flatMap((resource) => r.verbs.map((verb) => permissionKey({ group, resource, verb })))
      )
    )
    .sort();
}

const keys = (permissions: readonly RbacPermission[]) => permissions.map(permissionKey).sort();

describe('deploy/kubernetes manifests', () => {
  const reader = manifests('kubeatlas-reader.yaml');
  const operator = manifests('kubeatlas-operator.yaml');

  it('kubeatlas-reader grants exactly READER_PERMISSIONS and the discovery URLs', () => {
    const role = find(reader, 'ClusterRole', 'kubeatlas-reader');
    expect(granted(role)).toEqual(keys(READER_PERMISSIONS));
    const nonResource = (role.rules ?? []).filter((r) => r.nonResourceURLs);
    expect(nonResource.flatMap((r) => r.nonResourceURLs).sort()).toEqual([...READER_NON_RESOURCE_URLS].sort());
    expect(nonResource.every((r) => r.verbs.join() === 'get')).toBe(true);
  });

  it('kubeatlas-operator grants exactly OPERATOR_PERMISSIONS', () => {
    expect(granted(find(operator, 'ClusterRole', 'kubeatlas-operator'))).toEqual(keys(OPERATOR_PERMISSIONS));
  });

  it('binds both roles to the kubeatlas ServiceAccount, which has a long-lived token Secret', () => {
    expect(find(reader, 'Namespace', 'kubeatlas')).toBeDefined();
    expect(find(reader, 'ServiceAccount', 'kubeatlas').metadata.namespace).toBe('kubeatlas');
    for (const [docs, name] of [
      [reader, 'kubeatlas-reader'],
      [operator, 'kubeatlas-operator'],
    ] as const) {
      const binding = find(docs, 'ClusterRoleBinding', name);
      expect(binding.roleRef).toEqual(expect.objectContaining({ kind: 'ClusterRole', name }));
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kubeatlas', namespace: 'kubeatlas' }]);
    }
    const secret = find(reader, 'Secret', 'kubeatlas-token');
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(secret.metadata.namespace).toBe('kubeatlas');
    expect(secret.metadata.annotations?.['kubernetes.io/service-account.name']).toBe('kubeatlas');
  });
});

describe('isGranted', () => {
  const rule = (
    apiGroups: string[],
    resources: string[],
    verbs: string[],
    resourceNames: string[] = []
  ): ResourceRule => ({
    apiGroups,
    resources,
    verbs,
    resourceNames,
  });
  const listPods = { group: '', resource: 'pods', verb: 'list' };

  it('matches group, resource and verb, with wildcards', () => {
    expect(isGranted([rule([''], ['pods'], ['get', 'list'])], listPods)).toBe(true);
    expect(isGranted([rule(['*'], ['*'], ['*'])], listPods)).toBe(true);
    expect(isGranted([rule([''], ['pods'], ['get'])], listPods)).toBe(false);
    expect(isGranted([rule(['apps'], ['pods'], ['list'])], listPods)).toBe(false);
    expect(isGranted([rule([''], ['pods/*'], ['get'])], { group: '', resource: 'pods/log', verb: 'get' })).toBe(true);
    expect(isGranted([rule([''], ['pods'], ['get'])], { group: '', resource: 'pods/log', verb: 'get' })).toBe(false);
  });

  it('does not count rules limited to named objects as a cluster-wide grant', () => {
    expect(isGranted([rule([''], ['pods'], ['list'], ['web-0'])], listPods)).toBe(false);
  });

  it('the reader ClusterRole rules grant every reader permission and no write', () => {
    const role = find(manifests('kubeatlas-reader.yaml'), 'ClusterRole', 'kubeatlas-reader');
    const rules = (role.rules ?? [])
      .filter((r) => r.resources)
      .map((r) => rule(r.apiGroups ?? [], r.resources ?? [], r.verbs));
    expect(READER_PERMISSIONS.filter((p) => !isGranted(rules, p))).toEqual([]);
    expect(OPERATOR_PERMISSIONS.filter((p) => isGranted(rules, p))).toEqual([]);
  });
});

describe('clusterRoleRules', () => {
  it('renders YAML rules that grant what was asked, merging resources with the same group and verbs', () => {
    const text = clusterRoleRules([
      { group: 'apps', resource: 'deployments', verb: 'list' },
      { group: 'apps', resource: 'statefulsets', verb: 'list' },
      { group: '', resource: 'pods/log', verb: 'get' },
    ]);
    expect(text).toBe(
      '- apiGroups: ["apps"]\n  resources: ["deployments", "statefulsets"]\n  verbs: ["list"]\n' +
        '- apiGroups: [""]\n  resources: ["pods/log"]\n  verbs: ["get"]'
    );
    const parsed = loadAll(`rules:\n${text.replace(/^/gm, '  ')}`)[0] as { rules: Manifest['rules'] };
    expect(parsed.rules).toHaveLength(2);
  });
});
