/**
 * kube-state-metrics v2 exposition computed from the cluster's current objects at scrape time.
 * Metric names, types and label sets follow kube-state-metrics v2.20: ksm.test.ts checks every emitted series against
 * the project's reference table. Behaviour mirrored from kube-state-metrics' internal/store/*.go:
 * - kube_<kind>_labels / _annotations emit series only for resources named in the allow-lists
 *   (--metric-labels-allowlist / --metric-annotations-allowlist syntax: `pods=[app,team],namespaces=[*]`);
 *   with empty allow-lists (KSM's default) they carry HELP/TYPE only.
 * - boolean families (phase, condition, qos class) emit one series per possible value with 0/1;
 *   waiting/terminated reasons emit only the current reason.
 * The kinds' families are written by ksm/pods.ts, ksm/workloads.ts and ksm/cluster.ts.
 */
import { ExpositionWriter } from './exposition';
import { writeHpas, writeIngresses, writeNamespaces, writeNodes, writePvcs, writeServices } from './ksm/cluster';
import { KsmContext } from './ksm/emitter';
import { writePods } from './ksm/pods';
import {
  writeCronJobs,
  writeDaemonSets,
  writeDeployments,
  writeJobs,
  writeReplicaSets,
  writeStatefulSets,
} from './ksm/workloads';
import { ClusterView } from './shapes';

/** Resource plural (as in KSM's allow-list flags) → allowed Kubernetes label/annotation keys, or '*' for all. */
export type Allowlist = Map<string, string[] | '*'>;

export interface KsmOptions {
  labelsAllowlist: Allowlist;
  annotationsAllowlist: Allowlist;
}

/** Parses KSM's allow-list flag syntax, e.g. `pods=[app,app.kubernetes.io/name],namespaces=[*]`. */
export function parseAllowlist(flag: string): Allowlist {
  const allowlist: Allowlist = new Map();
  const entry = /\s*([a-z0-9.]+)=\[([^\]]*)\]\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < flag.length && (match = entry.exec(flag))) {
    const keys = match[2]
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    allowlist.set(match[1], keys.includes('*') ? '*' : keys);
    consumed = entry.lastIndex;
  }
  if (consumed < flag.trim().length) {
    throw new Error(
      `invalid allow-list "${flag}": expected resource=[key,...] entries such as pods=[app,team],namespaces=[*]`
    );
  }
  return allowlist;
}

export class KubeStateMetrics {
  private readonly context: KsmContext;

  constructor(options: KsmOptions) {
    this.context = { options, cache: new WeakMap() };
  }

  write(view: ClusterView): ExpositionWriter {
    const writer = new ExpositionWriter();
    for (const writeKind of [
      writePods,
      writeNodes,
      writeNamespaces,
      writeDeployments,
      writeReplicaSets,
      writeStatefulSets,
      writeDaemonSets,
      writeJobs,
      writeCronJobs,
      writeServices,
      writeIngresses,
      writeHpas,
      writePvcs,
    ]) {
      writeKind(writer, view, this.context);
    }
    return writer;
  }
}
