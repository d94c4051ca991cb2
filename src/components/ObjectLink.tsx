import React from 'react';
import { Link } from 'react-router-dom';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { ObjectRef } from '../model/types';
import { URL_KEYS, useUrlState } from '../pages/state/urlState';
import { encodeDetail } from './links';

interface Props {
  object: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>;
  /** Link text; the object's name by default. */
  children?: React.ReactNode;
  title?: string;
}

/** Opens the object's details drawer on the current page; the URL (`?detail=`) is shareable. */
export function ObjectLink({ object, children, title }: Props) {
  const url = useUrlState();
  const styles = useStyles2(getStyles);
  return (
    <Link
      className={styles.link}
      to={{ search: url.href({ [URL_KEYS.detail]: encodeDetail(object), [URL_KEYS.detailTab]: undefined }) }}
      title={title ?? `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`}
    >
      {children ?? <bdi>{object.name}</bdi>}
    </Link>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  link: css({
    color: theme.colors.text.link,
    '&:hover': { textDecoration: 'underline' },
  }),
});
