import React, { useEffect, useMemo, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import {
  Alert,
  InlineField,
  InlineSwitch,
  Input,
  LoadingPlaceholder,
  MultiSelect,
  RadioButtonGroup,
} from '@grafana/ui';
import { encodeDetail } from '../components/links';
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

const KIND_OPTIONS = TOPOLOGY_KINDS.map((k) => ({ label: k, value: k }));
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
      <InlineField label="Kind" shrink>
        <MultiSelect
          aria-label="Kind"
          width={30}
          placeholder="All kinds"
          options={KIND_OPTIONS}
          value={url.getAll(URL_KEYS.kind)}
          onChange={(values: Array<SelectableValue<string>>) =>
            url.update({ [URL_KEYS.kind]: values.map((v) => v.value!).filter(Boolean) })
          }
        />
      </InlineField>
      <InlineField label="Label" shrink>
        <Input
          aria-label="Label"
          width={24}
          placeholder="key=value or key"
          value={url.get(URL_KEYS.label) ?? ''}
          onChange={(e) => url.update({ [URL_KEYS.label]: e.currentTarget.value })}
        />
      </InlineField>
      <InlineField label="Problems only" shrink>
        <InlineSwitch
          aria-label="Problems only"
          value={url.get(URL_KEYS.problemsOnly) === '1'}
          onChange={(e) => url.update({ [URL_KEYS.problemsOnly]: e.currentTarget.checked ? '1' : undefined })}
        />
      </InlineField>
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
  namespaces: `Above ${DEFAULT_THRESHOLDS.objects} objects, healthy objects are folded into their namespace.`,
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
  const problems = useMemo(() => problemUids(selectProblems(snapshot)), [snapshot]);
  const topology = useMemo(
    () =>
      selectTopology(
        snapshot,
        {
          namespaces: nsKey ? nsKey.split(',') : [],
          kinds: kindKey ? (kindKey.split(',') as TopologyKind[]) : [],
          label,
          problemsOnly,
          groupBy,
        },
        problems
      ),
    [snapshot, nsKey, kindKey, label, problemsOnly, groupBy, problems]
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
          // Read by scripts/bench-topology.ts: the layout's share of the time to an interactive map.
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
