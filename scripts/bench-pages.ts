/**
 * Prints how the app pages behave on a large cluster (no assertions: a benchmark, not a test).
 * Starts the testbed stack (real control plane) at a scale preset (default L: 10,000 pods, 1,000 deployments, 200 nodes, 300 namespaces)
 * with real Prometheus, the sandbox with the built plugin (run `npm run build` first) and headless Chromium, then
 * measures each page's first load and the app map's / nodes page's scroll frame times.
 * Usage: npx tsx --tsconfig sandbox/tsconfig.json scripts/bench-pages.ts [S|M|L|XL]
 */
import type { Page } from 'playwright-core';
import type { ScaleName } from '../testbed/src/scenario';
import { percentile, withBenchPage } from './lib/bench';

const scale = (process.argv[2] ?? 'L').toUpperCase() as ScaleName;
const APP = '/a/kubeatlas-kubernetes-app';

/** Scrolls a list element by 40% of its height per frame to the end; returns each frame's duration in ms. */
async function scrollFrames(page: Page, testId: string): Promise<{ frames: number[]; maxRendered: number }> {
  // No named functions inside: tsx's keepNames would wrap them in a __name helper the browser does not have.
  return page.getByTestId(testId).evaluate(async (element) => {
    const frames: number[] = [];
    let maxRendered = 0;
    let last = performance.now();
    element.scrollTop = 0;
    for (let i = 0; i < 2000 && element.scrollTop + element.clientHeight < element.scrollHeight - 1; i++) {
      element.scrollTop += element.clientHeight * 0.4;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      frames.push(now - last);
      last = now;
      maxRendered = Math.max(maxRendered, element.querySelectorAll('[data-index]').length);
    }
    return { frames, maxRendered };
  });
}

async function main(): Promise<void> {
  await withBenchPage(scale, async (page) => {
    for (const [route, ready] of [
      ['overview', 'problems-list'],
      ['applications', 'appmap'],
      ['nodes', 'nodes'],
    ] as const) {
      const t0 = Date.now();
      await page.goto(`${APP}/${route}?cluster=kubeatlas-demo&role=Viewer&theme=dark`);
      await page.getByTestId(ready).or(page.getByTestId('problems-all-good')).first().waitFor({ timeout: 180_000 });
      console.log(`${route}: first load (every kind listed, normalized, selected, rendered) ${Date.now() - t0} ms`);
      if (route !== 'overview') {
        const { frames, maxRendered } = await scrollFrames(page, ready);
        const sorted = [...frames].sort((a, b) => a - b);
        console.log(
          `${route}: scrolled ${frames.length} frames to the end; frame ms p50 ${percentile(sorted, 50).toFixed(1)}, ` +
            `p95 ${percentile(sorted, 95).toFixed(1)}, max ${sorted[sorted.length - 1]?.toFixed(1)}; ` +
            `frames over 50 ms: ${frames.filter((f) => f > 50).length}; rows in the DOM at most: ${maxRendered}`
        );
      }
    }
    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize
    );
    if (heap) {
      console.log(`browser JS heap after the three pages: ${(heap / 1024 / 1024).toFixed(0)} MiB`);
    }
  });
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
