/**
 * Lays the topology out off the main thread: elkjs's own Web Worker (elk-worker.min.js, copied into dist/ by
 * webpack.config.ts) loaded from the plugin's public path, which create-plugin sets at run time from the module's URL
 * (`public/plugins/<id>/` under Grafana). One elk call per graph: each group is a layered (left to right) box of its
 * own nodes and edges, the boxes packed by rectpacking. Edges between groups are drawn straight by the map.
 */
import ElkConstructor, { type ELK, type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api';
import type { Topology } from '../../selectors/topology';

declare const __webpack_public_path__: string | undefined;

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 44;
const GROUP_LABEL = 26;

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
  'elk.padding': `[top=${GROUP_LABEL + 8},left=12,bottom=12,right=12]`,
};

/** The elk graph of a topology: pure, so it is tested without a worker. */
export function elkGraph(topology: Topology): ElkNode {
  const groups = new Map<string, ElkNode & { children: ElkNode[]; edges: ElkExtendedEdge[] }>();
  const groupOf = new Map<string, string>();
  for (const name of topology.groups) {
    groups.set(name, { id: `group:${name}`, layoutOptions: GROUP_OPTIONS, children: [], edges: [] });
  }
  for (const node of topology.nodes) {
    groups.get(node.group)!.children.push({ id: node.id, width: NODE_WIDTH, height: NODE_HEIGHT });
    groupOf.set(node.id, node.group);
  }
  for (const edge of topology.edges) {
    const group = groupOf.get(edge.source);
    if (group === groupOf.get(edge.target)) {
      groups.get(group!)!.edges.push({ id: edge.id, sources: [edge.source], targets: [edge.target] });
    }
  }
  return {
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'rectpacking', 'elk.spacing.nodeNode': '24' },
    children: [...groups.values()],
  };
}

/** Absolute positions from elk's result (children are relative to their group). */
export function placedGraph(result: ElkNode): PlacedGraph {
  const positions = new Map<string, { x: number; y: number }>();
  const groups: GroupBox[] = [];
  for (const group of result.children ?? []) {
    const gx = group.x ?? 0;
    const gy = group.y ?? 0;
    groups.push({
      name: group.id.slice('group:'.length),
      x: gx,
      y: gy,
      width: group.width ?? 0,
      height: group.height ?? 0,
    });
    for (const child of group.children ?? []) {
      positions.set(child.id, { x: gx + (child.x ?? 0), y: gy + (child.y ?? 0) });
    }
  }
  return { width: result.width ?? 0, height: result.height ?? 0, groups, positions };
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
  const result = await Promise.race([elk.layout(elkGraph(topology)), failed]);
  return placedGraph(result);
}
