/**
 * Prints how the Topology page behaves on a large cluster (no assertions: a benchmark, not a test).
 * Starts the testbed stack (real control plane) at a scale preset (default L: 10,000 pods, 1,000 deployments, 200
 * nodes, 300 namespaces), the sandbox with the built plugin (run `npm run build` first) and headless Chromium, then
 * for each view measures data to interactive map (the page's selector and layout measures, and from the first
 * render with data to the map on screen) and the frame times of a 3-second pan.
 * Usage: npx tsx --tsconfig sandbox/tsconfig.json scripts/bench-topology.ts [S|M|L|XL]
 */
import type { Page } from 'playwright-core';
import type { ScaleName } from '../testbed/src/scenario';
import { percentile, withBenchPage } from './lib/bench';

const scale = (process.argv[2] ?? 'L').toUpperCase() as ScaleName;
const PAGE = '/a/kubeatlas-kubernetes-app/topology?cluster=kubeatlas-demo&role=Viewer&theme=dark';

/** The first n of the scale's namespaces (testbed/src/scenario.ts names them team-0001, team-0002, …). */
function namespaces(n: number): string {
  return Array.from({ length: n }, (_, i) => `&namespace=team-${String(i + 1).padStart(4, '0')}`).join('');
}

const VIEWS: Array<[string, string]> = [
  ['whole cluster by namespace', ''],
  ['whole cluster by node', '&group=node'],
  ['problems only', '&problems=1'],
  ['10 namespaces', namespaces(10)],
  ['100 namespaces', namespaces(100)],
];

/** Time from the first render with data (the loading placeholder gone) to nodes on screen, and the page's measures. */
async function openView(page: Page, query: string) {
  await page.goto(`${PAGE}${query}`);
  // No named functions inside: tsx's keepNames would wrap them in a __name helper the browser does not have.
  return page.evaluate(async () => {
    let dataAt = 0;
    for (let i = 0; i < 20_000; i++) {
      const loading = document.querySelector('[data-testid="first-load"]');
      const map = document.querySelector('[data-testid="topology-node"]');
      const empty = document.querySelector('[data-testid="topology-empty"]');
      if (
        !dataAt &&
        !loading &&
        document.querySelector('[data-testid="topology-status"], [data-testid="topology-empty"]')
      ) {
        dataAt = performance.now();
      }
      if (map || empty) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const mapAt = performance.now();
    const status = document.querySelector('[data-testid="topology-status"]');
    return {
      select: performance.getEntriesByName('kubeatlas-topology-select').at(-1)?.duration ?? NaN,
      layout: performance.getEntriesByName('kubeatlas-topology-layout').at(-1)?.duration ?? NaN,
      renderToMap: mapAt - dataAt,
      nodes: document.querySelectorAll('[data-testid="topology-node"]').length,
      edges: document.querySelectorAll('[data-testid="topology-edge"]').length,
      collapse: status?.getAttribute('data-collapse') ?? 'empty',
      status: status?.textContent ?? '',
    };
  });
}

/** Pans for 3 s: a real mouse press, then one pointer move per frame; returns the frame durations. */
async function panFrames(page: Page): Promise<number[]> {
  const box = (await page.getByTestId('topology-map').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  const frames = await page.getByTestId('topology-map').evaluate(
    async (element, start) => {
      const durations: number[] = [];
      let last = performance.now();
      const began = last;
      for (let i = 0; performance.now() - began < 3000; i++) {
        const angle = i / 30;
        element.dispatchEvent(
          new PointerEvent('pointermove', {
            bubbles: true,
            pointerId: 1,
            pointerType: 'mouse',
            buttons: 1,
            clientX: start.x + Math.cos(angle) * 300,
            clientY: start.y + Math.sin(angle) * 200,
          })
        );
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        durations.push(now - last);
        last = now;
      }
      return durations;
    },
    { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  );
  await page.mouse.up();
  return frames;
}

async function main(): Promise<void> {
  await withBenchPage(scale, async (page) => {
    for (const [name, query] of VIEWS) {
      const view = await openView(page, query);
      const interactive = view.select + view.renderToMap;
      console.log(
        `${name}: ${view.nodes} nodes, ${view.edges} edges drawn (folding: ${view.collapse}); data to interactive map ` +
          `${interactive.toFixed(0)} ms (selectors ${view.select.toFixed(0)} ms, then render, layout in the worker ` +
          `${view.layout.toFixed(0)} ms and paint ${view.renderToMap.toFixed(0)} ms) — ${view.status}`
      );
      if (view.nodes > 0) {
        const frames = await panFrames(page);
        const sorted = [...frames].sort((a, b) => a - b);
        const total = frames.reduce((sum, f) => sum + f, 0);
        console.log(
          `${name}: panned ${frames.length} frames, ${((frames.length * 1000) / total).toFixed(1)} fps; frame ms ` +
            `p50 ${percentile(sorted, 50).toFixed(1)}, p95 ${percentile(sorted, 95).toFixed(1)}, ` +
            `max ${sorted[sorted.length - 1]?.toFixed(1)}; frames over 33 ms: ${frames.filter((f) => f > 33).length}`
        );
      }
    }
  });
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
