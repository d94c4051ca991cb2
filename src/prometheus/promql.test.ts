import { FIGURES, objectUsageExprs, promString, selector } from './promql';

describe('promql', () => {
  it('quotes label values safely', () => {
    expect(promString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('adds the cluster label matcher only when name and value are set', () => {
    expect(selector(undefined, 'container!=""')).toBe('{container!=""}');
    expect(selector({ name: 'cluster', value: '' }, 'container!=""')).toBe('{container!=""}');
    expect(selector({ name: 'cluster', value: 'prod-eu' }, 'container!=""')).toBe('{container!="",cluster="prod-eu"}');
  });

  it('batches every figure into one aggregated query', () => {
    expect(FIGURES.nodeCpuUsage.expr({ name: 'cluster', value: 'c1' })).toBe(
      'sum by (node) (rate(container_cpu_usage_seconds_total{container!="",cluster="c1"}[5m]))'
    );
    expect(FIGURES.podMemoryUsage.expr()).toBe(
      'sum by (namespace, pod) (container_memory_working_set_bytes{container!=""})'
    );
  });

  it('pins a workload by its pods with an escaped regex', () => {
    const { cpu } = objectUsageExprs({ kind: 'pods', namespace: 'shop', names: ['web-1', 'web.2'] });
    expect(cpu).toBe(
      'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!="",namespace="shop",pod=~"web-1|web\\\\.2"}[5m]))'
    );
  });
});
