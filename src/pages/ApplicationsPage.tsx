import React, { useMemo } from 'react';
import { SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, Input, MultiSelect } from '@grafana/ui';
import { AppMapRowView, appMapRows, estimateRowHeight, rowKey } from '../components/appmap/AppMapRows';
import { VirtualList } from '../components/VirtualList';
import { FigureId } from '../prometheus/promql';
import { APP_KINDS, AppKind, selectAppMap } from '../selectors/appMap';
import { TargetHealth } from '../prometheus/targets';
import { selectCoverage } from '../selectors/coverage';
import { problemUids, selectProblems } from '../selectors/problems';
import { ClusterPage, ClusterView } from './ClusterPage';
import { URL_KEYS, UrlState } from './state/urlState';

const FIGURES: FigureId[] = ['podCpuUsage', 'podMemoryUsage'];
const KIND_OPTIONS = APP_KINDS.map((k) => ({ label: k, value: k }));

function AppFilters({ url }: { url: UrlState }) {
  return (
    <>
      <InlineField label="Search" shrink>
        <Input
          aria-label="Search workloads"
          width={30}
          placeholder="name or label=value"
          value={url.get(URL_KEYS.text) ?? ''}
          onChange={(e) => url.update({ [URL_KEYS.text]: e.currentTarget.value })}
        />
      </InlineField>
      <InlineField label="Kind" shrink>
        <MultiSelect
          aria-label="Kind"
          width={30}
          placeholder="All kinds"
          options={KIND_OPTIONS}
          value={url.getAll(URL_KEYS.kind)}
          onChange={(values: Array<SelectableValue<string>>) =>
            url.update({ [URL_KEYS.kind]: values.map((v) => v.value!).filter(Boolean) })
          }
        />
      </InlineField>
      <InlineField label="Problems only" shrink>
        <InlineSwitch
          aria-label="Problems only"
          value={url.get(URL_KEYS.problemsOnly) === '1'}
          onChange={(e) => url.update({ [URL_KEYS.problemsOnly]: e.currentTarget.checked ? '1' : undefined })}
        />
      </InlineField>
    </>
  );
}

export default function ApplicationsPage() {
  return (
    <ClusterPage figureIds={FIGURES} targets namespaceFilter filters={(url) => <AppFilters url={url} />}>
      {(view) => <AppMap {...view} />}
    </ClusterPage>
  );
}

const NO_TARGETS: TargetHealth = { status: 'missing', reason: 'not loaded yet' };

function AppMap({ snapshot, figures, targets, namespaces, url }: ClusterView) {
  const text = url.get(URL_KEYS.text) ?? '';
  const problemsOnly = url.get(URL_KEYS.problemsOnly) === '1';
  const kinds = url.getAll(URL_KEYS.kind).filter((k): k is AppKind => (APP_KINDS as readonly string[]).includes(k));
  const kindKey = kinds.join(',');
  const nsKey = namespaces.join(',');
  const problems = useMemo(() => problemUids(selectProblems(snapshot)), [snapshot]);
  const coverage = useMemo(() => selectCoverage(snapshot, targets ?? NO_TARGETS), [snapshot, targets]);
  const rows = useMemo(
    () =>
      appMapRows(
        selectAppMap(
          snapshot,
          {
            namespaces: nsKey ? nsKey.split(',') : [],
            text,
            problemsOnly,
            kinds: kindKey ? (kindKey.split(',') as AppKind[]) : [],
          },
          problems,
          figures
        ),
        coverage
      ),
    [snapshot, nsKey, text, problemsOnly, kindKey, problems, figures, coverage]
  );
  const coverageNote =
    coverage.message ?? (targets?.status === 'missing' ? `Scrape health: ${targets.reason}` : undefined);
  if (rows.length === 0) {
    return <p data-testid="appmap-empty">Nothing matches the filters.</p>;
  }
  return (
    <>
      {coverageNote && (
        <p data-testid="coverage-status" data-status={coverage.status}>
          {coverageNote}
        </p>
      )}
      <VirtualList
        testId="appmap"
        items={rows}
        height="calc(100vh - 260px)"
        getKey={rowKey}
        estimateSize={estimateRowHeight}
        renderItem={(row) => <AppMapRowView row={row} />}
      />
    </>
  );
}
