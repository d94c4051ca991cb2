import React from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { Figures, missingReason } from '../prometheus/figures';
import { formatBytes, formatCores, formatPercent } from '../selectors/format';
import { Level, limitLevel, ResourceFigures, usageLevel } from '../selectors/nodeUsage';

interface Props {
  label: string;
  figures: ResourceFigures;
  format: (value: number) => string;
  /** Why usage is missing, when it is (shown instead of the usage figure). */
  usageMissing?: string;
  /** A count with no limits or usage (pods on a node): one "Placed" row against allocatable. */
  countOnly?: boolean;
}

function levelColor(theme: GrafanaTheme2, level: Level): string {
  return level === 'ok'
    ? theme.colors.success.main
    : level === 'warn'
      ? theme.colors.warning.main
      : theme.colors.error.main;
}

/**
 * Allocatable vs requests vs limits vs usage for one resource, coloured with KubeGraf's thresholds
 * (requests/usage ≤50% green, ≤80% yellow, above red; limits ≤90% green, ≤100% yellow, above red).
 */
export function UsageBar({ label, figures, format, usageMissing, countOnly }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const { allocatable } = figures;
  const rows: Array<{ name: string; value?: number; level?: Level }> = countOnly
    ? [
        {
          name: 'Placed',
          value: figures.requests,
          level: allocatable ? usageLevel(figures.requests / allocatable) : undefined,
        },
      ]
    : [
        {
          name: 'Requests',
          value: figures.requests,
          level: allocatable ? usageLevel(figures.requests / allocatable) : undefined,
        },
        {
          name: 'Limits',
          value: figures.limits,
          level: allocatable ? limitLevel(figures.limits / allocatable) : undefined,
        },
        {
          name: 'Usage',
          value: figures.usage,
          level: allocatable && figures.usage !== undefined ? usageLevel(figures.usage / allocatable) : undefined,
        },
      ];
  return (
    <div className={styles.wrapper} data-testid={`usage-${label.toLowerCase()}`}>
      <div className={styles.header}>
        <span className={styles.label}>{label}</span>
        <span className={styles.allocatable}>
          {allocatable ? `${format(allocatable)} allocatable` : 'allocatable unknown'}
        </span>
      </div>
      {rows.map((row) => {
        const pct = allocatable && row.value !== undefined ? row.value / allocatable : undefined;
        return (
          <div key={row.name} className={styles.row}>
            <span className={styles.rowName}>{row.name}</span>
            <div className={styles.track}>
              {pct !== undefined && (
                <div
                  className={styles.fill}
                  style={{ width: `${Math.min(pct, 1) * 100}%`, background: levelColor(theme, row.level ?? 'ok') }}
                />
              )}
            </div>
            {row.value === undefined ? (
              <Tooltip content={usageMissing ?? 'Not available'}>
                <span className={cx(styles.value, styles.missing)}>n/a</span>
              </Tooltip>
            ) : (
              <span className={styles.value} data-level={row.level}>
                {format(row.value)}
                {pct !== undefined ? ` (${formatPercent(pct)})` : ''}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** CPU and memory bars of a node or the cluster, with the reason when Prometheus usage is missing. */
export function CpuMemoryBars({
  cpu,
  memory,
  figures,
}: {
  cpu: ResourceFigures;
  memory: ResourceFigures;
  figures: Figures;
}) {
  return (
    <>
      <UsageBar label="CPU" figures={cpu} format={formatCores} usageMissing={missingReason(figures, 'nodeCpuUsage')} />
      <UsageBar
        label="Memory"
        figures={memory}
        format={formatBytes}
        usageMissing={missingReason(figures, 'nodeMemoryUsage')}
      />
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.25), minWidth: 220 }),
  header: css({ display: 'flex', justifyContent: 'space-between', gap: theme.spacing(1) }),
  label: css({ fontWeight: theme.typography.fontWeightMedium }),
  allocatable: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  row: css({
    display: 'grid',
    gridTemplateColumns: '64px 1fr 120px',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  rowName: css({ color: theme.colors.text.secondary }),
  track: css({
    height: 8,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    overflow: 'hidden',
  }),
  fill: css({ height: '100%' }),
  value: css({ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }),
  missing: css({ color: theme.colors.text.disabled }),
});
