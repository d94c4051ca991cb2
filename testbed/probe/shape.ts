/**
 * What the probe compares of two answers to one request: the status, the media type, the content encoding and the
 * shape of the body (its kind, top-level keys, a Status's reason, code and details keys, a list's metadata keys,
 * watch event types, Table columns), never the values that differ from one cluster to the next (names, uids,
 * timestamps, counts).
 */
import type { ProbeResponse } from './http';

/** Each field is a word, or a set of words compared as a set. */
export type Shape = Record<string, string | string[]>;

export interface Difference {
  field: string;
  simulator: string;
  testbed: string;
}

/** kube-apiserver's protobuf envelope starts with these four bytes (k8s.io/apimachinery runtime/serializer/protobuf). */
const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export function parseJson(response: ProbeResponse): unknown {
  try {
    return JSON.parse(response.raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The media type with its parameters, lower case and without spaces; charset dropped (always utf-8 here). */
export function mediaType(response: ProbeResponse): string {
  const header = response.headers['content-type'];
  if (!header) {
    return '(none)';
  }
  return header
    .toLowerCase()
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part && !part.startsWith('charset='))
    .join(';');
}

export function shapeOf(response: ProbeResponse, watch: boolean): Shape {
  const shape: Shape = {
    status: String(response.status),
    'content-type': mediaType(response),
    'content-encoding': response.headers['content-encoding'] ?? '(none)',
  };
  if (response.raw.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    return { ...shape, body: 'protobuf envelope' };
  }
  if (watch && response.status === 200) {
    return { ...shape, ...watchShape(response) };
  }
  const body = parseJson(response);
  if (body === undefined || typeof body !== 'object' || body === null) {
    const text = response.raw.toString('utf8').trim();
    return { ...shape, body: text === '' ? 'empty' : textShape(text) };
  }
  return { ...shape, ...objectShape(body as Record<string, unknown>) };
}

function objectShape(body: Record<string, unknown>): Shape {
  const shape: Shape = { kind: String(body.kind ?? '(no kind)'), keys: Object.keys(body) };
  if (body.kind === 'Status') {
    const details = body.details as Record<string, unknown> | undefined;
    shape.reason = String(body.reason ?? '(none)');
    shape.code = String(body.code ?? '(none)');
    shape['details keys'] = details ? Object.keys(details) : [];
    shape.message = String(body.message ?? '');
    return shape;
  }
  const metadata = body.metadata as Record<string, unknown> | undefined;
  if (metadata && Array.isArray(body.items)) {
    shape['metadata keys'] = Object.keys(metadata);
  }
  if (body.kind === 'Table') {
    const columns = (body.columnDefinitions as Array<{ name: string }> | undefined) ?? [];
    const rows = (body.rows as Array<{ object?: { kind?: string } }> | undefined) ?? [];
    shape.columns = columns.map((c) => c.name);
    shape['row object'] = rows[0]?.object?.kind ?? '(none)';
  }
  if (body.kind === 'APIGroupList') {
    shape.groups = ((body.groups as Array<{ name: string }> | undefined) ?? []).map((g) => g.name);
  }
  if (body.kind === 'APIResourceList') {
    shape.resources = ((body.resources as Array<{ name: string }> | undefined) ?? []).map((r) => r.name);
  }
  const status = body.status as Record<string, unknown> | undefined;
  if (status && typeof status === 'object') {
    shape['status keys'] = Object.keys(status);
    if (typeof status.phase === 'string') {
      shape.phase = status.phase;
    }
  }
  if (metadata && typeof metadata.deletionTimestamp === 'string') {
    shape.deleting = 'deletionTimestamp set';
  }
  return shape;
}

/** Event types in order with runs collapsed ("ADDED+ BOOKMARK"), and the kinds and annotations of bookmarks. */
function watchShape(response: ProbeResponse): Shape {
  const events = response.raw
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as { type?: string; object?: Record<string, unknown> };
      } catch {
        return { type: '(not JSON)' };
      }
    });
  const runs: string[] = [];
  for (const event of events) {
    const type = String(event.type);
    const last = runs[runs.length - 1];
    if (last === type || last === `${type}+`) {
      runs[runs.length - 1] = `${type}+`;
    } else {
      runs.push(type);
    }
  }
  const shape: Shape = { events: runs.length ? runs.join(' ') : '(none in the window)' };
  const bookmark = events.find((e) => e.type === 'BOOKMARK')?.object as
    { kind?: string; metadata?: { annotations?: Record<string, string> } } | undefined;
  if (bookmark) {
    shape['bookmark annotations'] = Object.keys(bookmark.metadata?.annotations ?? {});
  }
  const error = events.find((e) => e.type === 'ERROR')?.object;
  if (error) {
    shape['error object'] = `${String(error.kind)} ${String(error.reason)} ${String(error.code)}`;
  }
  return shape;
}

/** A one-line answer as it is ("404 page not found"); a log by its line count, as its lines differ by cluster. */
function textShape(text: string): string {
  const lines = text.split('\n');
  return lines.length === 1 && text.length <= 80 ? `text: ${text}` : `text, ${lines.length} lines`;
}

export function compareShapes(simulator: Shape, testbed: Shape): Difference[] {
  const fields = [...new Set([...Object.keys(simulator), ...Object.keys(testbed)])];
  const differences: Difference[] = [];
  for (const field of fields) {
    const a = simulator[field];
    const b = testbed[field];
    if (Array.isArray(a) || Array.isArray(b)) {
      const setA = new Set(Array.isArray(a) ? a : []);
      const setB = new Set(Array.isArray(b) ? b : []);
      const onlyA = [...setA].filter((x) => !setB.has(x));
      const onlyB = [...setB].filter((x) => !setA.has(x));
      if (a === undefined || b === undefined || onlyA.length || onlyB.length) {
        differences.push({
          field,
          simulator: a === undefined ? '(absent)' : onlyA.length ? `+${onlyA.join(', +')}` : '(same set)',
          testbed: b === undefined ? '(absent)' : onlyB.length ? `+${onlyB.join(', +')}` : '(same set)',
        });
      }
    } else if (a !== b) {
      differences.push({ field, simulator: a ?? '(absent)', testbed: b ?? '(absent)' });
    }
  }
  return differences;
}
