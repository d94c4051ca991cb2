import { NodeGraphDataFrameFieldNames as F, type DataFrame } from '@grafana/data';
import { Health } from '../model/types';
import { demoSnapshot } from '../selectors/__fixtures__/cluster';
import { problemUids, selectProblems } from '../selectors/problems';
import { EMPTY_FILTER, selectTopology } from '../selectors/topology';
import { topologyFrames } from './topologyFrames';

const values = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];

describe('topologyFrames', () => {
  const snapshot = demoSnapshot();
  const topology = selectTopology(snapshot, EMPTY_FILTER, problemUids(selectProblems(snapshot)));
  const [nodes, edges] = topologyFrames(topology, 'A');

  test('a nodes and an edges frame, both marked for the Node Graph panel', () => {
    expect([nodes.name, edges.name]).toEqual(['nodes', 'edges']);
    expect(nodes.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(edges.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(nodes.refId).toBe('A');
    expect(nodes.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining([F.id, F.title, F.subTitle, F.mainStat, `${F.arc}failed`, `${F.detail}kind`])
    );
    expect(edges.fields.map((f) => f.name)).toEqual([F.id, F.source, F.target, F.mainStat]);
    expect(nodes.length).toBe(topology.nodes.length);
    expect(edges.length).toBe(topology.edges.length);
  });

  test('every edge points at node ids; each node has one health arc of 1', () => {
    const ids = new Set(values(nodes, F.id));
    for (const column of [F.source, F.target]) {
      expect(values(edges, column).every((id: string) => ids.has(id))).toBe(true);
    }
    const arcs = Object.values(Health).map((h) => values(nodes, `${F.arc}${h}`));
    for (let row = 0; row < nodes.length; row++) {
      expect(arcs.reduce((sum, arc) => sum + arc[row], 0)).toBe(1);
    }
    const api = values(nodes, F.id).indexOf('Pod/shop/api-7d9f-x');
    expect(values(nodes, `${F.arc}failed`)[api]).toBe(1);
    expect(values(nodes, `${F.detail}problem`)[api]).toBe('yes');
    const ingress = values(edges, F.id).indexOf('Ingress/shop/shop>Service/shop/web');
    expect(values(edges, F.mainStat)[ingress]).toBe('routesTo');
  });
});
