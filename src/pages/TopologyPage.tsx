import React, { useEffect, useMemo, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { Alert, InlineField, LoadingPlaceholder, RadioButtonGroup } from '@grafana/ui';
import { encodeDetail } from '../components/links';
import { KindSelect, ProblemsOnlySwitch, UrlTextInput } from '../components/UrlFilters';
import { layoutTopology, type PlacedGraph } from '../components/topology/layout';
import {
  fitViewport,
  formatViewport,
  parseViewport,
  TopologyMap,
  type Viewport,
} from '../components/topology/TopologyMap';
import { problemUids, selectProblems } from '../selectors/problems';
import {
  DEFAULT_THRESHOLDS,
  selectTopology,
  TOPOLOGY_KINDS,
  type GroupBy,
  type Topology,
  type TopologyKind,
} from '../selectors/topology';
import { ClusterPage, ClusterView } from './ClusterPage';
import { URL_KEYS, UrlState } from './state/urlState';

const GROUP_OPTIONS: Array<SelectableValue<GroupBy>> = [
  { label: 'Namespace', value: 'namespace' },
  { label: 'Node', value: 'node' },
];

function TopologyFilters({ url }: { url: UrlState }) {
  return (
    <>
      <InlineField label="Group by" shrink>
        <RadioButtonGroup
          options={GROUP_OPTIONS}
          value={groupByOf(url)}
          onChange={(value) =>
            url.update({ [URL_KEYS.groupBy]: value === 'node' ? 'node' : undefined, [URL_KEYS.view]: undefined })
          }
        />
      </InlineField>
      <KindSelect url={url} kinds={TOPOLOGY_KINDS} />
      <UrlTextInput url={url} urlKey={URL_KEYS.label} label="Label" width={24} placeholder="key=value or key" />
      <ProblemsOnlySwitch url={url} />
    </>
  );
}

function groupByOf(url: UrlState): GroupBy {
  return url.get(URL_KEYS.groupBy) === 'node' ? 'node' : 'namespace';
}

export default function TopologyPage() {
  return (
    <ClusterPage figureIds={[]} namespaceFilter filters={(url) => <TopologyFilters url={url} />}>
      {(view) => <TopologyView {...view} />}
    </ClusterPage>
  );
}

const COLLAPSE_NOTE = {
  none: '',
  pods: `Above ${DEFAULT_THRESHOLDS.pods} pods, healthy pods are folded into their workload.`,
  namespaces: `Above ${DEFAULT_THRESHOLDS.objects} objects or ${DEFAULT_THRESHOLDS.edges} connections, healthy objects are folded into their namespace.`,
};

function TopologyView({ snapshot, namespaces, url }: ClusterView) {
  const groupBy = groupByOf(url);
  const label = url.get(URL_KEYS.label) ?? '';
  const problemsOnly = url.get(URL_KEYS.problemsOnly) === '1';
  const kindKey = url
    .getAll(URL_KEYS.kind)
    .filter((k) => (TOPOLOGY_KINDS as readonly string[]).includes(k))
    .join(',');
  const nsKey = namespaces.join(',');
  const topology = useMemo(
    () =>
      // Measured for scripts/bench-topology.ts, with the layout's measure below: data to interactive map.
      measured('kubeatlas-topology-select', () =>
        selectTopology(
          snapshot,
          {
            namespaces: nsKey ? nsKey.split(',') : [],
            kinds: kindKey ? (kindKey.split(',') as TopologyKind[]) : [],
            label,
            problemsOnly,
            groupBy,
          },
          problemUids(selectProblems(snapshot))
        )
      ),
    [snapshot, nsKey, kindKey, label, problemsOnly, groupBy]
  );
  const laid = useLayout(topology);
  const viewParam = url.get(URL_KEYS.view);
  const viewport = useMemo<Viewport | undefined>(
    () => parseViewport(viewParam) ?? (laid.graph ? fitViewport(laid.graph, 1200, 640) : undefined),
    [viewParam, laid.graph]
  );
  const detail = url.get(URL_KEYS.detail);

  if (topology.nodes.length === 0) {
    return <p data-testid="topology-empty">Nothing matches the filters.</p>;
  }
  return (
    <>
      <p data-testid="topology-status" data-collapse={topology.collapse}>
        {topology.nodes.length} shown of {topology.objects} objects, {topology.edges.length} connections.{' '}
        {COLLAPSE_NOTE[topology.collapse]}
      </p>
      {laid.error && (
        <Alert severity="error" title="The map could not be laid out">
          {laid.error.message}
        </Alert>
      )}
      {!laid.graph && !laid.error && <LoadingPlaceholder text="Laying the map out…" />}
      {laid.graph && laid.topology && viewport && (
        <TopologyMap
          topology={laid.topology}
          graph={laid.graph}
          viewport={viewport}
          onViewport={(v) => url.update({ [URL_KEYS.view]: formatViewport(v) })}
          selected={laid.topology.nodes.find((n) => encodeDetail(n.ref) === detail)?.id}
          onSelect={(node) =>
            url.update({ [URL_KEYS.detail]: encodeDetail(node.ref), [URL_KEYS.detailTab]: undefined }, { push: true })
          }
        />
      )}
    </>
  );
}

/** Runs `compute` and records its duration as a performance measure (read by the benchmark; no effect on output). */
function measured<T>(name: string, compute: () => T): T {
  const start = performance.now();
  const result = compute();
  performance.measure(name, { start });
  return result;
}

interface Laid {
  /** The topology the graph was laid out for (the current one may be newer while its layout runs). */
  topology?: Topology;
  graph?: PlacedGraph;
  error?: Error;
}

function useLayout(topology: Topology): Laid {
  const [laid, setLaid] = useState<Laid>({});
  useEffect(() => {
    let current = true;
    const started = performance.now();
    layoutTopology(topology).then(
      (graph) => {
        if (current) {
          setLaid({ topology, graph });
          performance.measure('kubeatlas-topology-layout', { start: started });
        }
      },
      (error: Error) => current && setLaid({ error })
    );
    return () => {
      current = false;
    };
  }, [topology]);
  return laid;
}
