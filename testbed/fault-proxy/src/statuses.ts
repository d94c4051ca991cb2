/**
 * The metav1.Status bodies a fault answers with, worded like kube-apiserver's own (reasons and messages from
 * k8s.io/apimachinery/pkg/api/errors and k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go), so a
 * client's handling of a real 401, 403, 429 or 5xx is what gets tested.
 */
import type { FaultRule } from './rules';
import type { RequestAttributes } from './requestInfo';

export interface KubeStatus {
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; group?: string; kind?: string; retryAfterSeconds?: number };
  /** Response headers that go with it (Retry-After). */
  headers?: Record<string, string>;
}

export function statusBody(status: KubeStatus): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: status.message,
    reason: status.reason,
    ...(status.details ? { details: status.details } : {}),
    code: status.code,
  });
}

export const unauthorizedStatus = (): KubeStatus => ({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' });

export const unavailableStatus = (): KubeStatus => ({
  code: 503,
  reason: 'ServiceUnavailable',
  message: 'the server is currently unable to handle the request',
});

export const tooManyRequestsStatus = (retryAfter: number): KubeStatus => ({
  code: 429,
  reason: 'TooManyRequests',
  message: 'Too many requests, please try again later.',
  details: { retryAfterSeconds: retryAfter },
  headers: { 'Retry-After': String(retryAfter) },
});

/** An RBAC denial: `pods is forbidden: User "u" cannot list resource "pods" in API group "" at the cluster scope`. */
export function forbiddenStatus(userName: string, attrs: RequestAttributes): KubeStatus {
  if (!attrs.resource) {
    return {
      code: 403,
      reason: 'Forbidden',
      message: `forbidden: User "${userName}" cannot ${attrs.verb} path "${attrs.path}"`,
      details: {},
    };
  }
  const group = attrs.apiGroup ?? '';
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const reason = `User "${userName}" cannot ${attrs.verb} resource "${resource}" in API group "${group}" ${scope}`;
  const qualified = group ? `${attrs.resource}.${group}` : attrs.resource;
  const message = attrs.name
    ? `${qualified} "${attrs.name}" is forbidden: ${reason}`
    : `${qualified} is forbidden: ${reason}`;
  return {
    code: 403,
    reason: 'Forbidden',
    message,
    details: { ...(attrs.name ? { name: attrs.name } : {}), ...(group ? { group } : {}), kind: attrs.resource },
  };
}

/** The Status of an `error`, `unauthorized` or `forbidden` rule. */
export function faultStatus(rule: FaultRule, userName: string, attrs: RequestAttributes): KubeStatus {
  switch (rule.type) {
    case 'unauthorized':
      return unauthorizedStatus();
    case 'forbidden':
      return forbiddenStatus(rule.user ?? userName, attrs);
    default:
      switch (rule.status ?? 500) {
        case 429:
          return tooManyRequestsStatus(rule.retryAfter ?? 1);
        case 503:
          return unavailableStatus();
        case 410:
          // What kube-apiserver answers a watch or a continue token older than etcd's compacted history.
          return { code: 410, reason: 'Expired', message: 'too old resource version: injected fault', details: {} };
        case 504:
          // What the apiserver's request-timeout filter answers.
          return {
            code: 504,
            reason: 'Timeout',
            message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
            details: {},
          };
        default:
          return {
            code: rule.status ?? 500,
            reason: 'InternalError',
            message: 'Internal error occurred: injected fault',
          };
      }
  }
}
