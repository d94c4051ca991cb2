import React, { memo, useCallback, useEffect, useRef } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { IconButton, useStyles2, useTheme2 } from '@grafana/ui';
import { nodeSubtitle, type Topology, type TopologyNode } from '../../selectors/topology';
import { HEALTH_COLOR } from '../healthColor';
import { NODE_HEIGHT, NODE_WIDTH, type PlacedGraph } from './layout';

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 3;

/** `x,y,zoom` as kept in the URL; undefined when absent or unreadable. */
export function parseViewport(value: string | undefined): Viewport | undefined {
  const [x, y, zoom] = (value ?? '').split(',').map(Number);
  return [x, y, zoom].every(Number.isFinite) && zoom > 0 ? { x, y, zoom: clampZoom(zoom) } : undefined;
}

export function formatViewport(v: Viewport): string {
  return `${Math.round(v.x)},${Math.round(v.y)},${v.zoom.toFixed(3)}`;
}

function clampZoom(zoom: number) {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The viewport that shows the whole graph in a box of this size. */
export function fitViewport(graph: PlacedGraph, width: number, height: number): Viewport {
  const zoom = clampZoom(Math.min(width / (graph.width || 1), height / (graph.height || 1), 1));
  return { x: (width - graph.width * zoom) / 2, y: (height - graph.height * zoom) / 2, zoom };
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Props {
  topology: Topology;
  graph: PlacedGraph;
  viewport: Viewport;
  /** Called when a pan or zoom ends (not on every frame): the page keeps it in the URL. */
  onViewport: (viewport: Viewport) => void;
  selected?: string;
  onSelect: (node: TopologyNode) => void;
}

/**
 * The map: SVG inside a CSS-transformed layer. Panning and zooming change only the layer's transform, straight on
 * the DOM, so the browser moves the painted layer instead of React re-rendering thousands of elements per frame.
 */
export function TopologyMap({ topology, graph, viewport, onViewport, selected, onSelect }: Props) {
  const styles = useStyles2(getStyles);
  const frame = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const current = useRef(viewport);
  const settle = useRef<ReturnType<typeof setTimeout>>();

  const apply = useCallback((v: Viewport) => {
    current.current = v;
    if (layer.current) {
      layer.current.style.transform = `translate(${v.x}px, ${v.y}px) scale(${v.zoom})`;
    }
  }, []);
  useEffect(() => apply(viewport), [apply, viewport]);
  useEffect(() => () => clearTimeout(settle.current), []);

  const commitSoon = useCallback(() => {
    clearTimeout(settle.current);
    settle.current = setTimeout(() => onViewport(current.current), 250);
  }, [onViewport]);

  const zoomAt = useCallback(
    (factor: number, cx: number, cy: number) => {
      const v = current.current;
      const zoom = clampZoom(v.zoom * factor);
      const scale = zoom / v.zoom;
      apply({ zoom, x: cx - (cx - v.x) * scale, y: cy - (cy - v.y) * scale });
      commitSoon();
    },
    [apply, commitSoon]
  );

  // A native listener: React's wheel listener is passive, so it could not keep the page from scrolling.
  useEffect(() => {
    const element = frame.current;
    if (!element) {
      return undefined;
    }
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const box = element.getBoundingClientRect();
      zoomAt(Math.exp(-event.deltaY / 500), event.clientX - box.left, event.clientY - box.top);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [zoomAt]);

  const drag = useRef<{ x: number; y: number; moved: boolean } | undefined>();
  const onPointerDown = (event: React.PointerEvent) => {
    drag.current = { x: event.clientX, y: event.clientY, moved: false };
    layer.current?.style.setProperty('will-change', 'transform');
  };
  const onPointerMove = (event: React.PointerEvent) => {
    const start = drag.current;
    if (!start || event.buttons === 0) {
      return;
    }
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (!start.moved && Math.abs(dx) + Math.abs(dy) < 4) {
      return;
    }
    if (!start.moved) {
      frame.current?.setPointerCapture(event.pointerId);
    }
    start.moved = true;
    start.x = event.clientX;
    start.y = event.clientY;
    const v = current.current;
    apply({ ...v, x: v.x + dx, y: v.y + dy });
  };
  const onPointerUp = () => {
    if (drag.current?.moved) {
      onViewport(current.current);
    }
    drag.current = undefined;
    layer.current?.style.removeProperty('will-change');
  };
  const box = () => frame.current?.getBoundingClientRect();
  const zoomCentre = (factor: number) => {
    const b = box();
    zoomAt(factor, (b?.width ?? 0) / 2, (b?.height ?? 0) / 2);
  };

  return (
    <div className={styles.wrapper}>
      <div className={styles.controls}>
        <IconButton name="plus" tooltip="Zoom in" onClick={() => zoomCentre(1.25)} />
        <IconButton name="minus" tooltip="Zoom out" onClick={() => zoomCentre(0.8)} />
        <IconButton
          name="expand-arrows"
          tooltip="Fit to screen"
          onClick={() => {
            const b = box();
            const fit = fitViewport(graph, b?.width ?? 800, b?.height ?? 600);
            apply(fit);
            onViewport(fit);
          }}
        />
      </div>
      <div
        ref={frame}
        className={styles.frame}
        data-testid="topology-map"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <div ref={layer} className={styles.layer} data-testid="topology-layer">
          <GraphSvg
            topology={topology}
            graph={graph}
            selected={selected}
            onSelect={(node) => !drag.current?.moved && onSelect(node)}
          />
        </div>
      </div>
    </div>
  );
}

interface SvgProps {
  topology: Topology;
  graph: PlacedGraph;
  selected?: string;
  onSelect: (node: TopologyNode) => void;
}

/** Memoized: pans and zooms never re-render it. Names are React text (cluster strings are hostile). */
const GraphSvg = memo(function GraphSvg({ topology, graph, selected, onSelect }: SvgProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  return (
    <svg width={graph.width} height={graph.height} className={styles.svg}>
      {graph.groups.map((g) => (
        <g key={g.name} data-testid="topology-group" data-group={g.name}>
          <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={4} className={styles.group} />
          <text x={g.x + 10} y={g.y + 18} className={styles.groupLabel}>
            {shorten(g.name, Math.max(8, Math.floor(g.width / 8)))}
          </text>
        </g>
      ))}
      <g className={styles.edges}>
        {topology.edges.map((edge) => {
          const from = graph.positions.get(edge.source);
          const to = graph.positions.get(edge.target);
          if (!from || !to) {
            return null;
          }
          const sx = from.x + NODE_WIDTH;
          const sy = from.y + NODE_HEIGHT / 2;
          const tx = to.x;
          const ty = to.y + NODE_HEIGHT / 2;
          const bend = Math.max(24, Math.abs(tx - sx) / 2);
          return (
            <path
              key={edge.id}
              d={`M${sx},${sy} C${sx + bend},${sy} ${tx - bend},${ty} ${tx},${ty}`}
              data-testid="topology-edge"
              data-source={edge.source}
              data-target={edge.target}
              data-relation={edge.relation}
            />
          );
        })}
      </g>
      {topology.nodes.map((node) => {
        const at = graph.positions.get(node.id);
        if (!at) {
          return null;
        }
        const label = `${node.kind} ${node.namespace ? `${node.namespace}/` : ''}${node.name}`;
        return (
          <g
            key={node.id}
            transform={`translate(${at.x},${at.y})`}
            role="button"
            tabIndex={0}
            aria-label={label}
            data-testid="topology-node"
            data-id={node.id}
            data-problem={node.problem ? 'true' : undefined}
            className={styles.node}
            onClick={() => onSelect(node)}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onSelect(node)}
          >
            <title>{label}</title>
            <rect
              width={NODE_WIDTH}
              height={NODE_HEIGHT}
              rx={4}
              className={styles.nodeBox}
              stroke={node.id === selected ? theme.colors.primary.main : undefined}
              strokeWidth={node.id === selected ? 3 : undefined}
            />
            <rect width={5} height={NODE_HEIGHT} fill={theme.visualization.getColorByName(HEALTH_COLOR[node.health])} />
            <text x={12} y={18} className={styles.nodeName}>
              {shorten(node.name, 24)}
            </text>
            <text x={12} y={34} className={styles.nodeSub}>
              {shorten(nodeSubtitle(node), 30)}
            </text>
          </g>
        );
      })}
    </svg>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative' }),
  controls: css({
    position: 'absolute',
    top: theme.spacing(1),
    right: theme.spacing(1),
    zIndex: 1,
    display: 'flex',
    gap: theme.spacing(0.5),
    background: theme.colors.background.primary,
    padding: theme.spacing(0.5),
    borderRadius: theme.shape.radius.default,
  }),
  frame: css({
    height: 'calc(100vh - 280px)',
    minHeight: 400,
    overflow: 'hidden',
    position: 'relative',
    cursor: 'grab',
    touchAction: 'none',
    border: `1px solid ${theme.colors.border.weak}`,
    background: theme.colors.background.canvas,
  }),
  layer: css({ transformOrigin: '0 0', position: 'absolute', left: 0, top: 0 }),
  svg: css({ display: 'block', overflow: 'visible' }),
  group: css({ fill: theme.colors.background.secondary, stroke: theme.colors.border.medium }),
  groupLabel: css({ fill: theme.colors.text.secondary, fontSize: 13, fontWeight: theme.typography.fontWeightMedium }),
  edges: css({ fill: 'none', stroke: theme.colors.text.disabled, strokeWidth: 1.2 }),
  node: css({ cursor: 'pointer', '&:focus': { outline: 'none' } }),
  nodeBox: css({ fill: theme.colors.background.primary, stroke: theme.colors.border.strong }),
  nodeName: css({ fill: theme.colors.text.primary, fontSize: 12 }),
  nodeSub: css({ fill: theme.colors.text.secondary, fontSize: 11 }),
});
