/**
 * @jest-environment node
 *
 * Property-based (fast-check), beside the seeded cases of ./watchParser.test.ts: a valid NDJSON watch stream split
 * into any chunks, at any byte (inside a UTF-8 character too), yields the same events as in one chunk; garbage
 * never throws out of the parser, only comes back as its documented BadResponseError.
 */
import fc from 'fast-check';
import { HOSTILE_STRINGS } from '../model/testdata/arbitraries';
import { BadResponseError } from './errors';
import { parseWatchEvent, WatchLineSplitter, type RawWatchEvent } from './watchParser';

interface ParsedChunk {
  events: RawWatchEvent[];
  error?: BadResponseError;
}

const textArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...HOSTILE_STRINGS, 'line\nbreak', '\r\n', '{"type":"ADDED"}\n')
);

/** Events as the apiserver writes them: a type and an object (Status for ERROR, metadata only for BOOKMARK). */
const eventArb = fc.oneof(
  fc.record({
    type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED'),
    object: fc.record({
      kind: fc.constant('Pod'),
      metadata: fc.record({
        name: textArb,
        resourceVersion: fc.nat().map(String),
        annotations: fc.dictionary(textArb, textArb),
      }),
      spec: fc.jsonValue({ maxDepth: 3 }),
    }),
  }),
  fc.record({
    type: fc.constant('BOOKMARK'),
    object: fc.record({ metadata: fc.record({ resourceVersion: fc.nat().map(String) }) }),
  }),
  fc.record({
    type: fc.constant('ERROR'),
    object: fc.record({ kind: fc.constant('Status'), code: fc.constantFrom(410, 500), message: textArb }),
  })
);

/** The stream's bytes, sometimes with blank keep-alive lines between events. */
const streamArb = fc
  .array(fc.tuple(eventArb, fc.constantFrom('', '', '\n', '\r\n')), { maxLength: 25 })
  .map((pairs) => ({
    events: pairs.map(([event]) => event),
    bytes: new TextEncoder().encode(pairs.map(([event, blank]) => `${JSON.stringify(event)}\n${blank}`).join('')),
  }));

/** Cut points as fractions of the length, so they land anywhere, inside multi-byte characters included. */
const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 });

function chunksOf(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

/** Each chunk's lines parsed in order; the first line that is not an event ends the stream, as in the watch. */
function parse(chunks: Uint8Array[]): { parsed: ParsedChunk[]; leftover: number } {
  const splitter = new WatchLineSplitter();
  const parsed: ParsedChunk[] = [];
  for (const chunk of chunks) {
    const result: ParsedChunk = { events: [] };
    parsed.push(result);
    for (const line of splitter.push(chunk)) {
      const event = parseWatchEvent(line);
      if (event instanceof BadResponseError) {
        result.error = event;
        return { parsed, leftover: splitter.end() };
      }
      result.events.push(event);
    }
  }
  return { parsed, leftover: splitter.end() };
}

describe('WatchLineSplitter and parseWatchEvent (fuzzed)', () => {
  it('any split of a valid stream yields exactly the events of the unsplit stream, in order', () => {
    fc.assert(
      fc.property(streamArb, cutsArb, ({ events, bytes }, cuts) => {
        const whole = parse([bytes]);
        const split = parse(chunksOf(bytes, cuts));
        const all = (r: { parsed: ParsedChunk[] }) => r.parsed.flatMap((p) => p.events);
        expect(whole.parsed.every((p) => p.error === undefined)).toBe(true);
        expect(split.parsed.every((p) => p.error === undefined)).toBe(true);
        expect(all(split)).toEqual(all(whole));
        // And they are the events that were written (JSON turns -0 into 0; compare through it).
        expect(all(whole)).toEqual(JSON.parse(JSON.stringify(events)));
        expect(whole.leftover).toBe(0);
        expect(split.leftover).toBe(0);
      }),
      { numRuns: 1500 }
    );
  });

  it('a stream cut off mid-event delivers the whole events before the cut and reports the rest as leftover', () => {
    fc.assert(
      fc.property(streamArb, fc.double({ min: 0, max: 1, noNaN: true }), cutsArb, ({ bytes }, at, cuts) => {
        const end = Math.floor(at * bytes.length);
        const cut = bytes.subarray(0, end);
        const { parsed, leftover } = parse(chunksOf(cut, cuts));
        const complete = parse([bytes.subarray(0, cut.lastIndexOf(10) + 1)]);
        expect(parsed.flatMap((p) => p.events)).toEqual(complete.parsed.flatMap((p) => p.events));
        expect(leftover).toBeGreaterThanOrEqual(0);
        expect(leftover === 0).toBe(new TextDecoder().decode(cut.subarray(cut.lastIndexOf(10) + 1)).trim() === '');
      }),
      { numRuns: 500 }
    );
  });

  it('garbage (random bytes, JSON that is no event, HTML error pages) never throws, only a BadResponseError', () => {
    const garbageLine = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '<html><body>502 Bad Gateway</body></html>',
        '{"type":"ADDED"}',
        '{"type":"ADDED","object":null}',
        '{"type":"NOPE","object":{}}',
        '{"type":"ADDED","object":"x"}',
        '[1,2,3]',
        'null',
        '{"type":"ADDED","object":{}',
        'x'.repeat(100_000)
      )
    );
    const garbageStream = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(garbageLine, { maxLength: 10 }).map((lines) => new TextEncoder().encode(lines.join('\n') + '\n'))
    );
    fc.assert(
      fc.property(garbageStream, cutsArb, (bytes, cuts) => {
        const { parsed, leftover } = parse(chunksOf(bytes, cuts));
        for (const chunk of parsed) {
          if (chunk.error) {
            expect(chunk.error).toBeInstanceOf(BadResponseError);
            // The message quotes at most 80 characters of the line: a huge body does not become a huge error.
            expect(chunk.error.message.length).toBeLessThan(400);
          }
          for (const event of chunk.events) {
            expect(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']).toContain(event.type);
            expect(typeof event.object).toBe('object');
            expect(event.object).not.toBeNull();
          }
        }
        expect(leftover).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1500 }
    );
  });
});
