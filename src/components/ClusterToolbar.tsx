import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import { Button, Combobox, ComboboxOption, InlineField, Tooltip, useStyles2 } from '@grafana/ui';
import type { LiveStatus } from '../pages/state/liveCluster';
import { ClusterDatasource } from '../pages/state/clusters';
import { URL_KEYS, UrlState } from '../pages/state/urlState';
import { UrlMultiSelect } from './UrlFilters';

const CLUSTER_PICKER_ID = 'kubeatlas-cluster-picker';

interface Props {
  url: UrlState;
  clusters: ClusterDatasource[];
  cluster?: ClusterDatasource;
  /** Namespaces to offer; undefined hides the namespace filter. */
  namespaceOptions?: string[];
  refreshing: boolean;
  lastUpdated?: number;
  /** How the data is kept current, when the page watches. */
  live?: LiveStatus;
  onRefresh: () => void;
  children?: React.ReactNode;
}

/** Cluster picker, namespace filter, manual refresh and last-updated time; page-specific filters as children. */
export function ClusterToolbar({
  url,
  clusters,
  cluster,
  namespaceOptions,
  refreshing,
  lastUpdated,
  live,
  onRefresh,
  children,
}: Props) {
  const styles = useStyles2(getStyles);
  const clusterOptions = useMemo(() => clusters.map((c) => ({ label: c.name, value: c.uid })), [clusters]);
  const selectedNamespaces = url.getAll(URL_KEYS.namespace);
  const nsOptions = useMemo(() => {
    const names = new Set([...(namespaceOptions ?? []), ...selectedNamespaces]);
    return [...names].sort().map((n) => ({ label: n, value: n }));
  }, [namespaceOptions, selectedNamespaces]);

  return (
    <div className={styles.toolbar} data-testid="cluster-toolbar">
      {/* Combobox (@grafana/ui 12.0) drops aria-label: the label reaches its input through htmlFor → id. */}
      <InlineField label="Cluster" htmlFor={CLUSTER_PICKER_ID} shrink>
        <Combobox
          id={CLUSTER_PICKER_ID}
          width={28}
          options={clusterOptions}
          value={cluster?.uid}
          onChange={(v: ComboboxOption<string>) =>
            url.update(
              { [URL_KEYS.cluster]: v.value, [URL_KEYS.namespace]: undefined, [URL_KEYS.detail]: undefined },
              { push: true }
            )
          }
        />
      </InlineField>
      {namespaceOptions && (
        <UrlMultiSelect
          url={url}
          urlKey={URL_KEYS.namespace}
          label="Namespaces"
          width={40}
          placeholder="All namespaces"
          options={nsOptions}
          value={selectedNamespaces}
        />
      )}
      {children}
      <div className={styles.refresh}>
        {live && <LiveIndicator live={live} />}
        {lastUpdated !== undefined && (
          <span className={styles.updated} data-testid="last-updated">
            Updated {dateTimeFormat(lastUpdated, { format: 'HH:mm:ss' })}
          </span>
        )}
        <Button
          variant="secondary"
          icon={refreshing ? 'spinner' : 'sync'}
          disabled={refreshing || !cluster}
          onClick={onRefresh}
          aria-label="Refresh"
        >
          Refresh
        </Button>
      </div>
    </div>
  );
}

const PHASE_TEXT: Record<LiveStatus['phase'], string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  polling: 'Polling',
};

/** Live, reconnecting or polling, with what is watched and what is polled in the tooltip. */
function LiveIndicator({ live }: { live: LiveStatus }) {
  const styles = useStyles2(getStyles);
  const lines = [
    live.watched.length > 0 && `Watched (changes show at once): ${live.watched.join(', ')}.`,
    live.polled.length > 0 && `Polled for changes every refresh interval: ${live.polled.join(', ')}.`,
    live.listed.length > 0 && `Listed again every refresh interval (cannot be watched): ${live.listed.join(', ')}.`,
    live.cause && `${live.cause.message}`,
  ].filter(Boolean);
  return (
    <Tooltip
      content={
        <div>
          {lines.map((line) => (
            <div key={String(line)}>{line}</div>
          ))}
        </div>
      }
    >
      <span className={styles.live} data-testid="live-indicator" data-phase={live.phase} tabIndex={0}>
        <span className={styles.dot[live.phase]} />
        {PHASE_TEXT[live.phase]}
      </span>
    </Tooltip>
  );
}

const dot = (color: string) =>
  css({ display: 'inline-block', width: 8, height: 8, borderRadius: '50%', background: color, marginRight: 4 });

const getStyles = (theme: GrafanaTheme2) => ({
  live: css({ display: 'inline-flex', alignItems: 'center', fontSize: theme.typography.bodySmall.fontSize }),
  dot: {
    connecting: dot(theme.colors.text.disabled),
    live: dot(theme.colors.success.main),
    reconnecting: dot(theme.colors.warning.main),
    polling: dot(theme.colors.info.main),
  },
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(2),
  }),
  refresh: css({ marginLeft: 'auto', display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  updated: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
