import { demoSnapshot } from './__fixtures__/cluster';
import { staleEventsSnapshot } from './__fixtures__/staleEvents';
import { AppMapFilter, selectAppMap } from './appMap';
import { problemUids, selectProblems } from './problems';

const NO_FILTER: AppMapFilter = { namespaces: [], text: '', problemsOnly: false, kinds: [] };

describe('selectAppMap', () => {
  const snapshot = demoSnapshot();
  const problems = problemUids(selectProblems(snapshot));
  const map = selectAppMap(snapshot, NO_FILTER, problems);
  const shop = map.find((n) => n.namespace === 'shop')!;

  it('groups by namespace and lists workloads by kind with their pods', () => {
    expect(map.map((n) => n.namespace)).toEqual(['batch', 'kube-system', 'shop']);
    expect(shop.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual([
      'Deployment/api',
      'Deployment/web',
      'StatefulSet/db',
      'Other/Other',
    ]);
    const web = shop.workloads.find((w) => w.name === 'web')!;
    expect(web.pods.map((p) => p.name)).toEqual(['web-7d9f-1', 'web-7d9f-2', 'web-7d9f-3']);
    expect(web.replicas).toMatchObject({ desired: 3, ready: 2, available: 2 });
    expect(web.images).toEqual(['web:1.0']);
    expect(shop.workloads.find((w) => w.kind === 'Other')!.pods.map((p) => p.name)).toEqual(['broken-image']);
  });

  it('puts Jobs under their CronJob', () => {
    const batch = map.find((n) => n.namespace === 'batch')!;
    const cron = batch.workloads.find((w) => w.kind === 'CronJob')!;
    expect(cron.jobs.map((j) => j.name)).toEqual(['report-2901']);
    expect(cron.pods.map((p) => p.name)).toEqual(['report-2901-abc']);
    expect(batch.workloads.some((w) => w.kind === 'Job')).toBe(false);
    expect(cron.hasProblem).toBe(true);
  });

  it('links services to the workloads they select, and ingresses to services', () => {
    const web = shop.services.find((s) => s.service.name === 'web')!;
    expect(web.workloads).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web' })]);
    expect(web.ingresses.map((i) => `${i.ingress.name} ${i.rule.host}${i.rule.path}`)).toEqual([
      'shop shop.example.com/',
    ]);
    const ingress = shop.ingresses[0];
    expect(ingress.routes[0].service?.name).toBe('web');
    expect(shop.workloads.find((w) => w.name === 'db')!.services.map((s) => s.name)).toEqual(['db']);
  });

  it('flags containers without requests or limits', () => {
    const db = shop.workloads.find((w) => w.name === 'db')!;
    expect(db.unbounded).toEqual([{ container: 'postgres', missing: ['requests', 'limits'] }]);
    expect(shop.workloads.find((w) => w.name === 'web')!.unbounded).toEqual([]);
  });

  it('filters by text, label, kind, problems and namespace', () => {
    const names = (filter: Partial<AppMapFilter>) =>
      selectAppMap(snapshot, { ...NO_FILTER, ...filter }, problems).flatMap((n) => n.workloads.map((w) => w.name));
    expect(names({ text: 'we' })).toEqual(['web']);
    expect(names({ text: 'app=db' })).toEqual(['db']);
    expect(names({ kinds: ['StatefulSet', 'DaemonSet'] })).toEqual(['agent', 'db']);
    // batch: the failed CronJob run and the unschedulable bare pod; shop: api, web and the bad-image bare pod.
    expect(names({ problemsOnly: true })).toEqual(['report', 'Other', 'api', 'web', 'Other']);
    expect(names({ namespaces: ['kube-system'] })).toEqual(['agent']);
    // Services follow the workloads they are linked to.
    const filtered = selectAppMap(snapshot, { ...NO_FILTER, text: 'web' }, problems).find(
      (n) => n.namespace === 'shop'
    )!;
    expect(filtered.services.map((s) => s.service.name)).toEqual(['web']);
    expect(filtered.ingresses.map((i) => i.ingress.name)).toEqual(['shop']);
  });
});

describe('workload usage', () => {
  it('sums the Prometheus figures of the workload pods, joined by namespace/pod', () => {
    const snapshot = demoSnapshot();
    const figures = {
      podCpuUsage: {
        status: 'ok' as const,
        values: new Map([
          ['shop/web-7d9f-1', 0.1],
          ['shop/web-7d9f-2', 0.25],
        ]),
      },
      podMemoryUsage: { status: 'missing' as const, reason: 'no series' },
    };
    const shop = selectAppMap(snapshot, NO_FILTER, new Set(), figures).find((n) => n.namespace === 'shop')!;
    expect(shop.workloads.find((w) => w.name === 'web')!.usage).toEqual({ cpu: 0.35, memory: undefined });
    expect(shop.workloads.find((w) => w.name === 'db')!.usage).toEqual({ cpu: undefined, memory: undefined });
  });
});

describe('problem marks after stale Warning events', () => {
  it('leaves healthy workloads unmarked when their pods only carry superseded events', () => {
    const snapshot = staleEventsSnapshot();
    const map = selectAppMap(snapshot, NO_FILTER, problemUids(selectProblems(snapshot)));
    const marks = Object.fromEntries(
      map.flatMap((n) => n.workloads.map((w) => [`${w.namespace}/${w.kind}/${w.name}`, w.hasProblem]))
    );
    expect(marks).toEqual({
      'payments/Deployment/fraud-detector': true,
      'shop/Deployment/cart': true,
      'shop/Deployment/catalog': false,
      'shop/Deployment/checkout': true,
      'shop/Deployment/frontend': true,
      'shop/Deployment/ledger': false,
      'shop/StatefulSet/redis': false,
      'shop/Other/Other': false,
    });
    const catalog = map.flatMap((n) => n.workloads).find((w) => w.name === 'catalog')!;
    expect(catalog.replicas).toMatchObject({ desired: 4, ready: 4, available: 4, updated: 4 });
  });
});
