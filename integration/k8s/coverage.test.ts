/**
 * @jest-environment node
 *
 * Scrape coverage on the testbed's real kube-apiserver: the demo's prometheus-operator CRDs and monitors
 * (testbed/scenarios/demo/05-monitoring-crds.yaml, 40-monitors.yaml) listed through the sandbox's Grafana proxy,
 * and what the app map's selector makes of them; then the CRDs deleted, so the apiserver itself answers the
 * plain-text 404 of an unserved group. The `up` side runs against real Prometheus in the e2e suite.
 */
import { ApiMissingError, ForbiddenError } from '../../src/k8s/errors';
import { KIND_NAMES } from '../../src/k8s/kinds';
import { buildSnapshot } from '../../src/model/snapshot';
import { selectCoverage } from '../../src/selectors/coverage';
import {
  applyRbacAndReadToken,
  readerWithout,
  startGround,
  TESTBED_TIMEOUT_MS,
  throughProxy,
  type Ground,
  type Transport,
} from './harness';

let ground: Ground;
let proxy: Transport;

beforeAll(async () => {
  ground = await startGround({ readOnly: true });
  proxy = await throughProxy(ground.cluster, { role: 'Viewer' });
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  await proxy?.close();
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);

async function snapshotNow(transport = proxy) {
  return buildSnapshot(await transport.client().client.listKinds(KIND_NAMES));
}

function serviceUid(snapshot: Awaited<ReturnType<typeof snapshotNow>>, namespace: string, name: string): string {
  const service = snapshot.byKind.Service.find((s) => s.namespace === namespace && s.name === name);
  if (!service) {
    throw new Error(`no Service ${namespace}/${name} in the snapshot`);
  }
  return service.uid;
}

it('reads the monitors and says which Services they select, and why not', async () => {
  const snapshot = await snapshotNow();
  expect(snapshot.kinds.ServiceMonitor).toMatchObject({ state: 'ok', count: 4 });
  expect(snapshot.kinds.PodMonitor).toMatchObject({ state: 'ok', count: 2 });
  expect(snapshot.kinds.Probe).toMatchObject({ state: 'ok', count: 1 });
  expect(snapshot.kinds.MetricsInstance).toEqual({ state: 'absent', count: 0 });

  const coverage = selectCoverage(snapshot, { status: 'missing', reason: 'no Prometheus here' });
  expect(coverage.status).toBe('ok');
  const of = (namespace: string, name: string) => coverage.services.get(serviceUid(snapshot, namespace, name))!;
  expect(of('shop', 'redis')).toMatchObject({
    state: 'selected',
    monitors: [{ namespace: 'monitoring', name: 'shop-redis' }],
  });
  expect(of('payments', 'postgres')).toMatchObject({ state: 'selected', monitors: [{ name: 'postgres' }] });
  expect(of('shop', 'checkout')).toMatchObject({ state: 'uncovered', reasons: [{ kind: 'port' }] });
  expect(of('payments', 'ledger')).toMatchObject({ state: 'uncovered', reasons: [{ kind: 'namespace' }] });
  expect(of('shop', 'frontend')).toEqual({ state: 'uncovered', monitors: [], reasons: [] });

  const fraudPods = snapshot.byKind.Pod.filter((p) => p.labels.app === 'fraud-detector');
  expect(fraudPods.length).toBeGreaterThan(0);
  expect(fraudPods.map((p) => coverage.pods.get(p.uid)?.state)).toEqual(fraudPods.map(() => 'selected'));
  const kafkaPods = snapshot.byKind.Pod.filter((p) => p.namespace === 'data' && p.labels.app === 'kafka');
  expect(kafkaPods.map((p) => coverage.pods.get(p.uid)?.monitors[0]?.name)).toEqual(kafkaPods.map(() => 'kafka'));
  const shopIngress = snapshot.byKind.Ingress.find((i) => i.namespace === 'shop' && i.name === 'shop')!;
  expect(coverage.ingressProbes.get(shopIngress.uid)).toEqual([expect.objectContaining({ name: 'shop-ingress' })]);
});

it('names the missing RBAC rule when the role lacks the monitors, and keeps the rest', async () => {
  const token = await applyRbacAndReadToken(ground.testbed, {
    manifestYaml: readerWithout('kubeatlas-no-monitors', 'monitoring.coreos.com', 'servicemonitors'),
    namespace: 'kubeatlas-no-monitors',
  });
  const restricted = await throughProxy({ ...ground.cluster, token }, { role: 'Viewer' });
  try {
    const snapshot = await snapshotNow(restricted);
    expect(snapshot.kinds.ServiceMonitor.error).toBeInstanceOf(ForbiddenError);
    expect((snapshot.kinds.ServiceMonitor.error as ForbiddenError).rule).toContain('servicemonitors');
    expect(snapshot.kinds.Pod.state).toBe('ok');
  } finally {
    await restricted.close();
  }
});

it('says "not installed" once the CRDs are gone: the real apiserver answers 404 for the group', async () => {
  ground.testbed.kubectl([
    'delete',
    'crd',
    'servicemonitors.monitoring.coreos.com',
    'podmonitors.monitoring.coreos.com',
    'probes.monitoring.coreos.com',
    '--wait=true',
  ]);
  let snapshot = await snapshotNow();
  // Discovery drops the group a moment after the deletion completes.
  for (let i = 0; i < 50 && snapshot.kinds.ServiceMonitor.state !== 'absent'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    snapshot = await snapshotNow();
  }
  expect(snapshot.kinds.ServiceMonitor).toEqual({ state: 'absent', count: 0 });
  const listing = await proxy
    .client()
    .client.list('ServiceMonitor')
    .catch((e: unknown) => e);
  expect(listing).toBeInstanceOf(ApiMissingError);
  expect(selectCoverage(snapshot, { status: 'missing', reason: '' })).toMatchObject({
    status: 'absent',
    message: expect.stringContaining('prometheus-operator is not installed'),
  });
});
