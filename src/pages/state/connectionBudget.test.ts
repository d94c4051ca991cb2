import { multiplexed, takeWatchSlot, WATCH_SLOTS } from './connectionBudget';

/** The Web Locks semantics the budget relies on: a held name is refused to `ifAvailable`, freed when released. */
class Locks {
  readonly held = new Set<string>();
  async request(name: string, _options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void> | void) {
    if (this.held.has(name)) {
      return callback(null);
    }
    this.held.add(name);
    const done = callback({ name });
    await done;
    this.held.delete(name);
  }
}

test('tabs share WATCH_SLOTS held watches: the next tab gets none until one is released', async () => {
  const locks = new Locks(); // one browser profile: every tab sees the same locks
  const firstTab = await Promise.all(Array.from({ length: WATCH_SLOTS }, (_, i) => takeWatchSlot(i, locks)));
  expect(firstTab.every(Boolean)).toBe(true);
  expect(locks.held.size).toBe(WATCH_SLOTS);
  expect(await takeWatchSlot(0, locks)).toBeUndefined();

  firstTab[1]!.release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const secondTab = await takeWatchSlot(0, locks);
  expect(secondTab).toBeDefined();
  expect([...locks.held].sort()).toEqual(
    Array.from({ length: WATCH_SLOTS }, (_, i) => `kubeatlas-watch-slot-${i}`).sort()
  );
});

test('without the Web Locks API a tab takes one slot only, since it cannot see the others', async () => {
  expect(await takeWatchSlot(0, undefined)).toBeDefined();
  expect(await takeWatchSlot(1, undefined)).toBeUndefined();
});

test('HTTP/2 and HTTP/3 multiplex; HTTP/1.1 and an unknown protocol do not', () => {
  expect(multiplexed('h2')).toBe(true);
  expect(multiplexed('h3')).toBe(true);
  expect(multiplexed('http/1.1')).toBe(false);
  expect(multiplexed(undefined)).toBe(false);
});
