/**
 * HttpStream for node (tests, benchmarks, tools) over node's http/https, trusting a private CA per stream like
 * nodeHttpFetch. Never imported by browser code.
 */
import http from 'node:http';
import https from 'node:https';
import { Observable } from 'rxjs';
import type { NodeHttpOptions } from './nodeHttp';
import type { HttpStream } from './watchStream';

export function nodeWatchStream(options: NodeHttpOptions = {}): HttpStream {
  return (request) =>
    new Observable((subscriber) => {
      const url = new URL(request.url);
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, {
        method: 'GET',
        headers: request.headers,
        ca: options.ca,
        rejectUnauthorized: !options.insecureSkipVerify,
        servername: options.serverName,
        agent: false,
      });
      req.on('response', (res) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) {
            headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
          }
        }
        const part = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers };
        subscriber.next(part);
        res.on('data', (chunk: Buffer) => subscriber.next({ ...part, chunk: new Uint8Array(chunk) }));
        res.on('end', () => subscriber.complete());
        // A body cut short (no last chunk) never ends: it errors ('aborted'), or only closes incomplete.
        res.on('error', (error) => subscriber.error(error));
        res.on('close', () => {
          if (!res.complete) {
            subscriber.error(Object.assign(new Error('The response body broke off.'), { code: 'ECONNRESET' }));
          }
        });
      });
      req.on('error', (error) => subscriber.error(error));
      req.end();
      return () => req.destroy();
    });
}
