/**
 * Builders for Grafana dashboard JSON (schema of @grafana/schema's Dashboard, the version this project pins), kept to
 * core panels. Every datasource reference is a dashboard variable, so imported dashboards follow the user's choice.
 */

import appPlugin from '../../plugin.json';
import datasourcePlugin from '../../datasource/plugin.json';
import { CLUSTER_MATCHER, sel, WORKLOAD_PODS } from './promql';

export const APP_ID = appPlugin.id;
export const CLUSTER_DATASOURCE_TYPE = datasourcePlugin.id;
export const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };
export const CLUSTER = { type: CLUSTER_DATASOURCE_TYPE, uid: '${cluster}' };
/**
 * The dashboard schemaVersion of Grafana 11.6, the oldest line the plugin supports (its @grafana/schema's
 * defaultDashboard): newer Grafanas migrate a dashboard forward on load, none migrates one back.
 */
export const SCHEMA_VERSION = 41;

export type Json = Record<string, unknown>;

export interface Target {
  expr: string;
  legend?: string;
  /** Instant queries feed stats and tables; range queries feed time series. */
  instant?: boolean;
  /** Table columns come from the labels of instant queries in table format. */
  table?: boolean;
  /** Shown as the column header in tables. */
  column?: string;
}

function promTargets(targets: Target[]): Json[] {
  return targets.map((target, index) => ({
    refId: String.fromCharCode(65 + index),
    datasource: PROMETHEUS,
    editorMode: 'code',
    expr: target.expr,
    legendFormat: target.legend ?? '__auto',
    range: !target.instant,
    instant: Boolean(target.instant),
    format: target.table ? 'table' : 'time_series',
  }));
}

export interface PanelSpec {
  title: string;
  description: string;
  width: number;
  height: number;
}

export interface Link {
  title: string;
  url: string;
}

/** A panel before layout: gridPos and id are assigned by `dashboard()`. */
export type Panel = Json & { gridPos?: { w: number; h: number; x?: number; y?: number } };

function base(type: string, spec: PanelSpec, targets: Target[], fieldDefaults: Json, options: Json): Panel {
  return {
    type,
    title: spec.title,
    description: spec.description,
    datasource: PROMETHEUS,
    gridPos: { w: spec.width, h: spec.height },
    targets: promTargets(targets),
    fieldConfig: { defaults: fieldDefaults, overrides: [] },
    options,
  };
}

export function stat(spec: PanelSpec, target: Target, unit: string, extra: Json = {}): Panel {
  return base(
    'stat',
    spec,
    [{ ...target, instant: true }],
    {
      unit,
      color: { mode: 'thresholds' },
      thresholds: thresholds(extra.thresholds as Array<[number, string]>),
      mappings: extra.mappings ?? [],
    },
    {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: extra.colorMode ?? 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: extra.textMode ?? 'auto',
      wideLayout: true,
      showPercentChange: false,
    }
  );
}

function thresholds(steps: Array<[number, string]> = []): Json {
  return {
    mode: 'absolute',
    steps: [{ color: 'green', value: null }, ...steps.map(([value, color]) => ({ color, value }))],
  };
}

export function gauge(spec: PanelSpec, target: Target): Panel {
  return base(
    'gauge',
    spec,
    [{ ...target, instant: true }],
    {
      unit: 'percentunit',
      min: 0,
      max: 1,
      color: { mode: 'thresholds' },
      thresholds: thresholds([
        [0.8, 'orange'],
        [0.95, 'red'],
      ]),
    },
    {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showThresholdLabels: false,
      showThresholdMarkers: true,
    }
  );
}

/** Axis bounds: values start at 0 unless `signed` (receive drawn up, transmit down); shares may stop at `max` 1. */
export interface Bounds {
  signed?: boolean;
  max?: number;
}

export function timeseries(spec: PanelSpec, targets: Target[], unit: string, bounds: Bounds = {}): Panel {
  return base(
    'timeseries',
    spec,
    targets,
    {
      unit,
      ...(bounds.signed ? {} : { min: 0 }),
      ...(bounds.max === undefined ? {} : { max: bounds.max }),
      custom: {
        drawStyle: 'line',
        lineWidth: 1,
        fillOpacity: 10,
        showPoints: 'never',
        spanNulls: false,
        stacking: { mode: 'none', group: 'A' },
      },
    },
    {
      legend: { displayMode: 'table', placement: 'right', showLegend: true, calcs: ['lastNotNull', 'max'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    }
  );
}

export interface Column {
  /** A label column, or a value column given by its target. */
  label?: string;
  target?: Target;
  title: string;
  unit?: string;
  links?: Link[];
  /** Maps 0/1 values to text, e.g. Ready. */
  booleanText?: [string, string];
}

/**
 * A table of instant queries joined on their shared labels (Grafana's `merge` transformation): label columns come
 * from the targets' `by (...)` clauses, value columns from each target; the raw value of label-only targets is hidden.
 */
export function table(spec: PanelSpec, columns: Column[], labelTargets: Target[]): Panel {
  const valueColumns = columns.filter((column) => column.target);
  const targets = [...labelTargets, ...valueColumns.map((column) => column.target!)].map((target) => ({
    ...target,
    instant: true,
    table: true,
  }));
  // Grafana's Prometheus table format names the value column "Value" for one query, "Value #<refId>" for several
  // (packages/grafana-prometheus result_transformer.ts getValueText).
  const valueName = (index: number) => (targets.length === 1 ? 'Value' : `Value #${String.fromCharCode(65 + index)}`);
  const exclude: Record<string, boolean> = { Time: true };
  labelTargets.forEach((_, index) => (exclude[valueName(index)] = true));
  const rename: Record<string, string> = {};
  const order: Record<string, number> = {};
  const overrides: Json[] = [];
  let valueIndex = labelTargets.length;
  columns.forEach((column, position) => {
    const field = column.target ? valueName(valueIndex++) : column.label!;
    rename[field] = column.title;
    order[field] = position;
    const properties: Json[] = [];
    if (column.unit) {
      properties.push({ id: 'unit', value: column.unit });
    }
    if (column.links) {
      properties.push({ id: 'links', value: column.links.map((link) => ({ ...link, targetBlank: false })) });
    }
    if (column.booleanText) {
      properties.push({
        id: 'mappings',
        value: [
          {
            type: 'value',
            options: {
              '0': { text: column.booleanText[0], color: 'red', index: 0 },
              '1': { text: column.booleanText[1], color: 'green', index: 1 },
            },
          },
        ],
      });
      properties.push({ id: 'custom.cellOptions', value: { type: 'color-text' } });
    }
    if (properties.length) {
      overrides.push({ matcher: { id: 'byName', options: column.title }, properties });
    }
  });
  const panel = base(
    'table',
    spec,
    targets,
    { custom: { align: 'auto', filterable: true } },
    {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], fields: '' },
      sortBy: [{ displayName: columns[0].title, desc: false }],
    }
  );
  return {
    ...panel,
    fieldConfig: { defaults: (panel.fieldConfig as Json).defaults, overrides },
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: { excludeByName: exclude, renameByName: rename, indexByName: order, includeByName: {} },
      },
    ],
  };
}

/** A time-series row of equal panels filling the 24 grid columns. */
export function row(title: string): Panel {
  return { type: 'row', title, collapsed: false, panels: [], gridPos: { w: 24, h: 1 } };
}

// ---- Variables ----

function promVariable(name: string, label: string, query: string, extra: Json = {}): Json {
  return {
    type: 'query',
    name,
    label,
    datasource: PROMETHEUS,
    // A plain string query: Grafana's Prometheus variable support reads it as is (packages/grafana-prometheus variables.ts).
    query,
    definition: query,
    refresh: 2,
    sort: 1,
    includeAll: false,
    multi: false,
    hide: 0,
    current: {},
    options: [],
    regex: '',
    ...extra,
  };
}

export const COMMON_VARIABLES: Json[] = [
  {
    type: 'datasource',
    name: 'datasource',
    label: 'Prometheus',
    query: 'prometheus',
    refresh: 1,
    regex: '',
    hide: 0,
    current: {},
    options: [],
  },
  {
    type: 'datasource',
    name: 'cluster',
    label: 'Cluster',
    description: 'The KubeAtlas datasource of the cluster: Kubernetes events and links to the KubeAtlas pages.',
    query: CLUSTER_DATASOURCE_TYPE,
    refresh: 1,
    regex: '',
    hide: 0,
    current: {},
    options: [],
  },
  {
    type: 'textbox',
    name: 'cluster_label_name',
    label: 'Cluster label name',
    description:
      'The Prometheus label that tells clusters apart when one Prometheus holds several (docs/prometheus.md).',
    query: 'cluster',
    current: { text: 'cluster', value: 'cluster' },
    hide: 2,
  },
  promVariable('cluster_label', 'Cluster label', 'label_values(kube_node_info, ${cluster_label_name})', {
    description: 'Empty when Prometheus holds a single cluster without a cluster label.',
  }),
];

export const NAMESPACE_VARIABLE = promVariable(
  'namespace',
  'Namespace',
  `label_values(${sel('kube_namespace_status_phase')}, namespace)`
);

export const KIND_VARIABLE: Json = {
  type: 'custom',
  name: 'kind',
  label: 'Kind',
  description:
    'Shows the Kubernetes kind; its value is the kube-state-metrics label that names a workload of that kind.',
  query: 'Deployment : deployment,StatefulSet : statefulset,DaemonSet : daemonset,Job : job_name',
  current: { text: 'Deployment', value: 'deployment' },
  options: [],
  hide: 0,
  includeAll: false,
  multi: false,
};

export const WORKLOAD_VARIABLE = promVariable(
  'workload',
  'Workload',
  `label_values({__name__=~"kube_pod_owner|kube_replicaset_owner", ${CLUSTER_MATCHER}, namespace="$namespace", owner_kind="\${kind:text}"}, owner_name)`
);

/**
 * The names of the workload's pods (hidden, all selected): the "Pod events" annotation shows the events of these
 * pods, since Kubernetes events name the pod, not its workload.
 */
export const WORKLOAD_PODS_VARIABLE = promVariable(
  'workload_pods',
  'Pods of the workload',
  `query_result(${WORKLOAD_PODS})`,
  {
    regex: '/pod="([^"]+)"/',
    hide: 2,
    multi: true,
    includeAll: true,
    current: { text: ['All'], value: ['$__all'] },
  }
);

export const POD_VARIABLE = promVariable(
  'pod',
  'Pod',
  `label_values(${sel('kube_pod_info', 'namespace="$namespace"')}, pod)`
);

export const NODE_VARIABLE = promVariable('node', 'Node', `label_values(${sel('kube_node_info')}, node)`, {
  includeAll: true,
  multi: true,
  allValue: '.*',
  current: { text: ['All'], value: ['$__all'] },
});

// ---- Links ----

/** Variables every dashboard passes on, so that a link keeps the same Prometheus, cluster and cluster label. */
const CARRIED = '&var-datasource=${datasource}&var-cluster=${cluster}&var-cluster_label=${cluster_label}';

/** A link to another bundled dashboard by uid; `vars` values may use data-link variables (${__data.fields.x}). */
export function dashboardLink(title: string, uid: string, vars: Record<string, string>): Link {
  const query = Object.entries(vars)
    .map(([name, value]) => `&var-${name}=${value}`)
    .join('');
  return { title, url: `/d/${uid}?orgId=\${__org}${CARRIED}${query}&\${__url_time_range}` };
}

/**
 * A link to a KubeAtlas app page for the dashboard's cluster (the KubeAtlas datasource uid), with the pages' URL
 * parameters (src/pages/state/urlState.ts): `namespace` filters, `detail` = Kind/namespace/name opens an object.
 */
export function appLink(title: string, page: string, params: Record<string, string>): Link {
  const query = Object.entries(params)
    .map(([name, value]) => `&${name}=${value}`)
    .join('');
  return { title, url: `/a/${APP_ID}/${page}?cluster=\${cluster}${query}` };
}

// ---- Dashboard ----

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: Json[];
  panels: Panel[];
  /** Kubernetes events of the shown objects as annotations from the KubeAtlas datasource. */
  annotations?: Json[];
}

const GRID_COLUMNS = 24;

/** Lays panels out left to right, wrapping at 24 columns, and numbers them. */
function layout(panels: Panel[]): Panel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((panel, index) => {
    const { w, h } = panel.gridPos!;
    if (x + w > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { id: index + 1, ...panel, gridPos: { h, w, x, y } };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return placed;
  });
}

export function dashboard(spec: DashboardSpec): Json {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['kubeatlas', 'kubernetes'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    // Bump when a dashboard changes: Grafana re-imports app dashboards whose revision differs from the imported one.
    revision: 1,
    refresh: '1m',
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    links: [
      {
        type: 'dashboards',
        title: 'KubeAtlas',
        tags: ['kubeatlas'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    annotations: { list: spec.annotations ?? [] },
    templating: { list: spec.variables },
    panels: layout(spec.panels),
  };
}
