/**
 * Property-based: on any snapshot built from generated objects (src/model/testdata/arbitraries.ts), the selectors
 * the pages read never throw, and every state they hand the UI is one of its enum's values, so no tile, badge or
 * colour map meets a value it has no entry for.
 */
import fc from 'fast-check';
import type { ListOutcome } from '../k8s/client';
import { KIND_NAMES, KINDS } from '../k8s/kinds';
import { buildSnapshot } from '../model/snapshot';
import { clusterArb } from '../model/testdata/arbitraries';
import { Health, type ClusterSnapshot, type KindLoadState, type KindName } from '../model/types';
import type { Figures } from '../prometheus/figures';
import { podKey } from '../prometheus/promql';
import type { TargetHealth } from '../prometheus/targets';
import { APP_KINDS, namespaceNames, selectAppMap } from './appMap';
import { selectCoverage, summarize, workloadCoverage } from './coverage';
import {
  clusterTotals,
  limitLevel,
  ratio,
  selectNodeUsage,
  selectUnscheduledPods,
  sortNodes,
  usageLevel,
} from './nodeUsage';
import { selectOverviewCounts, selectOverviewProblems } from './overview';
import { POD_TILE_LABELS, podReason, podTileState } from './podState';
import { problemUids, SEVERITY_ORDER } from './problems';

const HEALTH = new Set<string>(Object.values(Health));
const SEVERITIES = new Set<string>(SEVERITY_ORDER);
const PROBLEM_TYPES = new Set([
  'NodeNotReady',
  'CrashLoopBackOff',
  'ImagePull',
  'ContainerConfig',
  'OOMKilled',
  'Unschedulable',
  'Pending',
  'NodePressure',
  'WorkloadUnavailable',
  'JobFailed',
  'HighRestarts',
  'WarningEvent',
]);
const APP_KIND_SET = new Set<string>(APP_KINDS);
const TILE_STATES = new Set(Object.keys(POD_TILE_LABELS));
const LEVELS = new Set(['ok', 'warn', 'high']);
const COVERAGE_STATES = new Set(['covered', 'down', 'selected', 'uncovered']);
const REASON_KINDS = new Set(['port', 'namespace', 'instance', 'down', 'noSeries']);
const COVERAGE_STATUS = new Set(['ok', 'absent', 'unreadable']);

/** The generated lists as listKinds() outcomes; the monitoring kinds are sometimes absent (no CRDs). */
const scenario = fc.record({
  objects: clusterArb({ minLength: 5, maxLength: 40 }),
  monitoringAbsent: fc.boolean(),
  now: fc.constantFrom(Date.parse('2026-12-03T06:30:00Z'), Date.parse('2026-01-01T00:30:00Z')),
  prometheus: fc.constantFrom('ok', 'missing'),
  usage: fc.array(fc.double({ min: -1, max: 1e12 }), { minLength: 1, maxLength: 8 }),
});

function snapshotOf(input: ScenarioValue): ClusterSnapshot {
  const outcomes: Partial<Record<KindName, ListOutcome>> = {};
  for (const kind of KIND_NAMES) {
    const items = input.objects.filter((o) => o.kind === kind).map((o) => o.raw);
    outcomes[kind] = {
      ok: true,
      result: { kind: KINDS[kind], items, stats: { requests: 1, pages: 1, retries: 0, restarts: 0 } },
    };
  }
  const snapshot = buildSnapshot(outcomes, input.now);
  if (input.monitoringAbsent) {
    const absent: KindLoadState = { state: 'absent', count: 0 };
    for (const kind of ['ServiceMonitor', 'PodMonitor', 'Probe', 'MetricsInstance'] as const) {
      snapshot.kinds[kind] = absent;
      snapshot.byKind[kind] = [];
    }
  }
  return snapshot;
}

type ScenarioValue = typeof scenario extends fc.Arbitrary<infer V> ? V : never;

/** Prometheus figures and `up` counts keyed as the queries key them, from the generated numbers. */
function prometheusOf(snapshot: ClusterSnapshot, input: ScenarioValue): { figures: Figures; health: TargetHealth } {
  if (input.prometheus === 'missing') {
    const missing = { status: 'missing' as const, reason: 'no Prometheus' };
    return { figures: { nodeCpuUsage: missing, podCpuUsage: missing }, health: missing };
  }
  const pick = (i: number) => input.usage[i % input.usage.length];
  const nodes = new Map(snapshot.byKind.Node.map((n, i) => [n.name, pick(i)]));
  const pods = new Map(snapshot.byKind.Pod.map((p, i) => [podKey(p.namespace ?? '', p.name), pick(i)]));
  const counts = (i: number) => ({ up: Math.max(0, Math.round(pick(i))) % 3, down: i % 2 });
  return {
    figures: {
      nodeCpuUsage: { status: 'ok', values: nodes },
      nodeMemoryUsage: { status: 'ok', values: nodes },
      podCpuUsage: { status: 'ok', values: pods },
      podMemoryUsage: { status: 'ok', values: pods },
    },
    health: {
      status: 'ok',
      services: new Map(snapshot.byKind.Service.map((s, i) => [podKey(s.namespace ?? '', s.name), counts(i)])),
      pods: new Map(snapshot.byKind.Pod.map((p, i) => [podKey(p.namespace ?? '', p.name), counts(i + 1)])),
    },
  };
}

const inSet = (set: Set<string>, value: string | undefined, what: string) => {
  if (value === undefined || !set.has(value)) {
    throw new Error(`${what} is ${JSON.stringify(value)}, not one of ${[...set].join(', ')}`);
  }
};

describe('selectors (fuzzed)', () => {
  it('problems, overview, app map, node usage, coverage and pod state only ever return their enums', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const snapshot = snapshotOf(input);
        const { figures, health } = prometheusOf(snapshot, input);
        for (const model of snapshot.byUid.values()) {
          inSet(HEALTH, model.status.health, `${model.kind} ${model.name} health`);
        }

        const { problems, critical } = selectOverviewProblems(snapshot);
        for (const problem of problems) {
          inSet(SEVERITIES, problem.severity, 'problem severity');
          inSet(PROBLEM_TYPES, problem.type, 'problem type');
          expect(typeof problem.title).toBe('string');
          expect(typeof problem.detail).toBe('string');
        }
        expect(critical).toBe(problems.filter((p) => p.severity === 'critical').length);
        const namespaces = namespaceNames(snapshot);
        expect(selectOverviewProblems(snapshot, namespaces.slice(0, 1)).problems.length).toBeLessThanOrEqual(
          problems.length
        );

        const counts = selectOverviewCounts(snapshot);
        expect(counts.pods).toBe(snapshot.byKind.Pod.length);
        expect(counts.podPhases.reduce((sum, p) => sum + p.count, 0)).toBe(counts.pods);
        expect(counts.nodes.ready).toBeLessThanOrEqual(counts.nodes.total);
        expect(counts.workloads.healthy).toBeLessThanOrEqual(counts.workloads.total);

        const uids = problemUids(problems);
        const filters = [
          { namespaces: [], text: '', problemsOnly: false, kinds: [] },
          { namespaces: namespaces.slice(0, 2), text: 'app=web', problemsOnly: true, kinds: ['Deployment' as const] },
          { namespaces: [], text: '<img', problemsOnly: false, kinds: ['Other' as const, 'Job' as const] },
        ];
        for (const filter of filters) {
          for (const ns of selectAppMap(snapshot, filter, uids, figures)) {
            expect(ns.problemCount).toBeGreaterThanOrEqual(0);
            for (const w of ns.workloads) {
              inSet(APP_KIND_SET, w.kind, 'app map workload kind');
              for (const pod of w.pods) {
                inSet(TILE_STATES, podTileState(pod), 'pod tile state');
              }
            }
            for (const s of ns.services) {
              for (const w of s.workloads) {
                inSet(APP_KIND_SET, w.kind, 'service workload kind');
              }
            }
          }
        }

        for (const pod of snapshot.byKind.Pod) {
          inSet(TILE_STATES, podTileState(pod), 'pod tile state');
          const reason = podReason(pod);
          expect(reason === undefined || typeof reason === 'string').toBe(true);
        }

        const usage = selectNodeUsage(snapshot, figures);
        for (const by of ['name', 'usage', 'pressure'] as const) {
          expect(sortNodes(usage, by)).toHaveLength(usage.length);
        }
        const totals = clusterTotals(usage);
        for (const figures of [...usage.flatMap((u) => [u.cpu, u.memory, u.pods]), totals.cpu, totals.memory]) {
          for (const value of [figures.usage, figures.requests]) {
            const r = ratio(value, figures.allocatable);
            if (r !== undefined) {
              inSet(LEVELS, usageLevel(r), 'usage level');
            }
          }
          const limits = ratio(figures.limits, figures.allocatable);
          if (limits !== undefined) {
            inSet(LEVELS, limitLevel(limits), 'limit level');
          }
        }
        for (const pod of selectUnscheduledPods(snapshot)) {
          expect(pod.nodeName).toBeUndefined();
        }

        const coverage = selectCoverage(snapshot, health);
        inSet(COVERAGE_STATUS, coverage.status, 'coverage status');
        const all = [...coverage.services.values(), ...coverage.pods.values()];
        for (const c of all) {
          inSet(COVERAGE_STATES, c.state, 'coverage state');
          for (const reason of c.reasons) {
            inSet(REASON_KINDS, reason.kind, 'coverage reason kind');
          }
        }
        const summary = summarize(all);
        expect(Object.values(summary).every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
        inSet(
          COVERAGE_STATES,
          workloadCoverage(coverage, snapshot.byKind.Service, snapshot.byKind.Pod).state,
          'workload coverage'
        );
      }),
      { numRuns: 1000 }
    );
  });
});
