import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

/**
 * Datasource settings. Field names are a contract with provisioning files, the sandbox and the dashboards: see
 * src/datasource/README.md for each one as provisioning YAML. TLS fields are Grafana's standard ones, read by Grafana's
 * HTTP client for the proxy routes (pkg/services/datasources/service dsTLSOptions), so they keep Grafana's names.
 */
export interface KubernetesDataSourceOptions extends DataSourceJsonData {
  /** API server URL, e.g. https://10.0.0.1:6443 (no trailing slash). Used by every route in plugin.json. */
  clusterUrl?: string;
  /** uid of the Prometheus datasource that scrapes this cluster. */
  prometheusDatasourceUid?: string;
  /** uid of a Loki datasource holding this cluster's pod logs: the Logs tab then links to Explore. Optional. */
  lokiDatasourceUid?: string;
  /** Label that tells this cluster's series apart in a shared Prometheus (Thanos, Mimir), e.g. "cluster". */
  clusterLabelName?: string;
  /** Value of that label for this cluster. */
  clusterLabelValue?: string;
  /**
   * How often app pages poll what they do not watch (the Prometheus figures, kinds without a held watch), in seconds;
   * with `watch: false`, how often they list everything again.
   */
  refreshIntervalSeconds?: number;
  /** Keep pages current by watching (LIST once, then WATCH). Default true; false: list everything every interval. */
  watch?: boolean;
  /** Grafana's standard HTTP timeout of the proxy in seconds. */
  timeout?: number;
  tlsSkipVerify?: boolean;
  tlsAuthWithCACert?: boolean;
  tlsAuth?: boolean;
  serverName?: string;
}

export interface KubernetesSecureJsonData {
  bearerToken?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}

export const DEFAULT_REFRESH_INTERVAL_SECONDS = 30;

/** Resource tables the datasource serves to panels. */
export type ResourceTable =
  | 'pods'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'jobs'
  | 'cronjobs'
  | 'services'
  | 'ingresses'
  | 'nodes'
  | 'events'
  | 'namespaces';

export interface KubernetesQuery extends DataQuery {
  /** Which table; pods when unset. */
  resource?: ResourceTable;
  /** Namespace filter; may hold a template variable (multi-value allowed). Empty: all namespaces. */
  namespace?: string;
  /** Kubernetes label selector (app=web,tier!=db); may hold template variables. */
  labelSelector?: string;
  /** queryType 'topology' (Node Graph frames): only objects with a problem and their neighbours. */
  problemsOnly?: boolean;
}

/** Annotation query: Kubernetes Events in the dashboard's time range. */
export interface KubernetesAnnotationQuery extends KubernetesQuery {
  /** Normal, Warning, or empty for both. */
  eventType?: string;
  /** Kind of the involved object (Pod, Deployment, …); empty for any. */
  involvedKind?: string;
  /** Name of the involved object; may hold template variables; empty for any. */
  involvedName?: string;
}

/** Variable queries (metricFindQuery). */
export type VariableQueryType = 'namespaces' | 'nodes' | 'workloads' | 'pods' | 'containers' | 'labelValues';

export interface KubernetesVariableQuery {
  type: VariableQueryType;
  /** Namespace filter for namespaced lists; may hold template variables. */
  namespace?: string;
  /** workloads: Deployment, StatefulSet, DaemonSet, Job or CronJob; empty for all. */
  workloadKind?: string;
  /** containers: restrict to this pod (name). */
  pod?: string;
  /** labelValues: the label key, and which kind's labels to read (pods when unset). */
  labelKey?: string;
  labelKind?: ResourceTable;
}
