import { normalize } from '../model/normalize';
import { indexSnapshot } from '../model/snapshot';
import { KindName, ModelByKind } from '../model/types';
import { TargetHealth } from '../prometheus/targets';
import { selectCoverage, summarize, workloadCoverage } from './coverage';

function model<K extends KindName>(kind: K, raw: object): ModelByKind[K] {
  const m = normalize(kind, raw);
  if (!m) {
    throw new Error(`fixture ${kind} did not normalize`);
  }
  return m;
}

let uid = 0;
const meta = (name: string, namespace?: string, labels: Record<string, string> = {}) => ({
  metadata: { name, namespace, labels, uid: `uid-${++uid}` },
});

const namespaces = ['shop', 'payments', 'monitoring'].map((n) =>
  model('Namespace', meta(n, undefined, { team: n === 'monitoring' ? 'platform' : 'apps' }))
);
const service = (name: string, namespace: string, labels: Record<string, string>, ports: object[]) =>
  model('Service', { ...meta(name, namespace, labels), spec: { selector: labels, ports } });
const pod = (name: string, namespace: string, labels: Record<string, string>, ports: object[]) =>
  model('Pod', { ...meta(name, namespace, labels), spec: { containers: [{ name: 'main', image: 'x', ports }] } });

const frontend = service('frontend', 'shop', { app: 'frontend' }, [{ name: 'http', port: 80, targetPort: 8080 }]);
const checkout = service('checkout', 'shop', { app: 'checkout' }, [{ name: 'http', port: 80 }]);
const ledger = service('ledger', 'payments', { app: 'ledger' }, [{ name: 'metrics', port: 9100 }]);
const cart = service('cart', 'shop', { app: 'cart' }, [{ name: 'metrics', port: 9100 }]);
const lonely = service('lonely', 'shop', { app: 'lonely' }, [{ name: 'http', port: 80 }]);
const api1 = pod('api-1', 'payments', { app: 'api' }, [{ name: 'metrics', containerPort: 9090 }]);
const api2 = pod('api-2', 'payments', { app: 'api' }, [{ name: 'metrics', containerPort: 9090 }]);
const worker = pod('worker-1', 'payments', { app: 'worker' }, [{ containerPort: 7000 }]);

const serviceMonitor = (name: string, namespace: string, spec: object, labels: Record<string, string> = {}) =>
  model('ServiceMonitor', { ...meta(name, namespace, labels), spec });
const monitors = [
  serviceMonitor('frontend', 'monitoring', {
    selector: { matchLabels: { app: 'frontend' } },
    namespaceSelector: { matchNames: ['shop'] },
    endpoints: [{ port: 'http' }],
  }),
  // Selects checkout but asks for a port it does not name.
  serviceMonitor('checkout', 'shop', {
    selector: { matchLabels: { app: 'checkout' } },
    endpoints: [{ port: 'metrics' }],
  }),
  // No namespaceSelector: only its own namespace (monitoring), while ledger lives in payments.
  serviceMonitor('ledger', 'monitoring', {
    selector: { matchLabels: { app: 'ledger' } },
    endpoints: [{ port: 'metrics' }],
  }),
  serviceMonitor('cart', 'shop', { selector: { matchLabels: { app: 'cart' } }, endpoints: [{ port: 'metrics' }] }),
];
const podMonitor = model('PodMonitor', {
  ...meta('api', 'monitoring'),
  spec: {
    selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'worker'] }] },
    namespaceSelector: { any: true },
    podMetricsEndpoints: [{ port: 'metrics' }],
  },
});
const probe = model('Probe', {
  ...meta('storefront', 'monitoring'),
  spec: {
    prober: { url: 'blackbox:9115' },
    targets: { ingress: { selector: { matchLabels: { probe: 'yes' } }, namespaceSelector: { any: true } } },
  },
});
const ingress = model('Ingress', { ...meta('storefront', 'shop', { probe: 'yes' }), spec: { rules: [] } });

const health: TargetHealth = {
  status: 'ok',
  services: new Map([
    ['shop/frontend', { up: 2, down: 0 }],
    ['shop/cart', { up: 0, down: 1 }],
  ]),
  pods: new Map([['payments/api-1', { up: 1, down: 0 }]]),
};

function snapshot(extra: Partial<{ [K in KindName]: Array<ModelByKind[K]> }> = {}) {
  return indexSnapshot({
    Namespace: namespaces,
    Service: [frontend, checkout, ledger, cart, lonely],
    Pod: [api1, api2, worker],
    Ingress: [ingress],
    ServiceMonitor: monitors,
    PodMonitor: [podMonitor],
    Probe: [probe],
    ...extra,
  });
}

describe('selectCoverage', () => {
  const coverage = selectCoverage(snapshot(), health);
  const of = (uid: string) => coverage.services.get(uid) ?? coverage.pods.get(uid);

  it('covers a Service selected across namespaces with a matching port name and up targets', () => {
    expect(of(frontend.uid)).toMatchObject({
      state: 'covered',
      targets: { up: 2, down: 0 },
      monitors: [{ kind: 'ServiceMonitor', namespace: 'monitoring', name: 'frontend' }],
    });
  });

  it('says when the port name does not match', () => {
    const c = of(checkout.uid)!;
    expect(c.state).toBe('uncovered');
    expect(c.reasons).toEqual([
      expect.objectContaining({
        kind: 'port',
        text: expect.stringContaining('ServiceMonitor shop/checkout selects it but scrapes Service port metrics'),
      }),
    ]);
  });

  it('says when the namespace is not selected', () => {
    const c = of(ledger.uid)!;
    expect(c.state).toBe('uncovered');
    expect(c.reasons).toEqual([
      expect.objectContaining({
        kind: 'namespace',
        text: expect.stringContaining('looks only in its own namespace monitoring: add payments'),
      }),
    ]);
  });

  it('says when the target is down', () => {
    const c = of(cart.uid)!;
    expect(c).toMatchObject({ state: 'down', targets: { up: 0, down: 1 } });
    expect(c.reasons[0]).toMatchObject({ kind: 'down', text: expect.stringContaining('its 1 target is down') });
  });

  it('leaves a Service no monitor mentions uncovered without reasons', () => {
    expect(of(lonely.uid)).toEqual({ state: 'uncovered', monitors: [], reasons: [] });
  });

  it('covers pods through a PodMonitor with matchExpressions and namespaceSelector.any', () => {
    expect(of(api1.uid)).toMatchObject({ state: 'covered', targets: { up: 1, down: 0 } });
    expect(of(api2.uid)).toMatchObject({ state: 'down', reasons: [{ kind: 'noSeries' }] });
    // Selected by labels, but its only container port has no name.
    expect(of(worker.uid)).toMatchObject({ state: 'uncovered', reasons: [{ kind: 'port' }] });
  });

  it('names the Probes of an Ingress', () => {
    expect(coverage.ingressProbes.get(ingress.uid)).toEqual([
      expect.objectContaining({ kind: 'Probe', namespace: 'monitoring', name: 'storefront' }),
    ]);
  });

  it('sums a workload over its Services and pods, keeping the best state and every reason', () => {
    const c = workloadCoverage(coverage, [checkout], [api1, worker]);
    expect(c.state).toBe('covered');
    expect(c.targets).toEqual({ up: 1, down: 0 });
    expect(c.reasons.map((r) => r.kind).sort()).toEqual(['port', 'port']);
    expect(summarize([of(frontend.uid)!, of(cart.uid)!, of(lonely.uid)!, of(checkout.uid)!])).toEqual({
      covered: 1,
      down: 1,
      uncovered: 2,
    });
  });

  it('is "selected" when Prometheus cannot tell', () => {
    const c = selectCoverage(snapshot(), { status: 'missing', reason: 'no Prometheus' });
    expect(c.services.get(frontend.uid)?.state).toBe('selected');
    expect(c.services.get(checkout.uid)?.state).toBe('uncovered');
  });

  it('blames a monitor no MetricsInstance picks up, when MetricsInstances exist', () => {
    const instance = model('MetricsInstance', {
      ...meta('primary', 'monitoring'),
      // Selects ServiceMonitors labelled instance=primary in namespaces labelled team=apps; no PodMonitor selector.
      spec: {
        serviceMonitorSelector: { matchLabels: { instance: 'primary' } },
        serviceMonitorNamespaceSelector: { matchLabels: { team: 'apps' } },
      },
    });
    const picked = serviceMonitor(
      'cart-picked',
      'shop',
      { selector: { matchLabels: { app: 'cart' } }, endpoints: [{ port: 'metrics' }] },
      { instance: 'primary' }
    );
    const c = selectCoverage(snapshot({ ServiceMonitor: [...monitors, picked], MetricsInstance: [instance] }), {
      ...health,
      services: new Map(),
      pods: new Map(),
    });
    const cartReasons = c.services.get(cart.uid)!.reasons;
    expect(cartReasons.find((r) => r.monitor.name === 'cart')).toMatchObject({ kind: 'instance' });
    expect(cartReasons.find((r) => r.monitor.name === 'cart-picked')).toMatchObject({ kind: 'noSeries' });
    // The PodMonitor: the instance has no podMonitorSelector, so it selects none.
    expect(c.pods.get(api1.uid)!.reasons).toEqual([expect.objectContaining({ kind: 'instance' })]);
  });

  it('reports absent CRDs and unreadable monitors as a status, never as coverage', () => {
    const absent = indexSnapshot(
      { Service: [frontend] },
      { ServiceMonitor: { state: 'absent', count: 0 }, PodMonitor: { state: 'absent', count: 0 } }
    );
    expect(selectCoverage(absent, health)).toMatchObject({
      status: 'absent',
      message: expect.stringContaining('prometheus-operator is not installed'),
    });
    const forbidden = indexSnapshot(
      { Service: [frontend] },
      {
        ServiceMonitor: { state: 'error', count: 0, error: new Error('forbidden: add the rule') },
        PodMonitor: { state: 'error', count: 0, error: new Error('forbidden') },
      }
    );
    expect(selectCoverage(forbidden, health)).toMatchObject({
      status: 'unreadable',
      message: 'Could not read ServiceMonitors: forbidden: add the rule',
    });
  });
});

describe('monitor normalizers', () => {
  it('keep what coverage needs and tolerate wrong types', () => {
    expect(monitors[0]).toMatchObject({
      kind: 'ServiceMonitor',
      selector: { matchLabels: { app: 'frontend' }, matchExpressions: [] },
      namespaceSelector: { any: false, matchNames: ['shop'] },
      endpoints: [{ port: 'http' }],
    });
    expect(probe).toMatchObject({ proberUrl: 'blackbox:9115', staticTargets: [], ingressNamespaces: { any: true } });
    const odd = model('PodMonitor', {
      ...meta('odd', 'x'),
      spec: { podMetricsEndpoints: 'nope', namespaceSelector: 7 },
    });
    expect(odd).toMatchObject({ endpoints: [], namespaceSelector: { any: false, matchNames: [] } });
    const instance = model('MetricsInstance', { ...meta('i', 'x'), spec: { podMonitorSelector: {} } });
    expect(instance.podMonitorSelector).toEqual({ matchLabels: {}, matchExpressions: [] });
    expect(instance.serviceMonitorSelector).toBeUndefined();
  });
});
