import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, Modal, Spinner, useStyles2 } from '@grafana/ui';
import {
  ACTIONS,
  applyAction,
  planAction,
  previewAction,
  type ActionId,
  type ActionPlan,
  type ActionTarget,
  type FieldChange,
} from '../../k8s/actions';
import type { K8sClient } from '../../k8s/client';

interface Props {
  client: K8sClient;
  action: ActionId;
  target: ActionTarget;
  /** The replicas the scale field starts from. */
  replicas?: number;
  onDismiss(): void;
  onApplied(message: string): void;
}

type Preview =
  | { state: 'running' }
  | { state: 'ready'; plan: ActionPlan; changes: FieldChange[] }
  | { state: 'failed'; message: string };

/** A dry run's answer and the input it answers (the replicas typed), so a stale answer reads as still running. */
type Answer = Exclude<Preview, { state: 'running' }> & { input: string };

/** Typing in the replicas field waits this long before asking the cluster for a new dry run. */
const TYPING_PAUSE_MS = 300;

/**
 * Confirms one action: runs its server dry run as soon as it opens (and after each replicas edit), shows the fields the
 * cluster says would change, and applies the very request it previewed.
 */
export function ActionModal({ client, action, target, replicas: initialReplicas, onDismiss, onApplied }: Props) {
  const styles = useStyles2(getStyles);
  const spec = ACTIONS[action];
  const [replicasText, setReplicasText] = useState(String(initialReplicas ?? 1));
  const [answer, setAnswer] = useState<Answer>();
  const [applying, setApplying] = useState(false);
  const [applyError, setApplyError] = useState<string>();
  // One moment for the whole dialog: the restart stamp and the manual Job's name are the ones previewed.
  const [now] = useState(() => new Date());
  const replicas = /^\d+$/.test(replicasText.trim()) ? Number(replicasText.trim()) : undefined;
  const invalidReplicas = action === 'scale' && replicas === undefined;
  const input = String(replicas);
  const preview: Preview = answer && answer.input === input ? answer : { state: 'running' };
  const { kind, namespace, name } = target;

  useEffect(() => {
    if (invalidReplicas) {
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(
      async () => {
        try {
          const options = { signal: controller.signal };
          const plan = await planAction(client, action, { kind, namespace, name }, { replicas, now }, options);
          const changes = await previewAction(client, plan, options);
          if (!controller.signal.aborted) {
            setAnswer({ state: 'ready', plan, changes, input: String(replicas) });
          }
        } catch (error) {
          if (!controller.signal.aborted) {
            const message = error instanceof Error ? error.message : String(error);
            setAnswer({ state: 'failed', message, input: String(replicas) });
          }
        }
      },
      action === 'scale' ? TYPING_PAUSE_MS : 0
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, action, kind, namespace, name, replicas, invalidReplicas, now]);

  const title = `${spec.label}: ${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  const apply = async () => {
    if (preview.state !== 'ready') {
      return;
    }
    setApplying(true);
    try {
      await applyAction(client, preview.plan);
      onApplied(`${title}: applied. The change shows at the next refresh.`);
    } catch (error) {
      setApplyError(error instanceof Error ? error.message : String(error));
      setApplying(false);
    }
  };
  const ready = preview.state === 'ready' && !invalidReplicas;
  const changeCount = preview.state === 'ready' ? preview.changes.length : 0;

  return (
    <Modal title={title} isOpen onDismiss={onDismiss}>
      <div className={styles.body} data-testid="action-modal">
        {action === 'scale' && (
          <Field
            label="Replicas"
            invalid={invalidReplicas}
            error={invalidReplicas ? 'Enter a whole number, 0 or more.' : undefined}
          >
            <Input
              type="number"
              min={0}
              width={12}
              value={replicasText}
              onChange={(e) => {
                setApplyError(undefined);
                setReplicasText(e.currentTarget.value);
              }}
              data-testid="scale-replicas"
            />
          </Field>
        )}
        {preview.state === 'ready' && preview.plan.warnings.map((w) => <Alert key={w} severity="warning" title={w} />)}
        <h6>What the dry run says will change</h6>
        {invalidReplicas ? null : preview.state === 'running' ? (
          <div className={styles.muted}>
            <Spinner inline /> Asking the cluster for a dry run (dryRun=All: nothing is changed)…
          </div>
        ) : preview.state === 'failed' ? (
          <Alert severity="error" title="The dry run failed: nothing was changed" data-testid="dry-run-error">
            {preview.message}
          </Alert>
        ) : preview.changes.length === 0 ? (
          <div className={styles.muted} data-testid="dry-run-diff">
            Nothing would change: the object is already so.
          </div>
        ) : (
          <div className={styles.diff} data-testid="dry-run-diff" role="table" aria-label="Fields that would change">
            {preview.changes.map((c) => (
              <div key={c.field} role="row" className={styles.row}>
                <span role="cell" className={styles.field}>
                  {c.field}
                </span>
                <span role="cell">{c.before}</span>
                <span role="cell">→</span>
                <span role="cell">{c.after}</span>
              </div>
            ))}
          </div>
        )}
        {applyError && (
          <Alert severity="error" title={`${spec.label} failed`} data-testid="apply-error">
            {applyError}
          </Alert>
        )}
      </div>
      <Modal.ButtonRow>
        <Button variant="secondary" fill="outline" onClick={onDismiss}>
          Cancel
        </Button>
        <Button
          variant={action === 'delete' ? 'destructive' : 'primary'}
          disabled={!ready || changeCount === 0 || applying}
          onClick={apply}
          data-testid="action-apply"
        >
          {applying ? 'Applying…' : spec.label}
        </Button>
      </Modal.ButtonRow>
    </Modal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  body: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  muted: css({ color: theme.colors.text.secondary }),
  // Four columns sized to their content: field, before, arrow, after.
  diff: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(4, max-content)',
    gap: theme.spacing(0.25, 1.5),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  row: css({ display: 'contents', span: { wordBreak: 'break-all' } }),
  field: css({ color: theme.colors.text.secondary }),
});
