/**
 * Save & test, as pure functions: each turns what one probe observed into one line with its status and, when it is
 * not a pass, the fix. src/datasource/healthCheck.ts runs the probes; this module decides what they mean.
 *
 * What Grafana's datasource proxy turns cluster failures into (pkg/api/pluginproxy/ds_proxy.go,
 * pkg/util/proxyutil/reverse_proxy.go): 502 with an empty body for both a refused connection and a failed TLS
 * handshake (only Grafana's server log tells which), 504 for a timeout, 400 "Authentication to data source failed"
 * for the cluster's 401, 400 "Unable to load TLS certificate" when the configured PEM blocks do not parse.
 */
import type { TestDataSourceResponse } from '@grafana/data';
import { K8sError, UnauthorizedError } from '../k8s/errors';
import type { AccessAttributes, ApiDiscovery, ResourceRule, VersionInfo } from '../k8s/client';
import { clusterRoleRules, isGranted, type RbacPermission } from '../k8s/rbac';
import { KIND_NAMES, KINDS } from '../k8s/kinds';
import type { KindName } from '../model/types';
import type { KubernetesDataSourceOptions } from './types';

export type StepStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface HealthStep {
  title: string;
  status: StepStatus;
  /** What was found. */
  detail: string;
  /** What to do; set for warn and fail. */
  fix?: string;
}

export type Observed<T> = { ok: true; value: T } | { ok: false; error: unknown };

// ---------------------------------------------------------------------------------------------------------------------
// Kubernetes API

const NO_TOKEN_FIX =
  "Set Authentication → Bearer token to the service account's token (kubectl -n kubeatlas get secret kubeatlas-token " +
  "-o jsonpath='{.data.token}' | base64 -d) and save: the field is empty, or was reset. No RBAC rule is missing.";

const TLS_CHECKLIST =
  "if the URL is right, TLS failed: the cluster's CA must be in 'Add self-signed certificate' (the CA of your " +
  "kubeconfig's certificate-authority-data), the URL host or 'Server name' must be in the server certificate's names, " +
  "and the certificate must not be expired; 'Skip TLS certificate validation' only for a test cluster. Grafana's " +
  'server log (logger data-proxy-log) has the exact error.';

/**
 * The API server step (GET /version), the TLS step and the token step, from the /version outcome.
 * `reviewAuthenticated` is false when the access review was refused as anonymous (no or empty token).
 */
export function evaluateConnection(
  settings: Pick<
    KubernetesDataSourceOptions,
    'clusterUrl' | 'tlsSkipVerify' | 'tlsAuthWithCACert' | 'tlsAuth' | 'serverName'
  >,
  version: Observed<VersionInfo>,
  reviewAuthenticated: boolean | undefined
): HealthStep[] {
  const url = settings.clusterUrl ?? '';
  const https = url.startsWith('https:');
  const apiTitle = 'Kubernetes API';
  const tlsTitle = 'TLS';
  const tokenTitle = 'Token';

  if (version.ok) {
    const v = version.value;
    const tlsStep: HealthStep = !https
      ? {
          title: tlsTitle,
          status: 'warn',
          detail: 'Plain HTTP: the token travels unencrypted.',
          fix: 'Use the https:// URL of the API server unless this is a local kubectl proxy.',
        }
      : settings.tlsSkipVerify
        ? {
            title: tlsTitle,
            status: 'warn',
            detail: 'Connected, but the server certificate is not verified (skip TLS verification is on).',
            fix: "Turn it off and add the cluster's CA certificate ('Add self-signed certificate').",
          }
        : {
            title: tlsTitle,
            status: 'pass',
            detail: `Server certificate verified${settings.tlsAuthWithCACert ? ' with the configured CA' : ' with the system CAs'}${settings.serverName ? ` for ${settings.serverName}` : ''}${settings.tlsAuth ? '; client certificate sent' : ''}.`,
          };
    const tokenStep: HealthStep =
      reviewAuthenticated === false
        ? {
            title: tokenTitle,
            status: 'fail',
            detail: 'The cluster treats the datasource as anonymous: no bearer token reached it.',
            fix: NO_TOKEN_FIX,
          }
        : { title: tokenTitle, status: 'pass', detail: 'The cluster accepted the bearer token.' };
    return [
      {
        title: apiTitle,
        status: 'pass',
        detail: `Reached Kubernetes ${describeVersion(v)}${v.platform ? ` (${v.platform})` : ''} at ${url}.`,
      },
      tlsStep,
      tokenStep,
    ];
  }

  const error = version.error;
  const code = error instanceof K8sError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const skipped = (title: string): HealthStep => ({
    title,
    status: 'skip',
    detail: 'Not checked: the API server step failed.',
  });

  if (error instanceof UnauthorizedError && error.anonymous) {
    // /version is public on most clusters; where it is not, the anonymous refusal comes here.
    return [
      { title: apiTitle, status: 'pass', detail: `Reached ${url}; it refused the request as anonymous.` },
      { title: tlsTitle, status: https ? 'pass' : 'warn', detail: https ? 'TLS handshake succeeded.' : 'Plain HTTP.' },
      {
        title: tokenTitle,
        status: 'fail',
        detail: 'The cluster treats the datasource as anonymous: no bearer token reached it.',
        fix: NO_TOKEN_FIX,
      },
    ];
  }
  if (code === 'Unauthorized') {
    return [
      { title: apiTitle, status: 'pass', detail: `Reached ${url}; it rejected the token.` },
      { title: tlsTitle, status: https ? 'pass' : 'warn', detail: https ? 'TLS handshake succeeded.' : 'Plain HTTP.' },
      {
        title: tokenTitle,
        status: 'fail',
        detail:
          'The cluster rejected the bearer token (it answered 401, which Grafana reports as 400 "Authentication to data source failed").',
        fix:
          "Paste a valid service account token (kubectl -n kubeatlas get secret kubeatlas-token -o jsonpath='{.data.token}' | base64 -d); " +
          'check it belongs to this cluster and was not deleted or expired.',
      },
    ];
  }
  if (/Unable to load TLS certificate/i.test(message)) {
    return [
      skipped(apiTitle),
      {
        title: tlsTitle,
        status: 'fail',
        detail: 'Grafana could not load the configured CA certificate, client certificate or client key.',
        fix: 'Paste complete PEM blocks (-----BEGIN CERTIFICATE----- … / -----BEGIN … PRIVATE KEY----- …), and a key that matches the client certificate.',
      },
      skipped(tokenTitle),
    ];
  }
  if (/HTTP request to an HTTPS server/i.test(message)) {
    return [
      {
        title: apiTitle,
        status: 'fail',
        detail: `${url} answered, but it serves HTTPS.`,
        fix: `Use ${url.replace(/^http:/, 'https:')}.`,
      },
      skipped(tlsTitle),
      skipped(tokenTitle),
    ];
  }
  if (code === 'Tls') {
    return [
      skipped(apiTitle),
      { title: tlsTitle, status: 'fail', detail: message, fix: TLS_CHECKLIST },
      skipped(tokenTitle),
    ];
  }
  if (code === 'Unreachable') {
    return [
      {
        title: apiTitle,
        status: 'fail',
        detail: `Grafana could not reach ${url}${https ? ' or could not complete the TLS handshake' : ''}.`,
        fix:
          "Check the URL (your kubeconfig's clusters[].cluster.server) and that Grafana's server can reach it: DNS, firewall, port." +
          (https ? ` Then ${TLS_CHECKLIST}` : ''),
      },
      https
        ? {
            title: tlsTitle,
            status: 'fail',
            detail: 'Unknown: a failed handshake looks the same as no connection.',
            fix: TLS_CHECKLIST,
          }
        : skipped(tlsTitle),
      skipped(tokenTitle),
    ];
  }
  if (code === 'Timeout') {
    return [
      {
        title: apiTitle,
        status: 'fail',
        detail: `${url} did not answer in time.`,
        fix: 'Check that the URL is the API server (a firewall that drops packets also looks like this); raise the request timeout for a distant cluster.',
      },
      skipped(tlsTitle),
      skipped(tokenTitle),
    ];
  }
  return [
    {
      title: apiTitle,
      status: 'fail',
      detail: message,
      fix: 'Point the URL at the Kubernetes API server root, as in your kubeconfig (not a dashboard, ingress or Rancher UI URL).',
    },
    skipped(tlsTitle),
    skipped(tokenTitle),
  ];
}

/**
 * True when an access review was refused for want of a token: kube-apiserver's 403 for system:anonymous (the
 * datasource sent none, or an empty one), or a 401 (the token stopped working after /version accepted it).
 */
export function isAnonymousReviewFailure(error: unknown): boolean {
  return error instanceof K8sError && error.code === 'Unauthorized';
}

/**
 * The version to print: gitVersion when it is a release (v1.34.2, v1.30.4-eks-a737599, v1.29.3+k3s1); otherwise
 * (a build without version stamps says v0.0.0-master+$Format:%H$) the major.minor the server reports besides it.
 */
export function describeVersion(info: VersionInfo): string {
  const git = info.gitVersion.trim();
  if (/^v?[1-9]\d*\.\d+\.\d+/.test(git)) {
    return git;
  }
  const number = (value?: string) => (value && /^\d+\+?$/.test(value) ? value.replace('+', '') : undefined);
  const major = number(info.major) ?? number(info.emulationMajor);
  const minor = number(info.minor) ?? number(info.emulationMinor);
  // "$Format:%H$" is git's placeholder for the commit, left in when the build did not stamp one.
  const shown = git.replace(/\+?\$Format:[^$]*\$/g, '');
  const build = shown ? `, gitVersion ${shown}` : '';
  return major && minor && major !== '0'
    ? `${major}.${minor} (a build without a release version${build})`
    : `of unknown version (/version says ${git ? `gitVersion "${git}"` : 'no gitVersion'})`;
}

/**
 * Which required permissions a SelfSubjectRulesReview's rules do not grant. The review lists the rules that apply in
 * its namespace, cluster-wide ones included; when it is `incomplete` (webhook authorizers such as EKS/GKE IAM) the
 * permissions it does not show must be confirmed one by one with SelfSubjectAccessReviews.
 */
export function ungranted(required: readonly RbacPermission[], rules: readonly ResourceRule[]): RbacPermission[] {
  return required.filter((permission) => !isGranted(rules, permission));
}

/** The SelfSubjectAccessReview attributes of a permission, cluster-wide ("pods/log" → resource pods, subresource log). */
export function accessAttributes(permission: RbacPermission): AccessAttributes {
  const [resource, subresource] = permission.resource.split('/');
  return { group: permission.group, resource, subresource, verb: permission.verb };
}

/** One line for the RBAC check: every required permission granted, or which are not and the ClusterRole rules to add. */
export function evaluateRbac(missing: Observed<readonly RbacPermission[]>): HealthStep {
  const title = 'Permissions';
  if (!missing.ok) {
    return {
      title,
      status: 'fail',
      detail: `Could not ask the cluster what the token may do: ${missing.error instanceof Error ? missing.error.message : String(missing.error)}`,
      fix:
        'Every authenticated user may create SelfSubjectRulesReviews (ClusterRole system:basic-user): a refusal means the ' +
        'bearer token is missing (the cluster saw an anonymous request) or that binding was removed. Paste the token, or restore the binding.',
    };
  }
  const optional = missing.value.filter(isOptionalPermission);
  const required = missing.value.filter((p) => !isOptionalPermission(p));
  const fix = `Add these rules to its ClusterRole (deploy/kubernetes/kubeatlas-reader.yaml has them all):\n${clusterRoleRules(missing.value)}`;
  const optionalNote =
    optional.length > 0 ? ` Optional, for scrape coverage: the token may not ${describePermissions(optional)}.` : '';
  if (required.length === 0) {
    return {
      title,
      status: optional.length === 0 ? 'pass' : 'warn',
      detail: `The token has every permission the pages need (ClusterRole kubeatlas-reader).${optionalNote}`,
      ...(optional.length > 0 ? { fix } : {}),
    };
  }
  return {
    title,
    status: 'fail',
    detail: `The token may not ${describePermissions(required)}; KubeAtlas pages and queries show those kinds as not loaded.${optionalNote}`,
    fix,
  };
}

/** Permissions on the optional custom resources (monitoring CRDs): missing ones cost coverage, not pages. */
function isOptionalPermission(p: RbacPermission): boolean {
  return KIND_NAMES.some((k) => KINDS[k].installedBy && KINDS[k].group === p.group && KINDS[k].plural === p.resource);
}

function describePermissions(permissions: readonly RbacPermission[]): string {
  const byVerb = new Map<string, string[]>();
  for (const p of permissions) {
    byVerb.set(p.verb, [...(byVerb.get(p.verb) ?? []), p.group ? `${p.resource}.${p.group}` : p.resource]);
  }
  return [...byVerb].map(([verb, resources]) => `${verb} ${resources.join(', ')}`).join('; ');
}

/** Pages and queries that need each kind, to name what a missing API group costs. */
const KIND_USERS: Partial<Record<KindName, string>> = {
  CronJob: 'CronJobs in the Applications page and the cronjobs table',
  EndpointSlice: 'Service → pod endpoints in the Applications page',
  HorizontalPodAutoscaler: 'autoscaler details of workloads',
  Ingress: 'Ingresses in the Applications page and the ingresses table',
};

/** " Optional: prometheus-operator not installed (…)." for the custom resources the cluster does not serve. */
function optionalApisNote(absent: KindName[]): string {
  const byInstaller = new Map<string, string[]>();
  for (const kind of absent) {
    const installer = KINDS[kind].installedBy!;
    byInstaller.set(installer, [...(byInstaller.get(installer) ?? []), kind]);
  }
  return [...byInstaller]
    .map(
      ([installer, kinds]) =>
        ` Optional: ${installer} is not installed (no ${kinds.join(', ')}), so scrape coverage ${installer === 'prometheus-operator' ? 'is not shown' : `ignores ${kinds.join(', ')}`}.`
    )
    .join('');
}

export function evaluateApis(discovery: Observed<ApiDiscovery>): HealthStep {
  const title = 'API groups';
  if (!discovery.ok) {
    const message = discovery.error instanceof Error ? discovery.error.message : String(discovery.error);
    return {
      title,
      status: 'fail',
      detail: `API discovery failed: ${message}`,
      fix: 'Allow GET on /api and /apis (ClusterRole system:discovery, bound to authenticated users by default).',
    };
  }
  const optional = discovery.value.missing.filter(({ kind }) => KINDS[kind].installedBy);
  const missing = discovery.value.missing.filter(({ kind }) => !KINDS[kind].installedBy);
  const absentNote = optionalApisNote(optional.map(({ kind }) => kind));
  if (missing.length === 0) {
    return {
      title,
      status: 'pass',
      detail: `Every API the pages read is served (batch/v1 CronJob, discovery.k8s.io/v1 EndpointSlice included).${absentNote}`,
    };
  }
  const lines = missing.map(
    ({ kind, groupVersion }) => `${groupVersion} ${kind}${KIND_USERS[kind] ? ` (${KIND_USERS[kind]})` : ''}`
  );
  return {
    title,
    status: 'warn',
    detail: `The cluster does not serve ${lines.join('; ')}.${absentNote}`,
    fix: 'Those parts stay empty; upgrade the cluster (batch/v1 CronJob needs Kubernetes ≥ 1.21, discovery.k8s.io/v1 ≥ 1.21, autoscaling/v2 ≥ 1.23).',
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Linked Prometheus

/** What the Prometheus probes found; each count is the number of series (0 when none). */
export interface PrometheusObservations {
  kubePodInfo: number;
  /** kube_pod_container_resource_requests: the v2 name (v1 had per-resource names). */
  ksmV2Requests: number;
  nodeCpuSeconds: number;
  cadvisorWithPodLabels: number;
  cadvisorAny: number;
  /** Node names known to the cluster (kube_node_info or the API). */
  knownNodes: Set<string>;
  /** `node` label values on cAdvisor series. */
  cadvisorNodes: Set<string>;
  /** `instance` label values on node-exporter series. */
  nodeExporterInstances: Set<string>;
  /** `nodename` values of node_uname_info. */
  unameNodenames: Set<string>;
}

export const AFFECTED = {
  ksm: 'dashboards KubeAtlas / Cluster overview, Nodes, Namespace, Workload and Pod (counts, phases, restarts, requests); the KubeAtlas pages are not affected (they read the API)',
  nodeExporter: 'dashboard KubeAtlas / Nodes (CPU busy, memory, filesystem, network, load)',
  cadvisor:
    'usage in the Nodes, Applications and details pages, and dashboards KubeAtlas / Cluster overview, Namespace, Workload and Pod (CPU and memory used)',
  cadvisorNode: 'per-node CPU and memory usage in the Nodes page and the Cluster overview dashboard',
  nodeExporterNames: 'the node filter of dashboard KubeAtlas / Nodes (its series cannot be matched to node names)',
};

export function evaluatePrometheus(
  link: { uid?: string; name?: string; exists: boolean; clusterLabelName?: string; clusterLabelValue?: string },
  observations: Observed<PrometheusObservations> | undefined
): HealthStep[] {
  const title = 'Prometheus';
  if (!link.uid) {
    return [
      {
        title,
        status: 'warn',
        detail: 'No Prometheus datasource is linked.',
        fix: `Choose one under Metrics: without it there is no ${AFFECTED.cadvisor}, and no ${AFFECTED.nodeExporter}.`,
      },
    ];
  }
  if (!link.exists) {
    return [
      {
        title,
        status: 'fail',
        detail: `The linked Prometheus datasource (uid ${link.uid}) does not exist (deleted, or not visible to you).`,
        fix: 'Choose an existing Prometheus datasource under Metrics.',
      },
    ];
  }
  if (!observations || !observations.ok) {
    const message =
      observations && !observations.ok && observations.error instanceof Error
        ? observations.error.message
        : 'no answer';
    return [
      {
        title,
        status: 'fail',
        detail: `Querying ${link.name ?? link.uid} failed: ${message}`,
        fix: 'Run Save & test on that Prometheus datasource and fix it first.',
      },
    ];
  }
  const o = observations.value;
  const where =
    link.clusterLabelName && link.clusterLabelValue ? ` with ${link.clusterLabelName}="${link.clusterLabelValue}"` : '';
  const labelHint = where ? ' Check the cluster label name and value too.' : '';
  const steps: HealthStep[] = [];

  steps.push(
    o.kubePodInfo === 0
      ? {
          title: 'kube-state-metrics',
          status: 'warn',
          detail: `No kube_pod_info series${where} in ${link.name ?? link.uid}.`,
          fix: `Deploy kube-state-metrics v2 and scrape it; missing: ${AFFECTED.ksm}.${labelHint}`,
        }
      : o.ksmV2Requests === 0
        ? {
            title: 'kube-state-metrics',
            status: 'warn',
            detail:
              'kube_pod_info is present but kube_pod_container_resource_requests is not: this looks like kube-state-metrics v1.',
            fix: `Upgrade to kube-state-metrics v2; until then requests are missing in ${AFFECTED.ksm}.`,
          }
        : {
            title: 'kube-state-metrics',
            status: 'pass',
            detail: `v2 series present (${o.kubePodInfo} pods in kube_pod_info).`,
          }
  );

  if (o.nodeCpuSeconds === 0) {
    steps.push({
      title: 'node-exporter',
      status: 'warn',
      detail: `No node_cpu_seconds_total series${where}.`,
      fix: `Deploy node-exporter (≥ 1.0) on every node and scrape it; missing: ${AFFECTED.nodeExporter}.${labelHint}`,
    });
  } else {
    const byInstance = intersects(o.nodeExporterInstances, o.knownNodes);
    const byUname = intersects(o.unameNodenames, o.knownNodes);
    steps.push(
      byInstance || byUname || o.knownNodes.size === 0
        ? {
            title: 'node-exporter',
            status: 'pass',
            detail: `Series present; nodes matched ${byInstance ? 'by instance = node name' : byUname ? 'through node_uname_info nodename' : 'not checked (node names unknown)'}.`,
          }
        : {
            title: 'node-exporter',
            status: 'warn',
            detail: `Series present, but neither their instance label (${sample(o.nodeExporterInstances)}) nor node_uname_info nodename matches a node name (${sample(o.knownNodes)}).`,
            fix: `Relabel instance to the node name in the node-exporter scrape (kube-prometheus-stack does); affected: ${AFFECTED.nodeExporterNames}.`,
          }
    );
  }

  if (o.cadvisorAny === 0) {
    steps.push({
      title: 'cAdvisor',
      status: 'warn',
      detail: `No container_cpu_usage_seconds_total series${where}.`,
      fix: `Scrape the kubelets' /metrics/cadvisor; missing: ${AFFECTED.cadvisor}.${labelHint}`,
    });
  } else if (o.cadvisorWithPodLabels === 0) {
    steps.push({
      title: 'cAdvisor',
      status: 'warn',
      detail:
        'container_cpu_usage_seconds_total has no series with pod and container labels (pre-1.16 pod_name/container_name, or a standalone cAdvisor).',
      fix: `Scrape the kubelet's built-in cAdvisor (/metrics/cadvisor); missing: ${AFFECTED.cadvisor}.`,
    });
  } else if (o.knownNodes.size > 0 && !intersects(o.cadvisorNodes, o.knownNodes)) {
    steps.push({
      title: 'cAdvisor',
      status: 'warn',
      detail: `Series have pod and container labels, but no node label matching a node name${o.cadvisorNodes.size ? ` (found ${sample(o.cadvisorNodes)})` : ''}.`,
      fix: `Add a node label in the kubelet scrape (relabel __meta_kubernetes_node_name to node, as kube-prometheus-stack does); affected: ${AFFECTED.cadvisorNode}.`,
    });
  } else {
    steps.push({
      title: 'cAdvisor',
      status: 'pass',
      detail: 'Container series present with pod, container and node labels.',
    });
  }
  return steps;
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const value of a) {
    if (b.has(value)) {
      return true;
    }
  }
  return false;
}

function sample(values: Set<string>): string {
  const list = [...values].slice(0, 3);
  return list.length ? list.join(', ') + (values.size > 3 ? ', …' : '') : 'none';
}

// ---------------------------------------------------------------------------------------------------------------------
// The answer

const MARK: Record<StepStatus, string> = { pass: '✔', warn: '⚠', fail: '✖', skip: '–' };

export function formatStep(step: HealthStep): string {
  return `${MARK[step.status]} ${step.title}: ${step.detail}${step.fix ? ` Fix: ${step.fix}` : ''}`;
}

/**
 * Grafana's TestDataSourceResponse: the title names the outcome; details.message carries every line (Grafana's
 * alert collapses line breaks, so each starts with its mark), details.verboseMessage the same lines one per row.
 */
export function summarize(steps: HealthStep[]): TestDataSourceResponse {
  const failed = steps.filter((s) => s.status === 'fail');
  const warned = steps.filter((s) => s.status === 'warn');
  const lines = steps.map(formatStep);
  const details = { message: lines.join('\n'), verboseMessage: lines.join('\n') };
  if (failed.length) {
    return {
      status: 'error',
      message: `${failed.length} check${failed.length > 1 ? 's' : ''} failed: ${failed.map((s) => s.title).join(', ')}.`,
      details,
    };
  }
  if (warned.length) {
    return {
      status: 'warning',
      message: `Connected, with ${warned.length} warning${warned.length > 1 ? 's' : ''}: ${warned.map((s) => s.title).join(', ')}.`,
      details,
    };
  }
  return { status: 'success', message: 'Connected: every check passed.', details };
}
