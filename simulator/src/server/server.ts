/**
 * The Kubernetes API over HTTP(S): authentication, RBAC, fault injection, then discovery, reads (list/get/watch,
 * Tables), logs and the writes actions need. Responses mirror kube-apiserver's shapes, headers and errors.
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import { Simulation, PodBehavior } from '../cluster/simulation';
import { KubeObject, Json } from '../cluster/store';
import { KindInfo, apiVersionOf } from '../cluster/kinds';
import { Discovery } from './discovery';
import { parseResourceRequest, ResourceRequest } from './request';
import { ApiError, errors } from './status';
import { formatLabelSelector } from './selectors';
import { decodeContinue, encodeContinue, paginate } from './paging';
import { printerFor, tableRowJson } from './tables';
import { PATCH_TYPES } from './patch';
import { Rbac, UserInfo, RequestAttributes, PolicyRule } from './rbac';
import { TokenAuthenticator } from './auth';
import { Faults, FaultRule, faultError, validateFault } from './faults';
import { resetConnection, sendInvalidJson, sendSlowHeaders, sleep } from '../../../testbed/fault-proxy/src/wire';
import { logLines, formatLine, lineAt, LogOptions } from './logs';
import { serveWatch } from './watch';
import { isProtobuf, decodeReview } from './protobuf';
import { wantsTable, includeOf, storeOf, present, filterOf } from './views';

export interface ApiServerOptions {
  sim: Simulation;
  discovery: Discovery;
  rbac: Rbac;
  auth: TokenAuthenticator;
  faults: Faults;
  /** Lifetime of continue tokens before 410 Expired. */
  continueTtlSeconds: number;
  /** How often watches that allow bookmarks get one. */
  bookmarkSeconds: number;
  tls?: { cert: string; key: string };
  /** Who requests without a token are (none: they get 401); kubectl sends no token over plain HTTP. */
  anonymous?: UserInfo;
}

/** Responses at least this large are gzipped when the client accepts it (kube-apiserver's threshold). */
const GZIP_MIN_BYTES = 128 * 1024;
const MAX_BODY = 3 * 1024 * 1024;

export function createApiServer(options: ApiServerOptions): http.Server {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(options, req, res).catch((error) => {
      const apiError = error instanceof ApiError ? error : errors.internal((error as Error).message);
      if (!(error instanceof ApiError)) {
        console.error(error);
      }
      if (!res.headersSent) {
        sendError(req, res, apiError);
      } else {
        res.destroy();
      }
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 65000;
  return server;
}

function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {}
): void {
  const gzip = body.length >= GZIP_MIN_BYTES && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const payload = gzip ? gzipSync(body, { level: 1 }) : Buffer.from(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'X-Kubernetes-Pf-Flowschema-Uid': 'simulator',
    ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    'Content-Length': String(payload.length),
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

function sendError(req: IncomingMessage, res: ServerResponse, error: ApiError): void {
  sendJson(req, res, error.code, JSON.stringify(error.toStatus()), error.headers);
}

/** A JSON body; access reviews may also come as protobuf, which kubectl ≥ 1.3x sends for them. */
async function readBody(req: IncomingMessage, allowProtobufReview = false): Promise<Json> {
  const contentType = String(req.headers['content-type'] ?? 'application/json')
    .split(';')[0]
    .trim();
  const protobuf = allowProtobufReview && contentType === 'application/vnd.kubernetes.protobuf';
  // Other bodies than JSON get the apiserver's 415, naming what is accepted.
  if (
    (req.method === 'POST' || req.method === 'PUT') &&
    !protobuf &&
    !['application/json', '*/*', ''].includes(contentType)
  ) {
    throw errors.unsupportedMediaType(contentType, ['application/json', 'application/yaml']);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) {
      throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  if (protobuf && isProtobuf(body)) {
    return decodeReview(body);
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw errors.badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
  }
}

const isLoopback = (req: IncomingMessage) => /^(127\.|::1$|::ffff:127\.)/.test(req.socket.remoteAddress ?? '');

async function handle(options: ApiServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const query = url.searchParams;
  const method = req.method ?? 'GET';

  if (path.startsWith('/__sim/')) {
    return handleAdmin(options, req, res, path);
  }
  if (['/healthz', '/livez', '/readyz'].includes(path)) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
    return;
  }

  const watchParam = ['1', 'true'].includes(query.get('watch') ?? '');
  const request = parseResourceRequest(path, method, watchParam, options.discovery);
  const user =
    options.auth.authenticate(req.headers.authorization) ?? (req.headers.authorization ? undefined : options.anonymous);
  const attributes: RequestAttributes = request
    ? {
        verb: request.verb,
        resource: request.kind.resource,
        subresource: request.subresource,
        apiGroup: request.kind.group,
        namespace: request.namespace,
        name: request.name,
        path,
      }
    : { verb: method === 'HEAD' ? 'get' : method.toLowerCase(), path };
  const fired = options.faults.select(path, method, request?.kind.resource);
  if (await applyFaults(fired, req, res, user?.name ?? 'system:anonymous', attributes)) {
    return;
  }
  if (!user) {
    throw errors.unauthorized();
  }
  options.rbac.authorize(user, attributes);

  if (!request) {
    return handleDiscovery(options, req, res, path);
  }
  const respond = (status: number, body: string) => sendJson(req, res, status, body);
  const { sim } = options;
  const kind = request.kind;
  const dryRun = ['create', 'update', 'patch', 'delete'].includes(request.verb) && dryRunOf(query);
  if (dryRun && request.verb === 'create' && !kind.virtual) {
    throw errors.badRequest('dryRun: the simulator supports server-side dry runs of patch, update and delete only');
  }
  switch (request.verb) {
    case 'list':
      return respond(200, listBody(options, request, query, req.headers.accept));
    case 'watch':
      return serveWatch(options, request, query, req, res, wantsTable(req.headers.accept), includeOf(query));
    case 'get':
      if (request.subresource === 'log') {
        return serveLogs(sim, request, query, res);
      }
      return respond(200, getBody(options, request, req.headers.accept, query));
    case 'create':
      if (kind.virtual) {
        return respond(201, JSON.stringify(review(options.rbac, user, kind, await readBody(req, true))));
      }
      return respond(201, sim.store.json(create(sim, request, await readBody(req))));
    case 'patch':
    case 'update': {
      const contentType = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        .trim();
      if (request.verb === 'patch' && !(contentType in PATCH_TYPES)) {
        throw errors.unsupportedMediaType(contentType, Object.keys(PATCH_TYPES));
      }
      const body = await readBody(req);
      const result = write(
        sim,
        request,
        (current) =>
          request.verb === 'patch' ? PATCH_TYPES[contentType as keyof typeof PATCH_TYPES](current, body) : body,
        dryRun
      );
      return respond(200, JSON.stringify(result));
    }
    case 'delete':
      return respond(200, deleteObject(sim, request, dryRun));
    default:
      throw errors.methodNotAllowed(request.verb, kind.resource);
  }
}

// ---------- faults and admin ----------

async function applyFaults(
  rules: FaultRule[],
  req: IncomingMessage,
  res: ServerResponse,
  userName: string,
  attributes: RequestAttributes
): Promise<boolean> {
  for (const rule of rules) {
    switch (rule.type) {
      case 'latency':
        await sleep(rule.ms ?? 1000);
        break;
      case 'reset':
        resetConnection(req.socket);
        return true;
      case 'truncate':
        // Promise a long body, send half of a JSON document, then drop the connection.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '4096' });
        res.write(
          '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":'
        );
        setTimeout(() => res.destroy(), 50);
        return true;
      case 'invalid-json':
        sendInvalidJson(res);
        return true;
      case 'slow-headers':
        await sendSlowHeaders(res, rule.ms ?? 5000);
        return true;
      default:
        sendError(req, res, faultError(rule, userName, attributes));
        return true;
    }
  }
  return false;
}

async function handleAdmin(
  options: ApiServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string
): Promise<void> {
  const user = options.auth.authenticate(req.headers.authorization);
  if (!isLoopback(req) && !user?.groups.includes('system:masters')) {
    throw new ApiError(403, 'Forbidden', 'the simulator admin endpoints need an admin token or a loopback client');
  }
  const ok = (body: unknown) => sendJson(req, res, 200, JSON.stringify(body));
  if (path === '/__sim/faults') {
    switch (req.method) {
      case 'GET':
        return ok({ rules: options.faults.rules });
      case 'PUT':
      case 'POST': {
        const body = await readBody(req);
        const incoming: unknown[] = Array.isArray(body) ? body : Array.isArray(body?.rules) ? body.rules : [body];
        let rules: FaultRule[];
        try {
          rules = incoming.map((r, i) => validateFault(r, `rule ${i}`));
        } catch (error) {
          throw errors.badRequest((error as Error).message);
        }
        if (req.method === 'PUT') {
          options.faults.replace(rules);
        } else {
          options.faults.append(rules);
        }
        return ok({ rules: options.faults.rules });
      }
      case 'DELETE':
        options.faults.clear();
        return ok({ rules: [] });
    }
  }
  if (path === '/__sim/tick' && req.method === 'POST') {
    options.sim.tick();
    return ok({
      resourceVersion: String(options.sim.store.resourceVersion),
      now: new Date(options.sim.clock.now()).toISOString(),
    });
  }
  throw errors.pathNotFound();
}

// ---------- discovery ----------

function handleDiscovery(options: ApiServerOptions, req: IncomingMessage, res: ServerResponse, path: string): void {
  const { discovery } = options;
  const parts = path.split('/').filter(Boolean);
  let body: object | undefined;
  if (path === '/version') {
    body = discovery.version();
  } else if (path === '/api') {
    body = discovery.coreVersions(req.headers.host ?? 'simulator');
  } else if (path === '/apis') {
    body = discovery.groupList();
  } else if (parts[0] === 'api' && parts.length === 2) {
    body = discovery.resourceList('', parts[1]);
  } else if (parts[0] === 'apis' && parts.length === 2) {
    body = discovery.apiGroup(parts[1]);
  } else if (parts[0] === 'apis' && parts.length === 3) {
    body = discovery.resourceList(parts[1], parts[2]);
  }
  if (!body) {
    throw errors.pathNotFound();
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw errors.methodNotAllowed(req.method ?? '', path);
  }
  sendJson(req, res, 200, JSON.stringify(body));
}

// ---------- reads ----------

function listBody(
  options: ApiServerOptions,
  request: ResourceRequest,
  query: URLSearchParams,
  accept: string | undefined
): string {
  const { sim } = options;
  const { kind } = request;
  const resource = storeOf(kind);
  const filter = filterOf(kind, query);
  const limit = Number(query.get('limit') ?? 0);
  if (!Number.isInteger(limit) || limit < 0) {
    throw errors.badRequest(`limit: Invalid value: "${query.get('limit')}": must be a non-negative integer`);
  }
  const now = sim.clock.now();
  const continueText = query.get('continue');
  const token = continueText ? decodeContinue(continueText, Date.now(), options.continueTtlSeconds) : undefined;
  const resourceVersion = token?.resourceVersion ?? sim.store.resourceVersion;
  const keys = sim.store.keys(resource, request.namespace);
  const page = paginate(keys, token?.start, limit, (key) => filter.matches(sim.store.getByKey(resource, key)!));
  const objects = page.keys.map((key) => sim.store.getByKey(resource, key)!);
  const meta: Record<string, string | number> = { resourceVersion: String(resourceVersion) };
  if (page.next !== undefined) {
    meta.continue = encodeContinue({ resourceVersion, start: page.next, issuedAt: token?.issuedAt ?? Date.now() });
    if (filter.empty) {
      meta.remainingItemCount = page.remaining;
    }
  }
  if (wantsTable(accept)) {
    const printer = printerFor(kind.resource);
    const include = includeOf(query);
    const rows = objects.map((o) => tableRowJson(printer, o, now, include, () => present(sim, kind, o)));
    return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(meta)},"columnDefinitions":${JSON.stringify(printer.columns)},"rows":[${rows.join(',')}]}`;
  }
  const items = objects.map((o) => present(sim, kind, o));
  return `{"kind":"${kind.kind}List","apiVersion":"${apiVersionOf(kind)}","metadata":${JSON.stringify(meta)},"items":[${items.join(',')}]}`;
}

function mustGet(sim: Simulation, request: ResourceRequest): KubeObject {
  const object = sim.store.get(storeOf(request.kind), request.namespace, request.name!);
  if (!object) {
    throw errors.notFound(request.kind.resource, request.kind.group, request.name!);
  }
  return object;
}

function getBody(
  options: ApiServerOptions,
  request: ResourceRequest,
  accept: string | undefined,
  query: URLSearchParams
): string {
  const { sim } = options;
  const object = mustGet(sim, request);
  if (request.subresource === 'scale') {
    return JSON.stringify(scaleOf(object));
  }
  if (wantsTable(accept) && !request.subresource) {
    const printer = printerFor(request.kind.resource);
    const row = tableRowJson(printer, object, sim.clock.now(), includeOf(query), () =>
      present(sim, request.kind, object)
    );
    return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"${object.metadata.resourceVersion}"},"columnDefinitions":${JSON.stringify(printer.columns)},"rows":[${row}]}`;
  }
  return present(sim, request.kind, object);
}

function scaleOf(object: KubeObject): Json {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: object.spec.replicas ?? 1 },
    status: { replicas: object.status?.replicas ?? 0, selector: formatLabelSelector(object.spec.selector) },
  };
}

function serveLogs(sim: Simulation, request: ResourceRequest, query: URLSearchParams, res: ServerResponse): void {
  const pod = mustGet(sim, request);
  const number = (name: string) => {
    const value = query.get(name);
    if (value === null) {
      return undefined;
    }
    if (!/^\d+$/.test(value)) {
      throw errors.badRequest(`${name}: Invalid value: "${value}": must be a non-negative integer`);
    }
    return Number(value);
  };
  const options: LogOptions = {
    container: query.get('container') ?? undefined,
    previous: query.get('previous') === 'true',
    timestamps: query.get('timestamps') === 'true',
    tailLines: number('tailLines'),
    sinceSeconds: number('sinceSeconds'),
    limitBytes: number('limitBytes'),
  };
  const { lines, nextIndex, seed, start, period } = logLines(pod, options, sim.clock.now());
  let text = lines.join('');
  if (options.limitBytes !== undefined) {
    text = Buffer.from(text).subarray(0, options.limitBytes).toString('utf8');
  }
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    ...(query.get('follow') === 'true' ? {} : { 'Content-Length': String(Buffer.byteLength(text)) }),
  });
  if (query.get('follow') !== 'true' || options.previous) {
    res.end(text);
    return;
  }
  res.write(text);
  // Follow: one new line per period until the client goes away.
  let index = nextIndex;
  const timer = setInterval(() => {
    res.write(formatLine(lineAt(seed, index), start + index * period * 1000, options.timestamps));
    index++;
  }, period * 1000);
  res.on('close', () => clearInterval(timer));
}

// ---------- writes ----------

const SCALABLE = new Set(['deployments', 'statefulsets', 'replicasets']);

/** Applies a change to a stored object (or its /scale view), then lets the controllers react. */
/** `dryRun=All`: the write is validated and answered but not stored (server-side dry run). */
function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  const unsupported = values.find((v) => v !== 'All');
  if (unsupported !== undefined) {
    throw errors.badRequest(`dryRun: Unsupported value: "${unsupported}": supported values: "All"`);
  }
  return values.length > 0;
}

function write(sim: Simulation, request: ResourceRequest, change: (current: Json) => Json, dryRun = false): Json {
  const { kind } = request;
  if (kind.storedIn || (request.subresource && request.subresource !== 'scale' && request.subresource !== 'status')) {
    throw errors.methodNotAllowed(request.verb, kind.resource);
  }
  const current = mustGet(sim, request);
  const resource = kind.resource;
  const qualifiedName = kind.group ? `${resource}.${kind.group}` : resource;
  if (request.subresource === 'scale') {
    const scale = change(scaleOf(current));
    const replicas = scale?.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid(
        'Scale',
        request.name!,
        'autoscaling',
        'spec.replicas',
        `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`
      );
    }
    checkResourceVersion(scale, current, qualifiedName);
    const next = { ...current, spec: { ...current.spec, replicas } };
    if (dryRun) {
      return scaleOf(next);
    }
    applyUpdate(sim, resource, current, next);
    return scaleOf(sim.store.get(resource, request.namespace, request.name!)!);
  }
  const next = change(structuredClone(current));
  if (typeof next !== 'object' || next === null || Array.isArray(next)) {
    throw errors.badRequest('the request body must be a JSON object');
  }
  if (
    next.metadata?.name !== current.metadata.name ||
    (next.metadata?.namespace ?? current.metadata.namespace) !== current.metadata.namespace
  ) {
    throw errors.badRequest(
      `the name of the object (${next.metadata?.name} based on URL) was undeterminable or did not match`
    );
  }
  checkResourceVersion(next, current, qualifiedName);
  if (SCALABLE.has(resource) && (!Number.isInteger(next.spec?.replicas ?? 1) || (next.spec?.replicas ?? 1) < 0)) {
    throw errors.invalid(
      kind.kind,
      request.name!,
      kind.group,
      'spec.replicas',
      `Invalid value: ${JSON.stringify(next.spec?.replicas)}: must be greater than or equal to 0`
    );
  }
  // Status and spec are owned by different writers: a status write keeps the spec, a spec write keeps the status.
  const merged =
    request.subresource === 'status'
      ? { ...current, status: next.status }
      : {
          ...next,
          apiVersion: current.apiVersion,
          kind: current.kind,
          status: current.status,
          metadata: {
            ...next.metadata,
            uid: current.metadata.uid,
            creationTimestamp: current.metadata.creationTimestamp,
          },
        };
  if (dryRun) {
    return merged;
  }
  applyUpdate(sim, resource, current, merged);
  return sim.store.get(resource, request.namespace, request.name!);
}

function checkResourceVersion(next: Json, current: KubeObject, qualifiedName: string): void {
  const expected = next?.metadata?.resourceVersion;
  if (expected && expected !== current.metadata.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedName} "${current.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name: current.metadata.name, kind: qualifiedName.split('.')[0] }
    );
  }
}

function applyUpdate(sim: Simulation, resource: string, current: KubeObject, next: KubeObject): void {
  const specChanged = JSON.stringify(current.spec) !== JSON.stringify(next.spec);
  if (JSON.stringify(current) === JSON.stringify(next)) {
    return;
  }
  next.metadata = { ...next.metadata };
  if (specChanged && current.metadata.generation !== undefined) {
    next.metadata.generation = current.metadata.generation + 1;
  }
  sim.store.update(resource, next);
  if (specChanged) {
    sim.reconcile(resource, next.metadata.namespace!, next.metadata.name);
    sim.reconcileParentOf(resource, next.metadata.namespace!, next.metadata.name);
    sim.settle();
  }
}

export function create(sim: Simulation, request: ResourceRequest, body: Json): KubeObject {
  const { kind } = request;
  if (kind.storedIn || request.subresource) {
    throw errors.methodNotAllowed('create', kind.resource);
  }
  if (body?.kind !== kind.kind || (body.apiVersion && body.apiVersion !== apiVersionOf(kind))) {
    throw errors.badRequest(
      `the API version in the data (${body?.apiVersion}) does not match the expected API version (${apiVersionOf(kind)})`
    );
  }
  const metadata = { ...(body.metadata ?? {}) };
  if (!metadata.name && metadata.generateName) {
    metadata.name = `${metadata.generateName}${sim.random.suffix(5)}`;
  }
  if (!metadata.name) {
    throw errors.invalid(
      kind.kind,
      '',
      kind.group,
      'metadata.name',
      'Required value: name or generateName is required'
    );
  }
  if (kind.namespaced) {
    metadata.namespace = request.namespace;
    if (!sim.store.get('namespaces', undefined, request.namespace!)) {
      throw errors.notFound('namespaces', '', request.namespace!);
    }
  }
  if (sim.store.get(kind.resource, metadata.namespace, metadata.name)) {
    throw new ApiError(
      409,
      'AlreadyExists',
      `${kind.group ? `${kind.resource}.${kind.group}` : kind.resource} "${metadata.name}" already exists`,
      { name: metadata.name, group: kind.group || undefined, kind: kind.resource }
    );
  }
  const object = sim.store.create(kind.resource, {
    ...body,
    apiVersion: apiVersionOf(kind),
    metadata: { ...metadata, uid: '', resourceVersion: '', creationTimestamp: '', generation: 1 },
    ...(kind.resource === 'namespaces' ? { status: { phase: 'Active' } } : {}),
  });
  const problem = plantedProblem(kind, metadata);
  if (problem) {
    sim.setProblem(kind.resource, metadata.namespace, metadata.name, problem);
  }
  sim.reconcile(kind.resource, metadata.namespace, metadata.name);
  sim.settle();
  return sim.store.get(kind.resource, metadata.namespace, metadata.name) ?? object;
}

export const PROBLEM_ANNOTATION = 'sim.kubeatlas.io/problem';
const BEHAVIORS: PodBehavior[] = [
  'healthy',
  'crashloop',
  'imagepull',
  'unschedulable',
  'unready',
  'failed',
  'succeeded',
];

/** `sim.kubeatlas.io/problem: crashloop` or `crashloop:2` on a created object plants that problem in its pods. */
function plantedProblem(kind: KindInfo, metadata: Json): { behavior: PodBehavior; count: number } | undefined {
  const value: string | undefined = metadata.annotations?.[PROBLEM_ANNOTATION];
  if (value === undefined) {
    return undefined;
  }
  const [behavior, count = '1'] = value.split(':');
  if (!BEHAVIORS.includes(behavior as PodBehavior) || !/^\d+$/.test(count)) {
    throw errors.invalid(
      kind.kind,
      metadata.name,
      kind.group,
      `metadata.annotations[${PROBLEM_ANNOTATION}]`,
      `Unsupported value: "${value}": supported values: ${BEHAVIORS.join(', ')}, optionally with ":<pod count>"`
    );
  }
  return { behavior: behavior as PodBehavior, count: Number(count) };
}

function deleteObject(sim: Simulation, request: ResourceRequest, dryRun: boolean): string {
  const { kind } = request;
  if (kind.storedIn || request.subresource) {
    throw errors.methodNotAllowed('delete', kind.resource);
  }
  const current = mustGet(sim, request);
  if (kind.resource === 'pods') {
    if (dryRun) {
      return JSON.stringify({
        ...current,
        metadata: {
          ...current.metadata,
          deletionTimestamp: new Date(sim.clock.now() + 30000).toISOString().replace(/\.\d+Z$/, 'Z'),
          deletionGracePeriodSeconds: 30,
        },
      });
    }
    return sim.store.json(sim.deletePod(request.namespace!, request.name!)!);
  }
  const gone = dryRun ? current : sim.store.delete(kind.resource, request.namespace, request.name!)!;
  if (!dryRun) {
    deleteDependents(sim, gone.metadata.uid, request.namespace);
    sim.settle();
  }
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: request.name,
      ...(kind.group ? { group: kind.group } : {}),
      kind: kind.resource,
      uid: gone.metadata.uid,
    },
  });
}

/** Background cascading deletion: the garbage collector removes what the deleted object owned. */
function deleteDependents(sim: Simulation, ownerUid: string, namespace: string | undefined): void {
  for (const resource of ['replicasets', 'pods', 'jobs', 'endpointslices']) {
    for (const object of sim.store.list(resource, namespace)) {
      if (object.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) {
        sim.store.delete(resource, object.metadata.namespace, object.metadata.name);
        deleteDependents(sim, object.metadata.uid, namespace);
      }
    }
  }
}

// ---------- access reviews ----------

function review(rbac: Rbac, user: UserInfo, kind: KindInfo, body: Json): Json {
  if (body?.kind !== kind.kind) {
    throw errors.badRequest(`expected a ${kind.kind}, got ${body?.kind}`);
  }
  if (kind.resource === 'selfsubjectrulesreviews') {
    const namespace = body.spec?.namespace;
    if (!namespace) {
      throw errors.invalid(kind.kind, '', kind.group, 'spec.namespace', 'Required value: no namespace on request');
    }
    const rules = user.groups.includes('system:masters')
      ? [
          { rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] } as PolicyRule },
          { rule: { verbs: ['*'], nonResourceURLs: ['*'] } as PolicyRule },
        ]
      : rbac.rulesFor(user, namespace);
    return {
      ...body,
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: {
        resourceRules: rules
          .filter(({ rule }) => !rule.nonResourceURLs)
          .map(({ rule }) => ({
            verbs: rule.verbs,
            apiGroups: rule.apiGroups,
            resources: rule.resources,
            ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}),
          })),
        nonResourceRules: rules
          .filter(({ rule }) => rule.nonResourceURLs)
          .map(({ rule }) => ({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs })),
        incomplete: false,
      },
    };
  }
  const resource = body.spec?.resourceAttributes;
  const nonResource = body.spec?.nonResourceAttributes;
  if (!resource && !nonResource) {
    throw errors.invalid(
      kind.kind,
      '',
      kind.group,
      'spec.resourceAttributes',
      'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified'
    );
  }
  const attrs: RequestAttributes = resource
    ? {
        verb: resource.verb,
        resource: resource.resource,
        subresource: resource.subresource || undefined,
        apiGroup: resource.group ?? '',
        namespace: resource.namespace || undefined,
        name: resource.name || undefined,
        path: '',
      }
    : { verb: nonResource.verb, path: nonResource.path };
  const via = rbac.allowedBy(user, attrs);
  return {
    ...body,
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    status: via ? { allowed: true, reason: `RBAC: allowed by ${via}` } : { allowed: false },
  };
}
