import {
  ClusterSnapshot,
  ContainerSummary,
  DaemonSetModel,
  DeploymentModel,
  EventModel,
  JobModel,
  KindName,
  NamespaceIndex,
  NodeModel,
  ObjectRef,
  PodModel,
  StatefulSetModel,
} from '../model/types';
import { KIND_NAMES, KINDS } from '../k8s/kinds';
import { refOf } from '../model/snapshot';
import { formatBytes } from './format';
import { looseObjects } from './looseObjects';
import { involvedObject, isSuperseded, lastSeenAt } from './warningEvents';

export type Severity = 'critical' | 'warning' | 'info';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warning', 'info'];

export type ProblemType =
  | 'NodeNotReady'
  | 'CrashLoopBackOff'
  | 'ImagePull'
  | 'ContainerConfig'
  | 'OOMKilled'
  | 'Unschedulable'
  | 'Pending'
  | 'NodePressure'
  | 'WorkloadUnavailable'
  | 'JobFailed'
  | 'HighRestarts'
  | 'WarningEvent';

export interface Problem {
  severity: Severity;
  type: ProblemType;
  /** The object to open: pods, nodes, workloads; an event links to the object it is about. */
  object: ObjectRef;
  /** Short headline: the Kubernetes reason ("CrashLoopBackOff", "NotReady", "2/3 available"). */
  title: string;
  /** What exactly and where: container, message, counts. */
  detail: string;
  /** epoch ms the problem is known to exist since, when Kubernetes tells. */
  since?: number;
}

/** Restart count from which a pod is listed even when it is running now. */
export const HIGH_RESTARTS = 5;
/** How far back Warning events count as recent. */
export const RECENT_EVENT_MS = 60 * 60 * 1000;
/** Pending longer than this without an Unschedulable reason is listed (image pulls and volume mounts take time). */
export const PENDING_GRACE_MS = 5 * 60 * 1000;

export const IMAGE_PULL_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
]);
export const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
const PRESSURE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

/** Order within a severity: the more actionable first. */
const TYPE_RANK: Record<ProblemType, number> = {
  NodeNotReady: 0,
  CrashLoopBackOff: 1,
  ImagePull: 2,
  ContainerConfig: 3,
  Unschedulable: 4,
  JobFailed: 5,
  WorkloadUnavailable: 6,
  OOMKilled: 7,
  NodePressure: 8,
  Pending: 9,
  HighRestarts: 10,
  WarningEvent: 11,
};

function terminationText(c: ContainerSummary): string {
  const t = c.lastTermination;
  if (!t?.reason) {
    return '';
  }
  return `last terminated ${t.reason}${t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ''}`;
}

/** What a set of objects yields, and until when that holds: a judgement that depends on the time ends then. */
interface Judged {
  problems: Problem[];
  /** epoch ms (exclusive) from which the time may change the outcome. */
  until: number;
}

function podProblems(pod: PodModel, failedScheduling: Map<string, EventModel>, now: number): Judged {
  const out: Problem[] = [];
  let until = Infinity;
  const object = refOf(pod);
  let listed = false;
  for (const c of [...pod.initContainers, ...pod.containers]) {
    const where = `${c.init ? 'init container' : 'container'} ${c.name}`;
    if (c.reason === 'CrashLoopBackOff') {
      const details = [where, `${c.restarts} restarts`, terminationText(c)].filter(Boolean);
      out.push({
        severity: 'critical',
        type: 'CrashLoopBackOff',
        object,
        title: 'CrashLoopBackOff',
        detail: details.join(', '),
      });
      listed = true;
    } else if (c.reason && IMAGE_PULL_REASONS.has(c.reason)) {
      out.push({
        severity: 'critical',
        type: 'ImagePull',
        object,
        title: c.reason,
        detail: `${where}: image ${c.image}${c.message ? ` — ${c.message}` : ''}`,
      });
      listed = true;
    } else if (c.reason && CONFIG_REASONS.has(c.reason)) {
      out.push({
        severity: 'critical',
        type: 'ContainerConfig',
        object,
        title: c.reason,
        detail: `${where}${c.message ? `: ${c.message}` : ''}`,
      });
      listed = true;
    } else if (c.lastTermination?.reason === 'OOMKilled' || c.reason === 'OOMKilled') {
      const limit = c.limits.memory;
      out.push({
        severity: 'warning',
        type: 'OOMKilled',
        object,
        title: 'OOMKilled',
        detail: `${where} ran out of memory${limit ? ` (limit ${formatBytes(limit)})` : ''}, ${c.restarts} restarts`,
        since: c.lastTermination?.finishedAt,
      });
      listed = true;
    }
  }

  if (pod.phase === 'Pending' && !pod.terminating) {
    // A FailedScheduling from before the pod was bound says nothing about why a bound pod still waits.
    const event = pod.nodeName ? undefined : failedScheduling.get(pod.uid);
    const unschedulable = pod.status.reason === 'Unschedulable' || event !== undefined;
    if (unschedulable) {
      out.push({
        severity: 'critical',
        type: 'Unschedulable',
        object,
        title: 'Pending: Unschedulable',
        detail: event?.message ?? pod.status.message ?? 'The scheduler found no node for this pod.',
        since: event?.firstAt ?? pod.createdAt,
      });
      listed = true;
    } else if (!listed && pod.createdAt !== undefined) {
      const pendingFor = now - pod.createdAt;
      if (pendingFor <= PENDING_GRACE_MS) {
        until = pod.createdAt + PENDING_GRACE_MS + 1;
      } else {
        const minutes = Math.round(pendingFor / 60000);
        out.push({
          severity: 'warning',
          type: 'Pending',
          object,
          title: `Pending${pod.status.reason ? `: ${pod.status.reason}` : ''}`,
          detail: pod.status.message ?? `Pending for ${minutes} minutes.`,
          since: pod.createdAt,
        });
        listed = true;
        // Shown without a message, the minutes go up at every half minute (Math.round).
        until = pod.status.message === undefined ? pod.createdAt + (minutes + 0.5) * 60000 : Infinity;
      }
    }
  }

  if (!listed && pod.restarts >= HIGH_RESTARTS) {
    out.push({
      severity: 'warning',
      type: 'HighRestarts',
      object,
      title: `${pod.restarts} restarts`,
      detail: pod.containers
        .filter((c) => c.restarts > 0)
        .map((c) => [`${c.name}: ${c.restarts}`, terminationText(c)].filter(Boolean).join(', '))
        .join('; '),
    });
  }
  return { problems: out, until };
}

function nodeProblems(node: NodeModel): Problem[] {
  const out: Problem[] = [];
  const object = refOf(node);
  if (!node.ready) {
    const ready = node.conditions.find((c) => c.type === 'Ready');
    out.push({
      severity: 'critical',
      type: 'NodeNotReady',
      object,
      title: 'NotReady',
      detail: ready
        ? [ready.status === 'Unknown' ? 'Ready is Unknown' : 'Ready is False', ready.reason, ready.message]
            .filter(Boolean)
            .join(': ')
        : 'The node reports no Ready condition.',
      since: ready?.lastTransitionAt,
    });
  }
  for (const condition of node.conditions) {
    if (PRESSURE_CONDITIONS.includes(condition.type) && condition.status === 'True') {
      out.push({
        severity: 'warning',
        type: 'NodePressure',
        object,
        title: condition.type,
        detail: condition.message ?? condition.reason ?? `${condition.type} is True`,
        since: condition.lastTransitionAt,
      });
    }
  }
  return out;
}

function workloadProblem(w: DeploymentModel | StatefulSetModel | DaemonSetModel): Problem | undefined {
  const { desired, available } = w.replicas;
  if (desired <= available) {
    return undefined;
  }
  const unavailable = desired - available;
  return {
    severity: available === 0 ? 'critical' : 'warning',
    type: 'WorkloadUnavailable',
    object: refOf(w),
    title: `${available}/${desired} available`,
    detail: [
      `${unavailable} unavailable ${unavailable === 1 ? 'replica' : 'replicas'}`,
      w.status.reason,
      w.status.message,
    ]
      .filter(Boolean)
      .join(': '),
  };
}

/**
 * Problems of one object, computed once per model object: the live store (src/model/store.ts) keeps the model of an
 * object that did not change, so after a watch event only the changed objects are looked at again.
 */
const byModel = new WeakMap<object, Problem[]>();
function memoized<M extends object>(model: M, compute: (model: M) => Problem[]): Problem[] {
  let problems = byModel.get(model);
  if (!problems) {
    problems = compute(model);
    byModel.set(model, problems);
  }
  return problems;
}

function jobProblem(job: JobModel): Problem[] {
  if (job.outcome !== 'Failed') {
    return [];
  }
  return [
    {
      severity: 'warning',
      type: 'JobFailed',
      object: refOf(job),
      title: 'Job failed',
      detail: [job.status.reason, job.status.message, `${job.failed} failed ${job.failed === 1 ? 'pod' : 'pods'}`]
        .filter(Boolean)
        .join(': '),
      since: job.completedAt ?? job.startedAt,
    },
  ];
}

/**
 * Warning events still current (not superseded, see ./warningEvents.ts) and not already explained by a problem of
 * their object: one entry per object and reason, showing its newest event.
 */
function warningProblems(
  events: EventModel[],
  snapshot: ClusterSnapshot,
  now: number,
  explained: () => Set<string | undefined>
): Judged {
  let until = Infinity;
  const warnings = new Map<string, { event: EventModel; object: ObjectRef; at: number; count: number }>();
  for (const event of events) {
    const at = lastSeenAt(event);
    if (event.type !== 'Warning' || at === undefined || now - at > RECENT_EVENT_MS) {
      continue;
    }
    until = Math.min(until, at + RECENT_EVENT_MS + 1);
    const involved = involvedObject(snapshot, event);
    const object = involved && involved !== 'gone' ? refOf(involved) : aboutRef(event);
    if ((object.uid && explained().has(object.uid)) || isSuperseded(event, involved)) {
      continue;
    }
    const key = `${object.uid ?? `${object.kind}/${object.namespace}/${object.name}`}|${event.reason}`;
    const previous = warnings.get(key);
    const newer = !previous || at > previous.at;
    warnings.set(key, {
      event: newer ? event : previous.event,
      object,
      at: newer ? at : previous.at,
      count: (previous?.count ?? 0) + event.count,
    });
  }
  const problems: Problem[] = [];
  for (const { event, object, at, count } of warnings.values()) {
    problems.push({
      severity: 'info',
      type: 'WarningEvent',
      object,
      title: event.reason ?? 'Warning event',
      detail: `${event.message ?? ''}${count > 1 ? ` (×${count})` : ''}`.trim(),
      since: at,
    });
  }
  return { problems, until };
}

/** The object an event names, in the event's namespace when its kind is namespaced and it names none. */
function aboutRef(event: EventModel): ObjectRef {
  const ref = event.involvedObject;
  return ref.namespace === undefined && isNamespacedKind(ref.kind) ? { ...ref, namespace: event.namespace } : ref;
}

function isNamespacedKind(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(KINDS, kind) && KINDS[kind as KindName].namespaced;
}

/**
 * Is the event about an object of its own namespace? Those are judged with the namespace (Kubernetes keeps an
 * object's events in its namespace); events about nodes and other cluster-scoped or unknown kinds are judged with
 * the whole cluster.
 */
function isAboutItsNamespace(event: EventModel): boolean {
  const ref = event.involvedObject;
  return isNamespacedKind(ref.kind) && (ref.namespace ?? event.namespace) === event.namespace;
}

const JUDGED_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Event'] as const;
type JudgedKinds = Pick<NamespaceIndex, (typeof JUDGED_KINDS)[number]>;

/** The problems of one namespace's objects, and of the Warning events about them. */
function judgeNamespace(index: JudgedKinds, snapshot: ClusterSnapshot, now: number): Judged {
  // The scheduler's FailedScheduling event carries the reason a pod is unschedulable; keep the newest per pod.
  const failedScheduling = new Map<string, EventModel>();
  for (const event of index.Event) {
    if (event.reason === 'FailedScheduling' && event.involvedObject.uid) {
      const previous = failedScheduling.get(event.involvedObject.uid);
      if (!previous || (event.lastAt ?? 0) > (previous.lastAt ?? 0)) {
        failedScheduling.set(event.involvedObject.uid, event);
      }
    }
  }
  const problems: Problem[] = [];
  let until = Infinity;
  for (const pod of index.Pod) {
    // Only a pending pod's problems depend on the time and the scheduler's events; the others on the pod alone.
    if (pod.phase === 'Pending') {
      const judged = podProblems(pod, failedScheduling, now);
      problems.push(...judged.problems);
      until = Math.min(until, judged.until);
    } else {
      problems.push(...memoized(pod, (p) => podProblems(p, failedScheduling, now).problems));
    }
  }
  for (const w of [...index.Deployment, ...index.StatefulSet, ...index.DaemonSet]) {
    problems.push(
      ...memoized(w, (model) => {
        const problem = workloadProblem(model);
        return problem ? [problem] : [];
      })
    );
  }
  for (const job of index.Job) {
    problems.push(...memoized(job, jobProblem));
  }
  const explained = new Set(problems.map((p) => p.object.uid));
  const warnings = warningProblems(index.Event.filter(isAboutItsNamespace), snapshot, now, () => explained);
  return { problems: [...problems, ...warnings.problems], until: Math.min(until, warnings.until) };
}

/**
 * One namespace's problems, sorted, kept while the live store hands out the same index object for it (it makes a
 * new one only when an object of the namespace changed), no kind changed state and the time has not reached a
 * threshold: after a watch event only the changed namespaces are judged again, not every pod of the cluster.
 */
interface NamespaceProblems {
  at: number;
  until: number;
  kindStates: string;
  problems: Problem[];
  /** Its events about objects elsewhere (nodes, mostly), judged with the whole cluster. */
  foreign: EventModel[];
}
const byNamespaceIndex = new WeakMap<JudgedKinds, NamespaceProblems>();

function namespaceProblems(index: JudgedKinds, snapshot: ClusterSnapshot, now: number, kindStates: string) {
  const known = byNamespaceIndex.get(index);
  if (known && known.kindStates === kindStates && known.at <= now && now < known.until) {
    return known;
  }
  const judged = judgeNamespace(index, snapshot, now);
  const entry = {
    at: now,
    until: judged.until,
    kindStates,
    problems: judged.problems.sort(compareProblems),
    foreign: index.Event.filter((event) => !isAboutItsNamespace(event)),
  };
  byNamespaceIndex.set(index, entry);
  return entry;
}

/** Two lists sorted by compareProblems, as one; the first list's entries come first among equals. */
function mergeSorted(a: Problem[], b: Problem[]): Problem[] {
  if (b.length === 0) {
    return a;
  }
  const out: Problem[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    out.push(compareProblems(b[j], a[i]) < 0 ? b[j++] : a[i++]);
  }
  return out.concat(a.slice(i), b.slice(j));
}

/** The namespaces in compareProblems' order, sorted again only when the set of namespaces changed. */
let namespaceOrder: { keys: string[]; sorted: string[] } = { keys: [], sorted: [] };
function sortedNamespaces(snapshot: ClusterSnapshot): string[] {
  const keys = [...snapshot.byNamespace.keys()];
  if (keys.length !== namespaceOrder.keys.length || keys.some((key, i) => key !== namespaceOrder.keys[i])) {
    namespaceOrder = { keys, sorted: [...keys].sort((a, b) => a.localeCompare(b)) };
  }
  return namespaceOrder.sorted;
}

const lastSelected = new WeakMap<ClusterSnapshot, { now: number; problems: Problem[] }>();

/**
 * Everything wrong in the cluster now, most severe first; Warning events whose cause is over are history for the
 * details drawer, not problems. Pure: `now` is the snapshot's build time unless given, so the same snapshot always
 * yields the same list.
 */
export function selectProblems(snapshot: ClusterSnapshot, now: number = snapshot.builtAt): Problem[] {
  const last = lastSelected.get(snapshot);
  if (last?.now === now) {
    return last.problems;
  }
  const kindStates = KIND_NAMES.map((kind) => snapshot.kinds[kind]?.state).join();
  const entries = sortedNamespaces(snapshot).map((namespace) =>
    namespaceProblems(snapshot.byNamespace.get(namespace)!, snapshot, now, kindStates)
  );
  // By namespace, each namespace sorted: a stable sort of the whole by severity and type then gives
  // compareProblems' order without comparing names again.
  const namespaced = entries.flatMap((entry) => entry.problems).sort((a, b) => rankOf(a) - rankOf(b));
  const foreign = entries.flatMap((entry) => entry.foreign);

  const clusterWide: Problem[] = [];
  for (const node of snapshot.byKind.Node) {
    clusterWide.push(...memoized(node, nodeProblems));
  }
  const loose = looseObjects(snapshot, JUDGED_KINDS);
  if (loose) {
    clusterWide.push(...judgeNamespace(loose, snapshot, now).problems);
    foreign.push(...loose.Event.filter((event) => !isAboutItsNamespace(event)));
  }
  if (foreign.length > 0) {
    let explained: Set<string | undefined> | undefined;
    const explainedNow = () => (explained ??= new Set([...namespaced, ...clusterWide].map((p) => p.object.uid)));
    clusterWide.push(...warningProblems(foreign, snapshot, now, explainedNow).problems);
  }
  const problems = mergeSorted(namespaced, clusterWide.sort(compareProblems));
  lastSelected.set(snapshot, { now, problems });
  return problems;
}

/** Severity, then type: the first two keys of compareProblems. */
function rankOf(p: Problem): number {
  return SEVERITY_ORDER.indexOf(p.severity) * 100 + TYPE_RANK[p.type];
}

export function compareProblems(a: Problem, b: Problem): number {
  return (
    rankOf(a) - rankOf(b) ||
    (a.object.namespace ?? '').localeCompare(b.object.namespace ?? '') ||
    a.object.name.localeCompare(b.object.name)
  );
}

/** uids of objects with at least one problem, for "problems only" filters and tile badges. */
export function problemUids(problems: Problem[]): Set<string> {
  return new Set(problems.map((p) => p.object.uid).filter((uid): uid is string => uid !== undefined));
}
