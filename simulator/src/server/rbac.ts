/**
 * RBAC authorization from the project's manifests (ClusterRole, ClusterRoleBinding, Role, RoleBinding,
 * ServiceAccount), evaluated like k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac, plus the bootstrap policy every
 * authenticated user gets (discovery and self-reviews). Messages follow
 * k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go (forbiddenMessage).
 */
import { Json } from '../cluster/store';
import { forbiddenStatus } from '../../../testbed/fault-proxy/src/statuses';
import type { RequestAttributes } from '../../../testbed/fault-proxy/src/requestInfo';
import { ApiError, fromStatus } from './status';
import { readYamlFiles } from './yaml-files';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  roleRef: { kind: 'ClusterRole' | 'Role'; name: string };
  subjects: Subject[];
}

export interface UserInfo {
  name: string;
  groups: string[];
}

export type { RequestAttributes };

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** The bootstrap ClusterRoles bound to system:authenticated (system:discovery, system:basic-user, system:public-info-viewer). */
const AUTHENTICATED_RULES: PolicyRule[] = [
  {
    verbs: ['get'],
    nonResourceURLs: [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/healthz',
      '/livez',
      '/readyz',
      '/version',
      '/version/',
      '/openapi',
      '/openapi/*',
    ],
  },
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];

const KNOWN_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ServiceAccount']);
/** Kinds that may sit in the same manifests but carry no policy. */
const IGNORED_KINDS = new Set(['Namespace', 'Secret', 'ConfigMap']);

export class Rbac {
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly bindings: Binding[] = [];
  readonly serviceAccounts: ServiceAccountRef[] = [];
  readonly files: string[] = [];

  /** Loads every .yaml/.yml/.json file of a directory, or one file. Throws naming the file and the problem. */
  static load(path: string): Rbac {
    const rbac = new Rbac();
    for (const { file, objects } of readYamlFiles(path, 'RBAC file')) {
      for (const { document, object } of objects) {
        const problem = rbac.add(object);
        if (problem) {
          throw new Error(`RBAC file ${file}: document ${document}: ${problem}`);
        }
      }
      rbac.files.push(file);
    }
    return rbac;
  }

  /** Adds one manifest; returns what is wrong with it, if anything. */
  private add(doc: Json): string | undefined {
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      return 'expected a Kubernetes object';
    }
    const kind = doc.kind;
    if (IGNORED_KINDS.has(kind)) {
      return undefined;
    }
    if (!KNOWN_KINDS.has(kind)) {
      return `unsupported kind "${kind}" (expected ${[...KNOWN_KINDS].join(', ')})`;
    }
    const name = doc.metadata?.name;
    if (typeof name !== 'string' || !name) {
      return `${kind} without metadata.name`;
    }
    const namespace = doc.metadata.namespace;
    const label = `${kind} "${name}"`;
    if ((kind === 'Role' || kind === 'RoleBinding' || kind === 'ServiceAccount') && !namespace) {
      return `${label} needs metadata.namespace`;
    }
    switch (kind) {
      case 'ServiceAccount':
        this.serviceAccounts.push({ namespace, name });
        return undefined;
      case 'ClusterRole':
      case 'Role': {
        const rules = doc.rules ?? [];
        if (!Array.isArray(rules)) {
          return `${label}: rules must be a list`;
        }
        for (const [i, rule] of rules.entries()) {
          if (!Array.isArray(rule?.verbs) || !rule.verbs.length) {
            return `${label}: rules[${i}].verbs must be a non-empty list`;
          }
          if (!rule.nonResourceURLs && (!Array.isArray(rule.apiGroups) || !Array.isArray(rule.resources))) {
            return `${label}: rules[${i}] needs apiGroups and resources (or nonResourceURLs)`;
          }
        }
        (kind === 'ClusterRole' ? this.clusterRoles : this.roles).set(
          kind === 'Role' ? `${namespace}/${name}` : name,
          rules
        );
        return undefined;
      }
      default: {
        const roleRef = doc.roleRef;
        if (!roleRef?.name || (roleRef.kind !== 'ClusterRole' && roleRef.kind !== 'Role')) {
          return `${label}: roleRef must name a ClusterRole or Role`;
        }
        if (kind === 'ClusterRoleBinding' && roleRef.kind !== 'ClusterRole') {
          return `${label}: a ClusterRoleBinding can only reference a ClusterRole`;
        }
        const subjects = doc.subjects ?? [];
        for (const [i, s] of subjects.entries()) {
          if (!['User', 'Group', 'ServiceAccount'].includes(s?.kind) || !s.name) {
            return `${label}: subjects[${i}] must have kind User, Group or ServiceAccount and a name`;
          }
          if (s.kind === 'ServiceAccount' && !s.namespace && kind === 'ClusterRoleBinding') {
            return `${label}: subjects[${i}] (ServiceAccount) needs a namespace`;
          }
        }
        this.bindings.push({
          kind,
          name,
          namespace,
          roleRef,
          subjects: subjects.map((s: Subject) => ({ ...s, namespace: s.namespace ?? namespace })),
        });
        return undefined;
      }
    }
  }

  /** The rules that apply to a user in a namespace (cluster-wide ones when namespace is undefined), with their source. */
  rulesFor(user: UserInfo, namespace: string | undefined): Array<{ rule: PolicyRule; via: string }> {
    const out: Array<{ rule: PolicyRule; via: string }> = AUTHENTICATED_RULES.map((rule) => ({
      rule,
      via: 'the bootstrap policy for system:authenticated',
    }));
    for (const binding of this.bindings) {
      if (binding.kind === 'RoleBinding' && binding.namespace !== namespace) {
        continue;
      }
      const subject = binding.subjects.find((s) => subjectMatches(s, user));
      if (!subject) {
        continue;
      }
      const rules =
        binding.roleRef.kind === 'ClusterRole'
          ? this.clusterRoles.get(binding.roleRef.name)
          : this.roles.get(`${binding.namespace}/${binding.roleRef.name}`);
      const via = `${binding.kind} "${binding.namespace && binding.kind === 'RoleBinding' ? `${binding.namespace}/` : ''}${binding.name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${subject.kind} "${subject.kind === 'ServiceAccount' ? `${subject.namespace}/` : ''}${subject.name}"`;
      for (const rule of rules ?? []) {
        out.push({ rule, via });
      }
    }
    return out;
  }

  /** Why the request is allowed, or undefined when it is not. */
  allowedBy(user: UserInfo, attrs: RequestAttributes): string | undefined {
    if (user.groups.includes('system:masters')) {
      return 'member of system:masters';
    }
    return this.rulesFor(user, attrs.namespace).find(({ rule }) => ruleAllows(rule, attrs))?.via;
  }

  authorize(user: UserInfo, attrs: RequestAttributes): void {
    if (!this.allowedBy(user, attrs)) {
      throw forbidden(user, attrs);
    }
  }
}

function subjectMatches(subject: Subject, user: UserInfo): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount':
      return user.name === `system:serviceaccount:${subject.namespace}:${subject.name}`;
  }
}

export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!rule.verbs.includes(attrs.verb) && !rule.verbs.includes('*')) {
    return false;
  }
  if (!attrs.resource) {
    return (rule.nonResourceURLs ?? []).some(
      (url) => url === '*' || url === attrs.path || (url.endsWith('*') && attrs.path.startsWith(url.slice(0, -1)))
    );
  }
  if (!rule.apiGroups?.some((g) => g === '*' || g === (attrs.apiGroup ?? ''))) {
    return false;
  }
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const resourceMatches = rule.resources?.some(
    (r) => r === '*' || r === combined || (attrs.subresource && r === `*/${attrs.subresource}`)
  );
  if (!resourceMatches) {
    return false;
  }
  return !rule.resourceNames?.length || (attrs.name !== undefined && rule.resourceNames.includes(attrs.name));
}

export function forbidden(user: UserInfo, attrs: RequestAttributes): ApiError {
  return fromStatus(forbiddenStatus(user.name, attrs));
}

/** Groups the apiserver's ServiceAccount authenticator gives a ServiceAccount user. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}
