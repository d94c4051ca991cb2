import { urlUtil, type ScopedVars } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { PLUGIN_BASE_URL, ROUTES } from '../constants';
import datasourcePluginJson from '../datasource/plugin.json';
import { encodeDetail } from '../components/links';

/**
 * What a panel (grafana/dashboard/panel/menu) or an Explore pane (grafana/explore/toolbar/action) tells about the
 * Kubernetes objects it shows, and the KubeAtlas page that opens them. Kept free of heavy imports: configure() runs
 * in module.js, every time Grafana builds a panel menu.
 */

export const CLUSTER_DATASOURCE_TYPE = datasourcePluginJson.id;

export type TargetKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Node';

export interface KubeTarget {
  /** Uid of a KubeAtlas Kubernetes datasource. */
  cluster?: string;
  namespace?: string;
  pod?: string;
  node?: string;
  workload?: string;
  workloadKind?: Exclude<TargetKind, 'Pod' | 'Node'>;
}

/** The part of both extension points' contexts we read (PluginExtensionPanelContext; Explore's has targets too). */
export interface LinkContext {
  scopedVars?: ScopedVars;
  targets?: Array<DataQuery & { expr?: string; namespace?: string }>;
}

/** What the reader needs from Grafana: variable interpolation and the KubeAtlas datasources. */
export interface ContextSources {
  /** templateSrv.replace: returns the text unchanged when no variable of that name exists. */
  interpolate(text: string, scopedVars?: ScopedVars): string;
  clusters: Array<{ uid: string; name: string }>;
}

// Variable names (our dashboards' var-*, common community ones) and Prometheus labels (kube-state-metrics, cAdvisor).
const NAMES = {
  cluster: ['cluster'],
  namespace: ['namespace', 'ns'],
  pod: ['pod', 'pod_name'],
  node: ['node', 'nodename'],
  workload: ['workload', 'deployment', 'statefulset', 'daemonset'],
} as const;

const WORKLOAD_KINDS: Record<string, KubeTarget['workloadKind']> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
};

/** A single concrete value: not All, not a multi-value `{a,b}`, not an unresolved `$var`, not a regex. */
function concrete(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed || trimmed === '$__all' || trimmed === 'All' || /[${}|,*()[\]\\]/.test(trimmed)) {
    return undefined;
  }
  return trimmed;
}

/** Exact matchers `label="value"` of a PromQL expression (not !=, =~ or !~). */
export function exactMatchers(expr: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of expr.matchAll(/([a-zA-Z_]\w*)\s*=(?![=~])\s*"((?:[^"\\]|\\.)*)"/g)) {
    if (!found.has(match[1])) {
      found.set(match[1], match[2]);
    }
  }
  return found;
}

export function readKubeTarget(context: LinkContext | undefined, sources: ContextSources): KubeTarget {
  const scopedVars = context?.scopedVars;
  const targets = context?.targets ?? [];
  const matchers = targets.map((target) =>
    typeof target.expr === 'string' ? exactMatchers(sources.interpolate(target.expr, scopedVars)) : new Map()
  );

  const fromVariable = (name: string) => {
    const text = `\${${name}}`;
    const value = sources.interpolate(text, scopedVars);
    return value === text ? undefined : concrete(value);
  };
  /** The first name with a concrete value, from the variables first, then the queries' label matchers. */
  const pick = (names: readonly string[]): { name: string; value: string } | undefined => {
    for (const name of names) {
      const value = fromVariable(name);
      if (value) {
        return { name, value };
      }
    }
    for (const labels of matchers) {
      for (const name of names) {
        const value = concrete(labels.get(name));
        if (value) {
          return { name, value };
        }
      }
    }
    return undefined;
  };

  const workload = pick(NAMES.workload);
  const kindVariable = fromVariable('kind');
  const ownQueryNamespace = targets
    .filter((target) => target.datasource?.type === CLUSTER_DATASOURCE_TYPE && target.namespace)
    .map((target) => concrete(sources.interpolate(target.namespace!, scopedVars)))
    .find(Boolean);

  return {
    cluster: resolveCluster(pick(NAMES.cluster)?.value, targets, sources),
    namespace: pick(NAMES.namespace)?.value ?? ownQueryNamespace,
    pod: pick(NAMES.pod)?.value,
    node: pick(NAMES.node)?.value,
    workload: workload?.value,
    workloadKind: workload
      ? (WORKLOAD_KINDS[(kindVariable ?? workload.name).toLowerCase()] ?? WORKLOAD_KINDS[workload.name] ?? 'Deployment')
      : undefined,
  };
}

/** A cluster named by uid or name (our dashboards' $cluster holds the uid), else a query's own KubeAtlas datasource. */
function resolveCluster(value: string | undefined, targets: LinkContext['targets'] = [], sources: ContextSources) {
  const byValue = value ? sources.clusters.find((c) => c.uid === value || c.name === value) : undefined;
  if (byValue) {
    return byValue.uid;
  }
  const own = targets.find((target) => target.datasource?.type === CLUSTER_DATASOURCE_TYPE)?.datasource?.uid;
  return own && sources.clusters.some((c) => c.uid === own) ? own : undefined;
}

export interface KubeAtlasLink {
  path: string;
  /** What it opens, for the link's description: "pod shop/web-1". */
  what: string;
}

/**
 * The page for the most specific object known: a pod, a workload, a node (their details drawer, `?detail=`), else a
 * namespace (the applications page filtered to it); undefined when the context names nothing Kubernetes.
 */
export function kubeAtlasLink(target: KubeTarget): KubeAtlasLink | undefined {
  // The keys are URL_KEYS of src/pages/state/urlState.ts (not imported: it would pull react-router-dom into module.js;
  // context.test.ts checks they agree).
  const base = target.cluster ? { cluster: target.cluster } : {};
  const page = (route: ROUTES, params: Record<string, string>) =>
    urlUtil.renderUrl(`${PLUGIN_BASE_URL}/${route}`, { ...base, ...params });
  const { namespace, pod, workload, workloadKind, node } = target;
  if (namespace && pod) {
    return {
      path: page(ROUTES.Applications, { detail: encodeDetail({ kind: 'Pod', namespace, name: pod }) }),
      what: `pod ${namespace}/${pod}`,
    };
  }
  if (namespace && workload && workloadKind) {
    return {
      path: page(ROUTES.Applications, { detail: encodeDetail({ kind: workloadKind, namespace, name: workload }) }),
      what: `${workloadKind.toLowerCase()} ${namespace}/${workload}`,
    };
  }
  if (node) {
    return { path: page(ROUTES.Nodes, { detail: encodeDetail({ kind: 'Node', name: node }) }), what: `node ${node}` };
  }
  if (namespace) {
    return { path: page(ROUTES.Applications, { namespace }), what: `namespace ${namespace}` };
  }
  return undefined;
}
