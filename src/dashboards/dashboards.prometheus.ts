/**
 * @jest-environment node
 */
// Proof against a real Prometheus (Debian's `prometheus` with the shipped deploy/prometheus config) scraping the
// metrics stand-in over the testbed's real control plane (demo scenario) and a real node-exporter: every target of every panel of every bundled dashboard is run with
// every combination of variable values the dashboard's own variable queries yield (up to a cap), and must parse in all
// of them and return data in at least one. Run by scripts/test-all.sh:
//   npx jest --testMatch '<rootDir>/src/dashboards/*.prometheus.ts'
import { bundledDashboards } from './generator/dashboards';
import type { Json } from './generator/model';
import { WORKLOAD_PODS } from './generator/promql';
import { DashboardOutcome, intervalBuiltins, PrometheusHttp, proveDashboard } from './proof/proof';
import { interpolate } from './proof/variables';
import { eventFilter } from '../datasource/eventFilter';
import { resolveList, type Replace } from '../datasource/interpolation';
import type { KubernetesAnnotationQuery } from '../datasource/types';

/**
 * The test ground's fixture (testbed/src/stack.ts) lies outside the plugin's TypeScript project (rootDir src), so it
 * is loaded at run time and typed by the part used here.
 */
const STACK_MODULE = '../../testbed/src/stack';
interface PrometheusStack {
  prometheusUrl: string;
  waitForScrapes(): Promise<void>;
  kubeGet<T>(apiPath: string): Promise<T>;
  stop(): Promise<void>;
}
type StartStack = (options: { scrapeIntervalSeconds: number }) => Promise<PrometheusStack>;

const SCRAPE_SECONDS = 2;
/** Enough for the demo's namespaces times their pods, workloads or nodes. */
const MAX_COMBINATIONS = 200;

/**
 * Targets that may stay empty in the demo cluster, by dashboard file and `panel/refId`, with the reason. None today:
 * the demo scenario has crash-looping, OOM-killed and pending pods, so even the problem panels have data.
 */
const EMPTY_BY_DESIGN: Record<string, Record<string, string>> = {};

/** Variables whose query returns nothing in the demo, with the reason. */
const UNRESOLVED_BY_DESIGN: Record<string, string> = {
  cluster_label: 'one cluster per Prometheus: the demo series carry no cluster label, so the matcher is cluster=""',
};

let stack: PrometheusStack;
let prometheus: PrometheusHttp;
const outcomes = new Map<string, DashboardOutcome>();
const builtins = intervalBuiltins(SCRAPE_SECONDS, 60);

async function waitForRates(): Promise<void> {
  // rate() over $__rate_interval needs two samples of both the cAdvisor and the node-exporter counters, and the
  // restart panels need a restart between two scrapes.
  const window = `${4 * SCRAPE_SECONDS}s`;
  const ready =
    `count(rate(container_cpu_usage_seconds_total[${window}])) and count(rate(node_cpu_seconds_total[${window}]))` +
    ` and sum(increase(kube_pod_container_status_restarts_total[${window}])) > 0`;
  const deadline = Date.now() + 60_000;
  while ((await prometheus.query(ready)).series.length === 0) {
    if (Date.now() > deadline) {
      throw new Error(`Prometheus has no rates or restarts after 60 s: ${ready}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  const { startStack } = (await import(STACK_MODULE)) as { startStack: StartStack };
  // kwok restarts the demo's crash-looping container every ~8 s (testbed/kwok/stages.yaml), so restart panels see an
  // increase within the test's window.
  stack = await startStack({ scrapeIntervalSeconds: SCRAPE_SECONDS });
  prometheus = new PrometheusHttp(stack.prometheusUrl);
  await stack.waitForScrapes();
  await waitForRates();
  for (const [file, dashboard] of Object.entries(bundledDashboards())) {
    const started = Date.now();
    const outcome = await proveDashboard(dashboard, prometheus, builtins, MAX_COMBINATIONS);
    outcomes.set(file, outcome);
    const queries = outcome.targets.reduce((sum, target) => sum + target.combinations, 0);
    console.log(
      `${file}: ${outcome.targets.length} targets × ${outcome.combinations.length} combinations = ${queries} queries in ${Date.now() - started} ms`
    );
  }
}, 240_000);

// Stopping Prometheus, the stand-in and five control-plane processes takes longer than jest's default 5 s.
afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe.each(Object.keys(bundledDashboards()))('%s against real Prometheus', (file) => {
  it('resolves every variable from the demo cluster', () => {
    const { neverResolved } = outcomes.get(file)!;
    expect(neverResolved.filter((name) => !UNRESOLVED_BY_DESIGN[name])).toEqual([]);
  });

  it('has targets that all parse, and each returns data for some variable values', () => {
    const { targets } = outcomes.get(file)!;
    expect(targets.length).toBeGreaterThan(0);
    const failures = targets
      .filter(
        (target) =>
          target.errors.length > 0 ||
          (target.withData === 0 && !EMPTY_BY_DESIGN[file]?.[`${target.panel}/${target.refId}`])
      )
      .map((target) => ({
        target: `${target.panel}/${target.refId}`,
        withData: `${target.withData}/${target.combinations}`,
        firstError: target.errors[0],
      }));
    expect(failures).toEqual([]);
  });
});

it('fills every label column of every table from the labels its queries return', () => {
  const missing = Object.entries(bundledDashboards()).flatMap(([file, dashboard]) =>
    (dashboard.panels as Json[])
      .filter((panel) => panel.type === 'table')
      .flatMap((panel) => {
        const returned = new Set(
          outcomes
            .get(file)!
            .targets.filter((target) => target.panel === panel.title)
            .flatMap((target) => [...target.labels])
        );
        const organize = (panel.transformations as Json[]).find((t) => t.id === 'organize')!.options as Json;
        return Object.keys(organize.renameByName as Json)
          .filter((field) => !field.startsWith('Value') && !returned.has(field))
          .map((field) => `${file} ${panel.title}: ${field}`);
      })
  );
  expect(missing).toEqual([]);
});

/** Annotations that may show no event in the demo, by `file name`, with the reason. None today. */
const NO_EVENTS_BY_DESIGN: Record<string, string> = {};

interface KubernetesEvent {
  involvedObject: { kind: string; name: string };
}

it("finds Kubernetes events through each annotation's query, as the KubeAtlas datasource sends it", async () => {
  const withEvents = new Set<string>();
  const checked: string[] = [];
  for (const [file, dashboard] of Object.entries(bundledDashboards())) {
    for (const annotation of (dashboard.annotations as { list: Json[] }).list) {
      const key = `${file} ${annotation.name}`;
      checked.push(key);
      const query = annotation.target as KubernetesAnnotationQuery;
      for (const combination of outcomes.get(file)!.combinations) {
        const replace: Replace = (text, format) => interpolate(text, { ...builtins, ...combination }, format);
        const filter = eventFilter(query, replace, { from: 0, to: Date.now() });
        const selector = filter.fieldSelector ? `?fieldSelector=${encodeURIComponent(filter.fieldSelector)}` : '';
        const { items } = await stack.kubeGet<{ items: KubernetesEvent[] }>(
          `/api/v1/namespaces/${filter.namespace}/events${selector}`
        );
        const kinds = resolveList(query.involvedKind, replace);
        const names = resolveList(query.involvedName, replace);
        if (items.some(({ involvedObject: o }) => kinds?.includes(o.kind) && names?.includes(o.name))) {
          withEvents.add(key);
          break;
        }
      }
    }
  }
  expect(checked.sort()).toEqual([
    'pod.json Kubernetes events',
    'workload.json Pod events',
    'workload.json Workload events',
  ]);
  expect(checked.filter((key) => !withEvents.has(key) && !NO_EVENTS_BY_DESIGN[key])).toEqual([]);
  expect(Object.keys(NO_EVENTS_BY_DESIGN).filter((key) => withEvents.has(key))).toEqual([]);
});

it('lists only exceptions that are still needed', () => {
  const unresolved = new Set([...outcomes.values()].flatMap((outcome) => outcome.neverResolved));
  expect(Object.keys(UNRESOLVED_BY_DESIGN).filter((name) => !unresolved.has(name))).toEqual([]);
  const stale = Object.entries(EMPTY_BY_DESIGN).flatMap(([file, exceptions]) =>
    Object.keys(exceptions).filter(
      (key) => outcomes.get(file)?.targets.find((target) => `${target.panel}/${target.refId}` === key)?.withData !== 0
    )
  );
  expect(stale).toEqual([]);
});

interface OwnedObject {
  metadata: { name: string; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> };
}

function controller(object: OwnedObject): { kind: string; name: string } | undefined {
  return object.metadata.ownerReferences?.find((owner) => owner.controller);
}

/** The pods a workload owns according to the Kubernetes API: directly, or through its ReplicaSets. */
async function podsOwnedBy(namespace: string, kind: string, name: string): Promise<string[]> {
  const [pods, replicaSets] = await Promise.all([
    stack.kubeGet<{ items: OwnedObject[] }>(`/api/v1/namespaces/${namespace}/pods`),
    stack.kubeGet<{ items: OwnedObject[] }>(`/apis/apps/v1/namespaces/${namespace}/replicasets`),
  ]);
  const owned = new Set(
    replicaSets.items
      .filter((rs) => controller(rs)?.kind === kind && controller(rs)?.name === name)
      .map((rs) => rs.metadata.name)
  );
  return pods.items
    .filter((pod) => {
      const owner = controller(pod);
      return (owner?.kind === kind && owner.name === name) || (owner?.kind === 'ReplicaSet' && owned.has(owner.name));
    })
    .map((pod) => pod.metadata.name)
    .sort();
}

it('selects exactly the pods each workload owns according to the Kubernetes API', async () => {
  const compared: string[] = [];
  for (const combination of outcomes.get('workload.json')!.combinations) {
    const { namespace, kind, workload } = combination;
    if (!workload.value) {
      continue;
    }
    const { series, error } = await prometheus.query(interpolate(WORKLOAD_PODS, { ...builtins, ...combination }));
    const fromPrometheus = series.map((labels) => labels.pod).sort();
    const key = `${namespace.value}/${kind.text}/${workload.value}`;
    expect({ key, error, pods: fromPrometheus }).toEqual({
      key,
      error: undefined,
      pods: await podsOwnedBy(namespace.value, kind.text, workload.value),
    });
    compared.push(kind.text);
  }
  // Every kind the dashboard offers was compared at least once.
  expect([...new Set(compared)].sort()).toEqual(['DaemonSet', 'Deployment', 'Job', 'StatefulSet']);
});
