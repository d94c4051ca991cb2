/**
 * @jest-environment node
 */
// Static checks of the bundled dashboards: what Grafana needs to load them anywhere, and what broke KubeGraf's.
import { existsSync, readFileSync } from 'fs';
import path from 'path';
import { defaultDashboard } from '@grafana/schema';

import appPlugin from '../plugin.json';
import datasourcePlugin from '../datasource/plugin.json';
import { bundledDashboards } from './generator/dashboards';
import { DASHBOARD_UIDS as UIDS } from './uids';
import { SCHEMA_VERSION, type Json } from './generator/model';
import { prometheusTargets, referencedVariables } from './proof/variables';

const SRC = path.resolve(__dirname, '..');
const included = appPlugin.includes.filter((include) => include.type === 'dashboard');
const dashboards: Array<[string, Json]> = included.map((include) => [
  include.path!,
  JSON.parse(readFileSync(path.join(SRC, include.path!), 'utf8')),
]);

/** Grafana's core visualizations that these dashboards may use (no Angular, no plugin dependency). */
const CORE_PANELS = new Set([
  'row',
  'stat',
  'gauge',
  'bargauge',
  'timeseries',
  'table',
  'state-timeline',
  'status-history',
  'text',
]);

/** Names of exporters before kube-state-metrics v2, cAdvisor in Kubernetes 1.16 and node-exporter 0.16. */
const LEGACY_NAMES: Array<[RegExp, string]> = [
  [/\bpod_name\b/, 'cAdvisor label pod_name (pod since Kubernetes 1.16)'],
  [/\bcontainer_name\b/, 'cAdvisor label container_name (container since Kubernetes 1.16)'],
  [/_cpu_cores\b/, 'kube-state-metrics v1 *_cpu_cores resource metric'],
  [/_memory_bytes\b/, 'kube-state-metrics v1 *_memory_bytes resource metric'],
  [/\bkube_hpa_/, 'kube-state-metrics v1 kube_hpa_* (kube_horizontalpodautoscaler_* in v2)'],
  [/\bkubelet_running_pod_count\b/, 'kubelet_running_pod_count (kubelet_running_pods)'],
  [/\bnode_cpu\b(?!_)/, 'node-exporter < 0.16 node_cpu'],
  [/\bnode_memory_[A-Za-z]+\b(?<!_bytes)(?!_)/, 'node-exporter < 0.16 node_memory_* without _bytes'],
  [/\bnode_filesystem_(avail|size|free|files|files_free)\b/, 'node-exporter < 0.16 node_filesystem_* without _bytes'],
  [
    /\bnode_network_(receive|transmit)_(bytes|packets|errs|drop)\b(?!_total)/,
    'node-exporter < 0.16 counters without _total',
  ],
  [/\bnode_disk_bytes_(read|written)\b/, 'node-exporter < 0.16 node_disk_bytes_*'],
  [/\bnode_(boot_)?time\b(?!_)/, 'node-exporter < 0.16 node_time / node_boot_time'],
];

// The project's reference table beside the checkout when present, else the copy kept for clones without it.
const SHARED_KSM_TABLE = path.resolve(SRC, '../../shared/reference/kube-state-metrics-v2.20-metrics.tsv');
const KSM_TABLE = existsSync(SHARED_KSM_TABLE)
  ? SHARED_KSM_TABLE
  : path.resolve(SRC, '../exporters/test/fixtures/kube-state-metrics-v2.20-metrics.tsv');
const ksmMetrics = new Set(
  readFileSync(KSM_TABLE, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0])
    .filter(Boolean)
);

/** Every object anywhere in the dashboard that has a `datasource` property, with its JSON path. */
function datasourceRefs(value: unknown, at = '$'): Array<{ at: string; ref: unknown }> {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => datasourceRefs(item, `${at}[${index}]`));
  }
  if (value && typeof value === 'object') {
    const own = 'datasource' in value ? [{ at, ref: (value as Json).datasource }] : [];
    return [...own, ...Object.entries(value).flatMap(([key, item]) => datasourceRefs(item, `${at}.${key}`))];
  }
  return [];
}

function variablesOf(dashboard: Json): Json[] {
  return (dashboard.templating as { list: Json[] }).list;
}

function linksOf(dashboard: Json): Array<{ url: string }> {
  return (dashboard.panels as Json[]).flatMap((panel) =>
    ((panel.fieldConfig as { overrides?: Json[] } | undefined)?.overrides ?? []).flatMap((override) =>
      (override.properties as Json[])
        .filter((property) => property.id === 'links')
        .flatMap((property) => property.value as Array<{ url: string }>)
    )
  );
}

describe('bundled dashboards', () => {
  it('are the five dashboards the app includes, each file present and unchanged from its generator', () => {
    const generated = bundledDashboards();
    expect(included.map((include) => include.path)).toEqual(Object.keys(generated).map((file) => `dashboards/${file}`));
    for (const [file, dashboard] of dashboards) {
      // `npm run dashboards` rewrites the JSON after a change to src/dashboards/generator.
      expect(dashboard).toEqual(JSON.parse(JSON.stringify(generated[path.basename(file)])));
    }
    expect(
      included.every((include) => include.name === dashboards.find(([file]) => file === include.path)![1].title)
    ).toBe(true);
  });

  it('have the stable uids the app pages link to, each once', () => {
    expect(dashboards.map(([, dashboard]) => dashboard.uid)).toEqual(Object.values(UIDS));
    expect(new Set(Object.values(UIDS)).size).toBe(Object.values(UIDS).length);
  });

  it("use Grafana 11.6's schemaVersion, which the build's @grafana/schema migrates from, and core panels only", () => {
    for (const [, dashboard] of dashboards) {
      expect(dashboard.schemaVersion).toBe(SCHEMA_VERSION);
      expect(dashboard.schemaVersion).toBeLessThanOrEqual(defaultDashboard.schemaVersion);
      const types = (dashboard.panels as Json[]).map((panel) => panel.type as string);
      expect(types.filter((type) => !CORE_PANELS.has(type))).toEqual([]);
      const ids = (dashboard.panels as Json[]).map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('reference every datasource through a variable of the matching plugin', () => {
    for (const [file, dashboard] of dashboards) {
      const pluginOf = new Map(
        variablesOf(dashboard)
          .filter((variable) => variable.type === 'datasource')
          .map((variable) => [variable.name, variable.query])
      );
      const refs = datasourceRefs(dashboard);
      expect(refs.length).toBeGreaterThan(0);
      for (const { at, ref } of refs) {
        const { type, uid } = ref as { type: string; uid: string };
        const variable = /^\$\{(\w+)\}$/.exec(uid)?.[1];
        expect({ file, at, variable, type }).toEqual({
          file,
          at,
          variable: expect.any(String),
          type: pluginOf.get(variable!),
        });
      }
    }
    expect([
      ...new Set(
        dashboards.flatMap(([, d]) =>
          variablesOf(d)
            .filter((v) => v.type === 'datasource')
            .map((v) => v.query)
        )
      ),
    ]).toEqual(['prometheus', datasourcePlugin.id]);
  });

  it('use only variables they declare (or Grafana built-ins)', () => {
    for (const [file, dashboard] of dashboards) {
      const declared = new Set(variablesOf(dashboard).map((variable) => variable.name));
      const texts = [
        ...prometheusTargets(dashboard).map((target) => target.expr),
        ...variablesOf(dashboard).map((variable) => String(variable.query ?? '')),
        ...linksOf(dashboard).map((link) => link.url),
        JSON.stringify(dashboard.annotations),
      ];
      const undeclared = texts.flatMap(referencedVariables).filter((name) => !declared.has(name));
      expect({ file, undeclared }).toEqual({ file, undeclared: [] });
    }
  });

  it('contain none of the metric and label names that exporters renamed', () => {
    for (const [file, dashboard] of dashboards) {
      const texts = [
        ...prometheusTargets(dashboard).map((t) => t.expr),
        ...variablesOf(dashboard).map((v) => String(v.query ?? '')),
      ];
      for (const text of texts) {
        for (const [pattern, why] of LEGACY_NAMES) {
          expect({ file, text, legacy: pattern.test(text) ? why : undefined }).toEqual({
            file,
            text,
            legacy: undefined,
          });
        }
      }
    }
  });

  it('name only kube-state-metrics v2.20 metrics', () => {
    const used = new Set(
      dashboards.flatMap(([, dashboard]) =>
        [
          ...prometheusTargets(dashboard).map((t) => t.expr),
          ...variablesOf(dashboard).map((v) => String(v.query ?? '')),
        ].flatMap((text) => text.match(/\bkube_[a-z_]+\b/g) ?? [])
      )
    );
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((metric) => !ksmMetrics.has(metric))).toEqual([]);
  });

  it('select the pods of a workload by ownership, never by name', () => {
    const workload = dashboards.find(([, d]) => d.uid === UIDS.workload)![1];
    for (const { expr } of prometheusTargets(workload)) {
      expect(expr).not.toMatch(/pod=~"\$workload/);
    }
    const exprs = prometheusTargets(workload)
      .map((t) => t.expr)
      .join('\n');
    expect(exprs).toContain('kube_replicaset_owner');
    expect(exprs).toContain('kube_pod_owner');
  });

  it('link table cells only to relative Grafana paths: bundled dashboards by uid and KubeAtlas pages', () => {
    const uids = new Set<string>(Object.values(UIDS));
    for (const [, dashboard] of dashboards) {
      for (const { url } of linksOf(dashboard)) {
        const dashboardUid = /^\/d\/([\w-]+)\?/.exec(url)?.[1];
        const appPage = url.startsWith(`/a/${appPlugin.id}/`) && url.includes('cluster=${cluster}');
        expect({ url, ok: (dashboardUid !== undefined && uids.has(dashboardUid)) || appPage }).toEqual({
          url,
          ok: true,
        });
      }
    }
  });

  it('show Kubernetes events from the cluster datasource on the workload and pod dashboards', () => {
    for (const uid of [UIDS.workload, UIDS.pod]) {
      const [, dashboard] = dashboards.find(([, d]) => d.uid === uid)!;
      const [events] = (dashboard.annotations as { list: Json[] }).list;
      expect(events.datasource).toEqual({ type: datasourcePlugin.id, uid: '${cluster}' });
      expect(events.target).toMatchObject({ resource: 'events', namespace: '$namespace' });
    }
    expect(datasourcePlugin.annotations).toBe(true);
  });
});
