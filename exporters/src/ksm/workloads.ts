/**
 * kube_deployment_*, kube_replicaset_*, kube_statefulset_*, kube_daemonset_*, kube_job_* and kube_cronjob_* families,
 * as kube-state-metrics' stores of the workload kinds.
 */
import { ExpositionWriter } from '../exposition';
import { ClusterView, CronJob, DaemonSet, Deployment, Job, ReplicaSet, StatefulSet } from '../shapes';
import { nextCronTime } from './cron';
import { BOOL_STATUSES, bool, KindEmitter, KsmContext, mapDefined, seconds } from './emitter';

const JOB_FAILURE_REASONS = ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'];

export function writeDeployments(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_deployment', context);
  k.declareMetadata('deployment');
  const rollingUpdate = (d: Deployment) =>
    (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' ? (d.spec.strategy?.rollingUpdate ?? {}) : undefined;
  const numbers = k.numbers<Deployment>([
    ['metadata_generation', 'Generation of the desired state.', (d) => d.metadata.generation ?? 1],
    ['spec_replicas', 'Replicas the deployment asks for.', (d) => d.spec.replicas ?? 1],
    ['spec_paused', '1 when rollouts of the deployment are paused.', (d) => bool(d.spec.paused)],
    // Percentages resolve against spec.replicas: surge rounds up, unavailable rounds down (k8s intstr rules).
    [
      'spec_strategy_rollingupdate_max_unavailable',
      'Replicas that may be unavailable during a rolling update, resolved against spec.replicas.',
      (d) =>
        mapDefined(rollingUpdate(d), (r) => scaledIntOrPercent(r.maxUnavailable ?? '25%', d.spec.replicas ?? 1, false)),
    ],
    [
      'spec_strategy_rollingupdate_max_surge',
      'Replicas that may exist above spec.replicas during a rolling update, resolved against spec.replicas.',
      (d) => mapDefined(rollingUpdate(d), (r) => scaledIntOrPercent(r.maxSurge ?? '25%', d.spec.replicas ?? 1, true)),
    ],
    ['status_replicas', 'Pods the deployment currently owns.', (d) => d.status?.replicas ?? 0],
    ['status_replicas_ready', 'Ready pods of the deployment.', (d) => d.status?.readyReplicas ?? 0],
    ['status_replicas_available', 'Available pods of the deployment.', (d) => d.status?.availableReplicas ?? 0],
    [
      'status_replicas_unavailable',
      'Pods of the deployment that are not available.',
      (d) => d.status?.unavailableReplicas ?? 0,
    ],
    [
      'status_replicas_updated',
      'Pods of the deployment with the current template.',
      (d) => d.status?.updatedReplicas ?? 0,
    ],
    [
      'status_observed_generation',
      'Generation the deployment controller has acted on.',
      (d) => d.status?.observedGeneration ?? 0,
    ],
  ]);
  k.declare('status_condition', 'Conditions of the deployment, one series per possible status.');
  k.forEach(view.deployments(), (deployment) => {
    const base = k.identify({ namespace: deployment.metadata.namespace ?? '', deployment: deployment.metadata.name });
    k.emit('created', base, seconds(deployment.metadata.creationTimestamp));
    k.metadata('deployments', base, deployment);
    numbers(base, deployment);
    for (const condition of deployment.status?.conditions ?? []) {
      k.conditions('status_condition', base, condition, { reason: condition.reason ?? '' });
    }
  });
}

export function writeReplicaSets(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_replicaset', context);
  k.declareMetadata('replicaset');
  k.declare('owner', 'Owner references of the replica set, or <none>.');
  const numbers = k.numbers<ReplicaSet>([
    ['metadata_generation', 'Generation of the desired state.', (rs) => rs.metadata.generation ?? 1],
    ['spec_replicas', 'Replicas the replica set asks for.', (rs) => rs.spec.replicas ?? 1],
    ['status_replicas', 'Pods the replica set currently owns.', (rs) => rs.status?.replicas ?? 0],
    [
      'status_fully_labeled_replicas',
      'Pods of the replica set whose labels match its template.',
      (rs) => rs.status?.fullyLabeledReplicas ?? rs.status?.replicas ?? 0,
    ],
    ['status_ready_replicas', 'Ready pods of the replica set.', (rs) => rs.status?.readyReplicas ?? 0],
    [
      'status_observed_generation',
      'Generation the replica set controller has acted on.',
      (rs) => rs.status?.observedGeneration ?? 0,
    ],
  ]);
  k.forEach(view.replicaSets(), (rs) => {
    const base = k.identify({ namespace: rs.metadata.namespace ?? '', replicaset: rs.metadata.name });
    k.emit('created', base, seconds(rs.metadata.creationTimestamp));
    k.metadata('replicasets', base, rs);
    k.owners(base, rs);
    numbers(base, rs);
  });
}

export function writeStatefulSets(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_statefulset', context);
  k.declareMetadata('statefulset');
  const numbers = k.numbers<StatefulSet>([
    ['metadata_generation', 'Generation of the desired state.', (sts) => sts.metadata.generation ?? 1],
    ['replicas', 'Replicas the stateful set asks for.', (sts) => sts.spec.replicas ?? 1],
    ['ordinals_start', 'First ordinal of the stateful set when not 0.', (sts) => sts.spec.ordinals?.start],
    ['status_replicas', 'Pods the stateful set currently owns.', (sts) => sts.status?.replicas ?? 0],
    [
      'status_replicas_current',
      'Pods of the stateful set at the current revision.',
      (sts) => sts.status?.currentReplicas ?? 0,
    ],
    ['status_replicas_ready', 'Ready pods of the stateful set.', (sts) => sts.status?.readyReplicas ?? 0],
    ['status_replicas_available', 'Available pods of the stateful set.', (sts) => sts.status?.availableReplicas ?? 0],
    [
      'status_replicas_updated',
      'Pods of the stateful set at the update revision.',
      (sts) => sts.status?.updatedReplicas ?? 0,
    ],
    [
      'status_observed_generation',
      'Generation the stateful set controller has acted on.',
      (sts) => sts.status?.observedGeneration ?? 0,
    ],
  ]);
  k.declare('status_current_revision', 'Current revision of the stateful set; value 1.');
  k.declare('status_update_revision', 'Update revision of the stateful set; value 1.');
  k.declare(
    'persistentvolumeclaim_retention_policy',
    'What happens to the claims of the stateful set on deletion and scale-down; value 1.'
  );
  k.forEach(view.statefulSets(), (sts) => {
    const base = k.identify({ namespace: sts.metadata.namespace ?? '', statefulset: sts.metadata.name });
    const status = sts.status ?? {};
    k.emit('created', base, seconds(sts.metadata.creationTimestamp));
    k.metadata('statefulsets', base, sts);
    numbers(base, sts);
    if (status.currentRevision) {
      k.emit('status_current_revision', base, 1, { revision: status.currentRevision });
    }
    if (status.updateRevision) {
      k.emit('status_update_revision', base, 1, { revision: status.updateRevision });
    }
    const retention = sts.spec.persistentVolumeClaimRetentionPolicy;
    if (retention) {
      k.emit('persistentvolumeclaim_retention_policy', base, 1, {
        when_deleted: retention.whenDeleted ?? 'Retain',
        when_scaled: retention.whenScaled ?? 'Retain',
      });
    }
  });
}

export function writeDaemonSets(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_daemonset', context);
  k.declareMetadata('daemonset');
  const numbers = k.numbers<DaemonSet>([
    ['metadata_generation', 'Generation of the desired state.', (ds) => ds.metadata.generation ?? 1],
    [
      'status_current_number_scheduled',
      'Nodes running a pod of the daemon set.',
      (ds) => ds.status?.currentNumberScheduled ?? 0,
    ],
    [
      'status_desired_number_scheduled',
      'Nodes that should run a pod of the daemon set.',
      (ds) => ds.status?.desiredNumberScheduled ?? 0,
    ],
    [
      'status_number_available',
      'Nodes with an available pod of the daemon set.',
      (ds) => ds.status?.numberAvailable ?? 0,
    ],
    [
      'status_number_misscheduled',
      'Nodes running a pod of the daemon set that should not.',
      (ds) => ds.status?.numberMisscheduled ?? 0,
    ],
    ['status_number_ready', 'Nodes with a ready pod of the daemon set.', (ds) => ds.status?.numberReady ?? 0],
    [
      'status_number_unavailable',
      'Nodes that should run an available pod of the daemon set and do not.',
      (ds) => ds.status?.numberUnavailable ?? 0,
    ],
    [
      'status_observed_generation',
      'Generation the daemon set controller has acted on.',
      (ds) => ds.status?.observedGeneration ?? 0,
    ],
    [
      'status_updated_number_scheduled',
      'Nodes running the current template of the daemon set.',
      (ds) => ds.status?.updatedNumberScheduled ?? 0,
    ],
  ]);
  k.forEach(view.daemonSets(), (ds) => {
    const base = k.identify({ namespace: ds.metadata.namespace ?? '', daemonset: ds.metadata.name });
    k.emit('created', base, seconds(ds.metadata.creationTimestamp));
    k.metadata('daemonsets', base, ds);
    numbers(base, ds);
  });
}

export function writeJobs(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_job', context);
  k.declare('info', 'Existence of the job; value 1.');
  k.declareMetadata('job');
  k.declare('owner', 'Owner references of the job, or <none>.');
  const numbers = k.numbers<Job>([
    ['spec_parallelism', 'Pods the job may run at once.', (job) => job.spec.parallelism ?? 1],
    ['spec_completions', 'Successful pods the job needs.', (job) => job.spec.completions ?? 1],
    [
      'spec_active_deadline_seconds',
      'Seconds the job may stay active after it started.',
      (job) => job.spec.activeDeadlineSeconds,
    ],
    ['status_active', 'Running pods of the job.', (job) => job.status?.active ?? 0],
    ['status_ready', 'Ready pods of the job.', (job) => job.status?.ready],
    ['status_succeeded', 'Pods of the job that succeeded.', (job) => job.status?.succeeded ?? 0],
    ['status_suspended', '1 when the job is suspended.', (job) => mapDefined(job.spec.suspend, bool)],
    ['status_start_time', 'When the job started (unix seconds).', (job) => mapDefined(job.status?.startTime, seconds)],
    [
      'status_completion_time',
      'When the job completed (unix seconds).',
      (job) => mapDefined(job.status?.completionTime, seconds),
    ],
  ]);
  k.declare('status_failed', 'Pods of the job that failed, by failure reason once the job failed.');
  k.declare('complete', 'Complete condition of the job, one series per possible status.');
  k.declare('failed', 'Failed condition of the job, one series per possible status.');
  k.forEach(view.jobs(), (job) => {
    const base = k.identify({ namespace: job.metadata.namespace ?? '', job_name: job.metadata.name });
    const status = job.status ?? {};
    k.emit('info', base, 1);
    k.emit('created', base, seconds(job.metadata.creationTimestamp));
    k.metadata('jobs', base, job);
    k.owners(base, job);
    numbers(base, job);
    const failedCondition = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    if (!status.failed || !failedCondition) {
      k.emit('status_failed', base, status.failed ?? 0);
    } else {
      // As KSM: one series per known failure reason, or the count under reason="" when the reason is unknown.
      const known = JOB_FAILURE_REASONS.includes(failedCondition.reason ?? '');
      for (const reason of JOB_FAILURE_REASONS) {
        k.emit('status_failed', base, bool(failedCondition.reason === reason), { reason });
      }
      if (!known) {
        k.emit('status_failed', base, status.failed, { reason: '' });
      }
    }
    for (const [suffix, type] of [
      ['complete', 'Complete'],
      ['failed', 'Failed'],
    ] as const) {
      const condition = status.conditions?.find((c) => c.type === type);
      if (condition) {
        for (const candidate of BOOL_STATUSES) {
          k.emit(suffix, base, bool(condition.status.toLowerCase() === candidate), { condition: candidate });
        }
      }
    }
  });
}

export function writeCronJobs(writer: ExpositionWriter, view: ClusterView, context: KsmContext): void {
  const k = new KindEmitter(writer, 'kube_cronjob', context);
  k.declare('info', 'Schedule, concurrency policy and time zone of the cron job; value 1.');
  k.declareMetadata('cronjob');
  const nextRun = (cronJob: CronJob) =>
    nextCronTime(
      cronJob.spec.schedule,
      Date.parse(cronJob.status?.lastScheduleTime ?? cronJob.metadata.creationTimestamp)
    );
  const numbers = k.numbers<CronJob>([
    ['status_active', 'Jobs of the cron job running now.', (cj) => cj.status?.active?.length ?? 0],
    [
      'status_last_schedule_time',
      'When the cron job last created a job (unix seconds).',
      (cj) => mapDefined(cj.status?.lastScheduleTime, seconds),
    ],
    [
      'status_last_successful_time',
      'When a job of the cron job last succeeded (unix seconds).',
      (cj) => mapDefined(cj.status?.lastSuccessfulTime, seconds),
    ],
    ['spec_suspend', '1 when the cron job is suspended.', (cj) => bool(cj.spec.suspend)],
    [
      'spec_starting_deadline_seconds',
      'Seconds a missed run of the cron job may still start late.',
      (cj) => cj.spec.startingDeadlineSeconds,
    ],
    [
      'next_schedule_time',
      'When the cron job fires next after its last run or, never run, after its creation (unix seconds).',
      (cj) => mapDefined(nextRun(cj), (next) => Math.floor(next / 1000)),
    ],
    [
      'schedule_invalid',
      '1 when the schedule of the cron job cannot be parsed.',
      (cj) => bool(nextRun(cj) === undefined),
    ],
    [
      'spec_successful_job_history_limit',
      'Finished jobs of the cron job that are kept.',
      (cj) => cj.spec.successfulJobsHistoryLimit ?? 3,
    ],
    [
      'spec_failed_job_history_limit',
      'Failed jobs of the cron job that are kept.',
      (cj) => cj.spec.failedJobsHistoryLimit ?? 1,
    ],
  ]);
  k.forEach(view.cronJobs(), (cronJob) => {
    const base = k.identify({ namespace: cronJob.metadata.namespace ?? '', cronjob: cronJob.metadata.name });
    k.emit('info', base, 1, {
      schedule: cronJob.spec.schedule,
      concurrency_policy: cronJob.spec.concurrencyPolicy ?? 'Allow',
      timezone: cronJob.spec.timeZone ?? 'local',
    });
    k.emit('created', base, seconds(cronJob.metadata.creationTimestamp));
    k.metadata('cronjobs', base, cronJob);
    numbers(base, cronJob);
  });
}

/** Resolves a Kubernetes IntOrString (e.g. "25%") against a total, rounding as the deployment controller does. */
function scaledIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') {
    return value;
  }
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) {
    return Number(value);
  }
  const scaled = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
