/**
 * KubeAtlas's write actions: scale, rollout restart, delete pod, cordon/uncordon, suspend/resume a CronJob and run a
 * CronJob now. Each is planned (read the object, build the request), previewed with a server dry run (`dryRun=All`:
 * admission and validation run, nothing is stored) whose answer is compared field by field with the object as it is,
 * then applied with the very same request. Who may see an action is decided per SelfSubjectAccessReview (`checkAccess`).
 *
 *   const plan = await planAction(client, 'scale', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { replicas: 5 });
 *   const changes = await previewAction(client, plan);   // [{ field: 'spec.replicas', before: '3', after: '5' }]
 *   await applyAction(client, plan);
 *
 * Failures are the client's typed K8sErrors: a 403 is a ForbiddenError naming the ClusterRole rule to add.
 */
import type { AccessAttributes, ApiRequest, K8sClient, RawObject, RequestOptions } from './client';
import { ForbiddenError, ruleFor } from './errors';
import { KINDS, resourcePath } from './kinds';
import type { RbacPermission } from './rbac';
import type { KindName } from '../model/types';

export type ScalableKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet';
export type RestartableKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export type ActionId = 'scale' | 'restart' | 'delete' | 'cordon' | 'uncordon' | 'suspend' | 'resume' | 'run';

/** The pod-template annotation `kubectl rollout restart` sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** The annotation `kubectl create job --from=cronjob/…` puts on the Job (the CronJob controller's own Jobs lack it). */
export const INSTANTIATE = 'cronjob.kubernetes.io/instantiate';

const MERGE_PATCH = 'application/merge-patch+json';

export interface ActionTarget {
  kind: KindName;
  namespace?: string;
  name: string;
}

interface ActionSpec {
  label: string;
  kinds: readonly KindName[];
  verb: string;
  subresource?: string;
  /** The kind written when it is not the target's (Run now creates a Job). */
  writes?: KindName;
  /** The fields compared before and after; absent fields read as the default given. */
  fields: readonly string[];
  defaults?: Record<string, unknown>;
}

export const ACTIONS: Record<ActionId, ActionSpec> = {
  scale: {
    label: 'Scale',
    kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'],
    verb: 'patch',
    subresource: 'scale',
    fields: ['spec.replicas'],
  },
  restart: {
    label: 'Rollout restart',
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
    verb: 'patch',
    fields: ['spec.template.metadata.annotations'],
  },
  delete: {
    label: 'Delete pod',
    kinds: ['Pod'],
    verb: 'delete',
    fields: ['metadata.deletionTimestamp', 'metadata.deletionGracePeriodSeconds'],
  },
  cordon: {
    label: 'Cordon',
    kinds: ['Node'],
    verb: 'patch',
    fields: ['spec.unschedulable'],
    defaults: { 'spec.unschedulable': false },
  },
  uncordon: {
    label: 'Uncordon',
    kinds: ['Node'],
    verb: 'patch',
    fields: ['spec.unschedulable'],
    defaults: { 'spec.unschedulable': false },
  },
  suspend: {
    label: 'Suspend',
    kinds: ['CronJob'],
    verb: 'patch',
    fields: ['spec.suspend'],
    defaults: { 'spec.suspend': false },
  },
  resume: {
    label: 'Resume',
    kinds: ['CronJob'],
    verb: 'patch',
    fields: ['spec.suspend'],
    defaults: { 'spec.suspend': false },
  },
  run: {
    label: 'Run now',
    kinds: ['CronJob'],
    verb: 'create',
    writes: 'Job',
    fields: [
      'metadata.name',
      'metadata.annotations',
      'metadata.ownerReferences.0.kind',
      'metadata.ownerReferences.0.name',
    ],
  },
};

/**
 * The actions offered on an object in its current state: cordon or uncordon, suspend or resume, never both.
 */
export function actionsFor(kind: string, state: { unschedulable?: boolean; suspend?: boolean } = {}): ActionId[] {
  const offered = (Object.keys(ACTIONS) as ActionId[]).filter((id) => ACTIONS[id].kinds.includes(kind as KindName));
  return offered.filter(
    (id) =>
      !(id === 'cordon' && state.unschedulable) &&
      !(id === 'uncordon' && !state.unschedulable) &&
      !(id === 'suspend' && state.suspend) &&
      !(id === 'resume' && !state.suspend)
  );
}

/** The write permission each action needs on each kind it serves: what deploy/kubernetes/kubeatlas-operator.yaml grants. */
export function actionPermissions(): RbacPermission[] {
  const seen = new Map<string, RbacPermission>();
  for (const spec of Object.values(ACTIONS)) {
    for (const kind of spec.kinds) {
      const info = KINDS[spec.writes ?? kind];
      const resource = spec.subresource ? `${info.plural}/${spec.subresource}` : info.plural;
      seen.set(`${info.group}/${resource}:${spec.verb}`, { group: info.group, resource, verb: spec.verb });
    }
  }
  return [...seen.values()];
}

/** What a SelfSubjectAccessReview must allow for the action: reading the object, then the write itself. */
export function accessFor(action: ActionId, target: ActionTarget): AccessAttributes[] {
  const spec = ACTIONS[action];
  const read = KINDS[target.kind];
  const written = KINDS[spec.writes ?? target.kind];
  const namespace = read.namespaced ? target.namespace : undefined;
  return [
    { group: read.group, resource: read.plural, verb: 'get', namespace },
    { group: written.group, resource: written.plural, subresource: spec.subresource, verb: spec.verb, namespace },
  ];
}

/** The ForbiddenError message for an access the token lacks: the cause and the ClusterRole rule that fixes it. */
export function deniedReason(attributes: AccessAttributes, kind: string): string {
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  return new ForbiddenError(
    kind,
    attributes.verb,
    attributes.namespace,
    ruleFor(attributes.group, resource, attributes.verb)
  ).message;
}

export type Access = { allowed: true } | { allowed: false; reason: string } | { allowed: 'unknown'; reason: string };

/**
 * May the datasource's token do the action? One SelfSubjectAccessReview per needed permission. When a review itself
 * fails, the answer is 'unknown' (the dry run will still catch a denial before anything changes).
 */
export async function checkAccess(
  client: K8sClient,
  action: ActionId,
  target: ActionTarget,
  options: RequestOptions = {}
): Promise<Access> {
  const needed = accessFor(action, target);
  const results = await Promise.allSettled(needed.map((a) => client.selfSubjectAccessReview(a, options)));
  for (const [i, result] of results.entries()) {
    if (result.status === 'fulfilled' && !result.value.allowed) {
      const kind = i === 0 ? target.kind : (ACTIONS[action].writes ?? target.kind);
      return { allowed: false, reason: deniedReason(needed[i], kind) };
    }
  }
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    const message = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    return { allowed: 'unknown', reason: `The permission check failed: ${message}` };
  }
  return { allowed: true };
}

// Request builders: the exact requests kubectl's equivalents send.

export function scaleRequest(kind: ScalableKind, namespace: string, name: string, replicas: number): ApiRequest {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new RangeError(`replicas must be a non-negative integer, got ${replicas}`);
  }
  return patch(kind, namespace, name, { spec: { replicas } }, 'scale');
}

export function restartRequest(kind: RestartableKind, namespace: string, name: string, at: Date): ApiRequest {
  return patch(kind, namespace, name, {
    spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at.toISOString() } } } },
  });
}

export function deletePodRequest(namespace: string, name: string): ApiRequest {
  const info = KINDS.Pod;
  return {
    route: 'delete',
    method: 'DELETE',
    path: resourcePath(info, namespace, name),
    context: { verb: 'delete', kind: info, namespace, name },
  };
}

/** `kubectl cordon` / `uncordon`: spec.unschedulable (the node controller then adds or drops its taint). */
export function cordonRequest(name: string, unschedulable: boolean): ApiRequest {
  return patch('Node', undefined, name, { spec: { unschedulable } });
}

export function suspendRequest(namespace: string, name: string, suspend: boolean): ApiRequest {
  return patch('CronJob', namespace, name, { spec: { suspend } });
}

export function createJobRequest(namespace: string, job: RawObject): ApiRequest {
  const info = KINDS.Job;
  return {
    route: 'jobs',
    method: 'POST',
    path: `/${encodeURIComponent(namespace)}/jobs`,
    body: job,
    context: { verb: 'create', kind: info, namespace, name: job.metadata?.name },
  };
}

/**
 * The Job `kubectl create job --from=cronjob/<name>` makes: the jobTemplate's labels, annotations plus
 * cronjob.kubernetes.io/instantiate: manual, and spec, owned by the CronJob as its controller. Like kubectl it sets no
 * blockOwnerDeletion, which would also need update on cronjobs/finalizers.
 */
export function jobFromCronJob(cronJob: RawObject, jobName: string): RawObject {
  const template = ((
    cronJob.spec as { jobTemplate?: { metadata?: Record<string, unknown>; spec?: unknown } } | undefined
  )?.jobTemplate ?? {}) as {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
  };
  const metadata = template.metadata ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      namespace: cronJob.metadata?.namespace,
      labels: metadata.labels,
      annotations: { [INSTANTIATE]: 'manual', ...metadata.annotations },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata?.name,
          uid: cronJob.metadata?.uid,
          controller: true,
        },
      ],
    },
    spec: template.spec,
  };
}

/** `<cronjob>-manual-<base36 seconds>`, at most 52 characters: room under the 63 of the pods' job-name label. */
export function manualJobName(cronJobName: string, now: Date): string {
  const suffix = `-manual-${Math.floor(now.getTime() / 1000).toString(36)}`;
  return `${cronJobName.slice(0, 52 - suffix.length).replace(/[-.]+$/, '')}${suffix}`;
}

/** The same request as a server dry run: validated and admitted, never stored. */
export function asDryRun(request: ApiRequest): ApiRequest {
  return { ...request, query: { ...request.query, dryRun: 'All' } };
}

// Plans: what the modal shows and applies.

export interface ActionPlan {
  action: ActionId;
  target: ActionTarget;
  request: ApiRequest;
  /** The object the fields are compared against (none for a Job that Run now creates). */
  before?: RawObject;
  /** What the user should know first (a controller that will undo a scale). */
  warnings: string[];
}

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

/** Reads the target and builds the request; `replicas` is for scale, `now` stamps restarts and names manual Jobs. */
export async function planAction(
  client: K8sClient,
  action: ActionId,
  target: ActionTarget,
  input: { replicas?: number; now?: Date } = {},
  options: RequestOptions = {}
): Promise<ActionPlan> {
  const { kind, name } = target;
  const namespace = target.namespace ?? '';
  if (!ACTIONS[action].kinds.includes(kind)) {
    throw new RangeError(`${ACTIONS[action].label} does not apply to a ${kind}`);
  }
  const object = await client.get(kind, name, KINDS[kind].namespaced ? namespace : undefined, options);
  const now = input.now ?? new Date();
  const requests: Record<ActionId, () => ApiRequest> = {
    scale: () => scaleRequest(kind as ScalableKind, namespace, name, input.replicas ?? NaN),
    restart: () => restartRequest(kind as RestartableKind, namespace, name, now),
    delete: () => deletePodRequest(namespace, name),
    cordon: () => cordonRequest(name, true),
    uncordon: () => cordonRequest(name, false),
    suspend: () => suspendRequest(namespace, name, true),
    resume: () => suspendRequest(namespace, name, false),
    run: () => createJobRequest(namespace, jobFromCronJob(object, manualJobName(name, now))),
  };
  return {
    action,
    target,
    request: requests[action](),
    before: action === 'run' ? undefined : object,
    warnings: warningsFor(action, object),
  };
}

function warningsFor(action: ActionId, object: RawObject): string[] {
  const owners = (object.metadata?.ownerReferences ?? []) as Array<{
    kind?: string;
    name?: string;
    controller?: boolean;
  }>;
  const owner = owners.find((o) => o.controller);
  if (action === 'scale' && owner) {
    return [
      `${owner.kind} ${owner.name} controls this ${object.kind ?? 'object'} and will set its replicas back: scale the ${owner.kind} instead.`,
    ];
  }
  return [];
}

/** The server dry run of the plan and what it would change. */
export async function previewAction(
  client: K8sClient,
  plan: ActionPlan,
  options: RequestOptions = {}
): Promise<FieldChange[]> {
  const after = await client.send<RawObject>(asDryRun(plan.request), options);
  if (plan.action === 'delete' && after?.kind === 'Status') {
    // A pod no kubelet runs is deleted at once: the answer is a Status, not the terminating pod.
    return [{ field: 'pod', before: 'exists', after: 'deleted' }];
  }
  const spec = ACTIONS[plan.action];
  return fieldChanges(plan.before, after, spec.fields, spec.defaults);
}

export function applyAction(client: K8sClient, plan: ActionPlan, options: RequestOptions = {}): Promise<RawObject> {
  return client.send<RawObject>(plan.request, options);
}

// The field-level diff.

type Segment = string | number;

/**
 * Leaf-by-leaf differences between two objects under the given fields ("spec.replicas", "metadata.annotations",
 * "metadata.ownerReferences.0.kind"). An absent leaf reads as its default, else "(unset)".
 */
export function fieldChanges(
  before: unknown,
  after: unknown,
  fields: readonly string[],
  defaults: Record<string, unknown> = {}
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const root = field.split('.').map((s): Segment => (/^\d+$/.test(s) ? Number(s) : s));
    const was = leaves(at(before, root), root);
    const is = leaves(at(after, root), root);
    for (const key of new Set([...was.keys(), ...is.keys()])) {
      const fallback = defaults[key];
      const b = was.has(key) ? was.get(key) : fallback;
      const a = is.has(key) ? is.get(key) : fallback;
      if (JSON.stringify(b) !== JSON.stringify(a)) {
        changes.push({ field: key, before: show(b), after: show(a) });
      }
    }
  }
  return changes;
}

function at(value: unknown, path: Segment[]): unknown {
  return path.reduce<unknown>(
    (v, s) => (v !== null && typeof v === 'object' ? (v as Record<Segment, unknown>)[s] : undefined),
    value
  );
}

/** Every non-object value under `value`, keyed by its printed path (`a.b["k8s.io/x"][0]`); empty for undefined. */
function leaves(value: unknown, path: Segment[], out = new Map<string, unknown>()): Map<string, unknown> {
  if (value === undefined || value === null) {
    return out;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      leaves(child, [...path, Array.isArray(value) ? Number(key) : key], out);
    }
    return out;
  }
  out.set(printPath(path), value);
  return out;
}

function printPath(path: Segment[]): string {
  return path
    .map((s, i) =>
      typeof s === 'number'
        ? `[${s}]`
        : /^[A-Za-z_][\w-]*$/.test(s)
          ? `${i > 0 ? '.' : ''}${s}`
          : `[${JSON.stringify(s)}]`
    )
    .join('');
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value);
}

function patch(
  kind: KindName,
  namespace: string | undefined,
  name: string,
  body: unknown,
  subresource?: string
): ApiRequest {
  const info = KINDS[kind];
  return {
    route: 'patch',
    method: 'PATCH',
    path: resourcePath(info, namespace, name, subresource),
    body,
    contentType: MERGE_PATCH,
    context: { verb: 'patch', kind: info, subresource, namespace, name },
  };
}
