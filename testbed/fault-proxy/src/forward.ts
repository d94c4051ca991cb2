/**
 * Passing requests to the upstream apiserver and its answers back, unchanged and unbuffered: bodies are piped both
 * ways (watch streams and chunked lists flow as the upstream writes them; gzip stays gzip), the Authorization header
 * goes through, only hop-by-hop headers are dropped. A truncating rule is the one place a body is held back.
 */
import http, { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { KubeStatus, statusBody } from './statuses';

export interface Upstream {
  url: URL;
  agent: http.Agent;
}

export function createUpstream(url: string, ca: string | undefined): Upstream {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`upstream "${url}" is not a URL; give the apiserver's, e.g. https://127.0.0.1:6443`);
  }
  if (parsed.protocol === 'https:' && !ca) {
    throw new Error(`upstream ${url} is HTTPS: give the CA that signed its certificate (upstreamCa / --upstream-ca)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`upstream ${url}: only https:// and http:// are supported`);
  }
  // Watches hold their connection for minutes: no cap on sockets per host, idle ones kept for the next request.
  const options = { keepAlive: true, maxSockets: Infinity };
  const agent = parsed.protocol === 'https:' ? new https.Agent({ ...options, ca }) : new http.Agent(options);
  return { url: parsed, agent };
}

// RFC 9110 §7.6.1: meaningful for one connection only. Expect is answered by this server, not forwarded.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
];

function endToEnd(headers: IncomingHttpHeaders, keep: string[] = []): OutgoingHttpHeaders {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && (keep.includes(name) || (!HOP_BY_HOP.includes(name) && !listed.includes(name)))) {
      result[name] = value;
    }
  }
  return result;
}

function upstreamRequest(upstream: Upstream, req: IncomingMessage, headers: OutgoingHttpHeaders): http.ClientRequest {
  const { url, agent } = upstream;
  const client = url.protocol === 'https:' ? https : http;
  return client.request({
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port,
    method: req.method,
    path: `${url.pathname.replace(/\/$/, '')}${req.url}`,
    headers: { ...headers, host: url.host },
    agent,
  });
}

const TLS_TRUST_ERRORS = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
];

/** The proxy's own 502 when the upstream cannot be reached: says it is the proxy's, names the cause and the fix. */
export function upstreamFailure(upstream: Upstream, error: NodeJS.ErrnoException): KubeStatus {
  const target = upstream.url.origin;
  const fix = TLS_TRUST_ERRORS.includes(error.code ?? '')
    ? `its certificate is not trusted: give the CA that signed it as upstreamCa / --upstream-ca, and reach it by a name or address in the certificate`
    : `start it, or point upstream / --upstream at the apiserver`;
  return {
    code: 502,
    reason: 'InternalError',
    message: `fault-proxy: the upstream apiserver ${target} did not answer (${error.code ?? 'error'}: ${error.message}); ${fix}`,
    details: {},
  };
}

export function sendStatus(res: ServerResponse, status: KubeStatus): void {
  const body = statusBody(status);
  res.writeHead(status.code, {
    ...status.headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Forwards one request. With `truncate`, the client gets the status and headers, then half the body (half the first
 * chunk of a watch, whose body never ends), and the connection closes short of the length it was promised. With
 * `stall`, the status and headers and nothing more, until the client leaves.
 */
export function forward(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    truncate: boolean;
    /** The upstream's status and headers, then silence: the body is dropped and the connection held open. */
    stall?: boolean;
    watch: boolean;
    onBytes: (bytes: number) => void;
    onError: (status: KubeStatus) => void;
  }
): void {
  const outgoing = upstreamRequest(upstream, req, endToEnd(req.headers));
  outgoing.on('response', (answer) => {
    const headers = endToEnd(answer.headers);
    if (options.truncate) {
      return truncated(answer, res, headers, options.watch, options.onBytes);
    }
    if (options.stall) {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      res.flushHeaders();
      // Even when the upstream ends, the client waits on: a stream held by a middlebox that stopped relaying.
      answer.resume();
      return;
    }
    answer.on('data', (chunk: Buffer) => options.onBytes(chunk.length));
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
    // Watches answer headers first and events later: the client must see the headers now, not with the first event.
    res.flushHeaders();
    // On either side's failure the other is destroyed: a broken upstream stream breaks the client's, and a client
    // that goes away closes its upstream watch.
    pipeline(answer, res, () => undefined);
  });
  outgoing.on('error', (error) => {
    if (res.headersSent || res.destroyed) {
      res.destroy();
    } else {
      options.onError(upstreamFailure(upstream, error));
    }
  });
  res.on('close', () => {
    if (!res.writableFinished) {
      outgoing.destroy();
    }
  });
  pipeline(req, outgoing, () => undefined);
}

function truncated(
  answer: IncomingMessage,
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
  watch: boolean,
  onBytes: (bytes: number) => void
): void {
  const chunks: Buffer[] = [];
  let done = false;
  const cut = (body: Buffer) => {
    if (done) {
      return;
    }
    done = true;
    answer.destroy();
    const half = body.subarray(0, Math.floor(body.length / 2));
    if (!watch) {
      headers['content-length'] = body.length;
    }
    res.writeHead(answer.statusCode ?? 200, answer.statusMessage, headers);
    onBytes(half.length);
    // A graceful close after the half: it reaches the client, which then finds the body short.
    res.write(half, () => res.socket?.end());
  };
  answer.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (watch) {
      cut(chunk);
    }
  });
  answer.on('end', () => cut(Buffer.concat(chunks)));
  answer.on('error', () => res.destroy());
}

/**
 * An Upgrade request (exec, attach, port-forward): the upstream's 101 and then raw bytes both ways. Any other answer
 * (a 403, a 400) is relayed as it comes and the connection closes after it.
 */
export function forwardUpgrade(upstream: Upstream, req: IncomingMessage, socket: Socket, head: Buffer): void {
  const outgoing = upstreamRequest(upstream, req, endToEnd(req.headers, ['connection', 'upgrade']));
  // The upstream's status line and headers as bytes. A relayed body arrives de-chunked, so it goes out delimited by
  // the close instead of its original framing.
  const rawHead = (answer: IncomingMessage, upgraded: boolean) => {
    const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) {
      const name = answer.rawHeaders[i];
      if (upgraded || !['transfer-encoding', 'connection', 'keep-alive'].includes(name.toLowerCase())) {
        lines.push(`${name}: ${answer.rawHeaders[i + 1]}`);
      }
    }
    if (!upgraded) {
      lines.push('Connection: close');
    }
    return `${lines.join('\r\n')}\r\n\r\n`;
  };
  outgoing.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
    socket.write(rawHead(answer, true));
    upstreamSocket.write(head);
    socket.write(upstreamHead);
    socket.pipe(upstreamSocket).pipe(socket);
    // Either side closing or failing ends the other.
    socket.on('close', () => upstreamSocket.destroy()).on('error', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy()).on('error', () => socket.destroy());
  });
  outgoing.on('response', (answer) => {
    // Not upgraded: relay the answer, then close.
    socket.write(rawHead(answer, false));
    answer.pipe(socket);
    answer.on('end', () => socket.end());
  });
  outgoing.on('error', (error) => {
    const status = upstreamFailure(upstream, error);
    const body = statusBody(status);
    socket.end(
      `HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
    );
  });
  socket.on('error', () => outgoing.destroy());
  outgoing.end();
}
