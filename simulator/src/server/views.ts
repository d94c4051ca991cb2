/** How a request wants objects shown: Table or not, which stored kind, which selectors; shared by list, get and watch. */
import { Simulation } from '../cluster/simulation';
import { KubeObject, Json } from '../cluster/store';
import { KindInfo } from '../cluster/kinds';
import { errors } from './status';
import { parseLabelSelector, parseFieldSelector, matchesLabelSelector, matchesFieldSelector } from './selectors';
import { IncludeObject } from './tables';

const TABLE_MEDIA = /application\/json;\s*as=Table;\s*v=v1(beta1)?;\s*g=meta\.k8s\.io/;

export function wantsTable(accept: string | undefined): boolean {
  return TABLE_MEDIA.test(accept ?? '');
}

export function includeOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject') ?? 'Metadata';
  if (!['None', 'Metadata', 'Object'].includes(value)) {
    throw errors.badRequest(
      `includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`
    );
  }
  return value as IncludeObject;
}

/** The resource's store; events.k8s.io events are core events shown in another shape. */
export function storeOf(kind: KindInfo): string {
  return kind.storedIn ?? kind.resource;
}

/** An object as the requested kind presents it (events.k8s.io/v1 Event from a core Event). */
export function present(sim: Simulation, kind: KindInfo, object: KubeObject): string {
  if (!kind.storedIn) {
    return sim.store.json(object);
  }
  return JSON.stringify(toEventsV1(object));
}

function toEventsV1(event: KubeObject): Json {
  return {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: event.metadata,
    eventTime: event.eventTime,
    reportingController: event.reportingComponent || event.source?.component,
    reportingInstance: event.reportingInstance,
    reason: event.reason,
    regarding: event.involvedObject,
    note: event.message,
    type: event.type,
    deprecatedSource: event.source,
    deprecatedFirstTimestamp: event.firstTimestamp,
    deprecatedLastTimestamp: event.lastTimestamp,
    deprecatedCount: event.count,
  };
}

export interface Filter {
  matches: (object: KubeObject) => boolean;
  empty: boolean;
}

export function filterOf(kind: KindInfo, query: URLSearchParams): Filter {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  // events.k8s.io selects by regarding.*; the stored shape calls it involvedObject.
  const fieldText = (query.get('fieldSelector') ?? '').replace(/\bregarding\./g, 'involvedObject.');
  const resource = storeOf(kind);
  const fields = parseFieldSelector(fieldText, resource);
  return {
    empty: !labels.length && !fields.length,
    matches: (o) => matchesLabelSelector(o.metadata.labels, labels) && matchesFieldSelector(o, resource, fields),
  };
}
