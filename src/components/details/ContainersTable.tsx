import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { ContainerSpecSummary, ContainerSummary, ProbeSummary, ResourceQuantities } from '../../model/types';
import { formatBytes, formatCores } from '../../selectors/format';

function quantities(q: ResourceQuantities): string {
  const parts = [
    q.cpu !== undefined ? `cpu ${formatCores(q.cpu)}` : undefined,
    q.memory !== undefined ? `mem ${formatBytes(q.memory)}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function probe(p?: ProbeSummary): string {
  if (!p) {
    return '—';
  }
  const target =
    p.handler === 'http'
      ? `http ${p.port ?? ''}${p.path ?? ''}`
      : p.port !== undefined
        ? `${p.handler} ${p.port}`
        : p.handler;
  const timing = [
    p.initialDelaySeconds !== undefined ? `delay ${p.initialDelaySeconds}s` : undefined,
    p.periodSeconds !== undefined ? `every ${p.periodSeconds}s` : undefined,
    p.failureThreshold !== undefined ? `fail ×${p.failureThreshold}` : undefined,
  ].filter(Boolean);
  return timing.length > 0 ? `${target} (${timing.join(', ')})` : target;
}

function isRunning(c: ContainerSpecSummary | ContainerSummary): c is ContainerSummary {
  return 'state' in c;
}

/** Containers of a pod (with state) or of a workload's pod template (spec only). */
export function ContainersTable({ containers }: { containers: Array<ContainerSpecSummary | ContainerSummary> }) {
  const styles = useStyles2(getStyles);
  if (containers.length === 0) {
    return <p>No containers.</p>;
  }
  return (
    <div className={styles.list}>
      {containers.map((c) => (
        <div
          key={`${isRunning(c) && c.init ? 'init:' : ''}${c.name}`}
          className={styles.container}
          data-testid="container"
          data-name={c.name}
        >
          <div className={styles.title}>
            <strong>{c.name}</strong>
            {isRunning(c) && c.init && <span className={styles.muted}>init</span>}
          </div>
          <dl className={styles.grid}>
            <dt>Image</dt>
            <dd className={styles.mono}>
              <bdi>{c.image}</bdi>
            </dd>
            {isRunning(c) && (
              <>
                <dt>State</dt>
                <dd data-testid="container-state">
                  {c.state}
                  {c.reason ? ` (${c.reason})` : ''}
                  {c.ready ? ', ready' : ', not ready'}
                  {c.message ? ` — ${c.message}` : ''}
                </dd>
                <dt>Restarts</dt>
                <dd data-testid="container-restarts">{c.restarts}</dd>
                <dt>Last termination</dt>
                <dd data-testid="container-last-termination">
                  {c.lastTermination?.reason
                    ? `${c.lastTermination.reason}${c.lastTermination.exitCode !== undefined ? `, exit code ${c.lastTermination.exitCode}` : ''}`
                    : '—'}
                </dd>
              </>
            )}
            <dt>Requests</dt>
            <dd>{quantities(c.requests)}</dd>
            <dt>Limits</dt>
            <dd>{quantities(c.limits)}</dd>
            <dt>Ports</dt>
            <dd>
              {c.ports.length > 0
                ? c.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.containerPort}/${p.protocol}`).join(', ')
                : '—'}
            </dd>
            <dt>Liveness</dt>
            <dd>{probe(c.probes.liveness)}</dd>
            <dt>Readiness</dt>
            <dd>{probe(c.probes.readiness)}</dd>
            <dt>Startup</dt>
            <dd>{probe(c.probes.startup)}</dd>
          </dl>
        </div>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  container: css({
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  title: css({ display: 'flex', gap: theme.spacing(1), marginBottom: theme.spacing(1) }),
  muted: css({ color: theme.colors.text.secondary }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: '140px 1fr',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, wordBreak: 'break-word' },
  }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace }),
});
