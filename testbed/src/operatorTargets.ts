/**
 * The `up` series prometheus-operator would make of the demo's monitors, declared by hand in
 * testbed/prometheus-operator-targets.yaml (see its header for the operator's labelling rules). Read and checked
 * here, and turned into one static scrape job of the stack's Prometheus: the product's own selector matching is what
 * the tests hold against these, so nothing here matches selectors.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Manifest } from './scenario';

export const OPERATOR_TARGETS_FILE = path.resolve(__dirname, '../prometheus-operator-targets.yaml');
export const OPERATOR_JOB = 'prometheus-operator-monitors';
const MONITOR_KINDS = ['ServiceMonitor', 'PodMonitor', 'Probe'];

export type TargetHealth = 'up' | 'down';

export interface OperatorTarget {
  /** "Kind namespace/name" of the monitor the operator would make it from. */
  monitor: string;
  health: TargetHealth;
  labels: Record<string, string>;
}

/** Where the targets are scraped: a live /metrics endpoint, and a loopback port nothing listens on. */
export type TargetAddresses = Record<TargetHealth, string>;

/** Reads the targets file, naming the entry of anything malformed or of a monitor the scenario lacks. */
export function loadOperatorTargets(scenario: Manifest[], file = OPERATOR_TARGETS_FILE): OperatorTarget[] {
  const monitors = new Set(
    scenario
      .filter((m) => MONITOR_KINDS.includes(m.kind))
      .map((m) => `${m.kind} ${m.metadata.namespace ?? 'default'}/${m.metadata.name}`)
  );
  const entries = yaml.load(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) {
    throw new Error(`${file}: expected a list of targets ({ monitor, health, labels })`);
  }
  return entries.map((entry, index) => {
    const where = `${file}, target ${index + 1}`;
    const { monitor, health, labels } = (entry ?? {}) as Partial<OperatorTarget>;
    if (typeof monitor !== 'string' || !monitors.has(monitor)) {
      throw new Error(
        `${where}: monitor ${JSON.stringify(monitor)} is not in the scenario (it has ${[...monitors].join(', ')}); ` +
          'write it as "Kind namespace/name" of scenarios/demo/40-monitors.yaml'
      );
    }
    if (health !== 'up' && health !== 'down') {
      throw new Error(`${where}: health must be up or down, found ${JSON.stringify(health)}`);
    }
    const values = Object.values(labels ?? {});
    if (!labels?.job || !labels.namespace || values.some((value) => typeof value !== 'string')) {
      throw new Error(`${where}: labels need string values, and job and namespace at least`);
    }
    return { monitor, health, labels };
  });
}

/** One scrape job with every target at the address of its health, its labels kept as the operator sets them. */
export function operatorScrapeJob(targets: OperatorTarget[], addresses: TargetAddresses): Record<string, unknown> {
  return {
    job_name: OPERATOR_JOB,
    honor_labels: true,
    // The cheapest node-exporter scrape: only the `up` series Prometheus records for the target matters.
    params: { 'collect[]': ['uname'] },
    static_configs: targets.map((target) => ({ targets: [addresses[target.health]], labels: target.labels })),
    // What the target serves is node-exporter's, not the pod's: keep none of it (up and scrape_* stay).
    metric_relabel_configs: [{ source_labels: ['__name__'], regex: '.+', action: 'drop' }],
  };
}
