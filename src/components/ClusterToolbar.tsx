import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2, SelectableValue } from '@grafana/data';
import { Button, Combobox, ComboboxOption, InlineField, MultiSelect, useStyles2 } from '@grafana/ui';
import { ClusterDatasource } from '../pages/state/clusters';
import { URL_KEYS, UrlState } from '../pages/state/urlState';

const CLUSTER_PICKER_ID = 'kubeatlas-cluster-picker';

interface Props {
  url: UrlState;
  clusters: ClusterDatasource[];
  cluster?: ClusterDatasource;
  /** Namespaces to offer; undefined hides the namespace filter. */
  namespaceOptions?: string[];
  refreshing: boolean;
  lastUpdated?: number;
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
        <InlineField label="Namespaces" shrink>
          <MultiSelect
            aria-label="Namespaces"
            width={40}
            placeholder="All namespaces"
            options={nsOptions}
            value={selectedNamespaces}
            onChange={(values: Array<SelectableValue<string>>) =>
              url.update({ [URL_KEYS.namespace]: values.map((v) => v.value!).filter(Boolean) })
            }
          />
        </InlineField>
      )}
      {children}
      <div className={styles.refresh}>
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

const getStyles = (theme: GrafanaTheme2) => ({
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
