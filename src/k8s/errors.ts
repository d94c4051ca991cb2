/**
 * Typed errors of the Kubernetes client. Every error carries a user-facing `summary` (the cause) and `fix` (what to
 * do); `message` is both, so any generic error display still tells the user what to do.
 *
 * Responses come either from the Kubernetes API (a `Status` object body: kind "Status") or from Grafana's datasource
 * proxy in front of it, which answers on its own:
 * - 502 with an empty body: the cluster could not be reached or the TLS handshake failed
 *   (pkg/util/proxyutil/reverse_proxy.go errorHandler);
 * - 504 with an empty body: the cluster did not answer in time (same file);
 * - 400 "Authentication to data source failed": the cluster answered 401 and Grafana rewrote it
 *   (pkg/api/pluginproxy/ds_proxy.go, ModifyResponse);
 * - 403 {"message":"plugin proxy route access denied"}: the Grafana user's role does not allow the route
 *   (ds_proxy.go validateRequest).
 */

/** The API coordinates an error message names (a KindInfo, or an authorization review kind). */
export interface ResourceInfo {
  kind: string;
  group: string;
  version: string;
  plural: string;
}

export type K8sErrorCode =
  | 'Unreachable'
  | 'Tls'
  | 'Unauthorized'
  | 'Forbidden'
  | 'RouteDenied'
  | 'NotFound'
  | 'ApiMissing'
  | 'Timeout'
  | 'Unavailable'
  | 'Expired'
  | 'BadResponse'
  | 'Rejected'
  | 'Cancelled';

/** What the client was doing when the error happened; used to name the kind, verb and namespace in messages. */
export interface RequestContext {
  method: string;
  url: string;
  /** Kubernetes API path (without the proxy route prefix), e.g. /version or /api/v1/pods; the client always sets it. */
  path?: string;
  /** RBAC verb (list, get, patch, create, delete). */
  verb: string;
  kind?: ResourceInfo;
  /** Subresource ("scale", "log"). */
  subresource?: string;
  namespace?: string;
  name?: string;
}

export abstract class K8sError extends Error {
  abstract readonly code: K8sErrorCode;
  /** HTTP status when there was a response. */
  readonly status?: number;
  readonly url?: string;

  constructor(
    readonly summary: string,
    readonly fix: string,
    context?: { status?: number; url?: string }
  ) {
    super(fix ? `${summary} ${fix}` : summary);
    this.status = context?.status;
    this.url = context?.url;
  }

  /** "ForbiddenError", "CancelledError", …: from the code, because minified builds rename classes. */
  get name(): string {
    return `${this.code}Error`;
  }
}

/** DNS failure, connection refused/reset, or Grafana's 502 (which also covers TLS failures it cannot tell apart). */
export class UnreachableError extends K8sError {
  readonly code = 'Unreachable';
}

/** The TLS handshake failed: unknown CA, self-signed certificate, name mismatch, expired certificate. */
export class TlsError extends K8sError {
  readonly code = 'Tls';
}

/**
 * The cluster rejected the bearer token (401, or Grafana's 400 "Authentication to data source failed"), or no token
 * reached it at all (`anonymous`: kube-apiserver then acts as system:anonymous and RBAC answers 403).
 */
export class UnauthorizedError extends K8sError {
  readonly code = 'Unauthorized';
  constructor(
    summary: string,
    fix: string,
    context?: { status?: number; url?: string },
    readonly anonymous = false
  ) {
    super(summary, fix, context);
  }
}

/** An RBAC rule the token does not have. */
export class ForbiddenError extends K8sError {
  readonly code = 'Forbidden';
  constructor(
    readonly kind: string,
    readonly verb: string,
    readonly namespace: string | undefined,
    /** The ClusterRole rule that grants the missing permission, as YAML. */
    readonly rule: string,
    context?: { status?: number; url?: string }
  ) {
    super(
      `The datasource's service account may not ${verb} ${kind}${namespace ? ` in namespace ${namespace}` : ' cluster-wide'}.`,
      `Add this rule to its ClusterRole (deploy/kubernetes/): ${rule}`,
      context
    );
  }
}

/** Grafana refused the proxy route for the signed-in user's role (e.g. a Viewer trying a write action). */
export class RouteDeniedError extends K8sError {
  readonly code = 'RouteDenied';
}

export class NotFoundError extends K8sError {
  readonly code = 'NotFound';
}

/**
 * The cluster does not serve the API group/version this kind needs (e.g. batch/v1 CronJob before Kubernetes 1.21).
 * `groupServed` is false when the whole group is missing: kube-apiserver then answers a plain-text "404 page not
 * found", while an unserved version or resource of a served group gets a NotFound Status.
 */
export class ApiMissingError extends K8sError {
  readonly code = 'ApiMissing';
  constructor(
    readonly groupVersion: string,
    readonly kind: string | undefined,
    context?: { status?: number; url?: string },
    readonly groupServed = true
  ) {
    const group = groupVersion.includes('/') ? groupVersion.split('/')[0] : '';
    const needed = `The cluster does not serve ${groupVersion}${kind ? ` (needed for ${kind})` : ''}`;
    super(
      groupServed || !group ? `${needed}.` : `${needed}. Its API group ${group} is not served at all.`,
      groupServed || !group
        ? 'Upgrade the cluster to a version that serves it; pages that need it stay empty meanwhile.'
        : isBuiltInGroup(group)
          ? `${group} is built into Kubernetes: upgrade the cluster, or turn the group on in kube-apiserver ` +
            `(--runtime-config=${groupVersion}=true). Pages that need it stay empty meanwhile.`
          : `${group} comes from a CustomResourceDefinition: install the operator or CRDs that provide it ` +
            `(kubectl get crd | grep ${group} lists none now).`,
      context
    );
  }
}

/**
 * Kubernetes reserves group names without a dot and those under k8s.io for its own APIs; any other group (e.g.
 * monitoring.coreos.com) is added to a cluster by a CustomResourceDefinition or an aggregated API.
 */
function isBuiltInGroup(group: string): boolean {
  return !group.includes('.') || group === 'k8s.io' || group.endsWith('.k8s.io');
}

export class TimeoutError extends K8sError {
  readonly code = 'Timeout';
}

/** 429 or 5xx still failing after the bounded retries. */
export class UnavailableError extends K8sError {
  readonly code = 'Unavailable';
}

/** 410 Gone: a paged list's continue token expired (the list restarts once before surfacing this). */
export class ExpiredError extends K8sError {
  readonly code = 'Expired';
}

/** A response the client cannot use: not JSON, not the expected shape, or an unexpected status. */
export class BadResponseError extends K8sError {
  readonly code = 'BadResponse';
}

/**
 * The API server refused the request itself, with a Status naming why: 400 BadRequest (a malformed label selector,
 * a container pods/log cannot read), 409 Conflict (the object changed meanwhile), 422 Invalid (a value or an
 * admission policy refused the change). `reason` is the Status reason.
 */
export class RejectedError extends K8sError {
  readonly code = 'Rejected';
  constructor(
    readonly reason: string,
    summary: string,
    fix: string,
    context?: { status?: number; url?: string }
  ) {
    super(summary, fix, context);
  }
}

/** The caller aborted the request (navigation, refresh). Pages ignore it. */
export class CancelledError extends K8sError {
  readonly code = 'Cancelled';
}

export function isK8sError(error: unknown): error is K8sError {
  return error instanceof K8sError;
}

/** The ClusterRole rule granting `verb` on a kind (or its subresource), formatted as one YAML flow mapping. */
export function ruleFor(group: string, resource: string, verb: string): string {
  return `{apiGroups: ["${group}"], resources: ["${resource}"], verbs: ["${verb}"]}`;
}

/** A Kubernetes `Status` object, the body of every error the API server itself returns. */
export interface KubernetesStatus {
  kind: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; retryAfterSeconds?: number };
}

export function isKubernetesStatus(body: unknown): body is KubernetesStatus {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status';
}

const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';
/** How kube-apiserver's RBAC denial names an unauthenticated caller: `… User "system:anonymous" cannot list …`. */
const ANONYMOUS_USER = /\bUser "system:anonymous"/;
const GRAFANA_ROUTE_DENIED = 'plugin proxy route access denied';

const READ_TOKEN = "kubectl -n kubeatlas get secret kubeatlas-token -o jsonpath='{.data.token}' | base64 -d";
const TOKEN_FIX = `Paste a valid service-account token in the datasource settings (${READ_TOKEN}) and check it has not expired or been deleted.`;
const NO_TOKEN_FIX =
  'The datasource sends no token, or an empty one: set Authentication → Bearer token in the datasource settings ' +
  `to the service account's token (${READ_TOKEN}) and save. This is not a missing RBAC rule.`;
const REACH_FIX =
  "Check the cluster URL in the datasource settings and that Grafana's server can reach it (DNS, firewall, port).";
const TLS_FIX =
  "Add the cluster's CA certificate in the datasource TLS settings (or the right TLS server name); " +
  'skip TLS verification only for a test cluster.';

/** Maps an HTTP response that is not 2xx to the typed error; `retries` says how many retries already failed. */
export function errorFromResponse(
  response: { status: number; body: unknown },
  context: RequestContext,
  retries = 0
): K8sError {
  const { status, body } = response;
  const where = { status, url: context.url };
  const k8s = isKubernetesStatus(body) ? body : undefined;
  const text = k8s?.message ?? textOf(body);
  const detail = text ? ` (${truncate(text)})` : '';

  if (status === 401 || (status === 400 && !k8s && text.includes(GRAFANA_AUTH_FAILED))) {
    return new UnauthorizedError('The cluster rejected the datasource token.', TOKEN_FIX, where);
  }
  if (status === 403) {
    if (k8s && ANONYMOUS_USER.test(text)) {
      // kube-apiserver authorizes a request without a usable token as system:anonymous, and RBAC then refuses it.
      return new UnauthorizedError(
        'No token reached the cluster: it treated the request as anonymous (system:anonymous) and refused it.',
        NO_TOKEN_FIX,
        where,
        true
      );
    }
    if (!k8s && text.includes(GRAFANA_ROUTE_DENIED)) {
      return new RouteDeniedError(
        `Grafana refused this ${context.method} for your role.`,
        'Ask a Grafana admin for the Editor role (write actions) on this datasource.',
        where
      );
    }
    if (!k8s) {
      return new RouteDeniedError(
        `Grafana refused the request${detail}.`,
        "Check Grafana's data proxy settings.",
        where
      );
    }
    return forbidden(context, k8s, where);
  }
  if (status === 404) {
    // kube-apiserver names a missing object in details; a resource it does not serve is a NotFound with empty details.
    if (k8s?.reason === 'NotFound' && k8s.details?.name) {
      const what = `${context.kind?.kind ?? k8s.details.kind ?? 'Object'} ${context.namespace ? `${context.namespace}/` : ''}${context.name ?? k8s.details.name}`;
      return new NotFoundError(`${what} does not exist.`, 'It may have been deleted; refresh the page.', where);
    }
    if (!k8s && typeof body === 'object' && body !== null && text) {
      // Grafana's own JSON error ({"message": "Unable to find datasource"}), not the cluster's.
      return new NotFoundError(
        `Grafana answered 404 (${truncate(text)}).`,
        'The datasource may have been deleted or renamed: pick the cluster again.',
        where
      );
    }
    // An unserved group answers a plain "404 page not found"; an unserved version of a served group, a Status.
    if (context.kind) {
      return new ApiMissingError(
        context.kind.group ? `${context.kind.group}/${context.kind.version}` : context.kind.version,
        context.kind.kind,
        where,
        Boolean(k8s)
      );
    }
    const discovered = /^\/apis\/([^/]+)\/([^/]+)\/?$/.exec(context.path ?? '');
    if (discovered) {
      return new ApiMissingError(`${discovered[1]}/${discovered[2]}`, undefined, where, Boolean(k8s));
    }
    return new NotFoundError(
      `Nothing at ${context.url}${detail}.`,
      'Check the cluster URL (it must be the API server root) and the datasource routes.',
      where
    );
  }
  if (k8s && (status === 400 || status === 409 || status === 422)) {
    return rejected(context, k8s, where);
  }
  if (status === 410) {
    return new ExpiredError(
      `The list of ${context.kind?.plural ?? 'objects'} changed faster than it could be paged through (continue token expired).`,
      'Refresh; if it keeps happening, the API server compacts etcd unusually often.',
      where
    );
  }
  if (status === 499) {
    return new CancelledError('The request was cancelled.', '', where);
  }
  if (status === 502 && !k8s) {
    return new UnreachableError(
      "Grafana could not reach the cluster, or the TLS handshake failed (Grafana's server log names which).",
      `${REACH_FIX} For TLS: ${TLS_FIX}`,
      where
    );
  }
  if (status === 504) {
    return new TimeoutError(
      `The cluster did not answer ${context.verb} ${describeTarget(context)} in time.`,
      "Retry; on a large cluster raise the request timeout in the datasource settings (and Grafana's dataproxy.timeout).",
      where
    );
  }
  if (status === 429 || status >= 500) {
    const after = retries ? ` after ${retries} retr${retries === 1 ? 'y' : 'ies'}` : '';
    return new UnavailableError(
      `The cluster answered ${status}${status === 429 ? ' (too many requests)' : ''} to ${context.verb} ${describeTarget(context)}${after}${detail}.`,
      status === 429
        ? 'Wait and refresh; raise the refresh interval if the API server keeps throttling.'
        : 'The API server is failing; check its health and retry.',
      where
    );
  }
  return new BadResponseError(
    `Unexpected answer ${status} to ${context.verb} ${describeTarget(context)}${detail}.`,
    'Check that the cluster URL points at a Kubernetes API server.',
    where
  );
}

/** Error codes of node's TLS layer (and the OpenSSL verify errors it surfaces). */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Maps a transport failure (no HTTP response) to Tls or Unreachable. */
export function errorFromNetwork(error: unknown, context: RequestContext): K8sError {
  const code = errorCode(error);
  const where = { url: context.url };
  if (code && TLS_CODES.has(code)) {
    return new TlsError(`The TLS handshake with the cluster failed (${code}).`, TLS_FIX, where);
  }
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new UnreachableError(`Could not connect to the cluster (${reason}).`, REACH_FIX, where);
}

export function errorCode(error: unknown): string | undefined {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
  }
  return undefined;
}

function forbidden(
  context: RequestContext,
  status: KubernetesStatus,
  where: { status: number; url: string }
): ForbiddenError {
  if (!context.kind) {
    // Version and discovery paths are non-resource URLs in RBAC.
    const path = context.path ?? context.url;
    const rule = `{nonResourceURLs: ["${path}"], verbs: ["${context.verb}"]}`;
    return new ForbiddenError(path, context.verb, undefined, rule, where);
  }
  const plural = context.subresource ? `${context.kind.plural}/${context.subresource}` : context.kind.plural;
  return new ForbiddenError(
    context.kind.kind,
    context.verb,
    context.namespace,
    ruleFor(context.kind.group, plural, context.verb),
    where
  );
}

/** 400, 409 and 422 Status answers: what the cluster refused, in the words of the request the user made. */
function rejected(
  context: RequestContext,
  status: KubernetesStatus,
  where: { status: number; url: string }
): RejectedError {
  const reason = status.reason ?? String(where.status);
  const message = truncate(status.message ?? reason);
  const object = context.name
    ? `${context.kind?.kind ?? 'the object'} ${context.namespace ? `${context.namespace}/` : ''}${context.name}`
    : describeTarget(context);
  if (reason === 'Conflict') {
    return new RejectedError(
      reason,
      `${object} changed while KubeAtlas was changing it (409 Conflict: ${message}).`,
      'Refresh the page and try again.',
      where
    );
  }
  if (reason === 'Invalid' || where.status === 422) {
    return new RejectedError(
      reason,
      `The cluster refused the change to ${object}: ${message}.`,
      'Correct the value the message names. If it names a policy (ValidatingAdmissionPolicy, admission webhook), ' +
        "the cluster's admins set it: ask them.",
      where
    );
  }
  const query = new URL(context.url, 'http://relative').searchParams;
  const selector = /field label|field selector|fieldSelector/i.test(message)
    ? ['field selector', query.get('fieldSelector')]
    : ['label selector', query.get('labelSelector')];
  if (context.verb === 'list' && selector[1]) {
    return new RejectedError(
      reason,
      `The cluster cannot use the ${selector[0]} "${selector[1]}" to list ${describeTarget(context)}: ${message}.`,
      selector[0] === 'label selector'
        ? 'Correct the label selector in the query: key=value, key!=value, key in (a,b), key notin (a,b), key, !key, joined by commas.'
        : 'Use a field this kind can be selected by (metadata.name, metadata.namespace; for pods also spec.nodeName and status.phase).',
      where
    );
  }
  if (context.subresource === 'log') {
    return new RejectedError(
      reason,
      `The cluster cannot return this log of ${object}: ${message}.`,
      'The container may not have started yet, have another name after a rollout, or (for the previous log) never ' +
        'have restarted: refresh the pod and pick the container again.',
      where
    );
  }
  return new RejectedError(
    reason,
    `The cluster refused ${context.verb} ${describeTarget(context)} as a bad request: ${message}.`,
    'This cluster does not accept what KubeAtlas sent: report it with this message and the Kubernetes version.',
    where
  );
}

function describeTarget(context: RequestContext): string {
  const what = context.kind ? context.kind.plural : context.url;
  return context.namespace ? `${what} in ${context.namespace}` : what;
}

function textOf(body: unknown): string {
  if (typeof body === 'string') {
    return body.trim();
  }
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
