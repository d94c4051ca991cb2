import { queryInstant } from './client';
import { NO_PROMETHEUS_REASON, PrometheusLink } from './figures';
import { podKey, selector } from './promql';

/** Scrape targets up and down, counted from `up` series. */
export interface TargetCounts {
  up: number;
  down: number;
}

/**
 * Scrape health of the cluster's targets, keyed the way prometheus-operator labels them: `namespace/service` for a
 * ServiceMonitor's targets, `namespace/pod` for every target that carries a pod label (PodMonitors too).
 */
export type TargetHealth =
  | { status: 'ok'; services: Map<string, TargetCounts>; pods: Map<string, TargetCounts> }
  | { status: 'missing'; reason: string };

/**
 * One target per (namespace, service, pod, job, endpoint): the labels prometheus-operator puts on every target of
 * a ServiceMonitor or PodMonitor. `max` folds series that differ only in other labels (instance of a
 * multi-port pod scraped twice counts once per endpoint).
 */
export function targetHealthExpr(link: PrometheusLink): string {
  return `max by (namespace, service, pod, job, endpoint) (up${selector(link.cluster, 'namespace!=""')})`;
}

function add(map: Map<string, TargetCounts>, key: string, up: boolean) {
  const counts = map.get(key) ?? { up: 0, down: 0 };
  if (up) {
    counts.up++;
  } else {
    counts.down++;
  }
  map.set(key, counts);
}

/** One batched instant query; never throws except on cancellation: a failure becomes `missing` with the reason. */
export async function loadTargetHealth(link: PrometheusLink, signal?: AbortSignal): Promise<TargetHealth> {
  if (!link.datasourceUid) {
    return { status: 'missing', reason: NO_PROMETHEUS_REASON };
  }
  try {
    const samples = await queryInstant(link.datasourceUid, targetHealthExpr(link), signal);
    const services = new Map<string, TargetCounts>();
    const pods = new Map<string, TargetCounts>();
    for (const { labels, value } of samples) {
      const { namespace, service, pod } = labels;
      if (service) {
        add(services, `${namespace}/${service}`, value === 1);
      }
      if (pod) {
        add(pods, podKey(namespace, pod), value === 1);
      }
    }
    return { status: 'ok', services, pods };
  } catch (err) {
    if (signal?.aborted) {
      throw err;
    }
    return { status: 'missing', reason: err instanceof Error ? err.message : String(err) };
  }
}
