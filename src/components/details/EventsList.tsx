import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormatTimeAgo, GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { AnyModel, ClusterSnapshot, EventModel } from '../../model/types';
import { involvedObject, lastSeenAt } from '../../selectors/warningEvents';

/**
 * Every event about one object, newest first, superseded ones included (they are its history). Matched as the
 * problems list matches them: by uid, else by kind/namespace/name (kubelets name a Node by its name in the uid).
 */
export function objectEvents(snapshot: ClusterSnapshot, model: AnyModel): EventModel[] {
  return snapshot.byKind.Event.filter((e) => {
    const involved = involvedObject(snapshot, e);
    return involved !== undefined && involved !== 'gone' && involved.uid === model.uid;
  }).sort((a, b) => (lastSeenAt(b) ?? 0) - (lastSeenAt(a) ?? 0));
}

export function EventsList({ events }: { events: EventModel[] }) {
  const styles = useStyles2(getStyles);
  if (events.length === 0) {
    return <p>No events for this object (Kubernetes keeps events for one hour by default).</p>;
  }
  return (
    <div data-testid="events">
      {events.map((e) => (
        <div key={e.uid} className={styles.event} data-testid="event" data-type={e.type} data-reason={e.reason}>
          <Icon
            name={e.type === 'Warning' ? 'exclamation-triangle' : 'info-circle'}
            className={e.type === 'Warning' ? styles.warning : styles.normal}
          />
          <div>
            <div>
              <strong>{e.reason}</strong>
              <span className={styles.muted}>
                {' '}
                {e.count > 1 ? `×${e.count} ` : ''}
                {e.lastAt ? dateTimeFormatTimeAgo(e.lastAt) : ''}
                {e.source ? ` · ${e.source}` : ''}
              </span>
            </div>
            <div className={styles.message}>
              <bdi>{e.message}</bdi>
            </div>
          </div>
        </div>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  event: css({
    display: 'flex',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  warning: css({ color: theme.colors.warning.text, marginTop: 2 }),
  normal: css({ color: theme.colors.text.secondary, marginTop: 2 }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  message: css({ wordBreak: 'break-word' }),
});
