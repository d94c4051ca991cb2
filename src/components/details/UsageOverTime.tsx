import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { Field, FieldType, GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, Sparkline, useStyles2, useTheme2 } from '@grafana/ui';
import { queryRange, RangeSeries } from '../../prometheus/client';
import { NO_PROMETHEUS_REASON, PrometheusLink } from '../../prometheus/figures';
import { ObjectScope, objectUsageExprs } from '../../prometheus/promql';
import { formatBytes, formatCores } from '../../selectors/format';
import { exploreUrl } from '../links';

const WINDOW_SECONDS = 3600;
const STEP_SECONDS = 60;

interface Series {
  title: string;
  expr: string;
  format: (v: number) => string;
  unit: string;
  points?: Array<[number, number]>;
  error?: string;
}

function sumSeries(series: RangeSeries[]): Array<[number, number]> {
  // The queries aggregate to one series; sum defensively if Prometheus returns several (duplicated scrape jobs).
  const byTime = new Map<number, number>();
  for (const s of series) {
    for (const [t, v] of s.points) {
      byTime.set(t, (byTime.get(t) ?? 0) + v);
    }
  }
  return [...byTime.entries()].sort(([a], [b]) => a - b);
}

/**
 * CPU and memory of one object over the last hour, from the linked Prometheus (one range query per figure).
 * Render with a `key` per object: state is not reset when the props change.
 */
export function UsageOverTime({ link, scope }: { link: PrometheusLink; scope: ObjectScope }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [series, setSeries] = useState<Series[] | undefined>();
  const scopeKey = JSON.stringify(scope);

  useEffect(() => {
    const uid = link.datasourceUid;
    if (!uid) {
      return undefined;
    }
    const controller = new AbortController();
    const exprs = objectUsageExprs(JSON.parse(scopeKey) as ObjectScope, link.cluster);
    const end = Math.floor(Date.now() / 1000);
    const range = { start: end - WINDOW_SECONDS, end, stepSeconds: STEP_SECONDS };
    const defs: Series[] = [
      { title: 'CPU (cores)', expr: exprs.cpu, format: formatCores, unit: 'short' },
      { title: 'Memory (working set)', expr: exprs.memory, format: formatBytes, unit: 'bytes' },
    ];
    Promise.all(
      defs.map(async (d) => {
        try {
          const points = sumSeries(await queryRange(uid, d.expr, range, controller.signal));
          return points.length > 0
            ? { ...d, points }
            : { ...d, error: 'Prometheus has no cAdvisor series for this object in the last hour.' };
        } catch (error) {
          return { ...d, error: error instanceof Error ? error.message : String(error) };
        }
      })
    ).then((result) => {
      if (!controller.signal.aborted) {
        setSeries(result);
      }
    });
    return () => controller.abort();
  }, [link.datasourceUid, link.cluster, scopeKey]);

  if (!link.datasourceUid) {
    return (
      <Alert severity="info" title="No usage over time">
        {NO_PROMETHEUS_REASON}
      </Alert>
    );
  }
  if (!series) {
    return <LoadingPlaceholder text="Loading usage…" />;
  }
  return (
    <div className={styles.grid} data-testid="usage-over-time">
      {series.map((s) => {
        const last = s.points?.[s.points.length - 1]?.[1];
        const x: Field = {
          name: 'time',
          type: FieldType.time,
          config: {},
          values: s.points?.map((p) => p[0] * 1000) ?? [],
        };
        const y: Field = {
          name: s.title,
          type: FieldType.number,
          config: { unit: s.unit, min: 0 },
          values: s.points?.map((p) => p[1]) ?? [],
        };
        return (
          <div key={s.title} className={styles.chart}>
            <div className={styles.header}>
              <span>{s.title}</span>
              {last !== undefined && <strong>{s.format(last)}</strong>}
              <a className={styles.explore} href={exploreUrl(link.datasourceUid!, s.expr)}>
                Explore
              </a>
            </div>
            {s.points ? (
              <Sparkline width={360} height={60} sparkline={{ x, y }} theme={theme} />
            ) : (
              <div className={styles.missing}>{s.error}</div>
            )}
          </div>
        );
      })}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2) }),
  chart: css({
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  header: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'baseline', marginBottom: theme.spacing(0.5) }),
  explore: css({ marginLeft: 'auto', color: theme.colors.text.link, fontSize: theme.typography.bodySmall.fontSize }),
  missing: css({ color: theme.colors.text.secondary, width: 360 }),
});
