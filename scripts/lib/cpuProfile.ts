/**
 * What a page's long tasks are made of: a CDP CPU profile (Profiler domain) taken while the page runs, read back
 * through the built plugin's source maps (dist/*.js.map), so that a sample names src/<file>:<line> and not a
 * minified name. Only samples that fall inside a long task count: the question is what blocks the main thread, not
 * where idle time goes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js';
import type { LongTask } from './liveBench';

/** The parts of a CDP Profiler.Profile this reads. */
interface CdpProfile {
  nodes: Array<{
    id: number;
    parent?: number;
    children?: number[];
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface RunningProfile {
  /** performance.now() of the page (ms) when the profile started: the profile's clock is another one. */
  pageStart: number;
  cdp: CDPSession;
}

/** Starts sampling the page's main thread every `intervalUs` microseconds. */
export async function startProfile(page: Page, cdp: CDPSession, intervalUs = 500): Promise<RunningProfile> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  const pageStart = await page.evaluate(() => performance.now());
  await cdp.send('Profiler.start');
  return { pageStart, cdp };
}

export interface LongTaskBreakdown {
  /** Sampled time inside long tasks, ms. */
  sampledMs: number;
  /** Self time by frame, ms, largest first. */
  self: Array<[string, number]>;
  /** Time with the frame's source file anywhere on the stack, ms, largest first. */
  inclusiveByFile: Array<[string, number]>;
}

/** Stops the profile, writes it to `file` (open it in Chrome's DevTools) and breaks the long tasks down. */
export async function stopProfile(
  running: RunningProfile,
  tasks: LongTask[],
  file: string,
  distDir: string
): Promise<LongTaskBreakdown> {
  const { profile } = (await running.cdp.send('Profiler.stop')) as unknown as { profile: CdpProfile };
  fs.writeFileSync(file, JSON.stringify(profile));
  return breakdown(profile, tasks, running.pageStart, new SourceMaps(distDir));
}

function breakdown(profile: CdpProfile, tasks: LongTask[], pageStart: number, maps: SourceMaps): LongTaskBreakdown {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    node.children?.forEach((child) => parents.set(child, node.id));
  }
  const windows = tasks.map((t) => [t.start - pageStart, t.start - pageStart + t.duration]).sort((a, b) => a[0] - b[0]);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (into: Map<string, number>, key: string, ms: number) => into.set(key, (into.get(key) ?? 0) + ms);
  let sampledMs = 0;
  // Sample i is taken at startTime + the sum of timeDeltas[0..i] (µs) and stands for the time until the next one.
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const t = at / 1000;
    if (!windows.some(([from, to]) => t >= from && t < to)) {
      continue;
    }
    sampledMs += ms;
    const leaf = nodes.get(profile.samples[i])!;
    add(self, maps.label(leaf.callFrame), ms);
    const files = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parents.get(id)) {
      files.add(maps.file(nodes.get(id)!.callFrame));
    }
    files.forEach((f) => add(inclusive, f, ms));
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { sampledMs, self: sorted(self), inclusiveByFile: sorted(inclusive) };
}

type CallFrame = CdpProfile['nodes'][number]['callFrame'];

/** The built plugin's frames by their original source; other frames by script name. */
class SourceMaps {
  private readonly consumers = new Map<string, SourceMapConsumer | undefined>();

  constructor(private readonly distDir: string) {}

  label(frame: CallFrame): string {
    const original = this.original(frame);
    if (original) {
      return `${original.source}:${original.line}`;
    }
    return `${frame.functionName || '(anonymous)'} ${this.scriptName(frame)}`.trim();
  }

  file(frame: CallFrame): string {
    return this.original(frame)?.source ?? (this.scriptName(frame) || frame.functionName);
  }

  private original(frame: CallFrame): { source: string; line: number } | undefined {
    const consumer = this.consumer(frame.url);
    if (!consumer) {
      return undefined;
    }
    const found = consumer.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
    if (!found.source) {
      return undefined;
    }
    return { source: found.source.replace(/^webpack:\/\/[^/]*\/(\.\/)?/, ''), line: found.line };
  }

  /**
   * The plugins' scripts are served from public/plugins/<id>/<file>: the app's maps are <distDir>/<file>.map, the
   * nested datasource's <distDir>/datasource/<file>.map.
   */
  private consumer(url: string): SourceMapConsumer | undefined {
    const match = /\/public\/plugins\/([^/]+)\/(.+\.js)(\?.*)?$/.exec(url);
    if (!match) {
      return undefined;
    }
    const mapFile = path.join(this.distDir, match[1].endsWith('-datasource') ? 'datasource' : '', `${match[2]}.map`);
    if (!this.consumers.has(mapFile)) {
      this.consumers.set(
        mapFile,
        fs.existsSync(mapFile)
          ? new SourceMapConsumer(JSON.parse(fs.readFileSync(mapFile, 'utf8')) as RawSourceMap)
          : undefined
      );
    }
    return this.consumers.get(mapFile);
  }

  private scriptName(frame: CallFrame): string {
    return frame.url ? (frame.url.split('/').pop() ?? '').replace(/\?.*$/, '') : '';
  }
}
