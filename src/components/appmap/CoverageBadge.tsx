import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, Tooltip, useStyles2 } from '@grafana/ui';
import { ObjectRef } from '../../model/types';
import { Coverage, CoverageSummary } from '../../selectors/coverage';

function monitorList(monitors: ObjectRef[]): string {
  return monitors.map((m) => `${m.kind} ${m.namespace}/${m.name}`).join(', ');
}

function badgeOf(coverage: Coverage): { color: 'green' | 'red' | 'blue' | 'orange'; text: string } | undefined {
  const targets = coverage.targets;
  switch (coverage.state) {
    case 'covered':
      return { color: 'green', text: `scraped · ${targets?.up}/${(targets?.up ?? 0) + (targets?.down ?? 0)} up` };
    case 'down':
      return { color: 'red', text: targets ? `scrape down · 0/${targets.down} up` : 'scrape: no up series' };
    case 'selected':
      return { color: 'blue', text: 'monitored' };
    case 'uncovered':
      return coverage.reasons.length > 0 ? { color: 'orange', text: 'not scraped' } : undefined;
  }
}

/** Whether a monitor selects the object and Prometheus scrapes it; the tooltip names the monitors and every "why not". */
export function CoverageBadge({ coverage }: { coverage: Coverage }) {
  const styles = useStyles2(getStyles);
  const badge = badgeOf(coverage);
  if (!badge) {
    return (
      <span className={styles.muted} data-testid="coverage" data-state={coverage.state}>
        no monitor
      </span>
    );
  }
  const content = (
    <div>
      {coverage.monitors.length > 0 && <div>Selected by {monitorList(coverage.monitors)}.</div>}
      {coverage.reasons.length > 0 && (
        <ul className={styles.reasons}>
          {coverage.reasons.map((r) => (
            <li key={r.text} data-reason={r.kind}>
              {r.text}
            </li>
          ))}
        </ul>
      )}
      {coverage.state === 'selected' && <div>Prometheus cannot tell whether its targets are up.</div>}
    </div>
  );
  return (
    <Tooltip content={content}>
      <span
        data-testid="coverage"
        data-state={coverage.state}
        data-reasons={coverage.reasons.map((r) => r.kind).join(',')}
        data-monitors={coverage.monitors.map((m) => `${m.namespace}/${m.name}`).join(',')}
      >
        <Badge color={badge.color} icon="heart-rate" text={badge.text} />
      </span>
    </Tooltip>
  );
}

/** A namespace's workloads by coverage: covered, selected but down, not covered. */
export function CoverageSummaryText({ summary }: { summary: CoverageSummary }) {
  const styles = useStyles2(getStyles);
  return (
    <span
      className={styles.muted}
      data-testid="coverage-summary"
      data-covered={summary.covered}
      data-down={summary.down}
      data-uncovered={summary.uncovered}
    >
      scrape coverage: {summary.covered} covered · {summary.down} selected but down · {summary.uncovered} not covered
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  reasons: css({ margin: theme.spacing(0.5, 0), paddingLeft: theme.spacing(2) }),
});
