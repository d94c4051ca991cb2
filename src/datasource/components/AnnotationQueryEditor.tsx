import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, Input } from '@grafana/ui';
import type { KubernetesDataSource } from '../datasource';
import type { KubernetesAnnotationQuery, KubernetesDataSourceOptions, KubernetesQuery } from '../types';

type Props = QueryEditorProps<KubernetesDataSource, KubernetesQuery, KubernetesDataSourceOptions>;

const TYPES = [
  { value: '', label: 'Any type' },
  { value: 'Warning', label: 'Warning' },
  { value: 'Normal', label: 'Normal' },
];

/** Kubernetes Events as annotations: type, namespace and involved object filters (variables allowed). */
export function AnnotationQueryEditor({ query, onChange }: Props) {
  // A new annotation has no target yet.
  const annotation = (query ?? { refId: 'Anno' }) as KubernetesAnnotationQuery;
  const update = (patch: Partial<KubernetesAnnotationQuery>) => onChange({ ...annotation, ...patch });
  return (
    <InlineFieldRow>
      <InlineField label="Event type" labelWidth={12}>
        <Combobox
          id="kubeatlas-event-type"
          width={16}
          options={TYPES}
          value={annotation.eventType ?? ''}
          onChange={(option) => update({ eventType: option.value || undefined })}
        />
      </InlineField>
      <InlineField label="Namespace" labelWidth={12} tooltip="Empty for all; a name, a comma list or $variable.">
        <Input
          id="kubeatlas-event-namespace"
          width={20}
          value={annotation.namespace ?? ''}
          placeholder="all namespaces"
          onChange={(event) => update({ namespace: event.currentTarget.value || undefined })}
        />
      </InlineField>
      <InlineField label="Object kind" labelWidth={12} tooltip="Kind of the involved object: Pod, Deployment, Node …">
        <Input
          id="kubeatlas-event-kind"
          width={16}
          value={annotation.involvedKind ?? ''}
          placeholder="any"
          onChange={(event) => update({ involvedKind: event.currentTarget.value || undefined })}
        />
      </InlineField>
      <InlineField label="Object name" labelWidth={12} tooltip="Name of the involved object; $variable allowed.">
        <Input
          id="kubeatlas-event-object"
          width={24}
          value={annotation.involvedName ?? ''}
          placeholder="any"
          onChange={(event) => update({ involvedName: event.currentTarget.value || undefined })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
