import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Stack, useStyles2 } from '@grafana/ui';
import { ProblemsList } from '../components/ProblemsList';
import { CpuMemoryBars } from '../components/UsageBar';
import { FigureId } from '../prometheus/promql';
import { clusterTotals, selectNodeUsage } from '../selectors/nodeUsage';
import { selectOverviewCounts, selectOverviewProblems } from '../selectors/overview';
import { ClusterPage, ClusterView } from './ClusterPage';

const FIGURES: FigureId[] = ['nodeCpuUsage', 'nodeMemoryUsage'];

export default function OverviewPage() {
  return (
    <ClusterPage figureIds={FIGURES} namespaceFilter>
      {(view) => <Overview {...view} />}
    </ClusterPage>
  );
}

function Overview({ snapshot, figures, namespaces }: ClusterView) {
  const styles = useStyles2(getStyles);
  const counts = useMemo(() => selectOverviewCounts(snapshot, namespaces), [snapshot, namespaces]);
  const totals = useMemo(() => clusterTotals(selectNodeUsage(snapshot, figures)), [snapshot, figures]);
  const { problems, critical } = useMemo(() => selectOverviewProblems(snapshot, namespaces), [snapshot, namespaces]);

  return (
    <div className={styles.page}>
      <div className={styles.cards}>
        <StatCard title="Nodes ready" testId="stat-nodes" bad={counts.nodes.ready < counts.nodes.total}>
          {counts.nodes.ready}/{counts.nodes.total}
        </StatCard>
        <StatCard
          title="Workloads healthy"
          testId="stat-workloads"
          bad={counts.workloads.healthy < counts.workloads.total}
        >
          {counts.workloads.healthy}/{counts.workloads.total}
        </StatCard>
        <StatCard title={`Pods (${counts.pods})`} testId="stat-pods">
          <Stack gap={1} wrap="wrap">
            {counts.podPhases.map((p) => (
              <span key={p.phase} className={styles.phase} data-phase={p.phase}>
                {p.phase} <strong>{p.count}</strong>
              </span>
            ))}
          </Stack>
        </StatCard>
        <StatCard title="Problems" testId="stat-problems" bad={critical > 0}>
          {problems.length}
          {critical > 0 && <span className={styles.sub}> ({critical} critical)</span>}
        </StatCard>
      </div>
      <div className={styles.resources}>
        <CpuMemoryBars cpu={totals.cpu} memory={totals.memory} figures={figures} />
      </div>
      <h3 className={styles.heading}>Problems</h3>
      <ProblemsList problems={problems} />
    </div>
  );
}

function StatCard({
  title,
  children,
  bad,
  testId,
}: {
  title: string;
  children: React.ReactNode;
  bad?: boolean;
  testId: string;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.card} data-testid={testId}>
      <div className={styles.cardTitle}>{title}</div>
      <div className={bad ? styles.bad : styles.value}>{children}</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  cards: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))', gap: theme.spacing(2) }),
  card: css({
    padding: theme.spacing(2),
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  cardTitle: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(1) }),
  value: css({ fontSize: theme.typography.h3.fontSize }),
  bad: css({ fontSize: theme.typography.h3.fontSize, color: theme.colors.error.text }),
  sub: css({ fontSize: theme.typography.body.fontSize }),
  phase: css({ fontSize: theme.typography.body.fontSize }),
  resources: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: theme.spacing(3),
  }),
  heading: css({ margin: 0 }),
});
