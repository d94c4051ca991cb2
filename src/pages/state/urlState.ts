import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * Every filter and selection of the pages lives in the URL query so a link reproduces the view and a reload keeps
 * it. Multi-valued filters repeat the parameter (`namespace=a&namespace=b`), like Grafana's `var-` parameters.
 */
export const URL_KEYS = {
  cluster: 'cluster',
  namespace: 'namespace',
  text: 'q',
  problemsOnly: 'problems',
  kind: 'kind',
  sort: 'sort',
  detail: 'detail',
  detailTab: 'tab',
  // The details drawer's Logs tab (src/components/details/LogsView.tsx): a shared link opens the same log view.
  logContainer: 'logContainer',
  logPrevious: 'logPrevious',
  logTail: 'logTail',
  logSince: 'logSince',
  logTimestamps: 'logTimestamps',
  logFollow: 'logFollow',
  logSearch: 'logSearch',
  // The topology page: grouping, label filter, viewport (`x,y,zoom`).
  groupBy: 'group',
  label: 'label',
  view: 'view',
} as const;

export type UrlChanges = Partial<Record<(typeof URL_KEYS)[keyof typeof URL_KEYS], string | string[] | undefined>>;

/** Applies changes to a query string: undefined, '' and [] remove a key. Pure, for links and for the hook. */
export function applyUrlChanges(current: URLSearchParams, changes: UrlChanges): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    next.delete(key);
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v !== '') {
        next.append(key, v);
      }
    }
  }
  return next;
}

export interface UrlState {
  params: URLSearchParams;
  get(key: string): string | undefined;
  getAll(key: string): string[];
  /** Replaces the current history entry by default: filters typing should not flood the back button. */
  update(changes: UrlChanges, options?: { push?: boolean }): void;
  /** A relative link to this page with changes applied (for shareable object links). */
  href(changes: UrlChanges): string;
}

export function useUrlState(): UrlState {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: UrlChanges, options?: { push?: boolean }) =>
      // The functional form reads the latest params, so two updates in one event both land.
      setParams((prev) => applyUrlChanges(prev, changes), { replace: !options?.push }),
    [setParams]
  );
  return useMemo(
    () => ({
      params,
      get: (key: string) => params.get(key) ?? undefined,
      getAll: (key: string) => params.getAll(key),
      update,
      href: (changes: UrlChanges) => `?${applyUrlChanges(params, changes).toString()}`,
    }),
    [params, update]
  );
}
