import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormatTimeAgo, GrafanaTheme2 } from '@grafana/data';
import { Badge, InlineField, RadioButtonGroup, Tooltip, useStyles2 } from '@grafana/ui';
import { ObjectLink } from '../components/ObjectLink';
import { PodTile } from '../components/PodTile';
import { CpuMemoryBars, UsageBar } from '../components/UsageBar';
import { VirtualList } from '../components/VirtualList';
import { PodModel } from '../model/types';
import { Figures } from '../prometheus/figures';
import { FigureId } from '../prometheus/promql';
import {
  groupByNamespace,
  NodeSort,
  NodeUsage,
  selectNodeUsage,
  selectUnscheduledPods,
  sortNodes,
} from '../selectors/nodeUsage';
import { ClusterPage, ClusterView } from './ClusterPage';
import { URL_KEYS, UrlState } from './state/urlState';

const FIGURES: FigureId[] = ['nodeCpuUsage', 'nodeMemoryUsage'];
const SORTS: Array<{ label: string; value: NodeSort }> = [
  { label: 'Name', value: 'name' },
  { label: 'Usage', value: 'usage' },
  { label: 'Pressure', value: 'pressure' },
];

function sortOf(url: UrlState): NodeSort {
  const value = url.get(URL_KEYS.sort);
  return SORTS.some((s) => s.value === value) ? (value as NodeSort) : 'name';
}

export default function NodesPage() {
  return (
    <ClusterPage
      figureIds={FIGURES}
      namespaceFilter
      filters={(url) => (
        <InlineField label="Sort by" shrink>
          <RadioButtonGroup
            options={SORTS}
            value={sortOf(url)}
            onChange={(v) => url.update({ [URL_KEYS.sort]: v === 'name' ? undefined : v })}
          />
        </InlineField>
      )}
    >
      {(view) => <Nodes {...view} />}
    </ClusterPage>
  );
}

type NodeRow = { type: 'unscheduled'; pods: PodModel[] } | { type: 'node'; usage: NodeUsage };

function Nodes({ snapshot, figures, namespaces, url }: ClusterView) {
  const sort = sortOf(url);
  const nsKey = namespaces.join(',');
  const rows = useMemo(() => {
    const wanted = nsKey ? new Set(nsKey.split(',')) : undefined;
    const keep = (pod: PodModel) => !wanted || wanted.has(pod.namespace ?? '');
    // The namespace filter narrows the pods listed; the figures stay the node's totals. Unfiltered, each node keeps
    // its NodeUsage object, so the memoized cards of unchanged nodes do not render again.
    const usage = sortNodes(selectNodeUsage(snapshot, figures), sort).map((u) =>
      wanted ? { ...u, podsByNamespace: u.podsByNamespace.filter((g) => wanted.has(g.namespace)) } : u
    );
    const unscheduled = selectUnscheduledPods(snapshot).filter(keep);
    const out: NodeRow[] = [];
    if (unscheduled.length > 0) {
      out.push({ type: 'unscheduled', pods: unscheduled });
    }
    usage.forEach((u) => out.push({ type: 'node', usage: u }));
    return out;
  }, [snapshot, figures, sort, nsKey]);

  if (rows.length === 0) {
    return <p>The cluster reports no nodes.</p>;
  }
  return (
    <VirtualList
      testId="nodes"
      items={rows}
      height="calc(100vh - 260px)"
      getKey={(row) => (row.type === 'node' ? row.usage.node.uid : 'unscheduled')}
      estimateSize={(row) => (row.type === 'node' ? 220 + row.usage.podsByNamespace.length * 26 : 90)}
      renderItem={(row) =>
        row.type === 'node' ? <NodeCard usage={row.usage} figures={figures} /> : <UnscheduledCard pods={row.pods} />
      }
    />
  );
}

const NodeCard = React.memo(function NodeCard({ usage, figures }: { usage: NodeUsage; figures: Figures }) {
  const styles = useStyles2(getStyles);
  const { node } = usage;
  return (
    <div className={styles.card} data-testid="node-card" data-node={node.name} data-ready={node.ready}>
      <div className={styles.header}>
        <ObjectLink object={node} />
        {node.ready ? (
          <Badge color="green" text="Ready" />
        ) : (
          <Badge color="red" text="NotReady" icon="exclamation-circle" />
        )}
        {node.unschedulable && <Badge color="orange" text="SchedulingDisabled" />}
        {usage.pressure.map((p) => (
          <Badge key={p} color="orange" text={p} icon="exclamation-triangle" />
        ))}
        <span className={styles.muted}>{node.roles.length > 0 ? node.roles.join(', ') : 'no role'}</span>
        {node.kubeletVersion && <span className={styles.muted}>kubelet {node.kubeletVersion}</span>}
        {node.createdAt && (
          <span className={styles.muted}>age {dateTimeFormatTimeAgo(node.createdAt).replace(' ago', '')}</span>
        )}
        {node.taints.length > 0 && (
          <Tooltip content={node.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join('\n')}>
            <span className={styles.muted} data-testid="taints">
              {node.taints.length} {node.taints.length === 1 ? 'taint' : 'taints'}
            </span>
          </Tooltip>
        )}
      </div>
      <div className={styles.bars}>
        <CpuMemoryBars cpu={usage.cpu} memory={usage.memory} figures={figures} />
        <UsageBar label="Pods" figures={usage.pods} format={(n) => `${n}`} countOnly />
      </div>
      <PodGroups groups={usage.podsByNamespace} />
    </div>
  );
});

function UnscheduledCard({ pods }: { pods: PodModel[] }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.card} data-testid="unscheduled">
      <div className={styles.header}>
        <strong>Unscheduled</strong>
        <span className={styles.muted}>{pods.length} pending pods the scheduler has not placed on a node</span>
      </div>
      <PodGroups groups={groupByNamespace(pods)} showNames />
    </div>
  );
}

function PodGroups({
  groups,
  showNames,
}: {
  groups: Array<{ namespace: string; pods: PodModel[] }>;
  showNames?: boolean;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.groups}>
      {groups.map((g) => (
        <div key={g.namespace} className={styles.group}>
          <span className={styles.ns}>{g.namespace}</span>
          <div className={styles.tiles}>
            {g.pods.map((p) =>
              showNames ? (
                <span key={p.uid} className={styles.named}>
                  <PodTile pod={p} />
                  <ObjectLink object={p} />
                </span>
              ) : (
                <PodTile key={p.uid} pod={p} />
              )
            )}
          </div>
        </div>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    margin: theme.spacing(0, 0, 1),
    padding: theme.spacing(1.5),
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  header: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), flexWrap: 'wrap' }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  bars: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))', gap: theme.spacing(2) }),
  groups: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  group: css({ display: 'grid', gridTemplateColumns: '160px 1fr', gap: theme.spacing(1), alignItems: 'start' }),
  ns: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  tiles: css({ display: 'flex', flexWrap: 'wrap', gap: 4 }),
  named: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5), marginRight: theme.spacing(1) }),
});
