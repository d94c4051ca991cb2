/**
 * Dashboard variable queries. Written as text so they fit Grafana's default variable editor and dashboard JSON:
 *
 *   namespaces()                             all namespaces
 *   nodes()                                  all nodes
 *   workloads(Deployment, $namespace)        workloads of a kind (Deployment, StatefulSet, DaemonSet, Job, CronJob, or *)
 *   pods($namespace)                         pods
 *   containers($namespace, $pod)             container names of the matching pods
 *   label_values(pods, app, $namespace)      values of a label on a table's objects (namespace optional)
 *
 * Arguments may hold template variables (multi-value included) and `*` for any. Each query is answered from ONE
 * cluster-wide (or single-namespace) list of the kind it needs.
 */
import type { AnyModel, ContainerSpecSummary, KindName, PodModel } from '../model/types';
import { kindOfTable, RESOURCE_TABLES } from './frames';
import { resolveList, resolveText, type Replace } from './interpolation';
import type { KubernetesVariableQuery, ResourceTable } from './types';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;

export const VARIABLE_QUERY_HELP =
  'namespaces() · nodes() · workloads(Deployment, $namespace) · pods($namespace) · containers($namespace, $pod) · ' +
  'label_values(pods, app, $namespace)';

export type Parsed = { ok: true; query: KubernetesVariableQuery } | { ok: false; reason: string };

/** Parses the text form; the arguments stay raw (variables are replaced later, per argument). */
export function parseVariableQuery(text: string): Parsed {
  const match = /^\s*([a-z_]+)\s*\((.*)\)\s*$/i.exec(text);
  if (!match) {
    return { ok: false, reason: `Cannot read "${text}". Write one of: ${VARIABLE_QUERY_HELP}.` };
  }
  const fn = match[1].toLowerCase();
  const args = match[2].trim() === '' ? [] : match[2].split(',').map((a) => a.trim());
  const arg = (i: number) => (args[i] === undefined || args[i] === '*' ? undefined : args[i]);
  switch (fn) {
    case 'namespaces':
      return { ok: true, query: { type: 'namespaces' } };
    case 'nodes':
      return { ok: true, query: { type: 'nodes' } };
    case 'workloads': {
      const kind = arg(0);
      if (kind && !kind.includes('$') && !WORKLOAD_KINDS.some((k) => k.toLowerCase() === kind.toLowerCase())) {
        return {
          ok: false,
          reason: `workloads(): the kind must be one of ${WORKLOAD_KINDS.join(', ')} or *, not "${kind}".`,
        };
      }
      return { ok: true, query: { type: 'workloads', workloadKind: kind, namespace: arg(1) } };
    }
    case 'pods':
      return { ok: true, query: { type: 'pods', namespace: arg(0) } };
    case 'containers':
      return { ok: true, query: { type: 'containers', namespace: arg(0), pod: arg(1) } };
    case 'label_values': {
      const table = arg(0) as ResourceTable | undefined;
      if (!table || !RESOURCE_TABLES.includes(table) || !arg(1)) {
        return {
          ok: false,
          reason: `label_values(table, label[, namespace]): table is one of ${RESOURCE_TABLES.join(', ')} and the label key is required.`,
        };
      }
      return { ok: true, query: { type: 'labelValues', labelKind: table, labelKey: arg(1), namespace: arg(2) } };
    }
    default:
      return { ok: false, reason: `Unknown function ${fn}(). Write one of: ${VARIABLE_QUERY_HELP}.` };
  }
}

/** The kinds a variable query must list. */
export function kindsFor(query: KubernetesVariableQuery, replace: Replace): KindName[] {
  switch (query.type) {
    case 'namespaces':
      return ['Namespace'];
    case 'nodes':
      return ['Node'];
    case 'pods':
    case 'containers':
      return ['Pod'];
    case 'workloads': {
      const wanted = resolveText(query.workloadKind, replace)?.toLowerCase().split(',');
      return WORKLOAD_KINDS.filter((k) => !wanted || wanted.includes(k.toLowerCase()));
    }
    case 'labelValues':
      return [kindOfTable(query.labelKind ?? 'pods')];
  }
}

/** Sorted distinct values of a variable query over the listed models. */
export function variableValues(
  query: KubernetesVariableQuery,
  lists: Partial<Record<KindName, readonly AnyModel[]>>,
  replace: Replace
): string[] {
  const namespaces = resolveList(query.namespace, replace);
  const inNamespace = (m: AnyModel) => !namespaces || (m.namespace !== undefined && namespaces.includes(m.namespace));
  const models = kindsFor(query, replace).flatMap((kind) => lists[kind] ?? []);
  let values: Array<string | undefined>;
  switch (query.type) {
    case 'namespaces':
    case 'nodes':
    case 'pods':
    case 'workloads':
      values = models.filter(inNamespace).map((m) => m.name);
      break;
    case 'containers': {
      const pods = resolveList(query.pod, replace);
      values = (models as PodModel[])
        .filter((p) => inNamespace(p) && (!pods || pods.includes(p.name)))
        .flatMap((p) => p.containers.map((c: ContainerSpecSummary) => c.name));
      break;
    }
    case 'labelValues': {
      const key = resolveText(query.labelKey, replace) ?? '';
      values = models.filter(inNamespace).map((m) => m.labels[key]);
      break;
    }
  }
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))].sort((a, b) =>
    a.localeCompare(b)
  );
}
