/**
 * Lays the topology out off the main thread: elkjs's own Web Worker (elk-worker.min.js, copied into dist/ by
 * webpack.config.ts) loaded from the plugin's public path, which create-plugin sets at run time from the module's URL
 * (`public/plugins/<id>/` under Grafana). One elk call per graph: each group with inner edges is a layered (left to
 * right) box of its own nodes and edges; the boxes are packed in rows here. Edges between groups are drawn by the map.
 */
import ElkConstructor, { type ELK, type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api';
import type { Topology } from '../../selectors/topology';

declare const __webpack_public_path__: string | undefined;

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 44;
const GROUP_LABEL = 26;
const PADDING = { top: GROUP_LABEL + 8, side: 12 };

export interface GroupBox {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedGraph {
  width: number;
  height: number;
  groups: GroupBox[];
  /** Top-left corner of each node by id. */
  positions: Map<string, { x: number; y: number }>;
}

// Measured at 1,500 nodes (docs/topology.md): one thorough pass and simple node placement keep elk near a second;
// the defaults (7 crossing-minimization passes, Brandes-Köpf) take three times as long for little visible gain.
const GROUP_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
  'elk.spacing.nodeNode': '12',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.padding': `[top=${PADDING.top},left=${PADDING.side},bottom=${PADDING.side},right=${PADDING.side}]`,
};

const GAP = 24;

/** The nodes of each group and the edges inside it. */
function groupsOf(topology: Topology) {
  const groups = new Map<string, { ids: string[]; edges: ElkExtendedEdge[] }>();
  const groupOf = new Map<string, string>();
  for (const name of topology.groups) {
    groups.set(name, { ids: [], edges: [] });
  }
  for (const node of topology.nodes) {
    groups.get(node.group)!.ids.push(node.id);
    groupOf.set(node.id, node.group);
  }
  for (const edge of topology.edges) {
    const group = groupOf.get(edge.source);
    if (group === groupOf.get(edge.target)) {
      groups.get(group!)!.edges.push({ id: edge.id, sources: [edge.source], targets: [edge.target] });
    }
  }
  return groups;
}

/**
 * The elk graph of a topology: only the groups with edges inside, each a layered box. Groups without inner edges
 * (a folded namespace, the Nodes) are grids placed by `placeGroups`: elk's cost is mostly per group, and a grid is
 * what it would draw for them anyway. Pure, so it is tested without a worker.
 */
export function elkGraph(topology: Topology): ElkNode {
  const children: ElkNode[] = [];
  for (const [name, group] of groupsOf(topology)) {
    if (group.edges.length > 0) {
      children.push({
        id: `group:${name}`,
        layoutOptions: GROUP_OPTIONS,
        children: group.ids.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })),
        edges: group.edges,
      });
    }
  }
  return { id: 'root', layoutOptions: { 'elk.algorithm': 'fixed' }, children };
}

/** Positions from elk's boxes and the grids, with every group box packed in rows (shelves) of about a square. */
export function placeGroups(topology: Topology, result: ElkNode): PlacedGraph {
  const laid = new Map((result.children ?? []).map((g) => [g.id.slice('group:'.length), g]));
  const boxes: Array<{ name: string; width: number; height: number; nodes: Array<[string, number, number]> }> = [];
  for (const [name, group] of groupsOf(topology)) {
    const elk = laid.get(name);
    if (elk) {
      const nodes = (elk.children ?? []).map((c): [string, number, number] => [c.id, c.x ?? 0, c.y ?? 0]);
      boxes.push({ name, width: elk.width ?? 0, height: elk.height ?? 0, nodes });
      continue;
    }
    const columns = Math.max(1, Math.ceil(Math.sqrt(group.ids.length / 2)));
    const rows = Math.ceil(group.ids.length / columns);
    const nodes = group.ids.map((id, i): [string, number, number] => [
      id,
      PADDING.side + (i % columns) * (NODE_WIDTH + 12),
      PADDING.top + Math.floor(i / columns) * (NODE_HEIGHT + 12),
    ]);
    const width = Math.max(NODE_WIDTH, columns * (NODE_WIDTH + 12) - 12) + 2 * PADDING.side;
    boxes.push({ name, width, height: PADDING.top + rows * (NODE_HEIGHT + 12) - 12 + PADDING.side, nodes });
  }
  const area = boxes.reduce((sum, b) => sum + (b.width + GAP) * (b.height + GAP), 0);
  const rowWidth = Math.max(Math.sqrt(area) * 1.6, ...boxes.map((b) => b.width));
  const positions = new Map<string, { x: number; y: number }>();
  const groups: GroupBox[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const box of boxes) {
    if (x > 0 && x + box.width > rowWidth) {
      x = 0;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    groups.push({ name: box.name, x, y, width: box.width, height: box.height });
    for (const [id, nx, ny] of box.nodes) {
      positions.set(id, { x: x + nx, y: y + ny });
    }
    width = Math.max(width, x + box.width);
    rowHeight = Math.max(rowHeight, box.height);
    x += box.width + GAP;
  }
  return { width, height: y + rowHeight, groups, positions };
}

let engine: { elk: ELK; failed: Promise<never> } | undefined;

function layoutEngine() {
  if (!engine) {
    const base = typeof __webpack_public_path__ === 'string' ? __webpack_public_path__ : '';
    const url = `${base}elk-worker.min.js`;
    let fail: (error: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    // Without this the layout promise would never settle when the worker cannot load.
    failed.catch(() => undefined);
    const elk = new ElkConstructor({
      workerUrl: url,
      workerFactory: (workerUrl) => {
        const worker = new Worker(workerUrl!);
        worker.addEventListener('error', () => {
          fail(
            new Error(
              `The layout worker ${url} did not load. Check that the plugin's dist/ includes elk-worker.min.js and ` +
                "that Grafana's Content-Security-Policy allows workers from 'self' (worker-src)."
            )
          );
          engine = undefined;
        });
        return worker;
      },
    });
    engine = { elk, failed };
  }
  return engine;
}

/** Lays a topology out in the worker. */
export async function layoutTopology(topology: Topology): Promise<PlacedGraph> {
  const { elk, failed } = layoutEngine();
  const graph = elkGraph(topology);
  const result = graph.children!.length > 0 ? await Promise.race([elk.layout(graph), failed]) : graph;
  return placeGroups(topology, result);
}
