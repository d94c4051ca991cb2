/**
 * Incremental reader of a Kubernetes watch body: one JSON WatchEvent per line (kube-apiserver's JSON serializer ends
 * each encoded event with "\n"), arriving in chunks that split events, hold several, or cut one off when the stream
 * breaks. Bytes are decoded as a stream, so a UTF-8 character split across chunks survives.
 * Splitting and parsing are apart so that the watch can parse a large chunk's events a few at a time (watch.ts).
 */
import { BadResponseError, type KubernetesStatus } from './errors';
import type { RawObject } from './client';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One line of the stream. ERROR carries a Status; BOOKMARK an object with only metadata.resourceVersion. */
export type RawWatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: RawObject }
  | { type: 'ERROR'; object: KubernetesStatus };

const TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class WatchLineSplitter {
  private readonly decoder = new TextDecoder();
  // Pieces of the line not yet ended: joined once its newline arrives, so a large object in many chunks is not
  // copied again on every chunk.
  private pending: string[] = [];

  /** The lines this chunk completes, in order, blank ones left out: each is one event for parseWatchEvent. */
  push(chunk: Uint8Array): string[] {
    const text = this.decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.pending.push(text.slice(start, newline));
      const line = this.pending.join('');
      this.pending = [];
      start = newline + 1;
      if (line.trim() !== '') {
        lines.push(line);
      }
    }
    if (start < text.length) {
      this.pending.push(text.slice(start));
    }
    return lines;
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
}

/** One line of the body as a watch event, or the error that names a line that is not one. */
export function parseWatchEvent(line: string): RawWatchEvent | BadResponseError {
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
