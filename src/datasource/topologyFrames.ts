/**
 * The topology as Grafana Node Graph frames (field names: NodeGraphDataFrameFieldNames, from Grafana's
 * packages/grafana-data/src/utils/nodeGraph.ts): a `nodes` frame with id, title, subtitle, mainstat, one arc__ field
 * per health (the ring around each node, values summing to 1) and detail__ fields; an `edges` frame with id, source,
 * target and the relation as mainstat. Built from the same selector as the app's Topology page.
 */
import { createDataFrame, FieldType, NodeGraphDataFrameFieldNames as F, type DataFrame } from '@grafana/data';
import { HEALTH_COLOR } from '../components/healthColor';
import { Health, type KindName } from '../model/types';
import { nodeSubtitle, TOPOLOGY_KINDS, type Topology } from '../selectors/topology';

/** queryType of a topology query. */
export const TOPOLOGY_QUERY_TYPE = 'topology';

/** What a topology query lists, once per kind: the graph's kinds, and Events for the problems (warning events). */
export const TOPOLOGY_LIST_KINDS: readonly KindName[] = [...TOPOLOGY_KINDS, 'Event'];

const META = { preferredVisualisationType: 'nodeGraph' as const };

export function topologyFrames(topology: Topology, refId?: string): DataFrame[] {
  const { nodes, edges } = topology;
  const string = (name: string, values: string[], displayName?: string) => ({
    name,
    type: FieldType.string,
    values,
    config: displayName ? { displayName } : {},
  });
  const arcs = Object.values(Health).map((health) => ({
    name: `${F.arc}${health}`,
    type: FieldType.number,
    values: nodes.map((n) => (n.health === health ? 1 : 0)),
    config: { color: { mode: 'fixed', fixedColor: HEALTH_COLOR[health] }, displayName: health },
  }));
  return [
    createDataFrame({
      name: 'nodes',
      refId,
      meta: META,
      fields: [
        string(
          F.id,
          nodes.map((n) => n.id)
        ),
        string(
          F.title,
          nodes.map((n) => n.name)
        ),
        string(
          F.subTitle,
          nodes.map((n) => (n.namespace ? `${n.kind} in ${n.namespace}` : n.kind))
        ),
        string(F.mainStat, nodes.map(nodeSubtitle)),
        ...arcs,
        string(
          `${F.detail}kind`,
          nodes.map((n) => n.kind),
          'Kind'
        ),
        string(
          `${F.detail}namespace`,
          nodes.map((n) => n.namespace ?? ''),
          'Namespace'
        ),
        string(
          `${F.detail}problem`,
          nodes.map((n) => (n.problem ? 'yes' : 'no')),
          'Has a problem'
        ),
      ],
    }),
    createDataFrame({
      name: 'edges',
      refId,
      meta: META,
      fields: [
        string(
          F.id,
          edges.map((e) => e.id)
        ),
        string(
          F.source,
          edges.map((e) => e.source)
        ),
        string(
          F.target,
          edges.map((e) => e.target)
        ),
        string(
          F.mainStat,
          edges.map((e) => e.relation)
        ),
      ],
    }),
  ];
}
