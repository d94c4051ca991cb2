import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { dump } from 'js-yaml';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, ClipboardButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { KINDS } from '../../k8s/kinds';
import { KindName } from '../../model/types';
import { ClusterDatasource } from '../../pages/state/clusters';
import { clientFor } from '../../pages/state/loadCluster';

interface Props {
  cluster: ClusterDatasource;
  kind: KindName;
  namespace?: string;
  name: string;
}

/**
 * The object as the API serves it now (one GET on demand, managedFields dropped), read-only, with a copy button.
 * Render with a `key` per object: state is not reset when the props change.
 */
export function YamlView({ cluster, kind, namespace, name }: Props) {
  const styles = useStyles2(getStyles);
  const [state, setState] = useState<{ yaml?: string; error?: Error }>({});
  useEffect(() => {
    const controller = new AbortController();
    clientFor(cluster)
      .get(kind, name, namespace, { signal: controller.signal })
      .then((raw) => {
        const { managedFields: _managed, ...metadata } = (raw.metadata ?? {}) as Record<string, unknown>;
        const info = KINDS[kind];
        const apiVersion = raw.apiVersion ?? (info.group ? `${info.group}/${info.version}` : info.version);
        setState({
          yaml: dump({ ...raw, apiVersion, kind: raw.kind ?? kind, metadata }, { noRefs: true, lineWidth: 120 }),
        });
      })
      .catch((error: Error) => {
        if (!controller.signal.aborted) {
          setState({ error });
        }
      });
    return () => controller.abort();
  }, [cluster, kind, namespace, name]);

  if (state.error) {
    return (
      <Alert severity="error" title="Cannot load the object">
        {state.error.message}
      </Alert>
    );
  }
  if (state.yaml === undefined) {
    return <LoadingPlaceholder text="Loading YAML…" />;
  }
  return (
    <div>
      <ClipboardButton icon="copy" variant="secondary" size="sm" getText={() => state.yaml ?? ''}>
        Copy YAML
      </ClipboardButton>
      <pre className={styles.yaml} data-testid="yaml">
        {state.yaml}
      </pre>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  yaml: css({
    marginTop: theme.spacing(1),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    maxHeight: '70vh',
    overflow: 'auto',
    whiteSpace: 'pre',
  }),
});
