/** Kubernetes Events as dashboard annotations; which Events is eventFilter's decision (./eventFilter). */
import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import type { EventModel } from '../model/types';

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
