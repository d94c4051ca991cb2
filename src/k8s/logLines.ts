/**
 * Pod log lines as the Logs tab holds and shows them, pure (no React, no network): splitting a streamed body into
 * lines, the apiserver's timestamp prefix, the merge of several pods' lines by time, the memory cap, and the safe
 * rendering of what a container wrote (ANSI SGR colours as styles, every other escape sequence dropped, control and
 * bidi characters made visible, search matches marked). Every byte of a log is hostile: what leaves this module is
 * plain text in segments, which React escapes.
 */

/** Lines held per view; older ones are dropped (and counted) so a chatty container cannot exhaust the tab. */
export const MAX_LINES = 50_000;
/** Characters kept of one line; the rest is counted, not held (a binary file has no newlines for megabytes). */
export const MAX_LINE_CHARS = 64 * 1024;
/** Characters shown of a line until the user expands it. */
export const PREVIEW_CHARS = 1_000;

export interface LogLine {
  /** Arrival order across every stream of a view: the React key, and the tie-break of the merge. */
  seq: number;
  /** The pod it came from (a workload's merged logs), else undefined. */
  pod?: string;
  /** From the `timestamps=true` prefix: milliseconds since the epoch and the nanoseconds after them. */
  time: number;
  nanos: number;
  /** The prefix as the apiserver sent it (RFC 3339 with nanoseconds); '' when the line had none. */
  stamp: string;
  text: string;
  /** Characters cut off the end (beyond MAX_LINE_CHARS). */
  cut: number;
}

/** Splits a streamed body into lines; invalid UTF-8 (binary output) decodes to U+FFFD, never throws. */
export class LineSplitter {
  private readonly decoder = new TextDecoder();
  private pending = '';
  private cut = 0;

  push(chunk: Uint8Array): Array<{ text: string; cut: number }> {
    return this.split(this.decoder.decode(chunk, { stream: true }));
  }

  /** The stream is over: its last line, if it did not end with a newline. */
  end(): Array<{ text: string; cut: number }> {
    const lines = this.split(this.decoder.decode());
    if (this.pending !== '' || this.cut > 0) {
      lines.push(this.take(this.pending));
    }
    this.pending = '';
    return lines;
  }

  private split(text: string): Array<{ text: string; cut: number }> {
    const lines: Array<{ text: string; cut: number }> = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      lines.push(this.take(this.pending + text.slice(start, newline)));
      this.pending = '';
      start = newline + 1;
    }
    this.keep(text.slice(start));
    return lines;
  }

  private keep(rest: string) {
    const room = MAX_LINE_CHARS - this.pending.length;
    if (rest.length > room) {
      this.cut += rest.length - room;
      rest = rest.slice(0, room);
    }
    this.pending += rest;
  }

  private take(line: string) {
    const overflow = Math.max(0, line.length - MAX_LINE_CHARS);
    const taken = { text: line.slice(0, MAX_LINE_CHARS).replace(/\r$/, ''), cut: this.cut + overflow };
    this.cut = 0;
    return taken;
  }
}

// kubelet writes RFC3339Nano (trailing zeros of the fraction trimmed, so "…:05Z" is possible) and one space.
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) /;

/**
 * Turns the lines of one stream into LogLines. A line without a timestamp prefix takes the time of the line before
 * it, so it stays next to it when streams are merged.
 */
export class LineReader {
  private time = 0;
  private nanos = 0;

  constructor(
    private readonly pod: string | undefined,
    private readonly nextSeq: () => number
  ) {}

  read(lines: Array<{ text: string; cut: number }>): LogLine[] {
    return lines.map(({ text, cut }) => {
      const match = STAMP.exec(text);
      let stamp = '';
      if (match) {
        const time = Date.parse(`${match[1]}${match[3]}`);
        if (Number.isFinite(time)) {
          const fraction = (match[2] ?? '').padEnd(9, '0');
          this.time = time + Number(fraction.slice(0, 3));
          this.nanos = Number(fraction.slice(3));
          stamp = match[0].slice(0, -1);
          text = text.slice(match[0].length);
        }
      }
      return { seq: this.nextSeq(), pod: this.pod, time: this.time, nanos: this.nanos, stamp, text, cut };
    });
  }
}

export function compareTime(a: LogLine, b: LogLine): number {
  return a.time - b.time || a.nanos - b.nanos;
}

/**
 * `held` (in time order) with `added` merged in by time. Lines of equal time keep their order (held first, then
 * added in arrival order), so one stream's lines never change places. A new array: held is not modified.
 */
export function mergeLines(held: readonly LogLine[], added: readonly LogLine[]): LogLine[] {
  if (added.length === 0) {
    return held.slice();
  }
  const incoming = added.slice().sort((a, b) => compareTime(a, b) || a.seq - b.seq);
  // Where the first added line goes: after every held line not later than it (the usual case: at the end).
  let low = 0;
  for (let high = held.length; low < high;) {
    const middle = (low + high) >> 1;
    if (compareTime(held[middle], incoming[0]) <= 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  const merged = held.slice(0, low);
  let i = low;
  let j = 0;
  while (i < held.length && j < incoming.length) {
    merged.push(compareTime(held[i], incoming[j]) <= 0 ? held[i++] : incoming[j++]);
  }
  for (; i < held.length; i++) {
    merged.push(held[i]);
  }
  for (; j < incoming.length; j++) {
    merged.push(incoming[j]);
  }
  return merged;
}

/** The last `cap` lines, and how many were dropped to get there. */
export function capLines(lines: LogLine[], cap = MAX_LINES): { lines: LogLine[]; dropped: number } {
  return lines.length <= cap ? { lines, dropped: 0 } : { lines: lines.slice(-cap), dropped: lines.length - cap };
}

/**
 * A resumed stream (`sinceTime` = the last line's time, which the apiserver passes on to the kubelet in whole
 * seconds) repeats lines already held: those before the last held line's time, and as many at that very time as are
 * held. What is left is exactly what came after.
 */
export function resumeFilter(held: readonly LogLine[]): (line: LogLine) => boolean {
  const last = held[held.length - 1];
  if (!last) {
    return () => true;
  }
  let repeats = 0;
  for (let i = held.length - 1; i >= 0 && compareTime(held[i], last) === 0; i--) {
    repeats++;
  }
  let resumed = false;
  return (line) => {
    if (resumed) {
      return true;
    }
    const order = compareTime(line, last);
    if (order < 0 || (order === 0 && repeats-- > 0)) {
      return false;
    }
    resumed = true;
    return true;
  };
}

/** Style of a run of text from ANSI SGR codes. Colours are CSS values this module builds from numbers only. */
export interface TextStyle {
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  color?: string;
  background?: string;
}

export interface Segment {
  text: string;
  style?: TextStyle;
  /** Part of a search match. */
  mark?: boolean;
}

// The 16 basic colours, mid-tones readable on Grafana's dark and light backgrounds alike.
const BASIC = [
  '#7f7f7f', '#e05561', '#5fb65f', '#d4a72c', '#5c8fe6', '#c06fd6', '#3bb3c3', '#a8a8a8',
  '#9a9a9a', '#ff6b7a', '#73d673', '#f2cc0c', '#7aa7ff', '#dd88f0', '#4fd6e6', '#c8c8c8',
]; // prettier-ignore

function color256(index: number): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index > 255) {
    return undefined;
  }
  if (index < 16) {
    return BASIC[index];
  }
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return `rgb(${level}, ${level}, ${level})`;
  }
  const cube = index - 16;
  const level = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return `rgb(${level(Math.floor(cube / 36))}, ${level(Math.floor(cube / 6) % 6)}, ${level(cube % 6)})`;
}

/** Applies one SGR parameter list ("1;31", "38;5;208", "38;2;10;20;30", "" = reset) to a style. */
function applySgr(style: TextStyle, params: string): TextStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let next: TextStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 38 || code === 48) {
      const key = code === 38 ? 'color' : 'background';
      if (codes[i + 1] === 5) {
        next[key] = color256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        const rgb = codes.slice(i + 2, i + 5);
        const ok = rgb.length === 3 && rgb.every((n) => Number.isInteger(n) && n >= 0 && n <= 255);
        next[key] = ok ? `rgb(${rgb.join(', ')})` : undefined;
        i += 4;
      }
      continue;
    }
    if (code === 0) {
      next = {};
    } else if (code === 1 || code === 2 || code === 3 || code === 4) {
      next[(['bold', 'dim', 'italic', 'underline'] as const)[code - 1]] = true;
    } else if (code === 22) {
      next.bold = next.dim = undefined;
    } else if (code === 23 || code === 24) {
      next[code === 23 ? 'italic' : 'underline'] = undefined;
    } else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
      next.color = BASIC[(code % 10) + (code >= 90 ? 8 : 0)];
    } else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
      next.background = BASIC[(code % 10) + (code >= 100 ? 8 : 0)];
    } else if (code === 39 || code === 49) {
      next[code === 39 ? 'color' : 'background'] = undefined;
    }
  }
  return next;
}

/**
 * Control characters a terminal acts on, shown as symbols: C0 but tab as Control Pictures (␀…␟), DEL as ␡, C1 as
 * U+FFFD, and the bidi embeddings, overrides and isolates as ⟨U+202E⟩ so they cannot reorder the text around them.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) {
      return String.fromCharCode(0x2400 + code);
    }
    if (code === 0x7f) {
      return '\u2421';
    }
    return code < 0xa0 ? '\ufffd' : `⟨U+${code.toString(16).toUpperCase()}⟩`;
  });
}

// CSI (ESC [ or the 8-bit \x9b) … final byte; OSC (ESC ]) … BEL or ST; any other two-byte escape.
const ESCAPE =
  /(?:\u001b\[|\u009b)([0-9;:?<=>]*)[ -/]*([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;

/** A log line as styled segments: SGR codes become styles, every other escape sequence is dropped. */
export function ansiSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let style: TextStyle = {};
  let last = 0;
  const push = (piece: string) => {
    if (piece !== '') {
      segments.push(
        Object.keys(style).length > 0 ? { text: visibleControls(piece), style } : { text: visibleControls(piece) }
      );
    }
  };
  for (const match of text.matchAll(ESCAPE)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm' && !/[?<=>]/.test(match[1])) {
      style = applySgr(style, match[1]);
      for (const key of Object.keys(style) as Array<keyof TextStyle>) {
        if (style[key] === undefined) {
          delete style[key];
        }
      }
    }
  }
  push(text.slice(last));
  return segments;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where `query` occurs in `text`, case-insensitively: [start, end) pairs, not overlapping. */
export function matchRanges(text: string, query: string): Array<[number, number]> {
  if (query === '') {
    return [];
  }
  const pattern = new RegExp(escapeRegExp(query), 'giu');
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);
}

/** Splits segments at the ranges (offsets into their joined text) and marks the pieces inside them. */
export function markRanges(segments: Segment[], ranges: Array<[number, number]>): Segment[] {
  if (ranges.length === 0) {
    return segments;
  }
  const out: Segment[] = [];
  let offset = 0;
  let r = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && ranges[r][1] <= at) {
        r++;
      }
      const range = ranges[r];
      const inside = range !== undefined && range[0] <= at;
      const stop = Math.min(end, range === undefined ? end : inside ? range[1] : range[0]);
      out.push({ ...segment, text: segment.text.slice(at - offset, stop - offset), mark: inside || undefined });
      at = stop;
    }
    offset = end;
  }
  return out;
}

/** The first `limit` characters of the segments (a long line before it is expanded). */
export function truncateSegments(segments: Segment[], limit: number): Segment[] {
  const out: Segment[] = [];
  let room = limit;
  for (const segment of segments) {
    if (room <= 0) {
      break;
    }
    out.push(segment.text.length <= room ? segment : { ...segment, text: segment.text.slice(0, room) });
    room -= segment.text.length;
  }
  return out;
}

/** A LogQL string literal: Go's double-quoted syntax, with backslash, quote and control characters escaped. */
export function logqlString(value: string): string {
  const escaped = value.replace(
    /[\\"\n\r\t]/g,
    (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!
  );
  return `"${escaped}"`;
}

/**
 * The LogQL stream selector of a pod's logs (one container's when given), with the labels Loki's Kubernetes agents
 * set; several pods (a workload's) as one regex matcher of their names taken literally.
 */
export function logqlSelector(labels: { namespace: string; pods: string[]; container?: string }): string {
  const pod =
    labels.pods.length === 1
      ? `pod=${logqlString(labels.pods[0])}`
      : `pod=~${logqlString(labels.pods.map(escapeRegExp).join('|'))}`;
  const container = labels.container ? `, container=${logqlString(labels.container)}` : '';
  return `{namespace=${logqlString(labels.namespace)}, ${pod}${container}}`;
}
