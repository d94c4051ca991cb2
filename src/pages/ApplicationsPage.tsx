import React, { useMemo } from 'react';
import { AppMapRowView, appMapRows, estimateRowHeight, rowKey } from '../components/appmap/AppMapRows';
import { KindSelect, ProblemsOnlySwitch, UrlTextInput } from '../components/UrlFilters';
import { VirtualList } from '../components/VirtualList';
import { FigureId } from '../prometheus/promql';
import { APP_KINDS, AppKind, selectAppMap } from '../selectors/appMap';
import { TargetHealth } from '../prometheus/targets';
import { selectCoverage } from '../selectors/coverage';
import { problemUids, selectProblems } from '../selectors/problems';
import { ClusterPage, ClusterView } from './ClusterPage';
import { URL_KEYS, UrlState } from './state/urlState';

const FIGURES: FigureId[] = ['podCpuUsage', 'podMemoryUsage'];

function AppFilters({ url }: { url: UrlState }) {
  return (
    <>
      <UrlTextInput
        url={url}
        urlKey={URL_KEYS.text}
        label="Search"
        ariaLabel="Search workloads"
        width={30}
        placeholder="name or label=value"
      />
      <KindSelect url={url} kinds={APP_KINDS} />
      <ProblemsOnlySwitch url={url} />
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
