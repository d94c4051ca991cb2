/**
 * Runs Save & test's probes (Kubernetes API through the datasource's routes, then the linked Prometheus) and hands what
 * they observed to the pure evaluators in ./health.ts. Probes run in parallel where they do not depend on each other.
 */
import type { K8sClient } from '../k8s/client';
import { KIND_NAMES } from '../k8s/kinds';
import type { InstantSample } from '../prometheus/client';
import { selector, type ClusterLabel } from '../prometheus/promql';
import { checkClusterUrl } from './config';
import { READER_PERMISSIONS, type RbacPermission } from '../k8s/rbac';
import {
  accessAttributes,
  evaluateApis,
  evaluateConnection,
  evaluatePrometheus,
  evaluateRbac,
  isAnonymousReviewFailure,
  ungranted,
  type HealthStep,
  type Observed,
  type PrometheusObservations,
} from './health';
import type { KubernetesDataSourceOptions } from './types';

export interface HealthCheckDeps {
  client: K8sClient;
  settings: KubernetesDataSourceOptions;
  /** The linked Prometheus datasource as Grafana knows it, or undefined when the uid resolves to nothing. */
  prometheus?: { uid: string; name: string };
  queryPrometheus: (uid: string, expr: string, signal?: AbortSignal) => Promise<InstantSample[]>;
  signal?: AbortSignal;
}

export async function runHealthCheck(deps: HealthCheckDeps): Promise<HealthStep[]> {
  const { client, settings, signal } = deps;
  const url = checkClusterUrl(settings.clusterUrl);
  if (!url.ok) {
    return [{ title: 'Cluster URL', status: 'fail', detail: url.reason, fix: 'Correct it under Cluster.' }];
  }

  const version = await observe(client.version({ signal }));
  const steps: HealthStep[] = [];
  if (version.ok) {
    const [missing, discovery] = await Promise.all([
      observe(missingPermissions(client, signal)),
      observe(client.discover(KIND_NAMES, { signal })),
    ]);
    const anonymous = !missing.ok && isAnonymousReviewFailure(missing.error);
    steps.push(...evaluateConnection(settings, version, !anonymous));
    if (!anonymous) {
      steps.push(evaluateRbac(missing), evaluateApis(discovery));
    }
  } else {
    steps.push(...evaluateConnection(settings, version, undefined));
  }

  const uid = settings.prometheusDatasourceUid;
  const link = {
    uid,
    name: deps.prometheus?.name,
    exists: Boolean(deps.prometheus),
    clusterLabelName: settings.clusterLabelName,
    clusterLabelValue: settings.clusterLabelValue,
  };
  if (!uid || !deps.prometheus) {
    return [...steps, ...evaluatePrometheus(link, undefined)];
  }
  const observations = await observe(
    probePrometheus(uid, { name: settings.clusterLabelName, value: settings.clusterLabelValue }, deps, async () => {
      const nodes = await client.list('Node', { signal });
      return new Set(nodes.items.map((n) => n.metadata?.name).filter((n): n is string => !!n));
    })
  );
  return [...steps, ...evaluatePrometheus(link, observations)];
}

/**
 * The reader permissions the token lacks: one SelfSubjectRulesReview, then, only when the authorizer cannot list every
 * rule, one SelfSubjectAccessReview per permission the rules did not show.
 */
async function missingPermissions(client: K8sClient, signal?: AbortSignal): Promise<RbacPermission[]> {
  const review = await client.selfSubjectRulesReview('default', { signal });
  const candidates = ungranted(READER_PERMISSIONS, review.resourceRules);
  if (!review.incomplete) {
    return candidates;
  }
  const answers = await Promise.all(
    candidates.map((p) => client.selfSubjectAccessReview(accessAttributes(p), { signal }))
  );
  return candidates.filter((_, i) => !answers[i].allowed);
}

/** One batched query per question; label values come back from `count by (label)`. */
async function probePrometheus(
  uid: string,
  cluster: ClusterLabel,
  deps: HealthCheckDeps,
  nodesFromApi: () => Promise<Set<string>>
): Promise<PrometheusObservations> {
  const query = (expr: string) => deps.queryPrometheus(uid, expr, deps.signal);
  const count = async (metric: string, ...matchers: string[]) =>
    (await query(`count(${metric}${selector(cluster, ...matchers)})`))[0]?.value ?? 0;
  const values = async (label: string, metric: string, ...matchers: string[]) =>
    new Set(
      (await query(`count by (${label}) (${metric}${selector(cluster, ...matchers)})`))
        .map((s) => s.labels[label])
        .filter((v): v is string => !!v)
    );

  const [
    kubePodInfo,
    ksmV2Requests,
    nodeCpuSeconds,
    cadvisorAny,
    cadvisorWithPodLabels,
    ksmNodes,
    cadvisorNodes,
    nodeExporterInstances,
    unameNodenames,
  ] = await Promise.all([
    count('kube_pod_info'),
    count('kube_pod_container_resource_requests'),
    count('node_cpu_seconds_total', 'mode="idle"'),
    count('container_cpu_usage_seconds_total'),
    count('container_cpu_usage_seconds_total', 'pod!=""', 'container!=""'),
    values('node', 'kube_node_info'),
    values('node', 'container_cpu_usage_seconds_total', 'container!=""'),
    values('instance', 'node_cpu_seconds_total', 'mode="idle"'),
    values('nodename', 'node_uname_info'),
  ]);
  // Node names from the API only when kube-state-metrics cannot tell them (kube_node_info).
  const knownNodes = ksmNodes.size > 0 ? ksmNodes : await nodesFromApi();
  return {
    kubePodInfo,
    ksmV2Requests,
    nodeCpuSeconds,
    cadvisorAny,
    cadvisorWithPodLabels,
    knownNodes,
    cadvisorNodes,
    nodeExporterInstances,
    unameNodenames,
  };
}

async function observe<T>(promise: Promise<T>): Promise<Observed<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
