/**
 * @jest-environment node
 *
 * The watch body parser on streams split every way: fast-check is not installed, so a seeded generator makes the
 * cases (events with multi-byte text, split at random byte offsets, inside characters, one byte at a time, several
 * events per chunk) and each failure names its seed.
 */
import { BadResponseError } from './errors';
import { parseWatchEvent, WatchLineSplitter, type RawWatchEvent } from './watchParser';

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = ['web', 'é', '日本語', '🚀 deploy', 'line\\nbreak', '"quoted"', 'x'.repeat(3000)];
const TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'] as const;

function randomEvents(random: () => number, count: number): RawWatchEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const type = TYPES[Math.floor(random() * TYPES.length)];
    const note = TEXTS[Math.floor(random() * TEXTS.length)];
    const metadata = { name: `pod-${i}`, resourceVersion: String(1000 + i), annotations: { note } };
    return { type, object: type === 'BOOKMARK' ? { metadata: { resourceVersion: String(1000 + i) } } : { metadata } };
  });
}

const encode = (events: RawWatchEvent[]) =>
  new TextEncoder().encode(events.map((event) => JSON.stringify(event) + '\n').join(''));

/** Random cut points: single bytes, small pieces and large runs of several events. */
function split(bytes: Uint8Array, random: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = [1, 2, 3, 7, 64, 1000, 20000][Math.floor(random() * 7)];
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** The lines of a chunk parsed in order, up to the first that is not an event, as the watch's steps take them. */
function eventsOf(lines: string[]): { events: RawWatchEvent[]; error?: BadResponseError } {
  const events: RawWatchEvent[] = [];
  for (const line of lines) {
    const event = parseWatchEvent(line);
    if (event instanceof BadResponseError) {
      return { events, error: event };
    }
    events.push(event);
  }
  return { events };
}

function parseAll(chunks: Uint8Array[]) {
  const splitter = new WatchLineSplitter();
  const events = chunks.flatMap((chunk) => eventsOf(splitter.push(chunk)).events);
  return { events, leftover: splitter.end() };
}

describe('WatchLineSplitter and parseWatchEvent', () => {
  it.each(Array.from({ length: 100 }, (_, seed) => seed))(
    'seed %d: every event, once and in order, however the stream is split',
    (seed) => {
      const random = generator(seed);
      const events = randomEvents(random, 1 + Math.floor(random() * 40));
      const { events: parsed, leftover } = parseAll(split(encode(events), random));
      expect(parsed).toEqual(events);
      expect(leftover).toBe(0);
    }
  );

  it.each(Array.from({ length: 100 }, (_, seed) => seed))(
    'seed %d: a stream cut at any byte delivers exactly the events it holds whole',
    (seed) => {
      const random = generator(1_000 + seed);
      const events = randomEvents(random, 1 + Math.floor(random() * 20));
      const bytes = encode(events);
      const cut = Math.floor(random() * bytes.length);
      const { events: parsed, leftover } = parseAll(split(bytes.subarray(0, cut), random));
      // Whole lines before the cut: events whose newline lies before it.
      const whole = new TextDecoder().decode(bytes.subarray(0, cut)).split('\n').length - 1;
      expect(parsed).toEqual(events.slice(0, whole));
      const cutMidLine = cut > 0 && bytes[cut - 1] !== 0x0a;
      expect(leftover > 0).toBe(cutMidLine);
    }
  );

  it('several events in one chunk, blank lines skipped', () => {
    const splitter = new WatchLineSplitter();
    const text = '{"type":"ADDED","object":{"a":1}}\n\n{"type":"DELETED","object":{"a":2}}\n';
    const { events } = eventsOf(splitter.push(new TextEncoder().encode(text)));
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('an ERROR event carries the Status', () => {
    const line = '{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}\n';
    expect(eventsOf(new WatchLineSplitter().push(new TextEncoder().encode(line))).events).toEqual([
      { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } },
    ]);
  });

  it.each([
    ['not JSON', '{"type":"ADDED","object":{]}\n'],
    ['an unknown type', '{"type":"CHANGED","object":{}}\n'],
    ['no object', '{"type":"ADDED"}\n'],
    ['a list instead of an event', '{"kind":"PodList","items":[]}\n'],
  ])('a whole line that is %s is refused by name, the events before it kept', (_name, line) => {
    const good = '{"type":"ADDED","object":{"a":1}}\n';
    const { events, error } = eventsOf(new WatchLineSplitter().push(new TextEncoder().encode(good + line)));
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error?.summary).toMatch(/not a Kubernetes watch event/);
  });

  it('5,000 events in one chunk and one event in 5,000 chunks stay linear', () => {
    const many = encode(randomEvents(generator(7), 5_000));
    const started = performance.now();
    expect(eventsOf(new WatchLineSplitter().push(many)).events).toHaveLength(5_000);
    const big = encode([{ type: 'ADDED', object: { metadata: { name: 'big' }, data: 'y'.repeat(5_000_000) } }]);
    const splitter = new WatchLineSplitter();
    let parsed = 0;
    for (let at = 0; at < big.length; at += 1000) {
      parsed += eventsOf(splitter.push(big.subarray(at, at + 1000))).events.length;
    }
    expect(parsed).toBe(1);
    // A generous bound on a busy 2-core machine; quadratic copying of the 5 MB event would take far longer.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
