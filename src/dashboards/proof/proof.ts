/**
 * Runs every Prometheus target of a dashboard against a real Prometheus, once per combination of variable values
 * that the dashboard's own variable queries yield there.
 */
import type { Json } from '../generator/model';
import { Assignment, assignments, interpolate, VariableSource, prometheusTargets } from './variables';

export class PrometheusHttp implements VariableSource {
  constructor(private readonly url: string) {}

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const response = await fetch(`${this.url}${path}?${new URLSearchParams(params)}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') {
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    return body.data;
  }

  labelValues(label: string, match?: string): Promise<string[]> {
    return this.get(`/api/v1/label/${encodeURIComponent(label)}/values`, match ? { 'match[]': match } : {});
  }

  async queryResult(expr: string): Promise<string[]> {
    const data = await this.get<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
      '/api/v1/query',
      { query: expr }
    );
    return data.result.map(({ metric: { __name__: name = '', ...labels }, value: [time, value] }) => {
      const text = Object.entries(labels).map(([label, labelValue]) => `${label}="${labelValue}"`);
      return `${name}{${text.join(',')}} ${value} ${time * 1000}`;
    });
  }

  /** Instant query: the label sets of the resulting series; an error means Prometheus rejected the expression. */
  async query(expr: string): Promise<{ series: Array<Record<string, string>>; error?: string }> {
    try {
      const data = await this.get<{ result: Array<{ metric: Record<string, string> }> }>('/api/v1/query', {
        query: expr,
      });
      return { series: data.result.map((sample) => sample.metric) };
    } catch (error) {
      return { series: [], error: String(error) };
    }
  }
}

export interface TargetOutcome {
  panel: string;
  refId: string;
  /** Combinations in which the target returned at least one series. */
  withData: number;
  /** Label names of the series it returned (table columns come from them). */
  labels: Set<string>;
  combinations: number;
  /** Prometheus's error and the interpolated expression, when it rejected one. */
  errors: string[];
}

export interface DashboardOutcome {
  targets: TargetOutcome[];
  combinations: Assignment[];
  /** Variables whose query never returned a value (they resolve to ""). */
  neverResolved: string[];
}

/** Grafana's interval variables for a Prometheus scraped every `scrapeSeconds` (grafana-prometheus datasource.ts). */
export function intervalBuiltins(scrapeSeconds: number, rangeSeconds: number): Assignment {
  const value = (seconds: number) => ({ value: `${seconds}s`, text: `${seconds}s` });
  return {
    // $__rate_interval is at least four scrape intervals.
    __rate_interval: value(4 * scrapeSeconds),
    __interval: value(scrapeSeconds),
    __range: value(rangeSeconds),
  };
}

export async function proveDashboard(
  dashboard: Json,
  prometheus: PrometheusHttp,
  builtins: Assignment,
  maxCombinations: number
): Promise<DashboardOutcome> {
  const { combinations, neverResolved } = await assignments(dashboard, prometheus, builtins, maxCombinations);
  const targets: TargetOutcome[] = [];
  for (const target of prometheusTargets(dashboard)) {
    const outcome: TargetOutcome = {
      panel: target.panel,
      refId: target.refId,
      withData: 0,
      combinations: 0,
      errors: [],
      labels: new Set(),
    };
    for (const combination of combinations) {
      const expr = interpolate(target.expr, { ...builtins, ...combination });
      const result = await prometheus.query(expr);
      outcome.combinations++;
      if (result.error) {
        outcome.errors.push(`${result.error}\n${expr}`);
      } else if (result.series.length > 0) {
        outcome.withData++;
        result.series.forEach((series) => Object.keys(series).forEach((label) => outcome.labels.add(label)));
      }
    }
    targets.push(outcome);
  }
  return { targets, combinations, neverResolved };
}
