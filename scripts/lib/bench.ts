/**
 * What the browser benchmarks share: the testbed stack at a scale preset with real Prometheus, the sandbox with the
 * built plugin (run `npm run build` first) and one headless Chromium page at 1400 x 900, all stopped afterwards.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { provisioningEnv, startSandbox } from '../../sandbox/server/sandbox';
import type { ScaleName } from '../../testbed/src/scenario';
import { startStack } from '../../testbed/src/stack';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** The same of values in any order; NaN when there are none. */
export function percentileOf(values: number[], p: number): number {
  return values.length
    ? percentile(
        [...values].sort((a, b) => a - b),
        p
      )
    : NaN;
}

/** Headless Chromium as every benchmark runs it (CHROMIUM_PATH, else Debian's /usr/bin/chromium). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

export async function withBenchPage(scale: ScaleName, run: (page: Page) => Promise<void>): Promise<void> {
  const started = Date.now();
  const stack = await startStack({ scrapeIntervalSeconds: 15, scale });
  const sandbox = await startSandbox({ env: { ...process.env, ...provisioningEnv(stack) } });
  const browser = await launchChromium();
  console.log(`scale ${scale}: stack and sandbox up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    const context = await browser.newContext({ baseURL: sandbox.url, viewport: { width: 1400, height: 900 } });
    await run(await context.newPage());
    await context.close();
  } finally {
    await browser.close();
    await sandbox.stop();
    await stack.stop();
  }
}
