import React, { useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { Alert, Badge, LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import { K8sClient } from '../k8s/client';
import { backendSrvFetch } from '../k8s/http';
import { grafanaProxyRoutes } from '../k8s/routes';
import { normalize } from '../model/normalize';
import type { ModelByKind } from '../model/types';
import { CLUSTER_DATASOURCE_TYPE, kubeAtlasLink, type TargetKind } from './context';
import { HEALTH_COLOR } from '../components/healthColor';

/** Props of the exposed component `kubeatlas-kubernetes-app/status-card/v1` (usePluginComponent in another plugin). */
export interface StatusCardProps {
  /** Uid or name of a KubeAtlas Kubernetes datasource; may be left out when there is exactly one. */
  datasource?: string;
  kind: TargetKind;
  /** Required for every kind but Node. */
  namespace?: string;
  name: string;
}

const KINDS: readonly TargetKind[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Node'];

type Loaded = { key: string; model?: ModelByKind[TargetKind]; error?: string };

/** Which cluster the card reads, or why it cannot: the caller's mistake named with its fix. */
function chooseCluster(datasource: string | undefined): { uid?: string; problem?: string } {
  const clusters = getDataSourceSrv().getList({ type: CLUSTER_DATASOURCE_TYPE });
  if (datasource) {
    const found = clusters.find((c) => c.uid === datasource || c.name === datasource);
    return found
      ? { uid: found.uid }
      : { problem: `No KubeAtlas Kubernetes datasource "${datasource}": pass the uid or name of one.` };
  }
  if (clusters.length === 1) {
    return { uid: clusters[0].uid };
  }
  return {
    problem: clusters.length
      ? `${clusters.length} KubeAtlas Kubernetes datasources exist: pass the \`datasource\` prop to pick one.`
      : 'No KubeAtlas Kubernetes datasource is configured: add one (Connections › Data sources) first.',
  };
}

/** Facts under the badge: what a person checks first for that kind. */
function facts(model: ModelByKind[TargetKind]): string[] {
  switch (model.kind) {
    case 'Pod':
      return [
        `${model.readyContainers}/${model.containers.length} containers ready`,
        `${model.restarts} restart${model.restarts === 1 ? '' : 's'}`,
        ...(model.nodeName ? [`on ${model.nodeName}`] : []),
      ];
    case 'Node':
      return [
        model.ready ? 'Ready' : 'Not ready',
        ...(model.kubeletVersion ? [`kubelet ${model.kubeletVersion}`] : []),
      ];
    default:
      return [
        `${model.replicas.ready}/${model.replicas.desired} ready`,
        `${model.replicas.available} available`,
        `${model.replicas.updated} updated`,
      ];
  }
}

/**
 * A pod, workload or node status card for other plugins: one GET of the object through the datasource proxy (the
 * user's own Grafana permissions apply), normalized as the app pages do, with a link to its details in KubeAtlas.
 */
export default function StatusCard({ datasource, kind, namespace, name }: StatusCardProps) {
  const styles = useStyles2(getStyles);
  const cluster = useMemo(() => chooseCluster(datasource), [datasource]);
  const problem =
    cluster.problem ??
    (!KINDS.includes(kind)
      ? `kind "${kind}" is not one the card shows: use one of ${KINDS.join(', ')}.`
      : kind !== 'Node' && !namespace
        ? `A ${kind} needs its namespace: pass the \`namespace\` prop.`
        : !name
          ? 'Pass the object’s `name`.'
          : undefined);
  const key = `${cluster.uid}/${kind}/${namespace ?? ''}/${name}`;
  const [loaded, setLoaded] = useState<Loaded>();

  useEffect(() => {
    if (problem || !cluster.uid) {
      return;
    }
    const controller = new AbortController();
    const client = new K8sClient({ routes: grafanaProxyRoutes(cluster.uid), fetch: backendSrvFetch(getBackendSrv()) });
    client.get(kind, name, kind === 'Node' ? undefined : namespace, { signal: controller.signal }).then(
      (raw) => {
        const model = normalize(kind, raw);
        setLoaded(model ? { key, model } : { key, error: `The API server returned no usable ${kind} named ${name}.` });
      },
      (error: Error) => !controller.signal.aborted && setLoaded({ key, error: error.message })
    );
    return () => controller.abort();
  }, [problem, cluster.uid, kind, namespace, name, key]);

  const title = `${kind} ${namespace && kind !== 'Node' ? `${namespace}/` : ''}${name}`;
  if (problem) {
    return (
      <Alert severity="warning" title="KubeAtlas status card" data-testid="kubeatlas-status-card">
        {problem}
      </Alert>
    );
  }
  if (loaded?.key !== key) {
    return <LoadingPlaceholder text={`Loading ${title}…`} />;
  }
  if (!loaded.model) {
    return (
      <Alert severity="error" title={`Cannot read ${title}`} data-testid="kubeatlas-status-card">
        {loaded.error}
      </Alert>
    );
  }
  const { model } = loaded;
  const link = kubeAtlasLink(
    model.kind === 'Pod'
      ? { cluster: cluster.uid, namespace, pod: name }
      : model.kind === 'Node'
        ? { cluster: cluster.uid, node: name }
        : { cluster: cluster.uid, namespace, workload: name, workloadKind: model.kind }
  );
  return (
    <section className={styles.card} data-testid="kubeatlas-status-card" aria-label={`${title} status`}>
      <div className={styles.header}>
        <strong>{title}</strong>
        <Badge
          color={HEALTH_COLOR[model.status.health]}
          text={model.status.reason ?? model.status.phase ?? model.status.health}
          data-testid="kubeatlas-status-card-health"
        />
      </div>
      {model.status.message && <div className={styles.muted}>{model.status.message}</div>}
      <div className={styles.muted}>{facts(model).join(' · ')}</div>
      {link && (
        <TextLink href={link.path} inline={false}>
          Open in KubeAtlas
        </TextLink>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.primary,
  }),
  header: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), flexWrap: 'wrap' }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
