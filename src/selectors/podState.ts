import { PodModel } from '../model/types';

/** The app map's pod tile colours. */
export type PodTileState = 'ready' | 'notReady' | 'pending' | 'failed' | 'succeeded' | 'terminating';

const FAILING_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError']);

export function podTileState(pod: PodModel): PodTileState {
  if (pod.terminating) {
    return 'terminating';
  }
  switch (pod.phase) {
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    case 'Pending':
      return pod.containers.some((c) => c.reason && FAILING_REASONS.has(c.reason)) ? 'failed' : 'pending';
    case 'Running':
      if (pod.containers.some((c) => c.reason && FAILING_REASONS.has(c.reason))) {
        return 'failed';
      }
      return pod.ready ? 'ready' : 'notReady';
    default:
      return 'notReady';
  }
}

export const POD_TILE_LABELS: Record<PodTileState, string> = {
  ready: 'Running and ready',
  notReady: 'Not ready',
  pending: 'Pending',
  failed: 'Failed',
  succeeded: 'Succeeded',
  terminating: 'Terminating',
};

/** The reason worth showing for a pod: the first waiting/terminated container reason, else the pod's own. */
export function podReason(pod: PodModel): string | undefined {
  const container = [...pod.initContainers, ...pod.containers].find(
    (c) => c.reason && c.reason !== 'Completed' && c.state !== 'running'
  );
  return container?.reason ?? pod.status.reason;
}
