/**
 * Container logs, generated deterministically from the pod, container and time: line i of a container is always the
 * same text at the same timestamp, so tail/since/timestamps/follow behave like the kubelet's log endpoint.
 */
import { createHash } from 'node:crypto';
import { KubeObject, Json } from '../cluster/store';
import { errors } from './status';

const MESSAGES = [
  'level=info msg="handled request" method=GET path=/api/v1/items status=200 duration=12ms',
  'level=info msg="handled request" method=POST path=/api/v1/orders status=201 duration=48ms',
  'level=info msg="cache refreshed" entries=1204 duration=210ms',
  'level=debug msg="health check" status=ok',
  'level=warn msg="slow upstream" upstream=catalog duration=1.2s',
  'level=info msg="handled request" method=GET path=/healthz status=200 duration=1ms',
  'level=error msg="upstream returned error" upstream=payments status=503 retry=1',
];
const CRASH_TAIL = [
  'level=info msg="loading product cache into memory"',
  'level=warn msg="memory usage high" rss=498Mi limit=512Mi',
  'fatal error: runtime: out of memory',
];

export interface LogOptions {
  container?: string;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
}

/** Seconds between two lines of a container, 2–9 depending on its name. */
function periodOf(seed: string): number {
  return 2 + (createHash('md5').update(seed).digest()[0] % 8);
}

function lineAt(seed: string, index: number): string {
  const digest = createHash('md5').update(`${seed}#${index}`).digest();
  return MESSAGES[digest[0] % MESSAGES.length].replace('duration=12ms', `duration=${digest[1] % 90}ms`);
}

/** Picks the container like the apiserver (pkg/registry/core/pod/strategy.go LogLocation) or explains why it can't. */
export function logContainer(pod: KubeObject, options: LogOptions): Json {
  const containers: Json[] = pod.spec.containers;
  let name = options.container;
  if (!name) {
    const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (containers.length === 1 || preferred) {
      name = preferred ?? containers[0].name;
    } else {
      throw errors.badRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`
      );
    }
  }
  const container = containers.find((c) => c.name === name);
  if (!container) {
    throw errors.badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
  }
  if (!pod.spec.nodeName) {
    throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  }
  const status = (pod.status.containerStatuses ?? []).find((c: Json) => c.name === name);
  const waiting = status?.state?.waiting?.reason;
  if (options.previous && !status?.lastState?.terminated) {
    throw errors.badRequest(`previous terminated container "${name}" in pod "${pod.metadata.name}" not found`);
  }
  if (!options.previous && waiting && waiting !== 'CrashLoopBackOff') {
    const why =
      waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull' ? 'trying and failing to pull image' : waiting;
    throw errors.badRequest(`container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${why}`);
  }
  return { container, status };
}

/** The log lines of one container instance between its start and end (or now), honouring tail/since. */
export function logLines(
  pod: KubeObject,
  options: LogOptions,
  now: number
): { lines: string[]; nextIndex: number; seed: string; start: number; period: number } {
  const { container, status } = logContainer(pod, options);
  const instance = options.previous ? status.restartCount - 1 : (status?.restartCount ?? 0);
  const seed = `${pod.metadata.uid}/${container.name}/${instance}`;
  const terminated = options.previous
    ? status.lastState.terminated
    : (status?.state?.terminated ?? (status?.state?.waiting ? status.lastState?.terminated : undefined));
  const start = Date.parse(
    terminated?.startedAt ?? status?.state?.running?.startedAt ?? pod.status.startTime ?? pod.metadata.creationTimestamp
  );
  const end = terminated ? Date.parse(terminated.finishedAt) : now;
  const crashed = terminated?.reason === 'OOMKilled';
  // A crashed run is short: its lines are packed so that it still shows some work before the crash.
  const period = crashed ? (end - start) / 1000 / (CRASH_TAIL.length + 5) : periodOf(seed);
  const total = crashed ? CRASH_TAIL.length + 5 : Math.max(1, Math.floor((end - start) / (period * 1000)));
  // Only the recent past is materialized: enough for tails and follow-ups, bounded for week-old pods.
  let first = Math.max(0, total - 2000);
  if (options.sinceSeconds !== undefined) {
    first = Math.max(first, Math.ceil((now - options.sinceSeconds * 1000 - start) / (period * 1000)));
  }
  if (options.tailLines !== undefined) {
    first = Math.max(first, total - options.tailLines);
  }
  const lines: string[] = [];
  for (let i = first; i < total; i++) {
    const text =
      crashed && i >= total - CRASH_TAIL.length ? CRASH_TAIL[i - (total - CRASH_TAIL.length)] : lineAt(seed, i);
    lines.push(formatLine(text, start + i * period * 1000, options.timestamps));
  }
  return { lines, nextIndex: total, seed, start, period };
}

export function formatLine(text: string, at: number, timestamps: boolean): string {
  return timestamps ? `${new Date(at).toISOString().replace('Z', '000000Z')} ${text}\n` : `${text}\n`;
}

export { lineAt };
