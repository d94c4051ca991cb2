/**
 * Label and field selectors with the grammar and error messages of k8s.io/apimachinery/pkg/labels and /fields.
 */
import { KubeObject, Json } from '../cluster/store';
import { errors } from './status';

export type LabelRequirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: '=' | '!=' | 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; values: [string] };

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth--;
    }
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 316) {
    throw errors.badRequest(
      `unable to parse requirement: <nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`
    );
  }
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw errors.badRequest(
      `unable to parse requirement: values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`
    );
  }
  return value;
}

export function parseLabelSelector(text: string): LabelRequirement[] {
  if (!text.trim()) {
    return [];
  }
  return splitTopLevel(text).map((raw) => {
    const part = raw.trim();
    let match: RegExpExecArray | null;
    if ((match = /^!\s*(\S+)$/.exec(part))) {
      return { key: checkKey(match[1]), op: '!exists' };
    }
    if ((match = /^(\S+?)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part))) {
      const values = match[3].split(',').map((v) => checkValue(v.trim()));
      return { key: checkKey(match[1]), op: match[2] as 'in' | 'notin', values };
    }
    if ((match = /^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part))) {
      return { key: checkKey(match[1]), op: match[2] === '!=' ? '!=' : '=', values: [checkValue(match[3])] };
    }
    if ((match = /^([^=!<>\s]+)\s*([<>])\s*(\S+)$/.exec(part))) {
      if (!/^-?\d+$/.test(match[3])) {
        throw errors.badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      return { key: checkKey(match[1]), op: match[2] === '>' ? 'gt' : 'lt', values: [match[3]] };
    }
    if ((match = /^([^=!<>()\s]+)$/.exec(part))) {
      return { key: checkKey(match[1]), op: 'exists' };
    }
    throw errors.badRequest(
      `unable to parse requirement: found '${part}', expected: ',', '=', '==', '!=', 'in', 'notin' or end of string`
    );
  });
}

export function matchesLabelSelector(
  labels: Record<string, string> | undefined,
  requirements: LabelRequirement[]
): boolean {
  return requirements.every((r) => {
    const value = labels?.[r.key];
    switch (r.op) {
      case 'exists':
        return value !== undefined;
      case '!exists':
        return value === undefined;
      case '=':
      case 'in':
        return value !== undefined && r.values.includes(value);
      case '!=':
      case 'notin':
        return value === undefined || !r.values.includes(value);
      case 'gt':
        return value !== undefined && /^-?\d+$/.test(value) && Number(value) > Number(r.values[0]);
      case 'lt':
        return value !== undefined && /^-?\d+$/.test(value) && Number(value) < Number(r.values[0]);
    }
  });
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** Fields each resource may be selected by (the apiserver's field label conversion funcs), beyond metadata.name/namespace. */
const FIELDS: Record<string, Record<string, (o: Json) => string | undefined>> = {
  pods: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy,
    'spec.schedulerName': (o) => o.spec?.schedulerName,
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName,
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork ?? false),
    'status.phase': (o) => o.status?.phase,
    'status.podIP': (o) => o.status?.podIP ?? '',
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
  },
  events: {
    'involvedObject.kind': (o) => o.involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => o.involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => o.involvedObject?.name ?? '',
    'involvedObject.uid': (o) => o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => o.source?.component ?? '',
    type: (o) => o.type ?? '',
  },
  nodes: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable ?? false) },
  namespaces: { 'status.phase': (o) => o.status?.phase },
  jobs: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  replicasets: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
};

const META_FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

export function parseFieldSelector(text: string, resource: string): FieldRequirement[] {
  if (!text.trim()) {
    return [];
  }
  return text.split(',').map((raw) => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!match) {
      throw errors.badRequest(`invalid selector: '${text}'; can't understand '${raw}'`);
    }
    const field = match[1];
    if (!META_FIELDS[field] && !FIELDS[resource]?.[field]) {
      throw errors.badRequest(`field label not supported: ${field}`);
    }
    return { field, value: match[3], negate: match[2] === '!=' };
  });
}

export function matchesFieldSelector(object: KubeObject, resource: string, requirements: FieldRequirement[]): boolean {
  return requirements.every((r) => {
    const read = META_FIELDS[r.field] ?? FIELDS[resource][r.field];
    return (read(object) === r.value) !== r.negate;
  });
}

/** A metav1.LabelSelector rendered like labels.Selector.String(), as kubectl's wide columns show it. */
export function formatLabelSelector(selector: Json): string {
  if (!selector) {
    return '<none>';
  }
  const parts = Object.entries<string>(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator;
    parts.push(
      op === 'Exists' ? e.key : op === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${op} (${e.values.join(',')})`
    );
  }
  return parts.sort().join(',') || '<none>';
}
