/**
 * Kubernetes Events as dashboard annotations: the Events whose lifetime (first to last occurrence) overlaps the
 * dashboard's time range, filtered by type, namespace and involved object. Filters with one value go to the API as a
 * field selector; multi-value ones are applied here, after the single list.
 */
import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
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

/** Annotation frame: Grafana maps time, timeEnd, title, text and tags fields onto annotations. */
export function eventAnnotations(events: readonly EventModel[], refId?: string): DataFrame {
  const sorted = [...events].sort((a, b) => (a.firstAt ?? a.lastAt ?? 0) - (b.firstAt ?? b.lastAt ?? 0));
  return createDataFrame({
    refId,
    name: 'events',
    fields: [
      { name: 'time', type: FieldType.time, values: sorted.map((e) => e.firstAt ?? e.lastAt ?? e.createdAt ?? null) },
      {
        name: 'timeEnd',
        type: FieldType.time,
        values: sorted.map((e) => e.lastAt ?? e.firstAt ?? e.createdAt ?? null),
      },
      { name: 'title', type: FieldType.string, values: sorted.map((e) => `${e.type} ${e.reason ?? ''}`.trim()) },
      {
        name: 'text',
        type: FieldType.string,
        values: sorted.map(
          (e) =>
            `${e.involvedObject.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.involvedObject.name}: ${e.message ?? ''}` +
            (e.count > 1 ? ` (×${e.count})` : '')
        ),
      },
      {
        name: 'tags',
        type: FieldType.other,
        values: sorted.map((e) =>
          [e.type, e.reason, e.involvedObject.kind, e.namespace].filter((t): t is string => !!t)
        ),
      },
    ],
  });
}
