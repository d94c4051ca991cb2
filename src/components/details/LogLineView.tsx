import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2 } from '@grafana/ui';
import {
  ansiSegments,
  markRanges,
  matchRanges,
  PREVIEW_CHARS,
  truncateSegments,
  type LogLine,
  type Segment,
  type TextStyle,
} from '../../k8s/logLines';

const plainCache = new WeakMap<LogLine, string>();

/** What the line shows, escape sequences taken out and controls made visible: what search matches against. */
export function plainText(line: LogLine): string {
  let plain = plainCache.get(line);
  if (plain === undefined) {
    plain = ansiSegments(line.text)
      .map((s) => s.text)
      .join('');
    plainCache.set(line, plain);
  }
  return plain;
}

function cssOf(style: TextStyle | undefined): React.CSSProperties | undefined {
  if (!style) {
    return undefined;
  }
  return {
    color: style.color,
    backgroundColor: style.background,
    fontWeight: style.bold ? 'bold' : undefined,
    opacity: style.dim ? 0.7 : undefined,
    fontStyle: style.italic ? 'italic' : undefined,
    textDecoration: style.underline ? 'underline' : undefined,
  };
}

interface Props {
  line: LogLine;
  search: string;
  showTime: boolean;
  showPod: boolean;
  expanded: boolean;
  onToggle: (line: LogLine) => void;
}

/** One log line as React text: styled spans for ANSI colours, <mark> for search matches, long lines folded. */
export function LogLineView({ line, search, showTime, showPod, expanded, onToggle }: Props) {
  const styles = useStyles2(getStyles);
  const segments = ansiSegments(line.text);
  const length = plainText(line).length;
  const long = length > PREVIEW_CHARS;
  const shown: Segment[] = long && !expanded ? truncateSegments(segments, PREVIEW_CHARS) : segments;
  const marked = markRanges(shown, matchRanges(plainText(line), search));
  return (
    <div className={styles.line} data-testid="log-line">
      {showPod && line.pod && <span className={styles.pod}>{line.pod}</span>}
      {showTime && line.stamp && <span className={styles.time}>{line.stamp}</span>}
      <span className={styles.text}>
        {marked.map((s, i) =>
          s.mark ? (
            <mark key={i} className={styles.mark} style={cssOf(s.style)}>
              {s.text}
            </mark>
          ) : (
            <span key={i} style={cssOf(s.style)}>
              {s.text}
            </span>
          )
        )}
        {long && !expanded && '…'}
      </span>
      {long && (
        <Button size="sm" fill="text" variant="secondary" onClick={() => onToggle(line)}>
          {expanded ? 'Fold' : `Show all ${length.toLocaleString()} characters`}
        </Button>
      )}
      {line.cut > 0 && (
        <span className={styles.muted}> ({line.cut.toLocaleString()} more characters were not kept)</span>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  line: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    lineHeight: '18px',
    padding: theme.spacing(0, 1),
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    '&:hover': { background: theme.colors.action.hover },
  }),
  pod: css({
    display: 'inline-block',
    minWidth: '16ch',
    marginRight: theme.spacing(1),
    color: theme.colors.text.link,
  }),
  time: css({ marginRight: theme.spacing(1), color: theme.colors.text.secondary }),
  text: css({ color: theme.colors.text.primary }),
  mark: css({ background: theme.colors.warning.transparent, color: 'inherit', padding: 0 }),
  muted: css({ color: theme.colors.text.secondary }),
});
