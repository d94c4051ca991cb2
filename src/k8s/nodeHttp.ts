/**
 * HttpFetch for node (tests, benchmarks, tools), over node's http/https modules so a private CA can be trusted
 * per client (the global fetch cannot take a CA without undici's Agent). Never imported by browser code.
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpFetch } from './http';

export interface NodeHttpOptions {
  /** PEM CA certificate(s) to trust, e.g. the simulator's. */
  ca?: string;
  /** Skip certificate verification (tests of the TLS error path only). */
  insecureSkipVerify?: boolean;
  /** TLS server name to verify instead of the URL's host. */
  serverName?: string;
}

export function nodeHttpFetch(options: NodeHttpOptions = {}): HttpFetch {
  return (request) =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, {
        method: request.method,
        headers: request.headers,
        signal: request.signal,
        ca: options.ca,
        rejectUnauthorized: !options.insecureSkipVerify,
        servername: options.serverName,
        // One connection per request keeps tests independent of socket reuse.
        agent: false,
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) {
              headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
            }
          }
          let body: unknown = text;
          if (request.responseType === 'json' && text !== '') {
            try {
              body = JSON.parse(text);
            } catch {
              // Not JSON (e.g. "404 page not found"): the text is the body, the client maps it.
            }
          }
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers, body });
        });
      });
      req.on('error', reject);
      req.end(request.body);
    });
}
