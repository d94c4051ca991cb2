import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormatTimeAgo, GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { Problem, Severity } from '../selectors/problems';
import { ObjectLink } from './ObjectLink';
import { VirtualList } from './VirtualList';

const SEVERITY_ICON: Record<Severity, 'exclamation-circle' | 'exclamation-triangle' | 'info-circle'> = {
  critical: 'exclamation-circle',
  warning: 'exclamation-triangle',
  info: 'info-circle',
};

/** The overview's problems, most severe first, each linking to the object's details. */
export function ProblemsList({ problems }: { problems: Problem[] }) {
  const styles = useStyles2(getStyles);
  if (problems.length === 0) {
    return (
      <div className={styles.allGood} data-testid="problems-all-good">
        <Icon name="check-circle" size="xl" className={styles.okIcon} />
        <div>
          <strong>All good.</strong> No crashing, unschedulable or failing pods, no NotReady nodes, every workload at
          its desired replicas and no Warning event in the last hour that is still current (the details drawer keeps
          every event).
        </div>
      </div>
    );
  }
  const height = `${Math.min(problems.length * 58 + 4, 560)}px`;
  return (
    <VirtualList
      testId="problems-list"
      items={problems}
      height={height}
      estimateSize={() => 58}
      getKey={(p, i) => `${p.type}|${p.object.uid ?? p.object.name}|${p.title}|${i}`}
      renderItem={(p) => <ProblemRow problem={p} />}
    />
  );
}

const ProblemRow = React.memo(function ProblemRow({ problem }: { problem: Problem }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.row} data-testid="problem" data-severity={problem.severity} data-type={problem.type}>
      <Icon name={SEVERITY_ICON[problem.severity]} className={styles[problem.severity]} />
      <div className={styles.body}>
        <div className={styles.headline}>
          <span className={styles.title}>{problem.title}</span>
          <span className={styles.kind}>{problem.object.kind}</span>
          <ObjectLink object={problem.object}>
            {problem.object.namespace ? `${problem.object.namespace}/` : ''}
            {problem.object.name}
          </ObjectLink>
          {problem.since !== undefined && <span className={styles.since}>{dateTimeFormatTimeAgo(problem.since)}</span>}
        </div>
        {problem.detail && (
          <div className={styles.detail} title={problem.detail}>
            <bdi>{problem.detail}</bdi>
          </div>
        )}
      </div>
    </div>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({
    display: 'flex',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  body: css({ minWidth: 0, flex: 1 }),
  headline: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'baseline', flexWrap: 'wrap' }),
  title: css({ fontWeight: theme.typography.fontWeightMedium }),
  kind: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  since: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize, marginLeft: 'auto' }),
  detail: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  critical: css({ color: theme.colors.error.text, flexShrink: 0, marginTop: 2 }),
  warning: css({ color: theme.colors.warning.text, flexShrink: 0, marginTop: 2 }),
  info: css({ color: theme.colors.info.text, flexShrink: 0, marginTop: 2 }),
  allGood: css({
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'center',
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.success.border}`,
    borderRadius: theme.shape.radius.default,
  }),
  okIcon: css({ color: theme.colors.success.text }),
});
