/**
 * The fault proxy: an HTTPS reverse proxy in front of a real kube-apiserver that applies fault rules to the requests
 * they match (latency, Status errors, dropped or truncated connections, broken JSON, slow headers) and forwards the
 * rest untouched. A test points its client at `url` (trusting `caPem`) and changes faults with `setFaults`.
 *
 *   const proxy = await startFaultProxy({ upstream, upstreamCa, ca: { cert, key }, adminToken, port: 0 });
 *   await proxy.setFaults([{ type: 'error', status: 503, resource: 'pods', count: 2 }]);
 *   proxy.stats(); await proxy.close();
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { generateServerCert, PemPair } from './certificates';
import { handleAdmin, isAdminPath } from './admin';
import { createUpstream, forward, forwardUpgrade, sendStatus, Upstream } from './forward';
import { requestAttributes, RequestAttributes } from './requestInfo';
import { Faults, FaultRule, FaultStats, PROXY_FAULT_TYPES, validateFault } from './rules';
import { faultStatus, KubeStatus } from './statuses';
import { resetConnection, sendInvalidJson, sendSlowHeaders, sendWatchError, sleep } from './wire';

export interface FaultProxyOptions {
  /** The apiserver, e.g. https://127.0.0.1:6443. */
  upstream: string;
  /** PEM of the CA that signed the upstream's certificate (required for https). */
  upstreamCa?: string;
  /** A CA (PEM cert and key) to sign the proxy's own serving certificate with: clients that trust it trust the proxy. */
  ca?: PemPair;
  /** Or a ready serving certificate, with the CA clients should trust (default: the certificate itself). */
  serverCert?: PemPair & { ca?: string };
  /** Names and addresses the made certificate is valid for, besides 127.0.0.1, localhost and ::1. */
  sans?: string[];
  /** The token `/__faults` wants (`Authorization: Bearer <token>`). */
  adminToken: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Rules in force from the start. */
  faults?: FaultRule[];
  /** Rolls `rate`; default Math.random. */
  random?: () => number;
  /** Where the proxy's own failures are told (an unreachable upstream); default stderr. */
  log?: (line: string) => void;
}

export interface RunningFaultProxy {
  url: string;
  /** The CA clients verify the proxy with. */
  caPem: string;
  /** Replaces the rules (checked like `PUT /__faults`) and starts the counters afresh. */
  setFaults(rules: object[]): void;
  stats(): FaultStats;
  close(): Promise<void>;
}

const DEFAULT_SANS = ['127.0.0.1', 'localhost', '::1'];

function servingCertificate(options: FaultProxyOptions): PemPair & { ca: string } {
  if (options.serverCert) {
    return { ...options.serverCert, ca: options.serverCert.ca ?? options.serverCert.cert };
  }
  if (!options.ca) {
    throw new Error(
      'fault-proxy needs a serving certificate: give the CA clients trust (ca: { cert, key } / --ca-cert and --ca-key), or a ready certificate (serverCert / --cert and --key)'
    );
  }
  const cert = generateServerCert(options.ca, [...DEFAULT_SANS, ...(options.sans ?? [])], 'kubeatlas-fault-proxy');
  return { ...cert, ca: options.ca.cert };
}

const isWatch = (attrs: RequestAttributes) => attrs.verb === 'watch';

/** Who the upstream says the caller is (authentication.k8s.io/v1 SelfSubjectReview), for the forbidden message. */
function userLookup(upstream: Upstream) {
  const known = new Map<string, Promise<string>>();
  const ask = (authorization: string) =>
    new Promise<string>((resolve) => {
      const client = upstream.url.protocol === 'https:' ? https : http;
      const request = client.request(
        new URL('/apis/authentication.k8s.io/v1/selfsubjectreviews', upstream.url),
        {
          method: 'POST',
          agent: upstream.agent,
          headers: { Authorization: authorization, 'Content-Type': 'application/json', Accept: 'application/json' },
        },
        (answer) => {
          let text = '';
          answer.setEncoding('utf8').on('data', (chunk) => (text += chunk));
          answer.on('end', () => {
            try {
              resolve(JSON.parse(text)?.status?.userInfo?.username ?? 'system:anonymous');
            } catch {
              resolve('system:anonymous');
            }
          });
        }
      );
      request.on('error', () => resolve('system:anonymous'));
      request.end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }));
    });
  return (authorization: string | undefined): Promise<string> => {
    if (!authorization) {
      return Promise.resolve('system:anonymous');
    }
    if (!known.has(authorization)) {
      known.set(authorization, ask(authorization));
    }
    return known.get(authorization)!;
  };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<RunningFaultProxy> {
  if (!options.adminToken) {
    throw new Error('fault-proxy needs an admin token (adminToken / --admin-token) to guard /__faults');
  }
  const upstream = createUpstream(options.upstream, options.upstreamCa);
  const serving = servingCertificate(options);
  const faults = new Faults(options.random);
  faults.replace((options.faults ?? []).map((rule, i) => validateFault(rule, `fault ${i}`, PROXY_FAULT_TYPES)));
  const log = options.log ?? ((line: string) => console.error(line));
  const userOf = userLookup(upstream);

  const send = (res: ServerResponse, status: KubeStatus) => {
    if (!res.headersSent && !res.destroyed) {
      sendStatus(res, status);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (isAdminPath(path)) {
      return handleAdmin(faults, options.adminToken, req, res, path);
    }
    faults.opened();
    res.on('close', () => faults.closed());
    const method = req.method ?? 'GET';
    const attrs = requestAttributes(method, url);
    let truncate = false;
    let stall = false;
    for (const rule of faults.select(path, method, attrs.resource)) {
      if (rule.type === 'latency') {
        await sleep(rule.ms ?? 1000);
        if (req.socket.destroyed) {
          return; // the client gave up while it waited
        }
        continue;
      }
      if (rule.type === 'truncate' || rule.type === 'stall') {
        truncate ||= rule.type === 'truncate';
        stall ||= rule.type === 'stall';
        continue;
      }
      // The others answer in the upstream's place; the request body is not wanted.
      req.resume();
      switch (rule.type) {
        case 'reset':
          return resetConnection(req.socket);
        case 'invalid-json':
          return sendInvalidJson(res);
        case 'slow-headers':
          return sendSlowHeaders(res, rule.ms ?? 5000);
        case 'watch-error':
          return sendWatchError(res, faultStatus({ ...rule, type: 'error' }, '', attrs));
        default: {
          const user = rule.type === 'forbidden' && !rule.user ? await userOf(req.headers.authorization) : '';
          return send(res, faultStatus(rule, user, attrs));
        }
      }
    }
    forward(upstream, req, res, {
      truncate,
      stall,
      watch: isWatch(attrs),
      onBytes: (bytes) => faults.relayed(bytes),
      onError: (status) => {
        log(status.message);
        send(res, status);
      },
    });
  };

  const server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    handle(req, res).catch((error: Error) => {
      log(`fault-proxy: ${req.method} ${req.url}: ${error.stack ?? error.message}`);
      send(res, { code: 500, reason: 'InternalError', message: `fault-proxy: ${error.message}`, details: {} });
    });
  });
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    forwardUpgrade(upstream, req, socket, head);
  });
  // A TLS handshake that fails (a client that does not trust the CA) is the client's to report, not a crash here.
  server.on('tlsClientError', () => undefined);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `fault-proxy: port ${options.port} on ${host} is in use; pick another (--port) or 0 for a free one`
            : `fault-proxy: cannot listen on ${host}:${options.port ?? 0}: ${error.message}`
        )
      )
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  return {
    url: `https://${urlHost}:${port}`,
    caPem: serving.ca,
    setFaults: (rules) => faults.replace(rules.map((rule, i) => validateFault(rule, `rule ${i}`, PROXY_FAULT_TYPES))),
    stats: () => faults.stats(),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open watches and idle keep-alive connections would hold close() for minutes.
      server.closeAllConnections();
      upgraded.forEach((socket) => socket.destroy());
      upstream.agent.destroy();
      await closed;
    },
  };
}
