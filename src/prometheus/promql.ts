/**
 * PromQL text for the pages' figures. Every figure is ONE batched query aggregated `by (node)` or
 * `by (namespace, pod)`, never a query per object; the pages join the result to the model by key.
 */

/** The optional label that separates clusters in a shared Prometheus (Thanos, Mimir). */
export interface ClusterLabel {
  name?: string;
  value?: string;
}

/** Quotes a label value as a PromQL string literal (double quotes; backslash and quote escaped). */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Escapes a literal for use inside a `=~` regex matcher (RE2 metacharacters). */
export function promRegexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `{a="b",c!=""}` from matcher strings, adding the cluster label matcher when one is configured. */
export function selector(cluster: ClusterLabel | undefined, ...matchers: string[]): string {
  const all = [...matchers];
  if (cluster?.name && cluster.value !== undefined && cluster.value !== '') {
    all.push(`${cluster.name}=${promString(cluster.value)}`);
  }
  return `{${all.join(',')}}`;
}

/** Key of a pod in figures and target health: `namespace/pod`. */
export function podKey(namespace: string, pod: string): string {
  return `${namespace}/${pod}`;
}

/** Range window for rate(): 5m matches the kubelet's default scrape intervals and kube-prometheus rules. */
export const RATE_WINDOW = '5m';

/** The figures the pages show, keyed so a missing one can be named. */
export type FigureId = 'nodeCpuUsage' | 'nodeMemoryUsage' | 'podCpuUsage' | 'podMemoryUsage';

export interface FigureDefinition {
  id: FigureId;
  /** What the user sees when it is missing. */
  title: string;
  /** The exporter that produces the series, named in "missing" messages. */
  source: string;
  /** The metric and matchers whose absence explains a missing figure. */
  metric: string;
  /** The labels of the result that identify an object. */
  by: string[];
  expr: (cluster?: ClusterLabel) => string;
}

// cAdvisor: container!="" keeps the per-container series and drops the pod-level cgroup series (container="")
// that would otherwise be counted twice.
const CONTAINER = 'container!=""';

export const FIGURES: Record<FigureId, FigureDefinition> = {
  nodeCpuUsage: {
    id: 'nodeCpuUsage',
    title: 'CPU usage per node',
    source: 'cAdvisor (kubelet /metrics/cadvisor with a node label)',
    metric: 'container_cpu_usage_seconds_total{container!=""}',
    by: ['node'],
    expr: (c) => `sum by (node) (rate(container_cpu_usage_seconds_total${selector(c, CONTAINER)}[${RATE_WINDOW}]))`,
  },
  nodeMemoryUsage: {
    id: 'nodeMemoryUsage',
    title: 'Memory usage per node',
    source: 'cAdvisor (kubelet /metrics/cadvisor with a node label)',
    metric: 'container_memory_working_set_bytes{container!=""}',
    by: ['node'],
    expr: (c) => `sum by (node) (container_memory_working_set_bytes${selector(c, CONTAINER)})`,
  },
  podCpuUsage: {
    id: 'podCpuUsage',
    title: 'CPU usage per pod',
    source: 'cAdvisor (kubelet /metrics/cadvisor)',
    metric: 'container_cpu_usage_seconds_total{container!=""}',
    by: ['namespace', 'pod'],
    expr: (c) =>
      `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total${selector(c, CONTAINER)}[${RATE_WINDOW}]))`,
  },
  podMemoryUsage: {
    id: 'podMemoryUsage',
    title: 'Memory usage per pod',
    source: 'cAdvisor (kubelet /metrics/cadvisor)',
    metric: 'container_memory_working_set_bytes{container!=""}',
    by: ['namespace', 'pod'],
    expr: (c) => `sum by (namespace, pod) (container_memory_working_set_bytes${selector(c, CONTAINER)})`,
  },
};

/** What a details page plots over time: one object, so the matchers pin it (still one query per figure). */
export type ObjectScope =
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'pods'; namespace: string; names: string[] }
  | { kind: 'node'; name: string };

/** CPU (cores) and memory (bytes) over time for a pod, a set of pods (a workload) or a node. */
export function objectUsageExprs(scope: ObjectScope, cluster?: ClusterLabel): { cpu: string; memory: string } {
  let matchers: string[];
  let by: string;
  switch (scope.kind) {
    case 'pod':
      matchers = [`namespace=${promString(scope.namespace)}`, `pod=${promString(scope.name)}`];
      by = 'pod';
      break;
    case 'pods':
      matchers = [
        `namespace=${promString(scope.namespace)}`,
        `pod=~${promString(scope.names.map(promRegexLiteral).join('|'))}`,
      ];
      by = 'namespace';
      break;
    case 'node':
      matchers = [`node=${promString(scope.name)}`];
      by = 'node';
      break;
  }
  const sel = selector(cluster, CONTAINER, ...matchers);
  return {
    cpu: `sum by (${by}) (rate(container_cpu_usage_seconds_total${sel}[${RATE_WINDOW}]))`,
    memory: `sum by (${by}) (container_memory_working_set_bytes${sel})`,
  };
}
