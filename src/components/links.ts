import { urlUtil } from '@grafana/data';
import { ObjectRef } from '../model/types';

export { DASHBOARD_UIDS } from '../dashboards/uids';

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds: the `detail` URL parameter. */
export function encodeDetail(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

export function decodeDetail(value: string | undefined): Pick<ObjectRef, 'kind' | 'namespace' | 'name'> | undefined {
  const parts = value?.split('/') ?? [];
  if (parts.length === 2 && parts[0] && parts[1]) {
    return { kind: parts[0], name: parts[1] };
  }
  if (parts.length === 3 && parts.every(Boolean)) {
    return { kind: parts[0], namespace: parts[1], name: parts[2] };
  }
  return undefined;
}

/**
 * Only http(s) and same-origin relative targets are ever rendered as links (Kubernetes data such as ingress hosts
 * or annotations is untrusted: a `javascript:` URL must never become a link).
 */
export function safeHref(url: string): string | undefined {
  const trimmed = url.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    return trimmed;
  }
  if (trimmed.startsWith('/') && !trimmed.startsWith('//')) {
    return trimmed;
  }
  if (trimmed.startsWith('?')) {
    return trimmed;
  }
  return undefined;
}

export interface DashboardVars {
  /** Prometheus datasource uid. */
  datasource?: string;
  /** KubeAtlas cluster datasource uid. */
  cluster?: string;
  namespace?: string;
  kind?: string;
  workload?: string;
  pod?: string;
  node?: string;
}

export function dashboardUrl(uid: string, vars: DashboardVars): string {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (value) {
      params[`var-${name}`] = value;
    }
  }
  return urlUtil.renderUrl(`/d/${uid}`, params);
}

/**
 * Explore with one query (PromQL, or LogQL with type 'loki') over the last hour: Grafana ≥ 10's `panes` URL format
 * (public/app/features/explore/hooks/useStateSync/migrators/v1.ts: schemaVersion 1, panes keyed by pane id).
 */
export function exploreUrl(datasourceUid: string, expr: string, type: 'prometheus' | 'loki' = 'prometheus'): string {
  const panes = {
    kubeatlas: {
      datasource: datasourceUid,
      queries: [{ refId: 'A', expr, datasource: { type, uid: datasourceUid } }],
      range: { from: 'now-1h', to: 'now' },
    },
  };
  return urlUtil.renderUrl('/explore', { schemaVersion: 1, panes: JSON.stringify(panes) });
}
