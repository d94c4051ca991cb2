/**
 * Which Kubernetes Events a dashboard annotation query shows: those whose lifetime (first to last occurrence) overlaps
 * the dashboard's time range, filtered by type, namespace and involved object. Filters with one value go to the API as
 * a field selector; multi-value ones are applied here, after the single list. Pure: no Grafana runtime needed.
 */
import type { EventModel } from '../model/types';
import { resolveList, type Replace } from './interpolation';
import type { KubernetesAnnotationQuery } from './types';

export interface EventFilter {
  /** Server-side: Kubernetes field selector (type, involvedObject.kind, involvedObject.name). */
  fieldSelector?: string;
  /** Single namespace to list in, when exactly one is selected. */
  namespace?: string;
  matches: (event: EventModel) => boolean;
}

export function eventFilter(
  query: KubernetesAnnotationQuery,
  replace: Replace,
  range: { from: number; to: number }
): EventFilter {
  const types = resolveList(query.eventType, replace);
  const kinds = resolveList(query.involvedKind, replace);
  const names = resolveList(query.involvedName, replace);
  const namespaces = resolveList(query.namespace, replace);
  const fields: string[] = [];
  if (types?.length === 1) {
    fields.push(`type=${types[0]}`);
  }
  if (kinds?.length === 1) {
    fields.push(`involvedObject.kind=${kinds[0]}`);
  }
  if (names?.length === 1) {
    fields.push(`involvedObject.name=${names[0]}`);
  }
  return {
    fieldSelector: fields.length ? fields.join(',') : undefined,
    namespace: namespaces?.length === 1 ? namespaces[0] : undefined,
    matches: (e) => {
      const start = e.firstAt ?? e.lastAt ?? e.createdAt;
      const end = e.lastAt ?? start;
      return (
        start !== undefined &&
        end !== undefined &&
        end >= range.from &&
        start <= range.to &&
        (!types || types.includes(e.type)) &&
        (!kinds || kinds.includes(e.involvedObject.kind)) &&
        (!names || names.includes(e.involvedObject.name)) &&
        (!namespaces || (e.namespace !== undefined && namespaces.includes(e.namespace)))
      );
    },
  };
}
