import {
  ClusterSnapshot,
  ContainerSummary,
  DaemonSetModel,
  DeploymentModel,
  EventModel,
  NodeModel,
  ObjectRef,
  PodModel,
  StatefulSetModel,
} from '../model/types';
import { refOf } from '../model/snapshot';
import { formatBytes } from './format';
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

function podProblems(pod: PodModel, failedScheduling: Map<string, EventModel>, now: number): Problem[] {
  const out: Problem[] = [];
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
    } else if (!listed && pod.createdAt !== undefined && now - pod.createdAt > PENDING_GRACE_MS) {
      out.push({
        severity: 'warning',
        type: 'Pending',
        object,
        title: `Pending${pod.status.reason ? `: ${pod.status.reason}` : ''}`,
        detail: pod.status.message ?? `Pending for ${Math.round((now - pod.createdAt) / 60000)} minutes.`,
        since: pod.createdAt,
      });
      listed = true;
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
  return out;
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
 * Everything wrong in the cluster now, most severe first; Warning events whose cause is over are history for the
 * details drawer, not problems. Pure: `now` is the snapshot's build time unless given, so the same snapshot always
 * yields the same list.
 */
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

export function selectProblems(snapshot: ClusterSnapshot, now: number = snapshot.builtAt): Problem[] {
  const problems: Problem[] = [];

  // The scheduler's FailedScheduling event carries the reason a pod is unschedulable; keep the newest per pod.
  const failedScheduling = new Map<string, EventModel>();
  for (const event of snapshot.byKind.Event) {
    if (event.reason === 'FailedScheduling' && event.involvedObject.uid) {
      const previous = failedScheduling.get(event.involvedObject.uid);
      if (!previous || (event.lastAt ?? 0) > (previous.lastAt ?? 0)) {
        failedScheduling.set(event.involvedObject.uid, event);
      }
    }
  }

  for (const node of snapshot.byKind.Node) {
    problems.push(...memoized(node, nodeProblems));
  }
  for (const pod of snapshot.byKind.Pod) {
    // Only a pending pod's problems depend on the time and the scheduler's events; the others on the pod alone.
    problems.push(
      ...(pod.phase === 'Pending'
        ? podProblems(pod, failedScheduling, now)
        : memoized(pod, (p) => podProblems(p, failedScheduling, now)))
    );
  }
  for (const w of [...snapshot.byKind.Deployment, ...snapshot.byKind.StatefulSet, ...snapshot.byKind.DaemonSet]) {
    problems.push(
      ...memoized(w, (model) => {
        const problem = workloadProblem(model);
        return problem ? [problem] : [];
      })
    );
  }
  for (const job of snapshot.byKind.Job) {
    if (job.outcome === 'Failed') {
      problems.push({
        severity: 'warning',
        type: 'JobFailed',
        object: refOf(job),
        title: 'Job failed',
        detail: [job.status.reason, job.status.message, `${job.failed} failed ${job.failed === 1 ? 'pod' : 'pods'}`]
          .filter(Boolean)
          .join(': '),
        since: job.completedAt ?? job.startedAt,
      });
    }
  }

  // Warning events still current (not superseded, see ./warningEvents.ts) and not already explained by an entry
  // above: one entry per object and reason, showing its newest event.
  const explained = new Set(problems.map((p) => p.object.uid));
  const warnings = new Map<string, { event: EventModel; object: ObjectRef; at: number; count: number }>();
  for (const event of snapshot.byKind.Event) {
    const at = lastSeenAt(event);
    if (event.type !== 'Warning' || at === undefined || now - at > RECENT_EVENT_MS) {
      continue;
    }
    const involved = involvedObject(snapshot, event);
    const object = involved && involved !== 'gone' ? refOf(involved) : event.involvedObject;
    if ((object.uid && explained.has(object.uid)) || isSuperseded(event, involved)) {
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

  return problems.sort(compareProblems);
}

export function compareProblems(a: Problem, b: Problem): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    TYPE_RANK[a.type] - TYPE_RANK[b.type] ||
    (a.object.namespace ?? '').localeCompare(b.object.namespace ?? '') ||
    a.object.name.localeCompare(b.object.name)
  );
}

/** uids of objects with at least one problem, for "problems only" filters and tile badges. */
export function problemUids(problems: Problem[]): Set<string> {
  return new Set(problems.map((p) => p.object.uid).filter((uid): uid is string => uid !== undefined));
}
