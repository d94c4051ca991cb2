/** A bare HTTPS client for the proxy's tests: raw bytes and headers as they arrived, or the error the socket gave. */
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json?: { [key: string]: unknown };
}

export interface CallOptions {
  ca: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Sends one request on a fresh connection (no keep-alive, so a dropped connection fails this request only). */
export function open(url: string, options: CallOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = https.request(url, {
      method: options.method ?? 'GET',
      ca: options.ca,
      agent: false,
      headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
    });
    request.on('response', resolve).on('error', reject);
    request.end(body);
  });
}

/** The whole answer; rejects when the connection breaks before the body is complete. */
export async function call(url: string, options: CallOptions): Promise<Reply> {
  const response = await open(url, options);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', resolve);
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('aborted')));
  });
  const body = Buffer.concat(chunks);
  let json: Reply['json'];
  try {
    json = JSON.parse(body.toString());
  } catch {
    json = undefined;
  }
  return { status: response.statusCode ?? 0, headers: response.headers, body, json };
}

/** What arrived before the connection broke: the status, the headers and the bytes, and how it ended. */
export async function callUntilBroken(
  url: string,
  options: CallOptions
): Promise<{ status: number; headers: IncomingHttpHeaders; received: Buffer; error?: string }> {
  const response = await open(url, options);
  const chunks: Buffer[] = [];
  const error = await new Promise<string | undefined>((resolve) => {
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(undefined));
    response.on('error', (e) => resolve(e.message));
    response.on('aborted', () => resolve('aborted'));
  });
  return { status: response.statusCode ?? 0, headers: response.headers, received: Buffer.concat(chunks), error };
}

/** Reads newline-separated JSON watch events as they come. */
export function watchEvents(response: IncomingMessage): {
  next(): Promise<{ type: string; object: { metadata?: { name?: string } } }>;
  ended: () => boolean;
} {
  let buffer = '';
  const events: Array<{ type: string; object: { metadata?: { name?: string } } }> = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, newline)));
      buffer = buffer.slice(newline + 1);
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  response.on('end', () => {
    ended = true;
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    async next() {
      while (!events.length) {
        if (ended) {
          throw new Error('the watch ended before the next event');
        }
        await new Promise<void>((wake) => waiters.push(wake));
      }
      return events.shift()!;
    },
    ended: () => ended,
  };
}
