import React, { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Card, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { NoClustersAlert, RefreshFailedBanner } from '../components/StatusBanners';
import { prefixRoute, ROUTES } from '../constants';
import { ClusterSummary } from '../selectors/clusterSummary';
import { ClusterDatasource, listClusters } from './state/clusters';
import { ClusterSummaryState, useClusterSummaries } from './state/clusterSummaries';
import { SUMMARY_INTERVAL_MS } from './state/summaryRequests';
import { URL_KEYS } from './state/urlState';

/** Every KubeAtlas cluster side by side; each card opens that cluster's Overview. */
export default function AllClustersPage() {
  const styles = useStyles2(getStyles);
  const clusters = useMemo(() => listClusters(), []);
  const states = useClusterSummaries(clusters);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  return (
    <PluginPage>
      {clusters.length === 0 ? (
        <NoClustersAlert />
      ) : (
        <>
          <p className={styles.intro}>
            Refreshed every {SUMMARY_INTERVAL_MS / 1000} s while this tab is visible. Problems are counted from the node
            and pod status columns (NotReady nodes, crash loops, image pulls, container config errors, OOM kills, pods
            Pending over 5 minutes, pods with many restarts); unavailable workloads, failed Jobs, node pressure and
            Warning events are on each cluster&apos;s Overview.
          </p>
          <div className={styles.grid}>
            {clusters.map((cluster) => (
              <ClusterCard key={cluster.uid} cluster={cluster} state={states[cluster.uid]} now={now} />
            ))}
          </div>
        </>
      )}
    </PluginPage>
  );
}

function ClusterCard({
  cluster,
  state,
  now,
}: {
  cluster: ClusterDatasource;
  state?: ClusterSummaryState;
  now: number;
}) {
  const styles = useStyles2(getStyles);
  const data = state?.data;
  const overview = `${prefixRoute(ROUTES.Overview)}?${new URLSearchParams({ [URL_KEYS.cluster]: cluster.uid })}`;
  return (
    <div data-testid="cluster-card" data-cluster={cluster.uid}>
      <Card className={styles.card}>
        <Card.Heading>
          <Link to={overview} className={styles.link} data-testid="cluster-link">
            {cluster.name}
          </Link>
        </Card.Heading>
        <Card.Meta>
          {data && <span data-testid="cluster-version">Kubernetes {data.version}</span>}
          {state?.lastUpdated !== undefined && (
            <span data-testid="cluster-refreshed">
              Refreshed {dateTimeFormat(state.lastUpdated)} ({age(now - state.lastUpdated)} ago)
            </span>
          )}
        </Card.Meta>
        <Card.Description className={styles.body}>
          {state?.error && data && <RefreshFailedBanner error={state.error} lastUpdated={state.lastUpdated} />}
          {state?.error && !data && (
            <Alert severity="error" title={`Cannot load cluster ${cluster.name}`} data-testid="cluster-failed">
              {state.error.message}
            </Alert>
          )}
          {!data && !state?.error && <LoadingPlaceholder text={`Loading ${cluster.name}…`} />}
          {data && <Figures summary={data.summary} />}
        </Card.Description>
      </Card>
    </div>
  );
}

function Figures({ summary }: { summary: ClusterSummary }) {
  const styles = useStyles2(getStyles);
  const { nodes, pods, problems, bySeverity } = summary;
  return (
    <div className={styles.figures}>
      <div data-testid="cluster-nodes">
        <div className={styles.label}>Nodes ready</div>
        <div className={nodes.ready < nodes.total ? styles.bad : styles.value}>
          {nodes.ready}/{nodes.total}
        </div>
      </div>
      <div data-testid="cluster-pods" data-total={pods.total}>
        <div className={styles.label}>Pods ({pods.total})</div>
        <Stack gap={1} wrap="wrap">
          {pods.phases.map((p) => (
            <span key={p.phase} data-phase={p.phase} data-count={p.count}>
              {p.phase} <strong>{p.count}</strong>
            </span>
          ))}
        </Stack>
      </div>
      <div data-testid="cluster-problems" data-critical={bySeverity.critical} data-warning={bySeverity.warning}>
        <div className={styles.label}>
          Problems:{' '}
          <span className={bySeverity.critical > 0 ? styles.critical : undefined}>{bySeverity.critical} critical</span>,{' '}
          {bySeverity.warning} warning
        </div>
        {problems.length === 0 ? (
          <span>None in the status columns</span>
        ) : (
          <ul className={styles.problems}>
            {problems.map((p) => (
              <li key={p.type} data-severity={p.severity}>
                {p.label} <strong>{p.count}</strong>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes < 1 ? 'less than a minute' : `${minutes} min`;
}

const getStyles = (theme: GrafanaTheme2) => ({
  intro: css({ color: theme.colors.text.secondary, maxWidth: 900 }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(340px, 1fr))',
    alignItems: 'start',
    gap: theme.spacing(2),
  }),
  card: css({ position: 'relative', marginBottom: 0 }),
  // The heading's link covers the whole card, as Card does for its own href (which would bypass the app's router).
  link: css({
    color: theme.colors.text.link,
    '&::after': { content: '""', position: 'absolute', inset: 0, borderRadius: theme.shape.radius.default },
    '&:hover': { textDecoration: 'underline' },
  }),
  body: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  figures: css({ display: 'grid', gap: theme.spacing(1) }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  value: css({ fontSize: theme.typography.h4.fontSize, color: theme.colors.text.primary }),
  bad: css({ fontSize: theme.typography.h4.fontSize, color: theme.colors.error.text }),
  critical: css({ color: theme.colors.error.text }),
  problems: css({ margin: 0, paddingLeft: theme.spacing(2), color: theme.colors.text.primary }),
});
