/**
 * How many watches may hold a connection open: the browser's limit, shared with Grafana and with every other tab.
 *
 * Over HTTP/1.1 Chromium allows 6 connections per host, for every tab of the profile together, and a watch holds one
 * for its whole life. If each tab watched what it shows, three tabs would starve Grafana's own requests (panel
 * queries, navigation). So, over HTTP/1.1, the tabs of one Grafana share WATCH_SLOTS held watches through the Web
 * Locks API (one lock per slot; a tab that closes frees its slots at once); the kinds that get no slot are polled
 * through short watches, one at a time, which bring only the changes. Over HTTP/2 or HTTP/3 the streams share one
 * connection and every kind is watched.
 *
 * docs/live-state.md has the measurements behind the numbers.
 */

/** Held watches for all tabs of one Grafana origin over HTTP/1.1 (of Chromium's 6 connections per host). */
export const WATCH_SLOTS = 3;

/** The protocol the page was loaded over ('h2', 'h3', 'http/1.1'), or undefined when the browser does not say. */
export function pageProtocol(): string | undefined {
  const entry = globalThis.performance?.getEntriesByType?.('navigation')?.[0] as
    { nextHopProtocol?: string } | undefined;
  return entry?.nextHopProtocol || undefined;
}

/** True when requests to Grafana are multiplexed on one connection, so held watches cost no connection each. */
export function multiplexed(protocol = pageProtocol()): boolean {
  return protocol === 'h2' || protocol === 'h3';
}

interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | void
  ): Promise<unknown>;
}

/** One held watch slot; release() frees it for another tab. */
export interface WatchSlot {
  release(): void;
}

/**
 * Takes a free slot, or resolves undefined when all are taken by this or other tabs. Without the Web Locks API (an
 * insecure context: Grafana over plain http on another host than localhost) a tab cannot know about the others, so
 * it takes one slot only (`index` 0), which keeps three tabs to three held connections.
 */
export async function takeWatchSlot(
  index: number,
  locks: LockManagerLike | undefined = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks
): Promise<WatchSlot | undefined> {
  if (!locks) {
    return index === 0 ? { release: () => {} } : undefined;
  }
  for (let slot = 0; slot < WATCH_SLOTS; slot++) {
    const taken = await new Promise<WatchSlot | undefined>((resolve) => {
      let release: () => void = () => {};
      const held = new Promise<void>((done) => (release = done));
      locks
        .request(`kubeatlas-watch-slot-${slot}`, { ifAvailable: true }, (lock) => {
          if (!lock) {
            resolve(undefined);
            return undefined;
          }
          resolve({ release });
          return held;
        })
        .catch(() => resolve(undefined));
    });
    if (taken) {
      return taken;
    }
  }
  return undefined;
}
