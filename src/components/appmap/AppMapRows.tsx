import React from 'react';
import { css, cx } from '@emotion/css';
import { dateTimeFormatTimeAgo, GrafanaTheme2 } from '@grafana/data';
import { Badge, Icon, Tooltip, useStyles2 } from '@grafana/ui';
import { ObjectRef } from '../../model/types';
import { AppIngress, AppService, AppWorkload, NamespaceApps } from '../../selectors/appMap';
import { Coverage, CoverageModel, CoverageSummary, summarize, workloadCoverage } from '../../selectors/coverage';
import { formatBytes, formatCores, formatServicePort } from '../../selectors/format';
import { safeHref } from '../links';
import { ObjectLink } from '../ObjectLink';
import { PodTile } from '../PodTile';
import { CoverageBadge, CoverageSummaryText } from './CoverageBadge';

// Coverage rides on the rows (undefined when prometheus-operator is absent), so memoized rows re-render only when
// their own coverage changes.
export type AppMapRow =
  | { type: 'namespace'; apps: NamespaceApps; coverage?: CoverageSummary }
  | { type: 'workload'; workload: AppWorkload; coverage?: Coverage }
  | { type: 'service'; service: AppService; coverage?: Coverage }
  | { type: 'ingress'; ingress: AppIngress; probes?: ObjectRef[] };

/** Flattens namespaces into rows so the virtual list renders only what is on screen. */
export function appMapRows(namespaces: NamespaceApps[], coverage?: CoverageModel): AppMapRow[] {
  const rows: AppMapRow[] = [];
  const covered = coverage?.status === 'ok' ? coverage : undefined;
  for (const apps of namespaces) {
    const workloads = apps.workloads.map((workload) => ({
      workload,
      coverage: covered && workloadCoverage(covered, workload.services, workload.pods),
    }));
    rows.push({
      type: 'namespace',
      apps,
      coverage: covered && summarize(workloads.map((w) => w.coverage!)),
    });
    workloads.forEach((w) => rows.push({ type: 'workload', ...w }));
    apps.services.forEach((service) =>
      rows.push({ type: 'service', service, coverage: covered?.services.get(service.service.uid) })
    );
    apps.ingresses.forEach((ingress) =>
      rows.push({ type: 'ingress', ingress, probes: covered?.ingressProbes.get(ingress.ingress.uid) })
    );
  }
  return rows;
}

export function rowKey(row: AppMapRow): string {
  switch (row.type) {
    case 'namespace':
      return `ns:${row.apps.namespace}`;
    case 'workload':
      return `w:${row.workload.id}`;
    case 'service':
      return `s:${row.service.service.uid}`;
    case 'ingress':
      return `i:${row.ingress.ingress.uid}`;
  }
}

export function estimateRowHeight(row: AppMapRow): number {
  switch (row.type) {
    case 'namespace':
      return 44;
    case 'workload':
      return 76 + Math.ceil(row.workload.pods.length / 40) * 22 + row.workload.jobs.length * 24;
    default:
      return 56;
  }
}

/** Memoized: while scrolling, rows that stay on screen keep their rendered output. */
export const AppMapRowView = React.memo(function AppMapRowView({ row }: { row: AppMapRow }) {
  switch (row.type) {
    case 'namespace':
      return <NamespaceHeader apps={row.apps} coverage={row.coverage} />;
    case 'workload':
      return <WorkloadRow workload={row.workload} coverage={row.coverage} />;
    case 'service':
      return <ServiceRow entry={row.service} coverage={row.coverage} />;
    case 'ingress':
      return <IngressRow entry={row.ingress} probes={row.probes} />;
  }
});

function NamespaceHeader({ apps, coverage }: { apps: NamespaceApps; coverage?: CoverageSummary }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.namespace} data-testid="appmap-namespace" data-namespace={apps.namespace}>
      <Icon name="folder" />
      <span className={styles.nsName}>{apps.namespace}</span>
      <span className={styles.muted}>
        {apps.workloads.length} workloads · {apps.services.length} services · {apps.ingresses.length} ingresses
      </span>
      {apps.problemCount > 0 && (
        <Badge color="red" text={`${apps.problemCount} with problems`} icon="exclamation-triangle" />
      )}
      {coverage && <CoverageSummaryText summary={coverage} />}
    </div>
  );
}

function WorkloadRow({ workload: w, coverage }: { workload: AppWorkload; coverage?: Coverage }) {
  const styles = useStyles2(getStyles);
  return (
    <div
      className={styles.card}
      data-testid="appmap-workload"
      data-kind={w.kind}
      data-name={w.name}
      data-problem={w.hasProblem}
    >
      <div className={styles.line}>
        <span className={styles.kind}>{w.kind}</span>
        {w.model ? <ObjectLink object={w.model} /> : <span>Pods without a workload</span>}
        {w.hasProblem && <Icon name="exclamation-triangle" className={styles.problemIcon} title="Has problems" />}
        {w.replicas && (
          <span className={styles.muted} data-testid="replicas">
            desired {w.replicas.desired} · ready {w.replicas.ready} · available {w.replicas.available}
          </span>
        )}
        {coverage && <CoverageBadge coverage={coverage} />}
        {(w.usage.cpu !== undefined || w.usage.memory !== undefined) && (
          <span className={styles.muted} data-testid="workload-usage">
            using{w.usage.cpu !== undefined ? ` CPU ${formatCores(w.usage.cpu)}` : ''}
            {w.usage.memory !== undefined ? ` · memory ${formatBytes(w.usage.memory)}` : ''}
          </span>
        )}
        {w.model?.kind === 'CronJob' && (
          <span className={styles.muted}>
            {w.model.schedule}
            {w.model.suspend ? ' (suspended)' : ''}
            {w.model.lastScheduleAt ? ` · last ${dateTimeFormatTimeAgo(w.model.lastScheduleAt)}` : ''}
          </span>
        )}
        {w.unbounded.length > 0 && (
          <Tooltip
            content={
              <div>
                Containers without requests or limits let the scheduler overcommit the node:
                <ul>
                  {w.unbounded.map((u) => (
                    <li key={u.container}>
                      {u.container}: no {u.missing.join(', no ')}
                    </li>
                  ))}
                </ul>
              </div>
            }
          >
            <span data-testid="unbounded">
              <Badge color="orange" icon="exclamation-circle" text={`${w.unbounded.length} without requests/limits`} />
            </span>
          </Tooltip>
        )}
      </div>
      {w.images.length > 0 && (
        <div className={styles.images} title={w.images.join('\n')}>
          {w.images.join(', ')}
        </div>
      )}
      {w.services.length > 0 && (
        <div className={styles.line} data-testid="workload-services">
          <Icon name="exchange-alt" className={styles.muted} />
          {w.services.map((s) => (
            <span key={s.uid} className={styles.link}>
              <ObjectLink object={s} />{' '}
              <span className={styles.muted}>{s.ports.map(formatServicePort).join(', ')}</span>
            </span>
          ))}
        </div>
      )}
      {w.pods.length > 0 && (
        <div className={styles.tiles}>
          {w.pods.map((p) => (
            <PodTile key={p.uid} pod={p} />
          ))}
        </div>
      )}
      {w.jobs.map((job) => (
        <div key={job.uid} className={styles.line} data-testid="cronjob-job">
          <Icon name="angle-right" className={styles.muted} />
          <ObjectLink object={job} />
          <span className={job.outcome === 'Failed' ? styles.failed : styles.muted}>{job.outcome}</span>
          {job.startedAt && <span className={styles.muted}>{dateTimeFormatTimeAgo(job.startedAt)}</span>}
        </div>
      ))}
    </div>
  );
}

function ServiceRow({ entry, coverage }: { entry: AppService; coverage?: Coverage }) {
  const styles = useStyles2(getStyles);
  const s = entry.service;
  return (
    <div className={styles.card} data-testid="appmap-service" data-name={s.name}>
      <div className={styles.line}>
        <span className={styles.kind}>Service</span>
        <ObjectLink object={s} />
        <span className={styles.muted}>
          {s.type}
          {s.headless ? ' (headless)' : s.clusterIP ? ` ${s.clusterIP}` : ''}
          {s.externalName ? ` → ${s.externalName}` : ''}
        </span>
        {s.loadBalancerAddresses.length > 0 && (
          <span className={styles.muted}>LB {s.loadBalancerAddresses.join(', ')}</span>
        )}
        {s.ports.map((p) => (
          <span key={`${p.port}/${p.protocol}`} className={styles.port} data-testid="service-port">
            {formatServicePort(p)}
          </span>
        ))}
        {coverage && <CoverageBadge coverage={coverage} />}
      </div>
      <div className={styles.line} data-testid="service-targets">
        <Icon name="arrow-right" className={styles.muted} />
        {entry.workloads.length === 0 ? (
          <span className={styles.muted}>{s.selector ? 'selects no pod' : 'no selector (manual endpoints)'}</span>
        ) : (
          entry.workloads.map((w) => (
            <span key={w.id} className={styles.link}>
              <span className={styles.muted}>{w.kind}</span>{' '}
              {w.kind === 'Other' ? (
                'bare pods'
              ) : (
                <ObjectLink object={{ kind: w.kind, namespace: s.namespace, name: w.name }} />
              )}
            </span>
          ))
        )}
        {entry.ingresses.map((i) => (
          <span key={`${i.ingress.uid}${i.rule.host}${i.rule.path}`} className={styles.muted}>
            ← Ingress {i.ingress.name} {i.rule.host ?? '*'}
            {i.rule.path ?? ''}
          </span>
        ))}
      </div>
    </div>
  );
}

function IngressRow({ entry, probes }: { entry: AppIngress; probes?: ObjectRef[] }) {
  const styles = useStyles2(getStyles);
  const ing = entry.ingress;
  return (
    <div className={styles.card} data-testid="appmap-ingress" data-name={ing.name}>
      <div className={styles.line}>
        <span className={styles.kind}>Ingress</span>
        <ObjectLink object={ing} />
        {ing.ingressClassName && <span className={styles.muted}>class {ing.ingressClassName}</span>}
        {ing.addresses.length > 0 && <span className={styles.muted}>{ing.addresses.join(', ')}</span>}
        {probes?.map((p) => (
          <span key={p.uid ?? p.name} data-testid="ingress-probe">
            <Badge color="blue" icon="heart-rate" text={`probed by ${p.namespace}/${p.name}`} />
          </span>
        ))}
      </div>
      {entry.routes.map((r, i) => (
        <div key={i} className={styles.line} data-testid="ingress-route">
          <IngressAddress ingress={ing} rule={r.rule} />
          <Icon name="arrow-right" className={styles.muted} />
          {r.service ? (
            <ObjectLink object={r.service} />
          ) : (
            <span className={styles.failed}>
              {r.rule.backend.serviceName
                ? `${r.rule.backend.serviceName} (missing)`
                : (r.rule.backend.resource?.name ?? '?')}
            </span>
          )}
          {r.rule.backend.servicePort !== undefined && (
            <span className={styles.muted}>:{r.rule.backend.servicePort}</span>
          )}
        </div>
      ))}
    </div>
  );
}

/** The rule's URL as a link when it names a host (https when the ingress has TLS for it); untrusted data, so safeHref. */
function IngressAddress({
  ingress,
  rule,
}: {
  ingress: AppIngress['ingress'];
  rule: AppIngress['routes'][number]['rule'];
}) {
  const styles = useStyles2(getStyles);
  const text = `${rule.host ?? '*'}${rule.path ?? '/'}`;
  const scheme = ingress.tls.some((t) => rule.host && t.hosts.includes(rule.host)) ? 'https' : 'http';
  const href =
    rule.host && !rule.host.includes('*') ? safeHref(`${scheme}://${rule.host}${rule.path ?? '/'}`) : undefined;
  return href ? (
    <a className={cx(styles.port, styles.external)} href={href} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  ) : (
    <span className={styles.port}>{text}</span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  namespace: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1.5, 1, 0.5),
    borderBottom: `1px solid ${theme.colors.border.medium}`,
  }),
  nsName: css({ fontSize: theme.typography.h4.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  card: css({
    margin: theme.spacing(0.5, 0, 0.5, 2),
    padding: theme.spacing(1),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  line: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), flexWrap: 'wrap' }),
  kind: css({
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0, 0.5),
  }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  images: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    fontFamily: theme.typography.fontFamilyMonospace,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  tiles: css({ display: 'flex', flexWrap: 'wrap', gap: 4 }),
  link: css({ display: 'inline-flex', gap: theme.spacing(0.5), alignItems: 'baseline' }),
  port: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
  external: css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  failed: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
  problemIcon: css({ color: theme.colors.warning.text }),
});
