import { decodeDetail } from '../components/links';
import { URL_KEYS } from '../pages/state/urlState';
import pluginJson from '../plugin.json';
import { plugin } from '../module';
import { CLUSTER_DATASOURCE_TYPE, exactMatchers, kubeAtlasLink, readKubeTarget, type ContextSources } from './context';

const clusters = [
  { uid: 'prod-uid', name: 'prod' },
  { uid: 'dev-uid', name: 'dev' },
];

/** templateSrv.replace for the given dashboard variables ($x and ${x}; unknown names stay as written). */
function sources(variables: Record<string, string> = {}): ContextSources {
  return {
    clusters,
    interpolate: (text, scopedVars) =>
      text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => {
        const name = (a ?? b)!;
        const scoped = scopedVars?.[name]?.value;
        return scoped !== undefined ? String(scoped) : (variables[name] ?? whole);
      }),
  };
}

describe('readKubeTarget', () => {
  it('reads our dashboards’ variables (cluster holds the KubeAtlas datasource uid)', () => {
    const target = readKubeTarget({ targets: [] }, sources({ cluster: 'prod-uid', namespace: 'shop', pod: 'web-1' }));
    expect(target).toMatchObject({ cluster: 'prod-uid', namespace: 'shop', pod: 'web-1' });
  });

  it('prefers the panel’s scopedVars (a repeated panel) to the dashboard variables', () => {
    const target = readKubeTarget(
      { scopedVars: { pod: { text: 'web-2', value: 'web-2' } } },
      sources({ namespace: 'shop', pod: 'web-1' })
    );
    expect(target.pod).toBe('web-2');
  });

  it('falls back to the exact label matchers of the queries, with variables interpolated', () => {
    const target = readKubeTarget(
      {
        targets: [
          { refId: 'A', expr: 'sum(rate(container_cpu_usage_seconds_total{namespace="$ns", pod=~"web.*"}[5m]))' },
          { refId: 'B', expr: 'kube_deployment_status_replicas_available{cluster="prod", deployment="web"}' },
        ],
      },
      sources({ ns: 'shop' })
    );
    // pod=~ is a regex, not one pod; the deployment label names the kind.
    expect(target).toEqual({
      cluster: 'prod-uid',
      namespace: 'shop',
      pod: undefined,
      node: undefined,
      workload: 'web',
      workloadKind: 'Deployment',
    });
  });

  it('takes the workload kind from $kind, and a query’s own KubeAtlas datasource as the cluster', () => {
    const target = readKubeTarget(
      {
        targets: [
          { refId: 'A', datasource: { type: CLUSTER_DATASOURCE_TYPE, uid: 'dev-uid' }, namespace: '$namespace' },
        ],
      },
      sources({ namespace: 'db', kind: 'StatefulSet', workload: 'postgres' })
    );
    expect(target).toMatchObject({
      cluster: 'dev-uid',
      namespace: 'db',
      workload: 'postgres',
      workloadKind: 'StatefulSet',
    });
  });

  it('ignores All, multi-value and unresolved values, and clusters it does not know', () => {
    const target = readKubeTarget(
      { targets: [{ refId: 'A', expr: 'up{node="$node"}' }] },
      sources({ namespace: '$__all', pod: '{a,b}', cluster: 'elsewhere' })
    );
    expect(target).toEqual({
      cluster: undefined,
      namespace: undefined,
      pod: undefined,
      node: undefined,
      workload: undefined,
      workloadKind: undefined,
    });
  });

  it('reads exact matchers only', () => {
    expect([...exactMatchers('x{a="1", b!="2", c=~"3", d!~"4", e = "5"}')]).toEqual([
      ['a', '1'],
      ['e', '5'],
    ]);
  });
});

describe('kubeAtlasLink', () => {
  const params = (path: string) => new URL(path, 'http://grafana').searchParams;

  it('opens a pod’s details on the applications page, with the URL keys the pages read', () => {
    const link = kubeAtlasLink({ cluster: 'prod-uid', namespace: 'shop', pod: 'web-1' })!;
    expect(link.path.startsWith('/a/kubeatlas-kubernetes-app/applications?')).toBe(true);
    expect(params(link.path).get(URL_KEYS.cluster)).toBe('prod-uid');
    expect(decodeDetail(params(link.path).get(URL_KEYS.detail) ?? undefined)).toEqual({
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-1',
    });
    expect(link.what).toBe('pod shop/web-1');
  });

  it('opens a workload, a node, else a namespace; nothing without Kubernetes context', () => {
    expect(
      params(kubeAtlasLink({ namespace: 'db', workload: 'pg', workloadKind: 'StatefulSet' })!.path).get(URL_KEYS.detail)
    ).toBe('StatefulSet/db/pg');
    const node = kubeAtlasLink({ node: 'worker-1' })!;
    expect(node.path.startsWith('/a/kubeatlas-kubernetes-app/nodes?')).toBe(true);
    expect(params(node.path).get(URL_KEYS.detail)).toBe('Node/worker-1');
    expect(params(kubeAtlasLink({ namespace: 'shop' })!.path).get(URL_KEYS.namespace)).toBe('shop');
    expect(kubeAtlasLink({})).toBeUndefined();
  });
});

describe('the registered extensions match plugin.json (else Grafana ignores them)', () => {
  it('every added link is declared with its title, targets and description', () => {
    expect(plugin.addedLinkConfigs.length).toBe(2);
    for (const link of plugin.addedLinkConfigs) {
      const declared = pluginJson.extensions.addedLinks.find((entry) => entry.title === link.title);
      expect(declared).toEqual({ title: link.title, targets: link.targets, description: link.description });
      // Grafana refuses a link whose path is not under /a/<pluginId>/ (validators.ts isLinkPathValid).
      expect(link.path?.startsWith(`/a/${pluginJson.id}/`)).toBe(true);
    }
  });

  it('the exposed component is declared with its id, title and description', () => {
    const [exposed] = plugin.exposedComponentConfigs;
    expect(pluginJson.extensions.exposedComponents).toEqual([
      { id: exposed.id, title: exposed.title, description: exposed.description },
    ]);
  });
});
