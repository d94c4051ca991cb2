import { applyUrlChanges } from '../pages/state/urlState';
import { dashboardUrl, decodeDetail, encodeDetail, exploreUrl, safeHref } from './links';

describe('links', () => {
  it('round-trips the detail parameter for namespaced and cluster-scoped objects', () => {
    expect(decodeDetail(encodeDetail({ kind: 'Pod', namespace: 'shop', name: 'web-1' }))).toEqual({
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-1',
    });
    expect(decodeDetail(encodeDetail({ kind: 'Node', name: 'worker-1' }))).toEqual({ kind: 'Node', name: 'worker-1' });
    expect(decodeDetail('Pod')).toBeUndefined();
    expect(decodeDetail('Pod//x')).toBeUndefined();
  });

  it('renders only http(s) and same-origin relative targets', () => {
    expect(safeHref('https://shop.example.com/')).toBe('https://shop.example.com/');
    expect(safeHref('/d/kubeatlas-pod')).toBe('/d/kubeatlas-pod');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('//evil.example.com')).toBeUndefined();
    expect(safeHref('data:text/html,x')).toBeUndefined();
  });

  it('builds dashboard links with var- parameters and skips empty ones', () => {
    expect(
      dashboardUrl('kubeatlas-pod', { datasource: 'prom', cluster: 'c1', namespace: 'shop', pod: 'web 1', node: '' })
    ).toBe('/d/kubeatlas-pod?var-datasource=prom&var-cluster=c1&var-namespace=shop&var-pod=web%201');
  });

  it('opens Explore on the Prometheus datasource with the query', () => {
    const url = new URL(exploreUrl('prom', 'sum(up)'), 'http://grafana');
    const panes = JSON.parse(url.searchParams.get('panes')!);
    expect(panes.kubeatlas.datasource).toBe('prom');
    expect(panes.kubeatlas.queries[0].expr).toBe('sum(up)');
  });

  it('opens Explore on a Loki datasource with a LogQL query', () => {
    const url = new URL(exploreUrl('loki-1', '{pod="a"}', 'loki'), 'http://grafana');
    expect(url.pathname).toBe('/explore');
    expect(url.searchParams.get('schemaVersion')).toBe('1');
    const panes = JSON.parse(url.searchParams.get('panes')!);
    expect(panes.kubeatlas.queries[0]).toEqual({
      refId: 'A',
      expr: '{pod="a"}',
      datasource: { type: 'loki', uid: 'loki-1' },
    });
  });
});

describe('applyUrlChanges', () => {
  it('sets, repeats and removes parameters without touching the others', () => {
    const next = applyUrlChanges(new URLSearchParams('cluster=a&q=old&namespace=x'), {
      q: undefined,
      namespace: ['shop', 'data'],
      problems: '1',
      kind: [],
    });
    expect(next.toString()).toBe('cluster=a&namespace=shop&namespace=data&problems=1');
  });
});
