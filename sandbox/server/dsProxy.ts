import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { renderGoTemplate, type TemplateData } from './goTemplate';
import { grafanaVersion } from './grafanaLines';
import type { StoredDataSource } from './provisioning';
import { hasAccessToRoute, type AccessControlSettings, type OrgRole, type PermissionsMap } from './rbac';

export { roleIncludes, type OrgRole, type PluginRoleRegistration } from './rbac';

/**
 * Grafana's datasource proxy, rule for rule:
 * - pkg/services/datasourceproxy/datasourceproxy.go: proxy path = request path minus `/api/datasources/proxy/uid/:uid/`;
 * - pkg/api/pluginproxy/ds_proxy.go `validateRequest`: routes in plugin.json order, first match wins; method equal or
 *   `*`/empty; raw `strings.HasPrefix` on paths cleaned by plugins.CleanRelativePath (no `/` boundary); a matched route
 *   the user may not use (`hasAccessToRoute`, sandbox/server/rbac.ts) → 403 "plugin proxy route access denied", no
 *   fall-through; unmatched write methods on Prometheus rejected; `director`: ds url + path, X-DS-Authorization →
 *   Authorization, cookies cleared (keepCookies), User-Agent `Grafana/<version>`; `HandleRequest`: upstream 401 → 400
 *   "Authentication to data source failed";
 * - pkg/api/pluginproxy/ds_auth_provider.go `ApplyRoute` + utils.go: route url/urlParams/headers/body rendered as Go
 *   templates over .JsonData/.SecureJsonData; headers replace incoming ones (`Header.Set`);
 * - pkg/util/proxyutil/proxyutil.go + reverse_proxy.go: X-Forwarded-* / Origin / Referer handling, Set-Cookie removed,
 *   `Content-Security-Policy: sandbox` added, timeout → 504, other transport errors → 502, client gone → 499;
 *   bodies streamed as Go's httputil.ReverseProxy streams them (relayBody below);
 * - pkg/services/datasources/service/datasource.go (httpClientOptions): TLS from tlsSkipVerify, tlsAuthWithCACert +
 *   tlsCACert, tlsAuth + tlsClientCert/tlsClientKey, serverName; timeout from jsonData.timeout (seconds) else 30 s.
 */

export interface RouteTemplateEntry {
  name: string;
  content: string;
}

export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: string;
  reqAction?: string;
  url?: string;
  headers?: RouteTemplateEntry[];
  urlParams?: RouteTemplateEntry[];
  body?: unknown;
}

export interface ProxyUser {
  login: string;
  orgRole: OrgRole;
  /** What Grafana would put in bootData.user.permissions for this user (sandbox/server/rbac.ts). */
  permissions: PermissionsMap;
}

export const GRAFANA_VERSION = grafanaVersion();
const DEFAULT_TIMEOUT_SECONDS = 30;

/** pkg/plugins/utils.go CleanRelativePath: clean as an absolute path, then make it relative to `/`. */
export function cleanRelativePath(input: string): string {
  let cleaned = path.posix.normalize(`/${input}`);
  if (cleaned.length > 1 && cleaned.endsWith('/')) {
    cleaned = cleaned.slice(0, -1);
  }
  return cleaned === '/' ? '.' : cleaned.slice(1);
}

export type RouteDecision =
  { kind: 'route'; route: PluginRoute } | { kind: 'denied'; message: string } | { kind: 'none' };

export function selectRoute(
  routes: PluginRoute[],
  proxyPath: string,
  method: string,
  user: ProxyUser,
  accessControl: AccessControlSettings
): RouteDecision {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    let requested = cleanRelativePath(proxyPath);
    let declared = cleanRelativePath(route.path);
    // ds_proxy.go (grafana#116273): an empty path cleans to "." but must act as the empty prefix.
    if (requested === '.' && proxyPath !== '.') {
      requested = '';
    }
    if (declared === '.' && route.path !== '.') {
      declared = '';
    }
    if (!requested.startsWith(declared)) {
      continue;
    }
    if (!hasAccessToRoute(route, user, accessControl)) {
      return { kind: 'denied', message: 'plugin proxy route access denied' };
    }
    return { kind: 'route', route };
  }
  return { kind: 'none' };
}

/** pkg/util/strings.go JoinURLFragments. */
export function joinURLFragments(a: string, b: string): string {
  if (b.length === 0) {
    return a;
  }
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) {
    return a + b.slice(1);
  }
  if (!aSlash && !bSlash) {
    return `${a}/${b}`;
  }
  return a + b;
}

/** net/url escape(path, encodePath): every byte but letters, digits, `-_.~` and `$&+,/:;=@` as %XX. */
function goEscapePath(decoded: string): string {
  let escaped = '';
  for (const byte of Buffer.from(decoded, 'utf8')) {
    const char = String.fromCharCode(byte);
    escaped += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}

/** Split `/api/datasources/proxy/uid/<uid>/<rest>` the way datasourceproxy.go's proxyPathRegexp does. */
export function extractProxyPath(rawPath: string): { uid: string; proxyPath: string } | undefined {
  const match = /^\/api\/datasources\/proxy\/uid\/([\w-]+)\/?/.exec(rawPath);
  if (!match) {
    return undefined;
  }
  return { uid: match[1], proxyPath: rawPath.slice(match[0].length) };
}

// Go's httputil.ReverseProxy drops these in both directions.
const HOP_BY_HOP = [
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

export interface UpstreamRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface BuildUpstreamArgs {
  ds: StoredDataSource;
  route?: PluginRoute;
  proxyPath: string;
  rawQuery: string;
  method: string;
  incomingHeaders: http.IncomingHttpHeaders;
  remoteAddress?: string;
}

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(', ') : value;

/** proxyutil.ClearCookieHeader: keep only the cookies named in jsonData.keepCookies (`name`, `prefix[]`, `[]`). */
function keptCookies(cookieHeader: string | undefined, keepCookies: unknown): string | undefined {
  if (!cookieHeader || !Array.isArray(keepCookies) || keepCookies.length === 0) {
    return undefined;
  }
  const patterns = keepCookies.map(String);
  const kept = cookieHeader
    .split(';')
    .map((cookie) => cookie.trim())
    .filter((cookie) => {
      const name = cookie.split('=')[0];
      return patterns.some((pattern) =>
        pattern === '[]' ? true : pattern.endsWith('[]') ? name.startsWith(pattern.slice(0, -2)) : name === pattern
      );
    })
    .sort();
  return kept.length > 0 ? kept.join('; ') : undefined;
}

export function buildUpstreamRequest({
  ds,
  route,
  proxyPath,
  rawQuery,
  method,
  incomingHeaders,
  remoteAddress,
}: BuildUpstreamArgs): UpstreamRequest {
  const target = new URL(ds.url || 'http://invalid.invalid');
  const url = new URL(target.origin);
  // The escaped proxy path is forwarded as received (Go sends RawPath when it encodes Path).
  url.pathname = joinURLFragments(target.pathname, proxyPath);
  url.search = rawQuery;

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incomingHeaders)) {
    const flat = headerValue(value);
    if (flat !== undefined) {
      headers[name.toLowerCase()] = flat;
    }
  }
  for (const name of HOP_BY_HOP) {
    delete headers[name];
  }
  // The caller's Grafana credentials are Grafana's, never the datasource's.
  delete headers.authorization;
  delete headers.host;
  if (headers['x-ds-authorization']) {
    headers.authorization = headers['x-ds-authorization'];
    delete headers['x-ds-authorization'];
  }
  delete headers['x-grafana-user'];
  const cookie = keptCookies(headers.cookie, ds.jsonData.keepCookies);
  delete headers.cookie;
  if (cookie) {
    headers.cookie = cookie;
  }
  headers['user-agent'] = `Grafana/${GRAFANA_VERSION}`;
  // proxyutil.PrepareProxyRequest
  headers['x-grafana-referer'] = headers.referer ?? '';
  delete headers.origin;
  delete headers.referer;
  delete headers['x-forwarded-host'];
  delete headers['x-forwarded-port'];
  delete headers['x-forwarded-proto'];
  if (remoteAddress) {
    headers['x-forwarded-for'] = headers['x-forwarded-for']
      ? `${headers['x-forwarded-for']}, ${remoteAddress}`
      : remoteAddress;
  }

  let body: string | undefined;
  if (route) {
    const data: TemplateData = { JsonData: ds.jsonData, SecureJsonData: ds.secureJsonData };
    const rest = proxyPath.startsWith(route.path) ? proxyPath.slice(route.path.length) : proxyPath;
    if (route.url) {
      const routeUrl = new URL(renderGoTemplate(route.url, data));
      url.protocol = routeUrl.protocol;
      url.host = routeUrl.host;
      // ApplyRoute sets the decoded req.URL.Path to route path + the still-escaped rest, so net/url's EscapedPath
      // escapes it again: a `%2F` in the rest reaches the cluster as `%252F`, never as a slash.
      url.pathname = goEscapePath(joinURLFragments(decodeURIComponent(routeUrl.pathname), rest));
    }
    // utils.go addQueryString: url.Values.Encode() sorts by key.
    const query = new URLSearchParams(url.search);
    for (const param of route.urlParams ?? []) {
      query.append(renderGoTemplate(param.name, data), renderGoTemplate(param.content, data));
    }
    query.sort();
    url.search = query.toString();
    for (const header of route.headers ?? []) {
      headers[header.name.toLowerCase()] = renderGoTemplate(header.content, data);
    }
    if (route.body !== undefined && route.body !== null) {
      body = renderGoTemplate(typeof route.body === 'string' ? route.body : JSON.stringify(route.body), data);
    }
  }
  return { url, method, headers, body };
}

export function upstreamAgentOptions(ds: StoredDataSource): https.RequestOptions {
  const json = ds.jsonData;
  const secure = ds.secureJsonData;
  const options: https.RequestOptions = { rejectUnauthorized: json.tlsSkipVerify !== true };
  if (json.tlsAuthWithCACert === true && secure.tlsCACert) {
    options.ca = secure.tlsCACert;
  }
  if (json.tlsAuth === true && secure.tlsClientCert && secure.tlsClientKey) {
    options.cert = secure.tlsClientCert;
    options.key = secure.tlsClientKey;
  }
  if (typeof json.serverName === 'string' && json.serverName) {
    options.servername = json.serverName;
  }
  return options;
}

export function timeoutMilliseconds(ds: StoredDataSource): number {
  const seconds = Number(ds.jsonData.timeout);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

export function writeJsonError(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message }));
}

export interface ProxyContext {
  ds: StoredDataSource;
  routes: PluginRoute[];
  accessControl: AccessControlSettings;
  proxyPath: string;
  rawQuery: string;
  user: ProxyUser;
}

const PROMETHEUS_TYPES = [
  'prometheus',
  'grafana-amazonprometheus-datasource',
  'grafana-azureprometheus-datasource',
  'loki',
];

/** Proxies one browser request; resolves when the response has been fully sent (or the client went away). */
export function proxyDatasourceRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  context: ProxyContext
): Promise<void> {
  const { ds, routes, proxyPath, rawQuery, user } = context;
  const method = req.method ?? 'GET';
  const decision = selectRoute(routes, proxyPath, method, user, context.accessControl);
  if (decision.kind === 'denied') {
    writeJsonError(res, 403, decision.message);
    return Promise.resolve();
  }
  if (decision.kind === 'none' && PROMETHEUS_TYPES.includes(ds.type) && ['DELETE', 'PUT', 'POST'].includes(method)) {
    writeJsonError(res, 403, `non allow-listed ${method}s not allowed on proxied ${ds.type} datasource`);
    return Promise.resolve();
  }

  let upstream: UpstreamRequest;
  try {
    upstream = buildUpstreamRequest({
      ds,
      route: decision.kind === 'route' ? decision.route : undefined,
      proxyPath,
      rawQuery,
      method,
      incomingHeaders: req.headers,
      remoteAddress: req.socket.remoteAddress,
    });
  } catch (error) {
    writeJsonError(res, 502, `Bad Gateway: ${(error as Error).message}`);
    return Promise.resolve();
  }

  return new Promise((resolve) => {
    const transport = upstream.url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(upstream.url, {
      method,
      headers:
        upstream.body !== undefined
          ? { ...upstream.headers, 'content-length': String(Buffer.byteLength(upstream.body)) }
          : upstream.headers,
      ...(upstream.url.protocol === 'https:' ? upstreamAgentOptions(ds) : {}),
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error('timeout awaiting response headers'));
    }, timeoutMilliseconds(ds));

    // The browser went away (Grafana answers 499 to nobody): stop the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) {
        clearTimeout(timer);
        outgoing.destroy();
        resolve();
      }
    });

    outgoing.on('response', (incoming) => {
      clearTimeout(timer);
      if (incoming.statusCode === 401) {
        incoming.resume();
        const message = 'Authentication to data source failed';
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': 'sandbox' });
        res.end(message);
        resolve();
        return;
      }
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (!HOP_BY_HOP.includes(name) && name !== 'set-cookie' && value !== undefined) {
          headers[name] = value;
        }
      }
      headers['content-security-policy'] = 'sandbox';
      res.writeHead(incoming.statusCode ?? 502, headers);
      relayBody(incoming, res, resolve);
    });

    outgoing.on('error', () => {
      clearTimeout(timer);
      if (!res.headersSent) {
        res.writeHead(timedOut ? 504 : 502);
        res.end();
      } else {
        res.destroy();
      }
      resolve();
    });

    if (upstream.body !== undefined) {
      outgoing.end(upstream.body);
    } else {
      req.pipe(outgoing);
    }
  });
}

/**
 * The body as Grafana's reverse proxy relays it (a Kubernetes watch is a chunked body that stays open for minutes):
 * - pkg/util/proxyutil/reverse_proxy.go NewReverseProxy sets `FlushInterval: 200ms`, but Go's
 *   net/http/httputil/reverseproxy.go `flushInterval` returns -1 for a body without Content-Length, so
 *   `maxLatencyWriter.Write` flushes after every chunk, and `copyResponse` arms a first flush at once, so the status
 *   and headers reach the browser before the first event. Here: headers flushed now, each chunk written as it comes.
 * - `copyResponse` is io.Copy: a browser that reads slowly stops the reads from the cluster. pipeline() keeps that
 *   backpressure instead of buffering the body in the proxy.
 * - a body that breaks mid-way makes ServeHTTP `panic(http.ErrAbortHandler)`: the browser's stream is cut, not ended
 *   cleanly. pipeline() destroys the response on an upstream error.
 * - the response header timeout (grafana-plugin-sdk-go backend/httpclient/http_client.go GetTransport:
 *   `ResponseHeaderTimeout: Timeouts.Timeout`, Go's Transport: "does not include the time to read the response
 *   body") was cleared when the headers came; nothing bounds the body.
 * - a browser that goes away cancels the request context, which Go's Transport turns into closing the upstream
 *   connection (ServeHTTP: `outreq := req.Clone(ctx)`); pipeline() destroys the upstream response when `res` closes.
 */
function relayBody(incoming: http.IncomingMessage, res: http.ServerResponse, done: () => void): void {
  res.flushHeaders();
  pipeline(incoming, res, () => done());
}
