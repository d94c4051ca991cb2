/**
 * Kubernetes API client over Grafana's datasource proxy (or straight to an API server in node tests).
 *
 * How to use it:
 *
 *   // Browser (pages, datasource.ts):
 *   const client = new K8sClient({ routes: grafanaProxyRoutes(dsUid), fetch: backendSrvFetch(getBackendSrv()) });
 *   // Node tests / tools, straight to an API server (see src/k8s/nodeHttp.ts):
 *   const client = new K8sClient({ routes: directRoutes(url), fetch: nodeHttpFetch({ ca }), headers: { Authorization: `Bearer ${token}` } });
 *
 *   const pods = await client.list('Pod', { signal });             // one paged cluster-wide LIST (limit 500 + continue)
 *   const all = await client.listKinds(KIND_NAMES, { signal });     // every kind; one failing kind does not stop others
 *   const snapshot = buildSnapshot(all);                            // src/model/snapshot.ts: normalized model + relations
 *
 * Every failure is a typed K8sError (src/k8s/errors.ts) whose message names the cause and the fix. Cancel with an
 * AbortSignal (navigation, refresh): the pending request aborts and the call rejects with CancelledError.
 * Retries: 429, 500, 502, 503 and connection failures are retried up to `retry.maxRetries` times with exponential
 * backoff and jitter, honouring Retry-After (header, or the Status body's details.retryAfterSeconds, which is all the
 * browser sees through backendSrv). Writes (PATCH/POST/DELETE) are retried on 429 only: a 5xx may have applied them.
 */
import {
  ApiMissingError,
  CancelledError,
  errorFromNetwork,
  errorFromResponse,
  ExpiredError,
  BadResponseError,
  isKubernetesStatus,
  K8sError,
  TimeoutError,
  type RequestContext,
  type ResourceInfo,
} from './errors';
import { deletePodRequest, restartRequest, scaleRequest, type RestartableKind, type ScalableKind } from './actions';
import type { HttpFetch, HttpMethod, HttpResponse } from './http';
import { logApiRequest, type LogRequest } from './logs';
import { groupVersion, KINDS, resourcePath, type KindInfo } from './kinds';
import type { RouteName, RouteUrls } from './routes';
import type { KindName } from '../model/types';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  /** Cap of one backoff delay, and of an honoured Retry-After. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };
export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface K8sClientOptions {
  /** Base URL per route: grafanaProxyRoutes(dsUid) in the browser, directRoutes(clusterUrl) in node. */
  routes: RouteUrls;
  fetch: HttpFetch;
  /** Extra headers (direct mode: Authorization). Never set Authorization through Grafana: the route adds it. */
  headers?: Record<string, string>;
  /** Per-request timeout (each page and each retry attempt). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  pageSize?: number;
  /** Injectable for tests; must reject with CancelledError when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ListOptions extends RequestOptions {
  /** Restrict to one namespace (the pages list cluster-wide; this is for datasource queries). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  pageSize?: number;
  /**
   * Any state at least as new as this resourceVersion will do: the API server answers from its watch cache instead
   * of a quorum read (a relist after a watch ends; scripts/bench-list-forms.ts measured 0.8× the apiserver CPU).
   */
  notOlderThan?: string;
  /** Called with each page's items as it arrives (progress, streaming); the next page waits for its promise. */
  onPage?: (items: RawObject[]) => void | Promise<void>;
}

/** A Kubernetes object as the API returns it. Normalize it (src/model/normalize.ts) before keeping it. */
export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** What a call cost: `requests` counts HTTP attempts, retries included. */
export interface RequestStats {
  requests: number;
  pages: number;
  retries: number;
  /** List restarts after a 410 Expired continue token. */
  restarts: number;
}

export interface ListResult {
  kind: KindInfo;
  items: RawObject[];
  resourceVersion?: string;
  stats: RequestStats;
}

export type ListOutcome = { ok: true; result: ListResult } | { ok: false; error: K8sError };

/** GET /version. A build without version stamps says gitVersion v0.0.0-master+$Format:%H$ but major/minor right. */
export interface VersionInfo {
  major?: string;
  minor?: string;
  /** Kubernetes ≥ 1.31: the version the API server emulates (--emulated-version), else its own minor. */
  emulationMajor?: string;
  emulationMinor?: string;
  gitVersion: string;
  platform?: string;
}

export interface ApiDiscovery {
  /** Every served group/version ("v1", "apps/v1", "batch/v1", …). */
  groupVersions: Set<string>;
  /** Kinds whose group/version and resource are served. */
  served: KindName[];
  /** Kinds the cluster does not serve, with the group/version they need. */
  missing: Array<{ kind: KindName; groupVersion: string }>;
}

export interface AccessAttributes {
  group: string;
  resource: string;
  subresource?: string;
  verb: string;
  /** undefined: cluster-wide. */
  namespace?: string;
}

export interface AccessReviewResult {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

export interface RulesReviewResult {
  resourceRules: ResourceRule[];
  /** The authorizer could not list every rule (e.g. webhook authorizers): fall back to access reviews. */
  incomplete: boolean;
  evaluationError?: string;
}

/** One whole log, not followed (src/k8s/logs.ts streams it). */
export type PodLogOptions = RequestOptions & Omit<LogRequest, 'namespace' | 'pod' | 'follow'>;

/** One API call: which route, method and path, and what the error messages name. */
export interface ApiRequest {
  route: RouteName;
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  responseType?: 'json' | 'text';
  /** Another representation than plain JSON, e.g. a Table (`application/json;as=Table;g=meta.k8s.io;v=v1`). */
  accept?: string;
  context: Omit<RequestContext, 'method' | 'url' | 'path'>;
}

export class K8sClient {
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: K8sClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /**
   * One paged LIST of a kind, cluster-wide unless `namespace` is given: limit `pageSize`, following `continue`.
   * A 410 Expired continue token restarts the list from the beginning once; a second 410 surfaces as ExpiredError.
   */
  async list(kind: KindName, options: ListOptions = {}): Promise<ListResult> {
    const info = KINDS[kind];
    const stats: RequestStats = { requests: 0, pages: 0, retries: 0, restarts: 0 };
    let items: RawObject[] = [];
    let next: string | undefined;
    let resourceVersion: string | undefined;
    for (;;) {
      let body: unknown;
      try {
        body = await this.call<unknown>(
          {
            route: 'read',
            method: 'GET',
            path: resourcePath(info, options.namespace),
            query: {
              limit: options.pageSize ?? this.pageSize,
              continue: next,
              labelSelector: options.labelSelector,
              fieldSelector: options.fieldSelector,
              // The first page only: the continue token carries the version of the pages after it.
              ...(options.notOlderThan && !next
                ? { resourceVersion: options.notOlderThan, resourceVersionMatch: 'NotOlderThan' }
                : {}),
            },
            context: { verb: 'list', kind: info, namespace: options.namespace },
          },
          options,
          stats
        );
      } catch (error) {
        if (error instanceof ExpiredError && stats.restarts === 0) {
          stats.restarts++;
          items = [];
          next = undefined;
          continue;
        }
        throw error;
      }
      const page = asList(body, info);
      stats.pages++;
      // push in place: concat would copy the growing array on every page
      for (const item of page.items) {
        items.push(item);
      }
      await options.onPage?.(page.items);
      next = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
      if (!next) {
        return { kind: info, items, resourceVersion, stats };
      }
    }
  }

  /**
   * Lists several kinds with bounded concurrency; each kind succeeds or fails on its own (one forbidden kind leaves
   * the others loaded). Rejects only with CancelledError when the signal aborts.
   */
  async listKinds(
    kinds: readonly KindName[],
    options: RequestOptions & { concurrency?: number } = {}
  ): Promise<Partial<Record<KindName, ListOutcome>>> {
    const outcomes: Partial<Record<KindName, ListOutcome>> = {};
    const queue = [...kinds];
    const worker = async () => {
      for (let kind = queue.shift(); kind; kind = queue.shift()) {
        try {
          outcomes[kind] = { ok: true, result: await this.list(kind, options) };
        } catch (error) {
          outcomes[kind] = { ok: false, error: asK8sError(error) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, kinds.length) }, worker));
    throwIfAborted(options.signal);
    return outcomes;
  }

  /** GET one object. */
  async get(kind: KindName, name: string, namespace?: string, options: RequestOptions = {}): Promise<RawObject> {
    const info = KINDS[kind];
    return this.call<RawObject>(
      {
        route: 'read',
        method: 'GET',
        path: resourcePath(info, namespace, name),
        context: { verb: 'get', kind: info, namespace, name },
      },
      options
    );
  }

  /** GET /version: the reachability and token check of Save & test. */
  async version(options: RequestOptions = {}): Promise<VersionInfo> {
    const body = await this.call<VersionInfo>(
      { route: 'read', method: 'GET', path: '/version', context: { verb: 'get' } },
      options
    );
    if (typeof body?.gitVersion !== 'string') {
      throw new BadResponseError(
        'The cluster URL answered /version without a Kubernetes version.',
        'Point the cluster URL at the Kubernetes API server (e.g. https://host:6443), not a dashboard or ingress.'
      );
    }
    return body;
  }

  /**
   * Which group/versions the cluster serves and which of `kinds` are available: GET /api, /apis, then each needed
   * group/version's resource list (a handful of requests, independent of cluster size). Detects e.g. a cluster that
   * serves batch/v1 but not batch/v1 CronJob (Kubernetes < 1.21).
   */
  async discover(kinds: readonly KindName[], options: RequestOptions = {}): Promise<ApiDiscovery> {
    const read = (path: string) => this.readRaw(path, options);
    const [core, groupVersions] = await Promise.all([read('/api'), this.groupVersions(options)]);
    stringArray(core.versions).forEach((v) => groupVersions.add(v));
    const needed = [...new Set(kinds.map((k) => groupVersion(KINDS[k])))].filter((gv) => groupVersions.has(gv));
    const resourceLists = await Promise.all(
      needed.map(async (gv) => {
        const list = await read(gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`);
        return [gv, new Set(arrayOf(list.resources).map((r) => String(r.name)))] as const;
      })
    );
    const resources = new Map(resourceLists);
    const served: KindName[] = [];
    const missing: ApiDiscovery['missing'] = [];
    for (const kind of kinds) {
      const gv = groupVersion(KINDS[kind]);
      if (resources.get(gv)?.has(KINDS[kind].plural)) {
        served.push(kind);
      } else {
        missing.push({ kind, groupVersion: gv });
      }
    }
    return { groupVersions, served, missing };
  }

  /** The group/versions of GET /apis ("apps/v1", …; not the core "v1"): one request, answered from memory. */
  async groupVersions(options: RequestOptions = {}): Promise<Set<string>> {
    const groups = await this.readRaw('/apis', options);
    return new Set(arrayOf(groups.groups).flatMap((g) => arrayOf(g.versions).map((v) => String(v.groupVersion))));
  }

  /**
   * Lists the optional kinds (custom resources) whose group/version GET /apis shows, so a cluster without them costs
   * one request and no 404 per refresh; the others come back as ApiMissing. When discovery itself fails, every
   * kind is tried, to report its own error.
   */
  async listOptionalKinds(
    kinds: readonly KindName[],
    options: RequestOptions = {}
  ): Promise<Partial<Record<KindName, ListOutcome>>> {
    const served = await this.groupVersions(options).catch(() => undefined);
    throwIfAborted(options.signal);
    // One at a time: these lists are small, and the built-in kinds' lists hold the browser's other connections.
    const outcomes = await this.listKinds(
      kinds.filter((k) => !served || served.has(groupVersion(KINDS[k]))),
      { ...options, concurrency: 1 }
    );
    for (const kind of kinds) {
      outcomes[kind] ??= { ok: false, error: new ApiMissingError(groupVersion(KINDS[kind]), kind, undefined, false) };
    }
    return outcomes;
  }

  private readRaw(path: string, options: RequestOptions): Promise<Record<string, unknown>> {
    return this.call<Record<string, unknown>>(
      { route: 'read', method: 'GET', path, context: { verb: 'get' } },
      options
    );
  }

  /** POST a SelfSubjectAccessReview: may this token do `verb` on the resource (cluster-wide unless namespace)? */
  async selfSubjectAccessReview(
    attributes: AccessAttributes,
    options: RequestOptions = {}
  ): Promise<AccessReviewResult> {
    const { group, resource, subresource, verb, namespace } = attributes;
    const body = await this.call<{ status?: AccessReviewResult }>(
      {
        route: 'review',
        method: 'POST',
        path: '/selfsubjectaccessreviews',
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { group, resource, subresource, verb, namespace } },
        },
        context: { verb: 'create', kind: REVIEW_KINDS.access },
      },
      options
    );
    return { ...body?.status, allowed: body?.status?.allowed === true };
  }

  /** POST a SelfSubjectRulesReview: every rule this token has in `namespace` (cluster-wide rules included). */
  async selfSubjectRulesReview(namespace: string, options: RequestOptions = {}): Promise<RulesReviewResult> {
    const body = await this.call<{ status?: Partial<RulesReviewResult> }>(
      {
        route: 'review',
        method: 'POST',
        path: '/selfsubjectrulesreviews',
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
        context: { verb: 'create', kind: REVIEW_KINDS.rules },
      },
      options
    );
    const status = body?.status ?? {};
    return {
      resourceRules: arrayOf(status.resourceRules).map((rule) => ({
        verbs: stringArray(rule.verbs),
        apiGroups: stringArray(rule.apiGroups),
        resources: stringArray(rule.resources),
        resourceNames: stringArray(rule.resourceNames),
      })),
      incomplete: status.incomplete === true,
      evaluationError: status.evaluationError,
    };
  }

  /** Sets replicas through the /scale subresource (request built by src/k8s/actions.ts, like the other writes). */
  async scale(kind: ScalableKind, namespace: string, name: string, replicas: number, options: RequestOptions = {}) {
    return this.send<RawObject>(scaleRequest(kind, namespace, name, replicas), options);
  }

  /** Rolling restart, as `kubectl rollout restart` does. */
  async restart(kind: RestartableKind, namespace: string, name: string, at = new Date(), options: RequestOptions = {}) {
    return this.send<RawObject>(restartRequest(kind, namespace, name, at), options);
  }

  async deletePod(namespace: string, name: string, options: RequestOptions = {}) {
    return this.send<RawObject>(deletePodRequest(namespace, name), options);
  }

  /** One request built elsewhere (src/k8s/actions.ts), with this client's retries, timeout and error mapping. */
  send<T>(request: ApiRequest, options: RequestOptions = {}): Promise<T> {
    return this.call<T>(request, options);
  }

  /** A container's log as text (GET pods/log). */
  async podLogs(namespace: string, name: string, options: PodLogOptions = {}): Promise<string> {
    const { signal, timeoutMs, ...query } = options;
    const body = await this.call<unknown>(logApiRequest({ ...query, namespace, pod: name }), { signal, timeoutMs });
    return typeof body === 'string' ? body : JSON.stringify(body);
  }

  /** One API call with timeout, cancellation, retries and error mapping; resolves with the response body. */
  private async call<T>(spec: ApiRequest, options: RequestOptions, stats?: RequestStats): Promise<T> {
    const url = buildUrl(this.options.routes[spec.route], spec.path, spec.query);
    const context: RequestContext = { ...spec.context, method: spec.method, url, path: spec.path };
    // Reads and access reviews are safe to repeat; a write (a created Job too) may have applied before a 5xx.
    const retryServerErrors = spec.method === 'GET' || spec.route === 'review';
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json', ...this.options.headers };
    if (spec.body !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
    }
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(options.signal);
      if (stats) {
        stats.requests++;
      }
      const outcome = await this.attempt(spec, url, headers, context, options);
      if ('body' in outcome) {
        return outcome.body as T;
      }
      const { error, retryable, retryAfterMs } = outcome;
      if (!retryable(retryServerErrors) || attempt >= this.retry.maxRetries) {
        throw attempt > 0 && outcome.response ? errorFromResponse(outcome.response, context, attempt) : error;
      }
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
      const delay =
        retryAfterMs !== undefined
          ? Math.min(retryAfterMs, this.retry.maxDelayMs)
          : backoff * (0.5 + Math.random() / 2);
      await this.sleep(delay, options.signal);
      if (stats) {
        stats.retries++;
      }
    }
  }

  private async attempt(
    spec: ApiRequest,
    url: string,
    headers: Record<string, string>,
    context: RequestContext,
    options: RequestOptions
  ): Promise<
    | { body: unknown }
    | { error: K8sError; retryable: (serverErrors: boolean) => boolean; retryAfterMs?: number; response?: HttpResponse }
  > {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort);
    try {
      const response = await this.options.fetch({
        method: spec.method,
        url,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        responseType: spec.responseType ?? 'json',
        signal: controller.signal,
      });
      if (response.status >= 200 && response.status < 300) {
        return { body: response.body };
      }
      const status = response.status;
      return {
        error: errorFromResponse(response, context),
        response,
        retryAfterMs: retryAfterMs(response),
        retryable: (serverErrors) => status === 429 || (serverErrors && RETRIED_STATUSES.has(status)),
      };
    } catch (error) {
      throwIfAborted(options.signal);
      if (timedOut) {
        return {
          error: new TimeoutError(
            `No answer within ${Math.round(timeoutMs / 1000)} s to ${context.verb} ${context.kind?.plural ?? context.url}.`,
            'Retry; on a large or distant cluster raise the request timeout in the datasource settings.',
            { url }
          ),
          retryable: () => false,
        };
      }
      const mapped = errorFromNetwork(error, context);
      return { error: mapped, retryable: (serverErrors) => serverErrors && mapped.code === 'Unreachable' };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** 429 is handled separately (retried for every method). 504 is not retried: Grafana already waited its full timeout. */
const RETRIED_STATUSES = new Set([500, 502, 503]);

const REVIEW_KINDS: Record<'access' | 'rules', ResourceInfo> = {
  access: {
    kind: 'SelfSubjectAccessReview',
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectaccessreviews',
  },
  rules: {
    kind: 'SelfSubjectRulesReview',
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectrulesreviews',
  },
};

export function buildUrl(base: string, path: string, query?: ApiRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

/** Retry-After in ms from the header (seconds or HTTP date) or the Status body's details.retryAfterSeconds. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
  const header = response.headers['retry-after'];
  if (header !== undefined && header.trim() !== '') {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) {
      return Math.max(0, seconds * 1000);
    }
    const date = Date.parse(header);
    if (!Number.isNaN(date)) {
      return Math.max(0, date - now);
    }
  }
  const fromBody = isKubernetesStatus(response.body) ? response.body.details?.retryAfterSeconds : undefined;
  return typeof fromBody === 'number' ? fromBody * 1000 : undefined;
}

function asList(
  body: unknown,
  info: KindInfo
): { items: RawObject[]; metadata?: { continue?: string; resourceVersion?: string } } {
  const list = body as { items?: unknown; metadata?: { continue?: string; resourceVersion?: string } } | null;
  if (typeof list !== 'object' || list === null || !(Array.isArray(list.items) || list.items === null)) {
    throw new BadResponseError(
      `The answer to list ${info.plural} is not a Kubernetes list.`,
      'Check that the cluster URL points at the Kubernetes API server and no proxy rewrites its answers.'
    );
  }
  return { items: (list.items ?? []) as RawObject[], metadata: list.metadata };
}

function asK8sError(error: unknown): K8sError {
  if (error instanceof K8sError) {
    return error;
  }
  return new BadResponseError(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}.`, '');
}

function throwIfAborted(signal?: AbortSignal) {
  if (signal?.aborted) {
    throw new CancelledError('The request was cancelled.', '');
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError('The request was cancelled.', ''));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError('The request was cancelled.', ''));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function arrayOf(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
