import {
  ClusterSnapshot,
  ContainerSpecSummary,
  CronJobModel,
  DaemonSetModel,
  DeploymentModel,
  IngressModel,
  IngressRule,
  JobModel,
  LabelSelector,
  NamespaceIndex,
  PodModel,
  ReplicaCounts,
  ServiceModel,
  StatefulSetModel,
} from '../model/types';
import { Figures, figureValue } from '../prometheus/figures';
import { podKey } from '../prometheus/promql';
import { controller, sources, targets, topOwner } from './graph';

/** The app map's sections, in display order; "Other" holds pods without a workload. */
export const APP_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Other'] as const;
export type AppKind = (typeof APP_KINDS)[number];

type WorkloadModel = DeploymentModel | StatefulSetModel | DaemonSetModel | CronJobModel | JobModel;

/** A container declared without requests or without limits (neither CPU nor memory set). */
export interface UnboundedContainer {
  container: string;
  missing: Array<'requests' | 'limits'>;
}

export interface AppWorkload {
  kind: AppKind;
  /** Stable id for lists: the workload uid, or `<namespace>/Other` for bare pods. */
  id: string;
  name: string;
  namespace: string;
  /** undefined for the "Other" group. */
  model?: WorkloadModel;
  replicas?: ReplicaCounts;
  images: string[];
  pods: PodModel[];
  /** A CronJob's Jobs, newest first. */
  jobs: JobModel[];
  unbounded: UnboundedContainer[];
  /** Services whose selector picks this workload's pods. */
  services: ServiceModel[];
  /** The workload, one of its jobs or one of its pods is in the problems list. */
  hasProblem: boolean;
  /** Sum over its pods from Prometheus (cores, bytes); undefined when no pod has a figure. */
  usage: { cpu?: number; memory?: number };
}

export interface IngressRoute {
  rule: IngressRule;
  /** The service the rule routes to, when it exists in the namespace. */
  service?: ServiceModel;
}

export interface AppService {
  service: ServiceModel;
  /** Workloads this service selects (by the pods it selects, or by its selector when no pod runs). */
  workloads: Array<{ id: string; kind: AppKind; name: string }>;
  /** Ingress rules that route to this service. */
  ingresses: Array<{ ingress: IngressModel; rule: IngressRule }>;
}

export interface AppIngress {
  ingress: IngressModel;
  routes: IngressRoute[];
}

export interface NamespaceApps {
  namespace: string;
  workloads: AppWorkload[];
  services: AppService[];
  ingresses: AppIngress[];
  problemCount: number;
}

export interface AppMapFilter {
  /** Empty: all namespaces. */
  namespaces: string[];
  /** Name substring, or `key=value` / `key` to match labels. */
  text: string;
  problemsOnly: boolean;
  /** Empty: every kind. */
  kinds: AppKind[];
}

function unboundedContainers(containers: ContainerSpecSummary[]): UnboundedContainer[] {
  const out: UnboundedContainer[] = [];
  for (const c of containers) {
    const missing: UnboundedContainer['missing'] = [];
    if (c.requests.cpu === undefined && c.requests.memory === undefined) {
      missing.push('requests');
    }
    if (c.limits.cpu === undefined && c.limits.memory === undefined) {
      missing.push('limits');
    }
    if (missing.length > 0) {
      out.push({ container: c.name, missing });
    }
  }
  return out;
}

function uniqueImages(containers: ContainerSpecSummary[]): string[] {
  return [...new Set(containers.map((c) => c.image))];
}

/** matchLabels-only selectors contain the service selector: how a service is tied to a workload with no pods. */
function selectorCovers(workloadSelector: LabelSelector, serviceSelector: Record<string, string>): boolean {
  const entries = Object.entries(serviceSelector);
  return entries.length > 0 && entries.every(([k, v]) => workloadSelector.matchLabels[k] === v);
}

function workloadOf(kind: Exclude<AppKind, 'Other'>, model: WorkloadModel, namespace: string): AppWorkload {
  return {
    kind,
    id: model.uid,
    name: model.name,
    namespace,
    model,
    replicas: 'replicas' in model ? model.replicas : undefined,
    images: uniqueImages(model.containers),
    pods: [],
    jobs: [],
    unbounded: unboundedContainers(model.containers),
    services: [],
    hasProblem: false,
    usage: {},
  };
}

function sumOverPods(pods: PodModel[], figures: Figures, id: 'podCpuUsage' | 'podMemoryUsage'): number | undefined {
  let total: number | undefined;
  for (const pod of pods) {
    const value = figureValue(figures, id, podKey(pod.namespace ?? '', pod.name));
    if (value !== undefined) {
      total = (total ?? 0) + value;
    }
  }
  return total;
}

function namespaceApps(
  snapshot: ClusterSnapshot,
  namespace: string,
  index: NamespaceIndex,
  problemUids: Set<string>,
  figures: Figures
): NamespaceApps {
  const byUid = new Map<string, AppWorkload>();
  const add = (w: AppWorkload) => byUid.set(w.id, w);
  index.Deployment.forEach((m) => add(workloadOf('Deployment', m, namespace)));
  index.StatefulSet.forEach((m) => add(workloadOf('StatefulSet', m, namespace)));
  index.DaemonSet.forEach((m) => add(workloadOf('DaemonSet', m, namespace)));
  index.CronJob.forEach((m) => add(workloadOf('CronJob', m, namespace)));
  for (const job of index.Job) {
    const owner = controller(snapshot, job);
    const cronJob = owner ? byUid.get(owner.uid) : undefined;
    if (cronJob?.kind === 'CronJob') {
      cronJob.jobs.push(job);
    } else {
      add(workloadOf('Job', job, namespace));
    }
  }

  const other: AppWorkload = {
    kind: 'Other',
    id: `${namespace}/Other`,
    name: 'Other',
    namespace,
    images: [],
    pods: [],
    jobs: [],
    unbounded: [],
    services: [],
    hasProblem: false,
    usage: {},
  };
  /** Pod uid → the workload (or Other) it is listed under. */
  const podHome = new Map<string, AppWorkload>();
  for (const pod of index.Pod) {
    const top = topOwner(snapshot, pod);
    const home =
      byUid.get(top.uid) ?? (top.kind === 'Job' ? byUid.get(controller(snapshot, top)?.uid ?? '') : undefined);
    const target = home ?? other;
    target.pods.push(pod);
    podHome.set(pod.uid, target);
  }
  if (other.pods.length > 0) {
    other.images = uniqueImages(other.pods.flatMap((p) => p.containers));
    other.unbounded = other.pods.flatMap((p) =>
      unboundedContainers(p.containers).map((u) => ({ ...u, container: `${p.name}/${u.container}` }))
    );
    add(other);
  }

  const services: AppService[] = index.Service.map((service) => {
    const selected = new Map<string, AppWorkload>();
    for (const pod of targets(snapshot, service.uid, 'selects', 'Pod')) {
      const home = podHome.get(pod.uid);
      if (home) {
        selected.set(home.id, home);
      }
    }
    if (selected.size === 0 && service.selector) {
      for (const w of byUid.values()) {
        const selector = w.model && 'selector' in w.model ? w.model.selector : undefined;
        if (selector && w.kind !== 'Job' && selectorCovers(selector, service.selector)) {
          selected.set(w.id, w);
        }
      }
    }
    for (const w of selected.values()) {
      w.services.push(service);
    }
    return {
      service,
      workloads: [...selected.values()].map((w) => ({ id: w.id, kind: w.kind, name: w.name })),
      ingresses: [],
    };
  });
  const serviceByName = new Map(services.map((s) => [s.service.name, s]));

  const ingresses: AppIngress[] = index.Ingress.map((ingress) => {
    const routes = ingress.rules.map((rule) => {
      const linked = rule.backend.serviceName ? serviceByName.get(rule.backend.serviceName) : undefined;
      linked?.ingresses.push({ ingress, rule });
      return { rule, service: linked?.service };
    });
    return { ingress, routes };
  });
  // An ingress the snapshot's edges tie to a service that the rules did not name (e.g. by defaultBackend) stays linked.
  for (const s of services) {
    for (const ingress of sources(snapshot, s.service.uid, 'routesTo', 'Ingress')) {
      if (!s.ingresses.some((i) => i.ingress.uid === ingress.uid)) {
        const rule = ingress.rules.find((r) => r.backend.serviceName === s.service.name) ?? ingress.rules[0];
        if (rule) {
          s.ingresses.push({ ingress, rule });
        }
      }
    }
  }

  let problemCount = 0;
  const workloads = [...byUid.values()];
  for (const w of workloads) {
    w.hasProblem =
      problemUids.has(w.id) || w.pods.some((p) => problemUids.has(p.uid)) || w.jobs.some((j) => problemUids.has(j.uid));
    problemCount += w.hasProblem ? 1 : 0;
    w.usage = {
      cpu: sumOverPods(w.pods, figures, 'podCpuUsage'),
      memory: sumOverPods(w.pods, figures, 'podMemoryUsage'),
    };
    w.jobs.sort((a, b) => (b.startedAt ?? b.createdAt ?? 0) - (a.startedAt ?? a.createdAt ?? 0));
    w.pods.sort((a, b) => a.name.localeCompare(b.name));
  }
  workloads.sort((a, b) => APP_KINDS.indexOf(a.kind) - APP_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name));
  return {
    namespace,
    workloads,
    services: services.sort((a, b) => a.service.name.localeCompare(b.service.name)),
    ingresses: ingresses.sort((a, b) => a.ingress.name.localeCompare(b.ingress.name)),
    problemCount,
  };
}

function labelsMatch(labels: Record<string, string>, text: string): boolean {
  const eq = text.indexOf('=');
  if (eq > 0) {
    const key = text.slice(0, eq).trim();
    const value = text.slice(eq + 1).trim();
    return labels[key] === value;
  }
  return Object.entries(labels).some(([k, v]) => k.toLowerCase().includes(text) || v.toLowerCase().includes(text));
}

function workloadMatches(w: AppWorkload, text: string): boolean {
  if (!text) {
    return true;
  }
  const needle = text.toLowerCase();
  if (
    w.name.toLowerCase().includes(needle) ||
    (w.model && labelsMatch(w.model.labels, text.includes('=') ? text : needle))
  ) {
    return true;
  }
  return w.pods.some(
    (p) => p.name.toLowerCase().includes(needle) || labelsMatch(p.labels, text.includes('=') ? text : needle)
  );
}

/**
 * The app map: namespaces → workloads (with their pods and jobs), services linked to the workloads they select,
 * ingresses linked to their services. Filters keep a service or ingress when it is linked to a kept workload or
 * matches the text itself; namespaces left empty by the filters are dropped.
 */
export function selectAppMap(
  snapshot: ClusterSnapshot,
  filter: AppMapFilter,
  problemUids: Set<string>,
  figures: Figures = {}
): NamespaceApps[] {
  const wanted = filter.namespaces.length > 0 ? new Set(filter.namespaces) : undefined;
  const text = filter.text.trim();
  const filtering = text !== '' || filter.problemsOnly || filter.kinds.length > 0;
  const out: NamespaceApps[] = [];
  const names = [...snapshot.byNamespace.keys()].sort();
  for (const namespace of names) {
    if (wanted && !wanted.has(namespace)) {
      continue;
    }
    const apps = namespaceApps(snapshot, namespace, snapshot.byNamespace.get(namespace)!, problemUids, figures);
    if (!filtering) {
      if (apps.workloads.length + apps.services.length + apps.ingresses.length > 0) {
        out.push(apps);
      }
      continue;
    }
    const workloads = apps.workloads.filter(
      (w) =>
        (filter.kinds.length === 0 || filter.kinds.includes(w.kind)) &&
        (!filter.problemsOnly || w.hasProblem) &&
        workloadMatches(w, text)
    );
    const kept = new Set(workloads.map((w) => w.id));
    const textOnly = !filter.problemsOnly && filter.kinds.length === 0 && text !== '';
    const nameHit = (name: string) => textOnly && name.toLowerCase().includes(text.toLowerCase());
    const services = apps.services.filter((s) => s.workloads.some((w) => kept.has(w.id)) || nameHit(s.service.name));
    const keptServices = new Set(services.map((s) => s.service.name));
    const ingresses = apps.ingresses.filter(
      (i) => i.routes.some((r) => r.service && keptServices.has(r.service.name)) || nameHit(i.ingress.name)
    );
    if (workloads.length + services.length + ingresses.length > 0) {
      out.push({ ...apps, workloads, services, ingresses });
    }
  }
  return out;
}

/** Every namespace name in the snapshot (Namespace objects plus namespaces that only hold objects), sorted. */
export function namespaceNames(snapshot: ClusterSnapshot): string[] {
  const names = new Set(snapshot.byKind.Namespace.map((n) => n.name));
  for (const name of snapshot.byNamespace.keys()) {
    names.add(name);
  }
  return [...names].sort();
}
