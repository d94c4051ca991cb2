import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2, useTheme2 } from '@grafana/ui';
import { queryRange, RangeSeries } from '../../prometheus/client';
import { NO_PROMETHEUS_REASON, PrometheusLink } from '../../prometheus/figures';
import { ObjectScope, objectUsageExprs } from '../../prometheus/promql';
import { formatBytes, formatCores } from '../../selectors/format';
import { exploreUrl } from '../links';

const WINDOW_SECONDS = 3600;
const STEP_SECONDS = 30;

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
              <SparkLine points={s.points} color={theme.colors.primary.main} label={s.title} />
            ) : (
              <div className={styles.missing}>{s.error}</div>
            )}
          </div>
        );
      })}
    </div>
  );
}

const WIDTH = 360;
const HEIGHT = 60;

/**
 * A minimal SVG line over the window. @grafana/ui's Sparkline is marked internal and its uPlot axis splits threw
 * "Invalid array length" on these series (seen in the sandbox), so the chart is drawn here; the numbers and the
 * Explore link carry the detail.
 */
function SparkLine({ points, color, label }: { points: Array<[number, number]>; color: string; label: string }) {
  const t0 = points[0][0];
  const t1 = points[points.length - 1][0];
  const max = Math.max(...points.map(([, v]) => v));
  const x = (t: number) => (t1 > t0 ? ((t - t0) / (t1 - t0)) * WIDTH : WIDTH / 2);
  const y = (v: number) => HEIGHT - 2 - (max > 0 ? (v / max) * (HEIGHT - 4) : 0);
  const path = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <svg
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${label} over the last hour`}
    >
      <polyline points={path} fill="none" stroke={color} strokeWidth={1.5} />
      {/* The latest sample, visible even when the object is younger than two steps. */}
      <circle cx={x(t1)} cy={y(points[points.length - 1][1])} r={2.5} fill={color} />
    </svg>
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
