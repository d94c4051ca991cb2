/**
 * Raw HTTPS for the differential probe: the bytes, headers and status exactly as a server sent them (gzip is
 * decoded only after its header was recorded), and watch streams read for a bounded time then dropped.
 */
import type http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

export interface ProbeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** undefined: the target's admin token; '' sends no Authorization header at all. */
  token?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Content-Type of the body; default application/json. */
  contentType?: string;
  /** A watch: read events for this many ms (or until `maxEvents`), then close. */
  streamMs?: number;
  maxEvents?: number;
}

export interface ProbeResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body after content decoding (gzip), as received otherwise. */
  raw: Buffer;
  /** Wall time to the end of the body (or of the stream window). */
  ms: number;
}

export interface Endpoint {
  url: string;
  ca: string;
  adminToken: string;
}

export function send(endpoint: Endpoint, request: ProbeRequest): Promise<ProbeResponse> {
  const token = request.token ?? endpoint.adminToken;
  const payload =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...(payload !== undefined ? { 'Content-Type': request.contentType ?? 'application/json' } : {}),
    ...request.headers,
  };
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(request.path, endpoint.url), {
      method: request.method,
      headers,
      ca: endpoint.ca,
      agent: false,
      timeout: 30_000,
    });
    let response: http.IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(streamWindow);
      const received = Buffer.concat(chunks);
      const headerMap = Object.fromEntries(
        Object.entries(response?.headers ?? {}).map(([name, value]) => [
          name.toLowerCase(),
          Array.isArray(value) ? value.join(', ') : String(value),
        ])
      );
      const raw =
        headerMap['content-encoding'] === 'gzip' && received.length > 0 ? zlib.gunzipSync(received) : received;
      // status 0: a watch that sent no response headers within its window
      resolve({ status: response?.statusCode ?? 0, headers: headerMap, raw, ms: performance.now() - started });
    };
    // A watch's window starts with the request: a server may hold the headers back until its first event.
    const streamWindow =
      request.streamMs === undefined
        ? undefined
        : setTimeout(() => {
            req.destroy();
            finish();
          }, request.streamMs);
    req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path}: no answer in 30 s`)));
    req.on('error', (error) => (streamWindow ? undefined : reject(error)));
    req.on('response', (res) => {
      response = res;
      let events = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        events += chunk.toString('utf8').split('\n').length - 1;
        if (request.maxEvents !== undefined && events >= request.maxEvents) {
          req.destroy();
          finish();
        }
      });
      res.on('end', finish);
      res.on('error', () => undefined);
    });
    req.end(payload);
  });
}
