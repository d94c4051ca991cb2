import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, dateTimeFormatTimeAgo, GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Drawer, LinkButton, Stack, Tab, TabContent, TabsBar, useStyles2 } from '@grafana/ui';
import { objectKey } from '../../model/snapshot';
import { AnyModel, ClusterSnapshot, KindName, PodModel } from '../../model/types';
import { ClusterDatasource } from '../../pages/state/clusters';
import { prometheusLink } from '../../pages/state/loadCluster';
import { URL_KEYS, UrlState } from '../../pages/state/urlState';
import { ObjectScope } from '../../prometheus/promql';
import { formatBytes, formatCores, formatServicePort } from '../../selectors/format';
import { controller, sources, targets } from '../../selectors/graph';
import { ActionsBar } from '../actions/ActionsBar';
import { DASHBOARD_UIDS, dashboardUrl, DashboardVars, decodeDetail } from '../links';
import { ObjectLink } from '../ObjectLink';
import { PodTile } from '../PodTile';
import { ContainersTable } from './ContainersTable';
import { EventsList, objectEvents } from './EventsList';
import { UsageOverTime } from './UsageOverTime';
import { YamlView } from './YamlView';
import { HEALTH_COLOR } from '../healthColor';
import { LogsView } from './LogsView';

interface Props {
  url: UrlState;
  detail: string;
  cluster: ClusterDatasource;
  snapshot: ClusterSnapshot;
}

type TabId = 'summary' | 'containers' | 'logs' | 'events' | 'yaml' | 'metrics';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];
/** Kinds with a Logs tab: a pod's own, or a workload's pods' merged. */
const LOG_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

function ownerChain(snapshot: ClusterSnapshot, model: AnyModel): AnyModel[] {
  const chain: AnyModel[] = [];
  for (let owner = controller(snapshot, model); owner && chain.length < 8; owner = controller(snapshot, owner)) {
    chain.push(owner);
  }
  return chain;
}

/** Pods under a workload, through ReplicaSets (Deployment) and Jobs (CronJob). */
function workloadPods(snapshot: ClusterSnapshot, model: AnyModel): PodModel[] {
  const pods: PodModel[] = [];
  const walk = (uid: string, depth: number) => {
    for (const child of targets(snapshot, uid, 'owns')) {
      if (child.kind === 'Pod') {
        pods.push(child);
      } else if (depth < 3) {
        walk(child.uid, depth + 1);
      }
    }
  };
  walk(model.uid, 0);
  return pods.sort((a, b) => a.name.localeCompare(b.name));
}

function usageScope(snapshot: ClusterSnapshot, model: AnyModel): ObjectScope | undefined {
  if (model.kind === 'Pod') {
    return { kind: 'pod', namespace: model.namespace ?? '', name: model.name };
  }
  if (model.kind === 'Node') {
    return { kind: 'node', name: model.name };
  }
  if (WORKLOAD_KINDS.includes(model.kind) && model.namespace) {
    const pods = workloadPods(snapshot, model);
    return pods.length > 0 ? { kind: 'pods', namespace: model.namespace, names: pods.map((p) => p.name) } : undefined;
  }
  return undefined;
}

function dashboardLink(cluster: ClusterDatasource, model: AnyModel): { title: string; href: string } | undefined {
  const base: DashboardVars = {
    datasource: cluster.jsonData?.prometheusDatasourceUid,
    cluster: cluster.uid,
    namespace: model.namespace,
  };
  switch (model.kind) {
    case 'Pod':
      return { title: 'Pod dashboard', href: dashboardUrl(DASHBOARD_UIDS.pod, { ...base, pod: model.name }) };
    case 'Node':
      return { title: 'Node dashboard', href: dashboardUrl(DASHBOARD_UIDS.nodes, { ...base, node: model.name }) };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'CronJob':
      return {
        title: 'Workload dashboard',
        href: dashboardUrl(DASHBOARD_UIDS.workload, { ...base, kind: model.kind, workload: model.name }),
      };
    default:
      return model.namespace
        ? { title: 'Namespace dashboard', href: dashboardUrl(DASHBOARD_UIDS.namespace, base) }
        : undefined;
  }
}

/** Details of one object in a drawer; `?detail=Kind/namespace/name&tab=…` makes it a shareable link. */
export default function DetailsDrawer({ url, detail, cluster, snapshot }: Props) {
  const styles = useStyles2(getStyles);
  const ref = decodeDetail(detail);
  const model = ref ? snapshot.byKey.get(objectKey(ref.kind, ref.namespace, ref.name)) : undefined;
  const close = () =>
    url.update(
      Object.fromEntries(
        Object.entries(URL_KEYS)
          .filter(([name]) => name.startsWith('detail') || name.startsWith('log'))
          .map(([, key]) => [key, undefined])
      ),
      { push: true }
    );
  const title = ref ? `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}` : 'Details';

  if (!ref || !model) {
    return (
      <Drawer title={title} onClose={close} size="md">
        <Alert severity="warning" title="Object not found">
          {ref
            ? `${title} is not in the cluster's current state: it may have been deleted, or its kind could not be listed.`
            : `The link's detail parameter "${detail}" is not Kind/namespace/name.`}
        </Alert>
      </Drawer>
    );
  }
  return (
    <Drawer
      title={title}
      subtitle={
        <Stack gap={1} alignItems="center">
          <Badge
            color={HEALTH_COLOR[model.status.health]}
            text={model.status.reason ?? model.status.phase ?? model.status.health}
          />
          {model.status.message && <span className={styles.muted}>{model.status.message}</span>}
        </Stack>
      }
      onClose={close}
      size="lg"
    >
      <DetailsBody url={url} cluster={cluster} snapshot={snapshot} model={model} />
    </Drawer>
  );
}

function DetailsBody({
  url,
  cluster,
  snapshot,
  model,
}: {
  url: UrlState;
  cluster: ClusterDatasource;
  snapshot: ClusterSnapshot;
  model: AnyModel;
}) {
  const events = useMemo(() => objectEvents(snapshot, model), [snapshot, model]);
  const scope = useMemo(() => usageScope(snapshot, model), [snapshot, model]);
  const hasContainers = 'containers' in model;
  const tabs: Array<{ id: TabId; label: string; counter?: number }> = [
    { id: 'summary', label: 'Summary' },
    ...(hasContainers ? [{ id: 'containers' as const, label: 'Containers' }] : []),
    ...(LOG_KINDS.includes(model.kind) ? [{ id: 'logs' as const, label: 'Logs' }] : []),
    { id: 'events', label: 'Events', counter: events.length },
    { id: 'yaml', label: 'YAML' },
    ...(scope ? [{ id: 'metrics' as const, label: 'Usage' }] : []),
  ];
  const requested = url.get(URL_KEYS.detailTab) as TabId | undefined;
  const active = tabs.some((t) => t.id === requested) ? requested! : 'summary';
  return (
    <>
      <TabsBar>
        {tabs.map((t) => (
          <Tab
            key={t.id}
            label={t.label}
            counter={t.counter}
            active={t.id === active}
            onChangeTab={() => url.update({ [URL_KEYS.detailTab]: t.id === 'summary' ? undefined : t.id })}
          />
        ))}
      </TabsBar>
      <TabContent>
        {active === 'summary' && <Summary cluster={cluster} snapshot={snapshot} model={model} />}
        {active === 'containers' && 'containers' in model && (
          <ContainersTable
            containers={model.kind === 'Pod' ? [...model.initContainers, ...model.containers] : model.containers}
          />
        )}
        {active === 'logs' && (
          <LogsView
            key={model.uid}
            url={url}
            cluster={cluster}
            model={model}
            pods={model.kind === 'Pod' ? [model] : workloadPods(snapshot, model)}
          />
        )}
        {active === 'events' && <EventsList events={events} />}
        {active === 'yaml' && (
          <YamlView
            key={model.uid}
            cluster={cluster}
            kind={model.kind as KindName}
            namespace={model.namespace}
            name={model.name}
          />
        )}
        {active === 'metrics' && scope && (
          <UsageOverTime key={model.uid} link={prometheusLink(cluster.jsonData)} scope={scope} />
        )}
      </TabContent>
    </>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Summary({
  cluster,
  snapshot,
  model,
}: {
  cluster: ClusterDatasource;
  snapshot: ClusterSnapshot;
  model: AnyModel;
}) {
  const styles = useStyles2(getStyles);
  const chain = ownerChain(snapshot, model);
  const dashboard = dashboardLink(cluster, model);
  return (
    <div className={styles.summary}>
      <ActionsBar cluster={cluster} model={model} />
      <dl className={styles.grid} data-testid="summary">
        <Field label="Kind">{model.kind}</Field>
        {model.namespace && <Field label="Namespace">{model.namespace}</Field>}
        {model.createdAt !== undefined && (
          <Field label="Created">
            {dateTimeFormat(model.createdAt)} ({dateTimeFormatTimeAgo(model.createdAt)})
          </Field>
        )}
        {chain.length > 0 && (
          <Field label="Owners">
            <span data-testid="owner-chain">
              {chain.map((o, i) => (
                <span key={o.uid}>
                  {i > 0 && ' → '}
                  {o.kind} <ObjectLink object={o} />
                </span>
              ))}
            </span>
          </Field>
        )}
        <KindFields snapshot={snapshot} model={model} />
      </dl>
      <Labels title="Labels" values={model.labels} />
      <Labels title="Annotations" values={model.annotations} />
      {dashboard && (
        <LinkButton href={dashboard.href} icon="apps" variant="secondary" size="sm">
          {dashboard.title}
        </LinkButton>
      )}
    </div>
  );
}

function KindFields({ snapshot, model }: { snapshot: ClusterSnapshot; model: AnyModel }) {
  const styles = useStyles2(getStyles);
  switch (model.kind) {
    case 'Pod': {
      const services = sources(snapshot, model.uid, 'selects', 'Service');
      return (
        <>
          <Field label="Phase">{model.phase ?? 'Unknown'}</Field>
          <Field label="Node">
            {model.nodeName ? <ObjectLink object={{ kind: 'Node', name: model.nodeName }} /> : 'not scheduled'}
          </Field>
          <Field label="Restarts">
            <span data-testid="pod-restarts">{model.restarts}</span>
          </Field>
          <Field label="Ready">
            {model.readyContainers}/{model.containers.length} containers
          </Field>
          {model.podIP && <Field label="Pod IP">{model.podIP}</Field>}
          {model.qosClass && <Field label="QoS">{model.qosClass}</Field>}
          {model.serviceAccount && <Field label="Service account">{model.serviceAccount}</Field>}
          <Field label="Requests">
            cpu {formatCores(model.requests.cpu ?? 0)}, mem {formatBytes(model.requests.memory ?? 0)}
          </Field>
          <Field label="Limits">
            {model.limits.cpu !== undefined ? `cpu ${formatCores(model.limits.cpu)}` : 'no cpu limit'},{' '}
            {model.limits.memory !== undefined ? `mem ${formatBytes(model.limits.memory)}` : 'no memory limit'}
          </Field>
          {services.length > 0 && (
            <Field label="Services">
              {services.map((s) => (
                <span key={s.uid} className={styles.item}>
                  <ObjectLink object={s} />
                </span>
              ))}
            </Field>
          )}
        </>
      );
    }
    case 'Node':
      return (
        <>
          <Field label="Roles">{model.roles.join(', ') || 'none'}</Field>
          <Field label="Kubelet">{model.kubeletVersion ?? 'unknown'}</Field>
          {model.osImage && <Field label="OS">{model.osImage}</Field>}
          {model.containerRuntime && <Field label="Runtime">{model.containerRuntime}</Field>}
          {model.internalIP && <Field label="Internal IP">{model.internalIP}</Field>}
          <Field label="Allocatable">
            cpu {formatCores(model.allocatable.cpu ?? 0)}, mem {formatBytes(model.allocatable.memory ?? 0)}, pods{' '}
            {model.allocatable.pods ?? '?'}
          </Field>
          <Field label="Taints">
            {model.taints.length > 0
              ? model.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ')
              : 'none'}
          </Field>
          <Field label="Conditions">
            <table className={styles.table} data-testid="conditions">
              <tbody>
                {model.conditions.map((c) => (
                  <tr key={c.type}>
                    <td>{c.type}</td>
                    <td>{c.status}</td>
                    <td>{c.reason}</td>
                    <td>{c.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Field>
          <Field label="Pods">
            <div className={styles.tiles}>
              {snapshot.byKind.Pod.filter((p) => p.nodeName === model.name).map((p) => (
                <PodTile key={p.uid} pod={p} />
              ))}
            </div>
          </Field>
        </>
      );
    case 'Service': {
      const pods = targets(snapshot, model.uid, 'selects', 'Pod');
      const ingresses = sources(snapshot, model.uid, 'routesTo', 'Ingress');
      return (
        <>
          <Field label="Type">{model.type}</Field>
          <Field label="Cluster IP">{model.headless ? 'None (headless)' : (model.clusterIP ?? '—')}</Field>
          {model.loadBalancerAddresses.length > 0 && (
            <Field label="Load balancer">{model.loadBalancerAddresses.join(', ')}</Field>
          )}
          {model.externalName && <Field label="External name">{model.externalName}</Field>}
          <Field label="Ports">{model.ports.map(formatServicePort).join(', ') || '—'}</Field>
          <Field label="Selector">
            {model.selector
              ? Object.entries(model.selector)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')
              : 'none'}
          </Field>
          <Field label="Pods">
            <div className={styles.tiles}>
              {pods.length > 0 ? pods.map((p) => <PodTile key={p.uid} pod={p} />) : 'none selected'}
            </div>
          </Field>
          {ingresses.length > 0 && (
            <Field label="Ingresses">
              {ingresses.map((i) => (
                <span key={i.uid} className={styles.item}>
                  <ObjectLink object={i} />
                </span>
              ))}
            </Field>
          )}
        </>
      );
    }
    case 'Ingress':
      return (
        <>
          {model.ingressClassName && <Field label="Class">{model.ingressClassName}</Field>}
          <Field label="Rules">
            {model.rules.map((r, i) => (
              <div key={i}>
                {r.host ?? '*'}
                {r.path ?? '/'} →{' '}
                {r.backend.serviceName ? (
                  <ObjectLink object={{ kind: 'Service', namespace: model.namespace, name: r.backend.serviceName }} />
                ) : (
                  (r.backend.resource?.name ?? '?')
                )}
                {r.backend.servicePort !== undefined ? `:${r.backend.servicePort}` : ''}
              </div>
            ))}
          </Field>
          {model.addresses.length > 0 && <Field label="Addresses">{model.addresses.join(', ')}</Field>}
        </>
      );
    default: {
      if (!WORKLOAD_KINDS.includes(model.kind)) {
        return null;
      }
      const pods = workloadPods(snapshot, model);
      const services = [
        ...new Map(pods.flatMap((p) => sources(snapshot, p.uid, 'selects', 'Service')).map((s) => [s.uid, s])).values(),
      ];
      return (
        <>
          {'replicas' in model && (
            <Field label="Replicas">
              desired {model.replicas.desired}, ready {model.replicas.ready}, available {model.replicas.available},
              updated {model.replicas.updated}
            </Field>
          )}
          {model.kind === 'CronJob' && <Field label="Schedule">{model.schedule}</Field>}
          {model.kind === 'Job' && (
            <Field label="Outcome">
              {model.outcome} ({model.succeeded} succeeded, {model.failed} failed, {model.active} active)
            </Field>
          )}
          {'containers' in model && (
            <Field label="Images">{[...new Set(model.containers.map((c) => c.image))].join(', ')}</Field>
          )}
          <Field label="Pods">
            <div className={styles.tiles}>
              {pods.length > 0 ? pods.map((p) => <PodTile key={p.uid} pod={p} />) : 'none'}
            </div>
          </Field>
          {services.length > 0 && (
            <Field label="Services">
              {services.map((s) => (
                <span key={s.uid} className={styles.item}>
                  <ObjectLink object={s} /> {s.ports.map(formatServicePort).join(', ')}
                </span>
              ))}
            </Field>
          )}
        </>
      );
    }
  }
}

function Labels({ title, values }: { title: string; values: Record<string, string> }) {
  const styles = useStyles2(getStyles);
  const entries = Object.entries(values);
  return (
    <div>
      <h6>{title}</h6>
      {entries.length === 0 ? (
        <span className={styles.muted}>none</span>
      ) : (
        <div className={styles.labels}>
          {entries.map(([k, v]) => (
            <span key={k} className={styles.label}>
              {k}={v}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  summary: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), paddingTop: theme.spacing(2) }),
  muted: css({ color: theme.colors.text.secondary }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: '140px 1fr',
    gap: theme.spacing(0.75, 2),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, wordBreak: 'break-word' },
  }),
  table: css({ td: { paddingRight: theme.spacing(1), verticalAlign: 'top' } }),
  tiles: css({ display: 'flex', flexWrap: 'wrap', gap: 4 }),
  item: css({ marginRight: theme.spacing(1) }),
  labels: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  label: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0, 0.5),
  }),
});
