/**
 * Template variables in queries. Grafana's getTemplateSrv().replace() is passed in, so this stays pure and testable.
 * Multi-value variables are rendered comma-separated: a namespace filter becomes a list (matched in memory after ONE
 * cluster-wide list, never one list per namespace); a label selector gets `in (a,b)` syntax for free.
 */

/** getTemplateSrv().replace with a formatter, narrowed to what is used here. */
export type Replace = (text: string, format: (value: string | string[]) => string) => string;

const commaList = (value: string | string[]) => (Array.isArray(value) ? value.join(',') : value);

/** Values that mean "any": empty, "*", the common custom all value ".*", or Grafana's "All" option rendered without one. */
const ALL = new Set(['', '*', '.*', '$__all', 'All']);

/**
 * The values a filter selects (namespaces, pod names, event types …), or undefined for any. "team-a,team-b" and a
 * multi-value $namespace both give a list.
 */
export function resolveList(filter: string | undefined, replace: Replace): string[] | undefined {
  if (filter === undefined || filter.trim() === '') {
    return undefined;
  }
  const names = replace(filter, commaList)
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0 || names.some((n) => ALL.has(n))) {
    return undefined;
  }
  return [...new Set(names)];
}

/** The label selector with variables replaced; multi-values become comma lists, fit for `key in ($var)`. */
export function resolveText(text: string | undefined, replace: Replace): string | undefined {
  const value = text === undefined ? '' : replace(text, commaList).trim();
  return value === '' ? undefined : value;
}
