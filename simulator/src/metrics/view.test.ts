/**
 * @jest-environment node
 */
import { KubeStateMetrics } from '../../../exporters/src/ksm';
import { parseExposition } from '../../../exporters/test/exposition-parser';
import { createCluster } from '../cluster';
import { clusterView } from './view';

describe("the simulator's ClusterView", () => {
  const sim = createCluster({ scenario: 'demo', seed: 7, startTime: Date.parse('2026-03-01T12:00:00Z'), frozen: true });
  const view = clusterView(sim.store, sim.clock);

  it("feeds the exporters' kube-state-metrics one kube_pod_info per stored pod", () => {
    const ksm = new KubeStateMetrics({ labelsAllowlist: new Map(), annotationsAllowlist: new Map() });
    const { samples } = parseExposition(ksm.write(view).toString());
    expect(
      samples
        .filter((s) => s.name === 'kube_pod_info')
        .map((s) => s.labels.uid)
        .sort()
    ).toEqual(
      sim.store
        .list('pods')
        .map((p) => p.metadata.uid)
        .sort()
    );
  });

  it('groups pods by node and follows the store when a pod goes', () => {
    const node = sim.store.list('nodes')[1].metadata.name;
    const onNode = () => [...view.podsOnNode(node)].map((p) => p.metadata.name).sort();
    const stored = sim.store.list('pods').filter((p) => p.spec.nodeName === node);
    expect(stored.length).toBeGreaterThan(0);
    expect(onNode()).toEqual(stored.map((p) => p.metadata.name).sort());
    sim.store.delete('pods', stored[0].metadata.namespace, stored[0].metadata.name);
    expect(onNode()).toEqual(
      stored
        .slice(1)
        .map((p) => p.metadata.name)
        .sort()
    );
  });
});
