import React, { useCallback, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Button,
  Checkbox,
  Combobox,
  ComboboxOption,
  InlineField,
  InlineSwitch,
  Input,
  LinkButton,
  Stack,
  useStyles2,
} from '@grafana/ui';
import { logqlSelector, MAX_LINES, matchRanges, type LogLine } from '../../k8s/logLines';
import type { AnyModel, PodModel } from '../../model/types';
import type { ClusterDatasource } from '../../pages/state/clusters';
import { URL_KEYS, type UrlState } from '../../pages/state/urlState';
import { exploreUrl } from '../links';
import { VirtualList } from '../VirtualList';
import { LogLineView, plainText } from './LogLineView';
import { FOLLOWED_PODS_HTTP1, MAX_LOG_PODS, useLogStreams, type LogStreams, type LogTarget } from './useLogStreams';

interface Props {
  url: UrlState;
  cluster: ClusterDatasource;
  /** A Pod, or the workload whose pods' logs are merged. */
  model: AnyModel;
  /** The workload's pods (for a Pod: itself). */
  pods: PodModel[];
}

const DEFAULT_TAIL = 1000;
const TAILS = [100, 1000, 10_000, MAX_LINES].map((n) => ({ label: `last ${n.toLocaleString()}`, value: String(n) }));
const ANY_TIME = 'any';
const SINCE: Array<ComboboxOption<string>> = [
  { label: 'any time', value: ANY_TIME },
  ...[
    ['5 min', 300],
    ['1 h', 3600],
    ['6 h', 21_600],
    ['24 h', 86_400],
  ].map(([label, seconds]) => ({ label: `last ${label}`, value: String(seconds) })),
];

/**
 * The Logs tab: a pod's log, or a workload's pods' logs merged by time with a pod label per line. Every option is in
 * the URL, so a link opens the same view.
 */
export function LogsView({ url, cluster, model, pods }: Props) {
  const styles = useStyles2(getStyles);
  const [matchingOnly, setMatchingOnly] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const single = model.kind === 'Pod';
  const names = containerNames(model);
  const container =
    names.find((n) => n.name === url.get(URL_KEYS.logContainer))?.name ?? names.find((n) => !n.init)?.name;
  const previous = url.get(URL_KEYS.logPrevious) === 'true';
  const follow = url.get(URL_KEYS.logFollow) === 'true';
  const timestamps = url.get(URL_KEYS.logTimestamps) === 'true';
  const tail = Number(url.get(URL_KEYS.logTail)) || DEFAULT_TAIL;
  const since = Number(url.get(URL_KEYS.logSince)) || undefined;
  const search = url.get(URL_KEYS.logSearch) ?? '';
  const read = pods.slice(0, MAX_LOG_PODS);
  const targets: LogTarget[] = read.map((p) => ({ namespace: p.namespace ?? '', pod: p.name, container }));
  const streams = useLogStreams(cluster, targets, { previous, follow, tailLines: tail, sinceSeconds: since });

  const shown = useMemo(
    () =>
      search && matchingOnly
        ? streams.lines.filter((l) => matchRanges(plainText(l), search).length > 0)
        : streams.lines,
    [streams.lines, search, matchingOnly]
  );
  const matches = useMemo(
    () => (search ? streams.lines.filter((l) => matchRanges(plainText(l), search).length > 0).length : 0),
    [streams.lines, search]
  );
  const toggle = useCallback(
    (line: LogLine) =>
      setExpanded((previousSet) => {
        const next = new Set(previousSet);
        next.has(line.seq) ? next.delete(line.seq) : next.add(line.seq);
        return next;
      }),
    []
  );
  const set = (key: string, value: string | undefined) => url.update({ [key]: value });
  const loki = cluster.jsonData?.lokiDatasourceUid;
  const followed = Object.values(streams.states).filter((s) => s.followed).length;

  return (
    <div className={styles.view} data-testid="logs-view">
      <Stack gap={1} wrap="wrap" alignItems="center">
        <Choice
          label="Container"
          width={24}
          value={container ?? ''}
          options={names.map((n) => ({ label: n.init ? `${n.name} (init)` : n.name, value: n.name }))}
          onChange={(value) => set(URL_KEYS.logContainer, value)}
        />
        <Choice
          label="Tail"
          width={18}
          value={String(tail)}
          options={TAILS}
          onChange={(value) => set(URL_KEYS.logTail, value === String(DEFAULT_TAIL) ? undefined : value)}
        />
        <Choice
          label="Since"
          width={16}
          value={since ? String(since) : ANY_TIME}
          options={SINCE}
          onChange={(value) => set(URL_KEYS.logSince, value === ANY_TIME ? undefined : value)}
        />
        {(
          [
            ['Previous', URL_KEYS.logPrevious, previous],
            ['Timestamps', URL_KEYS.logTimestamps, timestamps],
            ['Follow', URL_KEYS.logFollow, follow],
          ] as const
        ).map(([label, key, on]) => (
          <InlineSwitch
            key={key}
            id={`kubeatlas-log-${label.toLowerCase()}`}
            label={label}
            showLabel
            value={on}
            onChange={() => set(key, on ? undefined : 'true')}
          />
        ))}
      </Stack>
      <Stack gap={1} wrap="wrap" alignItems="center">
        <Input
          aria-label="Search the log"
          placeholder="Search"
          prefix={<span aria-hidden>⌕</span>}
          width={32}
          value={search}
          onChange={(e) => set(URL_KEYS.logSearch, e.currentTarget.value || undefined)}
        />
        <Checkbox label="Matching lines only" value={matchingOnly} onChange={() => setMatchingOnly(!matchingOnly)} />
        <Button
          icon="download-alt"
          variant="secondary"
          size="sm"
          disabled={streams.lines.length === 0}
          onClick={() => download(streams.lines, `${model.namespace}_${model.name}_${container ?? 'log'}.log`)}
        >
          Download
        </Button>
        {loki && model.namespace && (
          <LinkButton
            icon="compass"
            variant="secondary"
            size="sm"
            href={exploreUrl(
              loki,
              logqlSelector({ namespace: model.namespace, pods: read.map((p) => p.name), container }),
              'loki'
            )}
          >
            Open in Explore
          </LinkButton>
        )}
      </Stack>
      <div className={styles.muted} data-testid="logs-status">
        {streams.lines.length.toLocaleString()} lines
        {search && `, ${matches.toLocaleString()} matching "${search}"`}
        {single ? '' : ` from ${read.length} pod${read.length === 1 ? '' : 's'}, merged by time`}. At most{' '}
        {MAX_LINES.toLocaleString()} lines are kept
        {streams.dropped > 0 && `: ${streams.dropped.toLocaleString()} older lines were dropped`}.
        {pods.length > read.length && ` Only the first ${read.length} of ${pods.length} pods are read.`}
        {follow && !single && followed < read.length && (
          <span data-testid="logs-followed">
            {' '}
            Following {followed} of {read.length} pods at once
            {streams.followLimit === FOLLOWED_PODS_HTTP1
              ? ': over HTTP/1.1 the browser opens 6 connections to Grafana and live updates hold 3'
              : ''}
            ; the other pods show their lines up to now.
          </span>
        )}
      </div>
      <StreamProblems streams={streams} model={model} pods={read} previous={previous} />
      <VirtualList
        items={shown}
        getKey={(line) => String(line.seq)}
        estimateSize={() => 18}
        height="60vh"
        testId="log-lines"
        stickToEnd={follow}
        renderItem={(line) => (
          <LogLineView
            line={line}
            search={search}
            showTime={timestamps}
            showPod={!single}
            expanded={expanded.has(line.seq)}
            onToggle={toggle}
          />
        )}
      />
    </div>
  );
}

/** A labelled Combobox (@grafana/ui 12.0's drops aria-label: the label reaches its input through htmlFor → id). */
function Choice(props: {
  label: string;
  width: number;
  value: string;
  options: Array<ComboboxOption<string>>;
  onChange: (value: string) => void;
}) {
  const id = `kubeatlas-log-${props.label.toLowerCase()}`;
  return (
    <InlineField label={props.label} htmlFor={id} shrink>
      <Combobox
        id={id}
        width={props.width}
        value={props.value}
        options={props.options}
        onChange={(option: ComboboxOption<string>) => props.onChange(option.value)}
      />
    </InlineField>
  );
}

/** Container names of the pod (init containers too) or of the workload's pod template. */
function containerNames(model: AnyModel): Array<{ name: string; init: boolean }> {
  if (model.kind === 'Pod') {
    return [...model.initContainers, ...model.containers].map((c) => ({ name: c.name, init: c.init }));
  }
  return 'containers' in model ? model.containers.map((c) => ({ name: c.name, init: false })) : [];
}

/** Each stream that failed or ended, with its cause, what to do, and Resume where resuming helps. */
function StreamProblems({
  streams,
  model,
  pods,
  previous,
}: {
  streams: LogStreams;
  model: AnyModel;
  pods: PodModel[];
  previous: boolean;
}) {
  const notes: React.ReactNode[] = [];
  for (const pod of pods) {
    const state = streams.states[pod.name];
    const who = model.kind === 'Pod' ? 'The log' : `Pod ${pod.name}`;
    const resume = (
      <Button size="sm" variant="secondary" icon="play" onClick={() => streams.resume(pod.name)}>
        Resume
      </Button>
    );
    if (pod.phase === 'Pending' && state?.phase !== 'open') {
      const waiting = [...pod.initContainers, ...pod.containers].find((c) => c.state === 'waiting');
      notes.push(
        <Alert key={`${pod.name}-pending`} severity="info" title={`Pod ${pod.name} is not running yet`}>
          It is Pending{waiting?.reason ? ` (${waiting.reason})` : pod.nodeName ? '' : ', not scheduled to a node'}: its
          containers write no log until they start. Open this tab again once the pod runs.
        </Alert>
      );
    }
    if (state?.phase === 'error' && state.error) {
      const broken = state.error.code === 'Unreachable';
      const noPrevious = previous && state.error.code === 'Rejected' && pod.restarts === 0;
      notes.push(
        <Alert
          key={pod.name}
          severity={broken ? 'warning' : 'error'}
          title={`${who}: ${state.error.summary}`}
          data-testid="logs-error"
        >
          <Stack gap={1} alignItems="center">
            <span>
              {noPrevious
                ? 'This container has not restarted, so there is no previous log: turn Previous off.'
                : state.error.fix}
            </span>
            {broken && resume}
          </Stack>
        </Alert>
      );
    } else if (state?.phase === 'ended') {
      notes.push(
        <Alert key={pod.name} severity="warning" title={`${who}: the stream ended`} data-testid="logs-ended">
          <Stack gap={1} alignItems="center">
            <span>
              The container stopped, or a proxy closed the connection. The lines so far are kept; Resume continues after
              the last one.
            </span>
            {resume}
          </Stack>
        </Alert>
      );
    }
  }
  return <>{notes}</>;
}

/** Saves the lines held as a text file: a Blob behind an object URL and an <a download>, nothing opened. */
function download(lines: LogLine[], name: string) {
  const text = lines.map((l) => `${l.pod ? `[${l.pod}] ` : ''}${l.stamp ? `${l.stamp} ` : ''}${l.text}\n`).join('');
  const href = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.download = name.replace(/[^A-Za-z0-9._-]/g, '_');
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(href), 0);
}

const getStyles = (theme: GrafanaTheme2) => ({
  view: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), paddingTop: theme.spacing(2) }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
