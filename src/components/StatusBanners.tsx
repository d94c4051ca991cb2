import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import { Alert, ClipboardButton, LinkButton, useStyles2 } from '@grafana/ui';
import { ForbiddenError, isK8sError } from '../k8s/errors';
import { ClusterSnapshot, KindName } from '../model/types';
import { Figures, missingFigures } from '../prometheus/figures';

/** No KubeAtlas Kubernetes datasource exists (or none the user may query): how to add one. */
export function NoClustersAlert() {
  return (
    <Alert severity="info" title="No cluster connected yet">
      <p>
        KubeAtlas reads each cluster through a <strong>KubeAtlas Kubernetes</strong> datasource. Add one with the
        cluster URL and a service-account token (see deploy/kubernetes/ for the read-only RBAC).
      </p>
      <LinkButton href="/connections/datasources/new" icon="plus">
        Add a KubeAtlas Kubernetes datasource
      </LinkButton>
    </Alert>
  );
}

/** A refresh failed while older data is on screen: say so, and what to fix. */
export function RefreshFailedBanner({ error, lastUpdated }: { error: Error; lastUpdated?: number }) {
  return (
    <Alert severity="error" title="Refresh failed: showing the last good data" data-testid="refresh-failed">
      {error.message}
      {lastUpdated !== undefined && (
        <div>Data shown is from {dateTimeFormat(lastUpdated)}. KubeAtlas keeps retrying.</div>
      )}
    </Alert>
  );
}

/** A watch is down: the data on screen is as of `since`, and keeps updating once the stream is back. */
export function StaleDataBanner({ since, cause, now }: { since: number; cause?: Error; now: number }) {
  const minutes = Math.floor((now - since) / 60_000);
  const age = minutes < 1 ? 'less than a minute' : `${minutes} min`;
  return (
    <Alert
      severity="warning"
      title={`Live updates interrupted: data as of ${dateTimeFormat(since)} (${age} old)`}
      data-testid="stale-data"
    >
      {cause?.message ?? 'The connection to the cluster dropped.'} KubeAtlas reconnects by itself and catches up on
      every change it missed.
    </Alert>
  );
}

/** Kinds that could not be listed: forbidden ones with the RBAC rule to add, others with their cause and fix. */
export function KindErrorsBanner({ snapshot }: { snapshot: ClusterSnapshot }) {
  const styles = useStyles2(getStyles);
  const failed = (Object.entries(snapshot.kinds) as Array<[KindName, ClusterSnapshot['kinds'][KindName]]>).filter(
    ([, state]) => state.state === 'error'
  );
  if (failed.length === 0) {
    return null;
  }
  const forbidden = failed.filter(([, s]) => s.error instanceof ForbiddenError);
  const other = failed.filter(([, s]) => !(s.error instanceof ForbiddenError));
  const rules = forbidden.map(([, s]) => (s.error as ForbiddenError).rule);
  return (
    <>
      {forbidden.length > 0 && (
        <Alert
          severity="warning"
          title={`Not allowed to list ${forbidden.map(([k]) => k).join(', ')}`}
          data-testid="forbidden-kinds"
        >
          <div>
            The pages show everything else. Add these rules to the ClusterRole of the datasource&apos;s service account
            (deploy/kubernetes/) to see them:
          </div>
          <ul className={styles.list}>
            {forbidden.map(([kind, s]) => (
              <li key={kind}>
                <strong>{kind}</strong>: <code>{(s.error as ForbiddenError).rule}</code>
              </li>
            ))}
          </ul>
          <ClipboardButton
            size="sm"
            variant="secondary"
            icon="copy"
            getText={() => rules.map((r) => `- ${r}`).join('\n')}
          >
            Copy rules
          </ClipboardButton>
        </Alert>
      )}
      {other.length > 0 && (
        <Alert
          severity="warning"
          title={`Could not load ${other.map(([k]) => k).join(', ')}`}
          data-testid="kind-errors"
        >
          <ul className={styles.list}>
            {other.map(([kind, s]) => (
              <li key={kind}>
                <strong>{kind}</strong>: {isK8sError(s.error) ? s.error.message : (s.error?.message ?? 'unknown error')}
              </li>
            ))}
          </ul>
        </Alert>
      )}
    </>
  );
}

/** Prometheus figures the page could not show, and why (no linked datasource, series missing, query failed). */
export function MissingFiguresBanner({ figures }: { figures: Figures }) {
  const styles = useStyles2(getStyles);
  const missing = missingFigures(figures);
  if (missing.length === 0) {
    return null;
  }
  return (
    <Alert severity="info" title="Some usage figures are missing" data-testid="missing-figures">
      <ul className={styles.list}>
        {missing.map((m) => (
          <li key={m.reason}>
            <strong>{m.titles.join(', ')}</strong>: {m.reason}
          </li>
        ))}
      </ul>
      <div>Everything from the Kubernetes API is shown as usual.</div>
    </Alert>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ margin: theme.spacing(1, 0), paddingLeft: theme.spacing(2) }),
});
