/**
 * Incremental parser of a Kubernetes watch body: one JSON WatchEvent per line (kube-apiserver's JSON serializer ends
 * each encoded event with "\n"), arriving in chunks that split events, hold several, or cut one off when the stream
 * breaks. Bytes are decoded as a stream, so a UTF-8 character split across chunks survives.
 */
import { BadResponseError, type KubernetesStatus } from './errors';
import type { RawObject } from './client';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One line of the stream. ERROR carries a Status; BOOKMARK an object with only metadata.resourceVersion. */
export type RawWatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: RawObject }
  | { type: 'ERROR'; object: KubernetesStatus };

const TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class WatchEventParser {
  private readonly decoder = new TextDecoder();
  // Pieces of the line not yet ended: joined once its newline arrives, so a large object in many chunks is not
  // copied again on every chunk.
  private pending: string[] = [];

  /**
   * Every event this chunk completes, in order. A complete line that is not an event stops the parse there: `error`
   * names it, and the events before it are still returned.
   */
  push(chunk: Uint8Array): ParsedChunk {
    return this.lines(this.decoder.decode(chunk, { stream: true }));
  }

  /**
   * The stream is over. Returns how many characters of an unfinished event were thrown away (0 after a clean end):
   * that event was never delivered, and a watch resumed from the last delivered resourceVersion sends it again.
   */
  end(): number {
    const rest = this.pending.join('') + this.decoder.decode();
    this.pending = [];
    return rest.trim().length;
  }

  private lines(text: string): ParsedChunk {
    const events: RawWatchEvent[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.pending.push(text.slice(start, newline));
      const line = this.pending.join('');
      this.pending = [];
      start = newline + 1;
      if (line.trim() === '') {
        continue;
      }
      const event = parseEvent(line);
      if (event instanceof BadResponseError) {
        return { events, error: event };
      }
      events.push(event);
    }
    if (start < text.length) {
      this.pending.push(text.slice(start));
    }
    return { events };
  }
}

export interface ParsedChunk {
  events: RawWatchEvent[];
  error?: BadResponseError;
}

function parseEvent(line: string): RawWatchEvent | BadResponseError {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return notAnEvent(line);
  }
  const event = value as { type?: unknown; object?: unknown };
  if (
    typeof event !== 'object' ||
    event === null ||
    !TYPES.has(String(event.type)) ||
    typeof event.object !== 'object' ||
    event.object === null
  ) {
    return notAnEvent(line);
  }
  return event as RawWatchEvent;
}

function notAnEvent(line: string): BadResponseError {
  const sample = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return new BadResponseError(
    `The watch stream carried a line that is not a Kubernetes watch event (${sample}).`,
    'Check that no proxy between Grafana and the API server rewrites or compresses streamed answers.'
  );
}
