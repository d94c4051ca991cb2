/** Entry point of the cluster state: `createCluster(options)` builds a scenario into a Simulation. */
import { Simulation, Clock } from './simulation';
import { buildScenario, ScenarioName, ScaleName, SCENARIOS, SCALE_PRESETS } from './scenarios';

export { Simulation } from './simulation';
export type { PodBehavior } from './simulation';
export { ClusterStore } from './store';
export type { KubeObject, ChangeEvent, Json } from './store';
export { KINDS } from './kinds';
export { SCENARIOS, SCALE_PRESETS } from './scenarios';
export type { ScenarioName, ScaleName } from './scenarios';

export interface ClusterOptions {
  scenario: ScenarioName;
  seed: number;
  scale?: ScaleName;
  /** Names for worker nodes in order (e.g. the real machine's hostname for node-exporter). */
  workerNames?: string[];
  /** Fixed start of simulated time (ms); default the real clock. */
  startTime?: number;
  /** Freeze the clock at startTime: with tick 0, every answer is deterministic. */
  frozen?: boolean;
  churn?: number;
  crashLoopPeriodSeconds?: number;
  monitoringCrds?: boolean;
}

export function createCluster(options: ClusterOptions): Simulation {
  if (!SCENARIOS.includes(options.scenario)) {
    throw new Error(`unknown scenario "${options.scenario}" (known: ${SCENARIOS.join(', ')})`);
  }
  if (options.scale && !SCALE_PRESETS[options.scale]) {
    throw new Error(`unknown scale "${options.scale}" (known: ${Object.keys(SCALE_PRESETS).join(', ')})`);
  }
  const startedAt = options.startTime ?? Date.now();
  const offset = startedAt - Date.now();
  const clock: Clock = {
    startedAt,
    now: options.frozen ? () => startedAt : () => Date.now() + offset,
  };
  const sim = new Simulation({
    seed: options.seed,
    clock,
    churn: options.churn ?? 0,
    crashLoopPeriodSeconds: options.crashLoopPeriodSeconds ?? 60,
  });
  buildScenario(
    sim,
    options.scenario,
    options.scale,
    { workerNames: options.workerNames },
    options.monitoringCrds ?? options.scenario === 'demo'
  );
  sim.building = false;
  return sim;
}
