/**
 * Scrape coverage: which prometheus-operator monitors select each Service and pod, whether Prometheus has `up`
 * series for their targets, and, when nothing is scraped, why (a port name that matches nothing, a namespace the
 * monitor does not select, a monitor no Grafana Agent MetricsInstance picks up, a target that is down).
 *
 * The selection rules are the operator's: a ServiceMonitor selects Services by label in its namespaceSelector's
 * namespaces (`any`, `matchNames`, or else its own namespace) and keeps the endpoints whose port name (or
 * targetPort) matches an endpoint of its own; a PodMonitor does the same with pods and container ports.
 */
import { matchesSelector } from '../model/relations';
import {
  ClusterSnapshot,
  LabelSelector,
  MetricsInstanceModel,
  MonitorEndpoint,
  MonitorNamespaces,
  ObjectRef,
  PodModel,
  PodMonitorModel,
  ServiceModel,
  ServiceMonitorModel,
} from '../model/types';
import { refOf } from '../model/snapshot';
import { podKey } from '../prometheus/promql';
import type { TargetCounts, TargetHealth } from '../prometheus/targets';

/**
 * - covered: a monitor selects it with a matching port and Prometheus has a target up;
 * - down: a monitor selects it, but no target is up (or Prometheus has none);
 * - selected: a monitor selects it, and Prometheus cannot tell (no linked Prometheus, query failed);
 * - uncovered: no monitor selects it.
 */
export type CoverageState = 'covered' | 'down' | 'selected' | 'uncovered';

/** Why a monitor that nearly selects an object does not, or why its targets are not up. */
export interface CoverageReason {
  monitor: ObjectRef;
  kind: 'port' | 'namespace' | 'instance' | 'down' | 'noSeries';
  text: string;
}

export interface Coverage {
  state: CoverageState;
  /** Monitors that select the object with a matching port. */
  monitors: ObjectRef[];
  /** Counted from `up`; undefined when Prometheus could not tell. */
  targets?: TargetCounts;
  reasons: CoverageReason[];
}

export interface CoverageModel {
  /** 'absent': prometheus-operator's CRDs are not installed; 'unreadable': listing the monitors failed. */
  status: 'ok' | 'absent' | 'unreadable';
  /** What the page says when the status is not ok. */
  message?: string;
  services: Map<string, Coverage>;
  pods: Map<string, Coverage>;
  /** Ingress uid → the Probes whose targets.ingress select it. */
  ingressProbes: Map<string, ObjectRef[]>;
}

const UNCOVERED: Coverage = { state: 'uncovered', monitors: [], reasons: [] };

function monitorNamespaces(ns: MonitorNamespaces, own: string | undefined, all: string[]): string[] {
  if (ns.any) {
    return all;
  }
  return ns.matchNames.length > 0 ? ns.matchNames : own ? [own] : [];
}

function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

function describeNamespaces(ns: MonitorNamespaces, own: string | undefined): string {
  return ns.matchNames.length > 0 ? `namespaces ${ns.matchNames.join(', ')}` : `its own namespace ${own ?? ''}`;
}

function monitorName(monitor: { kind: string; namespace?: string; name: string }): string {
  return `${monitor.kind} ${monitor.namespace}/${monitor.name}`;
}

function endpointPorts(endpoints: MonitorEndpoint[]): string {
  return endpoints.map((e) => e.port ?? e.portNumber ?? e.targetPort ?? 'any').join(', ');
}

/** Does a ServiceMonitor endpoint pick one of the Service's ports? No port field at all means every port. */
function servicePortMatches(endpoint: MonitorEndpoint, service: ServiceModel): boolean {
  if (endpoint.port !== undefined) {
    return service.ports.some((p) => p.name === endpoint.port);
  }
  if (endpoint.targetPort !== undefined) {
    return service.ports.some((p) => (p.targetPort ?? p.port) === endpoint.targetPort);
  }
  return true;
}

function podPortMatches(endpoint: MonitorEndpoint, pod: PodModel): boolean {
  const ports = pod.containers.flatMap((c) => c.ports);
  if (endpoint.port !== undefined) {
    return ports.some((p) => p.name === endpoint.port);
  }
  const number = endpoint.portNumber ?? endpoint.targetPort;
  if (number !== undefined) {
    return ports.some((p) => p.containerPort === number || p.name === number);
  }
  return true;
}

/**
 * Monitors no MetricsInstance picks up, when the cluster has MetricsInstances (otherwise the question does not
 * arise: a Prometheus of prometheus-operator, or anything else, may scrape them).
 */
function unpickedMonitors(snapshot: ClusterSnapshot): Set<string> {
  const instances = snapshot.byKind.MetricsInstance;
  const out = new Set<string>();
  if (instances.length === 0) {
    return out;
  }
  const namespaceLabels = new Map(snapshot.byKind.Namespace.map((n) => [n.name, n.labels]));
  const picks = (
    instance: MetricsInstanceModel,
    monitor: ServiceMonitorModel | PodMonitorModel,
    selector?: LabelSelector,
    namespaceSelector?: LabelSelector
  ) =>
    selector !== undefined &&
    matchesSelector(selector, monitor.labels) &&
    (namespaceSelector === undefined
      ? monitor.namespace === instance.namespace
      : matchesSelector(namespaceSelector, namespaceLabels.get(monitor.namespace ?? '') ?? {}));
  for (const monitor of snapshot.byKind.ServiceMonitor) {
    if (!instances.some((i) => picks(i, monitor, i.serviceMonitorSelector, i.serviceMonitorNamespaceSelector))) {
      out.add(monitor.uid);
    }
  }
  for (const monitor of snapshot.byKind.PodMonitor) {
    if (!instances.some((i) => picks(i, monitor, i.podMonitorSelector, i.podMonitorNamespaceSelector))) {
      out.add(monitor.uid);
    }
  }
  return out;
}

interface Selection {
  monitors: ObjectRef[];
  reasons: CoverageReason[];
}

function selectionOf(map: Map<string, Selection>, uid: string): Selection {
  let selection = map.get(uid);
  if (!selection) {
    selection = { monitors: [], reasons: [] };
    map.set(uid, selection);
  }
  return selection;
}

/**
 * For each monitor, the objects of `list` it selects (with a matching port) and its near misses. Objects whose
 * labels match in a namespace the monitor does not select are reported only for monitors with a non-empty
 * selector: an empty one matches everything and would name every object of the cluster.
 */
function select<M extends ServiceMonitorModel | PodMonitorModel, T extends ServiceModel | PodModel>(
  snapshot: ClusterSnapshot,
  monitors: M[],
  objectsIn: (namespace: string) => T[],
  allObjects: T[],
  portMatches: (endpoint: MonitorEndpoint, object: T) => boolean,
  portWord: string
): Map<string, Selection> {
  const all = [...snapshot.byNamespace.keys()];
  const out = new Map<string, Selection>();
  for (const monitor of monitors) {
    const ref = refOf(monitor);
    const namespaces = new Set(monitorNamespaces(monitor.namespaceSelector, monitor.namespace, all));
    for (const namespace of namespaces) {
      for (const object of objectsIn(namespace)) {
        if (!matchesSelector(monitor.selector, object.labels)) {
          continue;
        }
        const selection = selectionOf(out, object.uid);
        if (monitor.endpoints.length === 0 || monitor.endpoints.some((e) => portMatches(e, object))) {
          selection.monitors.push(ref);
        } else {
          selection.reasons.push({
            monitor: ref,
            kind: 'port',
            text:
              `${monitorName(monitor)} selects it but scrapes ${portWord} ${endpointPorts(monitor.endpoints)}, ` +
              `which it does not have: name the port in the monitor's endpoints as the ${portWord} is named.`,
          });
        }
      }
    }
    if (monitor.namespaceSelector.any || isEmptySelector(monitor.selector)) {
      continue;
    }
    for (const object of allObjects) {
      if (!namespaces.has(object.namespace ?? '') && matchesSelector(monitor.selector, object.labels)) {
        selectionOf(out, object.uid).reasons.push({
          monitor: ref,
          kind: 'namespace',
          text:
            `${monitorName(monitor)} matches its labels but looks only in ` +
            `${describeNamespaces(monitor.namespaceSelector, monitor.namespace)}: add ${object.namespace} to its ` +
            'namespaceSelector.matchNames.',
        });
      }
    }
  }
  return out;
}

function coverageOf(
  selection: Selection | undefined,
  targets: TargetCounts | undefined,
  health: TargetHealth,
  unpicked: Set<string>
): Coverage {
  if (!selection) {
    return UNCOVERED;
  }
  const { monitors, reasons } = selection;
  if (monitors.length === 0) {
    return { state: 'uncovered', monitors, reasons };
  }
  if (health.status !== 'ok') {
    return { state: 'selected', monitors, reasons };
  }
  if (targets && targets.up > 0) {
    return { state: 'covered', monitors, targets, reasons };
  }
  const why: CoverageReason[] = monitors.map((monitor) =>
    unpicked.has(monitor.uid ?? '')
      ? {
          monitor,
          kind: 'instance',
          text: `No Grafana Agent MetricsInstance selects ${monitorName(monitor)}: add its labels to a MetricsInstance's monitor selector.`,
        }
      : targets
        ? {
            monitor,
            kind: 'down',
            text: `${monitorName(monitor)} selects it, and its ${targets.down} target${targets.down === 1 ? ' is' : 's are'} down in Prometheus: check the endpoint answers on that port and path.`,
          }
        : {
            monitor,
            kind: 'noSeries',
            text: `${monitorName(monitor)} selects it, but Prometheus has no up series for it: check that a Prometheus or Agent loads this monitor, and the cluster label.`,
          }
  );
  return { state: 'down', monitors, targets, reasons: [...why, ...reasons] };
}

/** Coverage of every Service and pod; absent CRDs and unreadable monitors are a status, never an exception. */
export function selectCoverage(snapshot: ClusterSnapshot, health: TargetHealth): CoverageModel {
  const services = new Map<string, Coverage>();
  const pods = new Map<string, Coverage>();
  const ingressProbes = new Map<string, ObjectRef[]>();
  const smState = snapshot.kinds.ServiceMonitor;
  const pmState = snapshot.kinds.PodMonitor;
  if (smState?.state === 'absent' && pmState?.state === 'absent') {
    return {
      status: 'absent',
      message:
        'prometheus-operator is not installed (the cluster does not serve monitoring.coreos.com): coverage comes ' +
        'from its ServiceMonitors and PodMonitors.',
      services,
      pods,
      ingressProbes,
    };
  }
  if (smState?.state === 'error' && pmState?.state !== 'ok') {
    return {
      status: 'unreadable',
      message: `Could not read ServiceMonitors: ${smState.error?.message ?? 'unknown error'}`,
      services,
      pods,
      ingressProbes,
    };
  }
  const unpicked = unpickedMonitors(snapshot);
  const serviceSelections = select(
    snapshot,
    snapshot.byKind.ServiceMonitor,
    (ns) => snapshot.byNamespace.get(ns)?.Service ?? [],
    snapshot.byKind.Service,
    servicePortMatches,
    'Service port'
  );
  const podSelections = select(
    snapshot,
    snapshot.byKind.PodMonitor,
    (ns) => snapshot.byNamespace.get(ns)?.Pod ?? [],
    snapshot.byKind.Pod,
    podPortMatches,
    'container port'
  );
  for (const service of snapshot.byKind.Service) {
    const counts = health.status === 'ok' ? health.services.get(`${service.namespace}/${service.name}`) : undefined;
    services.set(service.uid, coverageOf(serviceSelections.get(service.uid), counts, health, unpicked));
  }
  for (const pod of snapshot.byKind.Pod) {
    const counts = health.status === 'ok' ? health.pods.get(podKey(pod.namespace ?? '', pod.name)) : undefined;
    pods.set(pod.uid, coverageOf(podSelections.get(pod.uid), counts, health, unpicked));
  }
  const all = [...snapshot.byNamespace.keys()];
  for (const probe of snapshot.byKind.Probe) {
    const selector = probe.ingressSelector;
    if (!selector) {
      continue;
    }
    for (const namespace of monitorNamespaces(probe.ingressNamespaces, probe.namespace, all)) {
      for (const ingress of snapshot.byNamespace.get(namespace)?.Ingress ?? []) {
        if (matchesSelector(selector, ingress.labels)) {
          ingressProbes.set(ingress.uid, [...(ingressProbes.get(ingress.uid) ?? []), refOf(probe)]);
        }
      }
    }
  }
  return { status: 'ok', services, pods, ingressProbes };
}

const STATE_ORDER: CoverageState[] = ['uncovered', 'down', 'selected', 'covered'];

/**
 * A workload's coverage: the best of the Services that select its pods and of its pods' PodMonitors. Targets add
 * up across them; reasons are kept (deduplicated by text) so a "why not" stays visible.
 */
export function workloadCoverage(model: CoverageModel, services: ServiceModel[], pods: PodModel[]): Coverage {
  const parts = [...services.map((s) => model.services.get(s.uid)), ...pods.map((p) => model.pods.get(p.uid))].filter(
    (c): c is Coverage => c !== undefined
  );
  let state: CoverageState = 'uncovered';
  const monitors = new Map<string, ObjectRef>();
  const reasons = new Map<string, CoverageReason>();
  let targets: TargetCounts | undefined;
  for (const part of parts) {
    if (STATE_ORDER.indexOf(part.state) > STATE_ORDER.indexOf(state)) {
      state = part.state;
    }
    part.monitors.forEach((m) => monitors.set(m.uid ?? m.name, m));
    part.reasons.forEach((r) => reasons.set(r.text, r));
    if (part.targets) {
      targets = { up: (targets?.up ?? 0) + part.targets.up, down: (targets?.down ?? 0) + part.targets.down };
    }
  }
  return { state, monitors: [...monitors.values()], targets, reasons: [...reasons.values()] };
}

export interface CoverageSummary {
  covered: number;
  down: number;
  uncovered: number;
}

/** Counts per state; 'selected' (Prometheus cannot tell) counts as covered by configuration. */
export function summarize(coverages: Coverage[]): CoverageSummary {
  const summary: CoverageSummary = { covered: 0, down: 0, uncovered: 0 };
  for (const c of coverages) {
    if (c.state === 'covered' || c.state === 'selected') {
      summary.covered++;
    } else if (c.state === 'down') {
      summary.down++;
    } else {
      summary.uncovered++;
    }
  }
  return summary;
}
