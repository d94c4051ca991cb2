import React, { useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, useStyles2 } from '@grafana/ui';
import { ACTIONS, actionsFor, checkAccess, type Access, type ActionId, type ActionTarget } from '../../k8s/actions';
import type { AnyModel, KindName } from '../../model/types';
import type { ClusterDatasource } from '../../pages/state/clusters';
import { clientFor } from '../../pages/state/loadCluster';
import { writeAccess } from '../details/permissions';
import { ActionModal } from './ActionModal';

/**
 * The write actions on one object, for Grafana Editors and Admins only (a Viewer sees none). A user whom Grafana
 * refuses the write permission (an admin took the role away, Enterprise/Cloud) sees them disabled with that reason and
 * the cluster is not asked. Otherwise each is enabled once a SelfSubjectAccessReview says the datasource's token may
 * do it; else it stays disabled and the missing ClusterRole rule is shown under it.
 */
export function ActionsBar({ cluster, model }: { cluster: ClusterDatasource; model: AnyModel }) {
  const styles = useStyles2(getStyles);
  const grafana = writeAccess();
  const writer = grafana.visible && grafana.allowed;
  const client = useMemo(() => clientFor(cluster), [cluster]);
  const { kind, namespace, name } = model;
  const target: ActionTarget = useMemo(() => ({ kind: kind as KindName, namespace, name }), [kind, namespace, name]);
  const ids = actionsFor(kind, {
    unschedulable: model.kind === 'Node' ? model.unschedulable : undefined,
    suspend: model.kind === 'CronJob' ? model.suspend : undefined,
  });
  const idsKey = ids.join(',');
  // Answers are kept by object and action, so another object's never shows while its own reviews run.
  const scope = `${kind}/${namespace ?? ''}/${name}`;
  const [answers, setAnswers] = useState<Record<string, Access>>({});
  const [open, setOpen] = useState<ActionId>();
  const [result, setResult] = useState<string>();

  useEffect(() => {
    if (!writer || !idsKey) {
      return;
    }
    const controller = new AbortController();
    for (const id of idsKey.split(',') as ActionId[]) {
      checkAccess(client, id, target, { signal: controller.signal }).then((answer) => {
        if (!controller.signal.aborted) {
          setAnswers((previous) => ({ ...previous, [`${scope}:${id}`]: answer }));
        }
      });
    }
    return () => controller.abort();
  }, [writer, idsKey, client, target, scope]);

  if (!grafana.visible || ids.length === 0) {
    return null;
  }
  const access = (id: ActionId): Access | undefined =>
    grafana.allowed ? answers[`${scope}:${id}`] : { allowed: false, reason: grafana.reason };
  // Refused by Grafana: one note for all; otherwise each action's own cluster answer.
  const notes = grafana.allowed
    ? ids.flatMap((id) => {
        const answer = access(id);
        return answer && answer.allowed !== true
          ? [{ id, reason: answer.reason, denied: answer.allowed === false }]
          : [];
      })
    : [];
  return (
    <div data-testid="write-actions" className={styles.bar}>
      <div className={styles.buttons}>
        {ids.map((id) => {
          const answer = access(id);
          return (
            <Button
              key={id}
              size="sm"
              variant={id === 'delete' ? 'destructive' : 'secondary'}
              disabled={answer === undefined || answer.allowed === false}
              title={
                answer === undefined
                  ? 'Checking what the token may do…'
                  : answer.allowed === true
                    ? undefined
                    : answer.reason
              }
              onClick={() => {
                setResult(undefined);
                setOpen(id);
              }}
              data-testid={`action-${id}`}
            >
              {ACTIONS[id].label}
            </Button>
          );
        })}
      </div>
      {!grafana.allowed && (
        <div className={styles.note} data-testid="action-reason-grafana">
          {grafana.reason}
        </div>
      )}
      {notes.map(({ id, reason, denied }) => (
        <div key={id} className={styles.note} data-testid={`action-reason-${id}`}>
          {ACTIONS[id].label}
          {denied ? ' is not allowed: ' : ' may not be allowed: '}
          {reason}
        </div>
      ))}
      {result && <Alert severity="success" title={result} onRemove={() => setResult(undefined)} />}
      {open && (
        <ActionModal
          client={client}
          action={open}
          target={target}
          replicas={'replicas' in model ? model.replicas.desired : undefined}
          onDismiss={() => setOpen(undefined)}
          onApplied={(message) => {
            setOpen(undefined);
            setResult(message);
          }}
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  buttons: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) }),
  note: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
