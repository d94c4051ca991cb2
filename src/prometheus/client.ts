import { getBackendSrv, isFetchError } from '@grafana/runtime';

/**
 * Prometheus HTTP API through the linked datasource's Grafana proxy
 * (`/api/datasources/proxy/uid/<uid>/api/v1/...`): the browser never talks to Prometheus directly and Grafana
 * applies the datasource's auth. GET only: Grafana's ds_proxy.go refuses most non-GET methods on Prometheus.
 */

export class PrometheusError extends Error {
  constructor(
    message: string,
    /** HTTP status from Grafana or Prometheus, 0 when none arrived. */
    readonly status: number
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

export interface InstantSample {
  labels: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] pairs in time order. */
  points: Array<[number, number]>;
}

interface PromResponse<T> {
  status: 'success' | 'error';
  data?: { resultType: string; result: T };
  errorType?: string;
  error?: string;
}

type VectorResult = Array<{ metric: Record<string, string>; value: [number, string] }>;
type MatrixResult = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;

function proxyUrl(datasourceUid: string, apiPath: string): string {
  return `/api/datasources/proxy/uid/${encodeURIComponent(datasourceUid)}/api/v1/${apiPath}`;
}

function describeFailure(err: unknown): PrometheusError {
  if (isFetchError(err)) {
    const data = err.data as (Partial<PromResponse<unknown>> & { message?: string }) | undefined;
    const detail = data?.error ?? data?.message ?? err.statusText ?? '';
    if (err.status === 404 && !data?.error) {
      return new PrometheusError(
        `Prometheus datasource not found or has no /api/v1 endpoint (HTTP 404): check the linked Prometheus datasource uid in the KubeAtlas datasource settings`,
        404
      );
    }
    if (err.status === 502 || err.status === 504 || err.status === 0) {
      return new PrometheusError(
        `Prometheus is unreachable through Grafana (HTTP ${err.status}${detail ? `: ${detail}` : ''}): check the Prometheus datasource URL`,
        err.status
      );
    }
    return new PrometheusError(
      `Prometheus query failed (HTTP ${err.status})${detail ? `: ${detail}` : ''}`,
      err.status
    );
  }
  if (err instanceof PrometheusError) {
    return err;
  }
  return new PrometheusError(`Prometheus query failed: ${err instanceof Error ? err.message : String(err)}`, 0);
}

async function get<T>(
  datasourceUid: string,
  apiPath: string,
  params: Record<string, string | number>,
  signal?: AbortSignal
): Promise<T> {
  signal?.throwIfAborted();
  let body: PromResponse<T>;
  try {
    body = await new Promise<PromResponse<T>>((resolve, reject) => {
      const subscription = getBackendSrv()
        .fetch<PromResponse<T>>({
          url: proxyUrl(datasourceUid, apiPath),
          method: 'GET',
          params,
          showErrorAlert: false,
          showSuccessAlert: false,
        })
        .subscribe({ next: (response) => resolve(response.data), error: reject });
      // Unsubscribing is how backendSrv cancels the HTTP request.
      signal?.addEventListener(
        'abort',
        () => {
          subscription.unsubscribe();
          reject(signal.reason);
        },
        { once: true }
      );
    });
  } catch (err) {
    if (signal?.aborted) {
      throw signal.reason;
    }
    throw describeFailure(err);
  }
  if (body?.status !== 'success' || !body.data) {
    throw new PrometheusError(`Prometheus answered ${body?.errorType ?? 'an error'}: ${body?.error ?? 'no data'}`, 200);
  }
  return body.data.result;
}

function parseValue(raw: string): number {
  // Prometheus encodes NaN and infinities as strings; Number() reads "NaN", "+Inf" needs help.
  if (raw === '+Inf') {
    return Infinity;
  }
  if (raw === '-Inf') {
    return -Infinity;
  }
  return Number(raw);
}

export async function queryInstant(
  datasourceUid: string,
  expr: string,
  signal?: AbortSignal,
  time?: number
): Promise<InstantSample[]> {
  const params: Record<string, string | number> = { query: expr };
  if (time !== undefined) {
    params.time = time;
  }
  const result = await get<VectorResult>(datasourceUid, 'query', params, signal);
  return result.map((s) => ({ labels: s.metric, value: parseValue(s.value[1]) }));
}

export interface RangeOptions {
  /** unix seconds */
  start: number;
  end: number;
  stepSeconds: number;
}

export async function queryRange(
  datasourceUid: string,
  expr: string,
  range: RangeOptions,
  signal?: AbortSignal
): Promise<RangeSeries[]> {
  const result = await get<MatrixResult>(
    datasourceUid,
    'query_range',
    { query: expr, start: range.start, end: range.end, step: range.stepSeconds },
    signal
  );
  return result.map((s) => ({
    labels: s.metric,
    points: s.values.map(([t, v]) => [t, parseValue(v)] as [number, number]),
  }));
}
