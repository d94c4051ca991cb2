import ELK from 'elkjs/lib/elk.bundled.js';
import { demoSnapshot } from '../../selectors/__fixtures__/cluster';
import { problemUids, selectProblems } from '../../selectors/problems';
import { EMPTY_FILTER, selectTopology } from '../../selectors/topology';
import { elkGraph, NODE_HEIGHT, NODE_WIDTH, placeGroups } from './layout';

// The same elk as the worker, run in-process (elk.bundled), on the graph the page sends.
test('every node is placed inside its group box, without overlaps; groups do not overlap', async () => {
  const snapshot = demoSnapshot();
  const topology = selectTopology(
    snapshot,
    { ...EMPTY_FILTER, groupBy: 'node' },
    problemUids(selectProblems(snapshot))
  );
  const graph = elkGraph(topology);
  const crossGroup = topology.edges.filter(
    (e) => topology.nodes.find((n) => n.id === e.source)!.group !== topology.nodes.find((n) => n.id === e.target)!.group
  );
  const inGroups = (graph.children ?? []).reduce((sum, g) => sum + (g.edges?.length ?? 0), 0);
  expect(crossGroup.length).toBeGreaterThan(0);
  expect(inGroups + crossGroup.length).toBe(topology.edges.length);

  const placed = placeGroups(topology, await new ELK().layout(graph));
  expect(placed.positions.size).toBe(topology.nodes.length);
  expect(placed.groups.map((g) => g.name).sort()).toEqual([...topology.groups].sort());
  const boxes = topology.nodes.map((n) => ({ ...placed.positions.get(n.id)!, group: n.group }));
  for (const box of boxes) {
    const group = placed.groups.find((g) => g.name === box.group)!;
    expect(box.x >= group.x && box.x + NODE_WIDTH <= group.x + group.width).toBe(true);
    expect(box.y >= group.y && box.y + NODE_HEIGHT <= group.y + group.height).toBe(true);
  }
  const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const rects = boxes.map((b) => ({ ...b, width: NODE_WIDTH, height: NODE_HEIGHT }));
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      expect(overlaps(rects[i], rects[j])).toBe(false);
    }
  }
  for (let i = 0; i < placed.groups.length; i++) {
    for (let j = i + 1; j < placed.groups.length; j++) {
      expect(overlaps(placed.groups[i], placed.groups[j])).toBe(false);
    }
  }
  expect(placed.width).toBeGreaterThanOrEqual(Math.max(...placed.groups.map((g) => g.x + g.width)));
});
