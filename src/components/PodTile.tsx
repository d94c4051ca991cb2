import React from 'react';
import { Link } from 'react-router-dom';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { PodModel } from '../model/types';
import { URL_KEYS, useUrlState } from '../pages/state/urlState';
import { POD_TILE_LABELS, podReason, PodTileState, podTileState } from '../selectors/podState';
import { encodeDetail } from './links';

export function tileColor(theme: GrafanaTheme2, state: PodTileState): string {
  switch (state) {
    case 'ready':
      return theme.colors.success.main;
    case 'notReady':
      return theme.colors.warning.main;
    case 'pending':
      return theme.visualization.getColorByName('blue');
    case 'failed':
      return theme.colors.error.main;
    case 'succeeded':
      return theme.colors.secondary.main;
    case 'terminating':
      return theme.visualization.getColorByName('purple');
  }
}

/** A pod as a small square coloured by health, with its restart count; opens the pod's details. */
export const PodTile = React.memo(function PodTile({ pod }: { pod: PodModel }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const url = useUrlState();
  const state = podTileState(pod);
  const reason = podReason(pod);
  // A native title, not @grafana/ui's Tooltip: a node card or workload can hold hundreds of tiles, and a floating-ui
  // tooltip per tile made scrolling a 10,000-pod cluster stutter.
  const title = [
    pod.name,
    `${POD_TILE_LABELS[state]}${reason ? ` — ${reason}` : ''}`,
    `${pod.readyContainers}/${pod.containers.length} containers ready, ${pod.restarts} restarts`,
    pod.nodeName ? `on ${pod.nodeName}` : 'not scheduled',
  ].join('\n');
  return (
    <Link
      to={{ search: url.href({ [URL_KEYS.detail]: encodeDetail(pod), [URL_KEYS.detailTab]: undefined }) }}
      className={styles.tile}
      data-state={state}
      data-testid="pod-tile"
      title={title}
      aria-label={`Pod ${pod.name}: ${POD_TILE_LABELS[state]}${reason ? `, ${reason}` : ''}, ${pod.restarts} restarts`}
      style={{ background: tileColor(theme, state) }}
    >
      {pod.restarts > 0 ? <span className={styles.restarts}>{pod.restarts > 99 ? '99+' : pod.restarts}</span> : null}
    </Link>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  tile: css({
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    width: 18,
    height: 18,
    borderRadius: 3,
    '&:hover': { outline: `2px solid ${theme.colors.text.primary}` },
  }),
  restarts: css({
    fontSize: 9,
    lineHeight: 1,
    color: theme.colors.getContrastText(theme.colors.error.main),
    fontWeight: theme.typography.fontWeightBold,
  }),
});
