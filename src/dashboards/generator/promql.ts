/**
 * PromQL building blocks shared by the bundled dashboards. Every selector carries the optional cluster label matcher,
 * and every join follows ownership or node identity, never a name prefix.
 *
 * Exporters and versions these names follow: kube-state-metrics v2 (labels exactly as in its v2.20 docs), cAdvisor as
 * served by the kubelet (`container_*` with `namespace`, `pod`, `container`), node-exporter >= 1.0.
 */

/**
 * Matches the optional multi-cluster label (`cluster` by default). When Prometheus has no such label, the
 * `cluster_label` variable resolves to "" and `name=""` matches exactly the series that lack the label.
 */
export const CLUSTER_MATCHER = '${cluster_label_name}="${cluster_label}"';

export const IN_NAMESPACE = 'namespace="$namespace"';

/** `metric{cluster matcher, ...matchers}` */
export function sel(metric: string, ...matchers: string[]): string {
  return `${metric}{${[CLUSTER_MATCHER, ...matchers].join(', ')}}`;
}

/** cAdvisor series of real containers: the pod-level cgroup has container="" and the pause sandbox container="POD". */
export const REAL_CONTAINER = ['container!=""', 'container!="POD"'];

export function cpuUsage(...matchers: string[]): string {
  return `rate(${sel('container_cpu_usage_seconds_total', ...REAL_CONTAINER, ...matchers)}[$__rate_interval])`;
}

export function memoryWorkingSet(...matchers: string[]): string {
  return sel('container_memory_working_set_bytes', ...REAL_CONTAINER, ...matchers);
}

/** Pod network counters are per pod sandbox (no container label), one series per interface. */
export function networkRate(direction: 'receive' | 'transmit', ...matchers: string[]): string {
  return `rate(${sel(`container_network_${direction}_bytes_total`, ...matchers)}[$__rate_interval])`;
}

export function requests(resource: 'cpu' | 'memory', ...matchers: string[]): string {
  return sel('kube_pod_container_resource_requests', `resource="${resource}"`, ...matchers);
}

export function limits(resource: 'cpu' | 'memory', ...matchers: string[]): string {
  return sel('kube_pod_container_resource_limits', `resource="${resource}"`, ...matchers);
}

/**
 * 1 per (namespace, pod) that is Pending or Running: kube-state-metrics keeps reporting requests of completed pods,
 * which no longer hold any capacity on their node.
 */
export function activePods(...matchers: string[]): string {
  return `max by (namespace, pod) (${sel('kube_pod_status_phase', 'phase=~"Pending|Running"', ...matchers)} == 1)`;
}

/** Requests of active pods only, summed by the given labels. */
export function activeRequests(resource: 'cpu' | 'memory', by: string, ...matchers: string[]): string {
  return `sum by (${by}) (${requests(resource, ...matchers)} * on (namespace, pod) group_left () ${activePods(...matchers)})`;
}

/**
 * 1 per pod of the selected workload, labelled {pod}. Pods of a Deployment are owned by a ReplicaSet that the
 * Deployment owns, so they are found through kube_replicaset_owner; StatefulSet, DaemonSet and Job pods are owned
 * directly. `${kind:text}` is the Kubernetes kind (Deployment …), `$kind` the kube-state-metrics label naming it.
 */
export const WORKLOAD_PODS =
  '(' +
  `max by (pod) (${sel('kube_pod_owner', IN_NAMESPACE, 'owner_kind="${kind:text}"', 'owner_name="$workload"')})` +
  ' or ' +
  `max by (pod) (${sel('kube_pod_owner', IN_NAMESPACE, 'owner_kind="ReplicaSet"')} * on (owner_name) group_left () ` +
  `max by (owner_name) (label_replace(${sel(
    'kube_replicaset_owner',
    IN_NAMESPACE,
    'owner_kind="${kind:text}"',
    'owner_name="$workload"'
  )}, "owner_name", "$1", "replicaset", "(.+)")))` +
  ')';

/**
 * 1 per pod of the namespace, labelled {pod, kind, workload} with the pod's top-level controller: the Deployment
 * behind its ReplicaSet, or its direct owner (StatefulSet, DaemonSet, Job, Node for static pods, <none> for bare pods).
 */
export const NAMESPACE_PODS_BY_WORKLOAD =
  '(' +
  `max by (pod, kind, workload) (label_replace(label_replace(${sel(
    'kube_pod_owner',
    IN_NAMESPACE,
    'owner_kind!="ReplicaSet"'
  )}, "workload", "$1", "owner_name", "(.+)"), "kind", "$1", "owner_kind", "(.+)"))` +
  ' or ' +
  `max by (pod, kind, workload) (${sel('kube_pod_owner', IN_NAMESPACE, 'owner_kind="ReplicaSet"')} ` +
  '* on (owner_name) group_left (kind, workload) max by (owner_name, kind, workload) (' +
  `label_replace(label_replace(label_replace(${sel(
    'kube_replicaset_owner',
    IN_NAMESPACE
  )}, "workload", "$1", "owner_name", "(.+)"), "kind", "$1", "owner_kind", "(.+)"), "owner_name", "$1", "replicaset", "(.+)")))` +
  ')';

/** Desired pods of the selected workload, whatever its kind: only the series carrying the `$kind` label match. */
export const WORKLOAD_DESIRED = [
  sel('kube_deployment_spec_replicas', IN_NAMESPACE, '$kind="$workload"'),
  sel('kube_statefulset_replicas', IN_NAMESPACE, '$kind="$workload"'),
  sel('kube_daemonset_status_desired_number_scheduled', IN_NAMESPACE, '$kind="$workload"'),
  sel('kube_job_spec_completions', IN_NAMESPACE, '$kind="$workload"'),
].join(' or ');

/** Keeps the node label of series whose node is one of the selected nodes. */
const SELECTED_NODES = `max by (node) (${sel('kube_node_info', 'node=~"$node"')})`;

/**
 * Puts a node-exporter expression aggregated `by (instance)` on Kubernetes node names, for the selected nodes.
 * First by kube-prometheus-stack's convention (the scrape relabels `instance` to the node name); where the scrape
 * keeps `instance` as host:port, through `node_uname_info{nodename}` (the host name, which kubelets use as the node
 * name by default). A series named both ways is kept once; instances that are no node are dropped by the join.
 */
export function onNodes(byInstance: string): string {
  const byInstanceName = `max by (node) (label_replace(${byInstance}, "node", "$1", "instance", "(.+)"))`;
  const byHostName =
    `max by (node) (label_replace(${byInstance} * on (instance) group_left (nodename) ` +
    `max by (instance, nodename) (${sel('node_uname_info')}), "node", "$1", "nodename", "(.+)"))`;
  return `(${byInstanceName} or ${byHostName}) * on (node) group_left () ${SELECTED_NODES}`;
}

/** Sums a per-pod expression labelled {namespace, pod} onto the node each pod runs on (from kube_pod_info). */
export function onPodNodes(byPod: string): string {
  return (
    `sum by (node) (${byPod} * on (namespace, pod) group_left (node) ` +
    `max by (namespace, pod, node) (${sel('kube_pod_info', 'node=~"$node"')}))`
  );
}
