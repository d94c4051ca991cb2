/**
 * The Kubernetes permissions KubeAtlas needs, in one list shared by the client, Save & test's RBAC check and the
 * manifests in deploy/kubernetes/ (a jest test asserts the ClusterRoles there grant exactly these).
 */
import type { ResourceRule } from './client';
import { KIND_NAMES, KINDS } from './kinds';

/** One permission: `resource` may carry a subresource ("pods/log", "deployments/scale"). */
export interface RbacPermission {
  group: string;
  resource: string;
  verb: string;
}

const READ_VERBS = ['get', 'list', 'watch'];

/** ClusterRole kubeatlas-reader: read every listed kind, read pod logs, ask what the token may do. */
export const READER_PERMISSIONS: readonly RbacPermission[] = [
  ...KIND_NAMES.flatMap((kind) =>
    READ_VERBS.map((verb) => ({ group: KINDS[kind].group, resource: KINDS[kind].plural, verb }))
  ),
  { group: '', resource: 'pods/log', verb: 'get' },
  { group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', verb: 'create' },
  { group: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews', verb: 'create' },
];

/**
 * Non-resource URLs the client GETs (version and discovery). Kubernetes grants them to every authenticated user by
 * default (ClusterRole system:discovery); the reader role repeats them so it works where that default was removed.
 */
export const READER_NON_RESOURCE_URLS: readonly string[] = ['/version', '/api', '/api/*', '/apis', '/apis/*'];

/**
 * Optional ClusterRole kubeatlas-operator: the write actions of src/k8s/actions.ts (scale, rollout restart, delete
 * pod, cordon/uncordon, suspend/resume, run a CronJob now) and nothing broader. Update on the scale subresources as
 * well as patch, so the same token serves `kubectl scale` and tools that PUT a Scale.
 */
export const OPERATOR_PERMISSIONS: readonly RbacPermission[] = [
  ...['deployments', 'statefulsets', 'daemonsets'].map((resource) => ({ group: 'apps', resource, verb: 'patch' })),
  ...['deployments/scale', 'statefulsets/scale', 'replicasets/scale'].flatMap((resource) =>
    ['update', 'patch'].map((verb) => ({ group: 'apps', resource, verb }))
  ),
  { group: '', resource: 'nodes', verb: 'patch' },
  { group: 'batch', resource: 'cronjobs', verb: 'patch' },
  { group: 'batch', resource: 'jobs', verb: 'create' },
  { group: '', resource: 'pods', verb: 'delete' },
];

/** "group/resource:verb", for sets and messages ("core" for the core group). */
export function permissionKey(p: RbacPermission): string {
  return `${p.group || 'core'}/${p.resource}:${p.verb}`;
}

/** Does any rule (from a SelfSubjectRulesReview or a ClusterRole) grant the permission? Honours "*" wildcards. */
export function isGranted(rules: readonly ResourceRule[], permission: RbacPermission): boolean {
  return rules.some(
    (rule) =>
      rule.resourceNames.length === 0 &&
      (rule.apiGroups.includes('*') || rule.apiGroups.includes(permission.group)) &&
      (rule.verbs.includes('*') || rule.verbs.includes(permission.verb)) &&
      (rule.resources.includes('*') ||
        rule.resources.includes(permission.resource) ||
        // "pods/*" grants every subresource of pods.
        rule.resources.includes(`${permission.resource.split('/')[0]}/*`))
  );
}

/**
 * The ClusterRole `rules:` entries (YAML) that grant the given permissions, one rule per group and verb set:
 * what Save & test and Forbidden errors tell the user to add.
 */
export function clusterRoleRules(permissions: readonly RbacPermission[]): string {
  const byGroupAndResource = new Map<string, { group: string; resource: string; verbs: string[] }>();
  for (const p of permissions) {
    const key = `${p.group}\u0000${p.resource}`;
    const entry = byGroupAndResource.get(key) ?? { group: p.group, resource: p.resource, verbs: [] };
    if (!entry.verbs.includes(p.verb)) {
      entry.verbs.push(p.verb);
    }
    byGroupAndResource.set(key, entry);
  }
  // Merge resources that share group and verbs into one rule.
  const rules = new Map<string, { group: string; resources: string[]; verbs: string[] }>();
  for (const { group, resource, verbs } of byGroupAndResource.values()) {
    const key = `${group}\u0000${verbs.join(',')}`;
    const rule = rules.get(key) ?? { group, resources: [], verbs };
    rule.resources.push(resource);
    rules.set(key, rule);
  }
  const list = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  return [...rules.values()]
    .map((r) => `- apiGroups: ${list([r.group])}\n  resources: ${list(r.resources)}\n  verbs: ${list(r.verbs)}`)
    .join('\n');
}
