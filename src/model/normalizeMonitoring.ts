/**
 * prometheus-operator's ServiceMonitor, PodMonitor and Probe and the Grafana Agent Operator's MetricsInstance → the
 * models of ./types.ts. Field names follow the operators' CRDs (monitoring.coreos.com/v1, monitoring.grafana.com/
 * v1alpha1); only what scrape coverage needs is kept.
 */
import { arr, base, bool, labelSelector, num, obj, portRef, str, strings, type Json } from './readers';
import {
  Health,
  type LabelSelector,
  type MetricsInstanceModel,
  type MonitorEndpoint,
  type MonitorNamespaces,
  type PodMonitorModel,
  type ProbeModel,
  type ServiceMonitorModel,
  type StatusSummary,
} from './types';

// A monitor has no status the app reads: it is configuration, healthy when it parses.
const CONFIGURED: StatusSummary = { health: Health.Healthy, phase: 'Configured' };

function monitorNamespaces(value: unknown): MonitorNamespaces {
  const selector = obj(value);
  return { any: bool(selector.any), matchNames: strings(selector.matchNames) };
}

function endpoints(value: unknown): MonitorEndpoint[] {
  return arr(value).map((e) => ({
    port: str(e.port),
    portNumber: num(e.portNumber),
    targetPort: portRef(e.targetPort),
    path: str(e.path),
  }));
}

/** A selector field that may be absent (undefined: selects nothing, by the operators' rules) or present. */
function optionalSelector(value: unknown): LabelSelector | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? labelSelector(value) : undefined;
}

/** ServiceMonitor and PodMonitor share their shape; only the endpoints' field differs. */
function labelMonitor<K extends 'ServiceMonitor' | 'PodMonitor'>(kind: K, endpointsField: string) {
  return (raw: Json) => {
    const spec = obj(raw.spec);
    const b = base(kind, raw, CONFIGURED);
    return (
      b && {
        ...b,
        selector: labelSelector(spec.selector),
        namespaceSelector: monitorNamespaces(spec.namespaceSelector),
        endpoints: endpoints(spec[endpointsField]),
      }
    );
  };
}

const serviceMonitor: (raw: Json) => ServiceMonitorModel | undefined = labelMonitor('ServiceMonitor', 'endpoints');
const podMonitor: (raw: Json) => PodMonitorModel | undefined = labelMonitor('PodMonitor', 'podMetricsEndpoints');

function probe(raw: Json): ProbeModel | undefined {
  const spec = obj(raw.spec);
  const targets = obj(spec.targets);
  const ingress = obj(targets.ingress);
  const b = base('Probe', raw, CONFIGURED);
  return (
    b && {
      ...b,
      ingressSelector: targets.ingress === undefined ? undefined : labelSelector(ingress.selector),
      ingressNamespaces: monitorNamespaces(ingress.namespaceSelector),
      staticTargets: strings(obj(targets.staticConfig).static),
      proberUrl: str(obj(spec.prober).url),
      module: str(spec.module),
    }
  );
}

function metricsInstance(raw: Json): MetricsInstanceModel | undefined {
  const spec = obj(raw.spec);
  const b = base('MetricsInstance', raw, CONFIGURED);
  return (
    b && {
      ...b,
      serviceMonitorSelector: optionalSelector(spec.serviceMonitorSelector),
      serviceMonitorNamespaceSelector: optionalSelector(spec.serviceMonitorNamespaceSelector),
      podMonitorSelector: optionalSelector(spec.podMonitorSelector),
      podMonitorNamespaceSelector: optionalSelector(spec.podMonitorNamespaceSelector),
      probeSelector: optionalSelector(spec.probeSelector),
      probeNamespaceSelector: optionalSelector(spec.probeNamespaceSelector),
    }
  );
}

export const MONITORING_NORMALIZERS = {
  ServiceMonitor: serviceMonitor,
  PodMonitor: podMonitor,
  Probe: probe,
  MetricsInstance: metricsInstance,
};
