import React from 'react';
import { QueryEditorProps, type SelectableValue } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup } from '@grafana/ui';
import type { KubernetesDataSource } from '../datasource';
import { RESOURCE_TABLES } from '../frames';
import { TOPOLOGY_QUERY_TYPE } from '../topologyFrames';
import type { KubernetesDataSourceOptions, KubernetesQuery, ResourceTable } from '../types';

type Props = QueryEditorProps<KubernetesDataSource, KubernetesQuery, KubernetesDataSourceOptions>;

const TABLE_OPTIONS: Array<SelectableValue<ResourceTable> & { value: ResourceTable }> = RESOURCE_TABLES.map(
  (table) => ({
    value: table,
    label: table === 'services' ? 'services (with ports)' : table,
  })
);

const QUERY_TYPES = [
  { label: 'Table', value: '' },
  { label: 'Topology (Node Graph)', value: TOPOLOGY_QUERY_TYPE },
];

/**
 * A resource table, filtered by namespace and label selector (both accept template variables, $namespace), or the
 * topology as Node Graph frames, filtered by namespace and problems.
 */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const update = (patch: Partial<KubernetesQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  const topology = query.queryType === TOPOLOGY_QUERY_TYPE;
  return (
    <InlineFieldRow>
      <InlineField label="Query" labelWidth={8}>
        <RadioButtonGroup
          options={QUERY_TYPES}
          value={topology ? TOPOLOGY_QUERY_TYPE : ''}
          onChange={(value) => update({ queryType: value || undefined }, true)}
        />
      </InlineField>
      {!topology && (
        <InlineField label="Resource" labelWidth={12}>
          <Combobox
            id={`kubeatlas-resource-${query.refId}`}
            width={28}
            options={TABLE_OPTIONS}
            value={query.resource ?? 'pods'}
            onChange={(option) => update({ resource: option.value }, true)}
          />
        </InlineField>
      )}
      <InlineField
        label="Namespace"
        labelWidth={12}
        tooltip="Empty for all; a name, a comma list or $variable (multi-value allowed)."
      >
        <Input
          id={`kubeatlas-namespace-${query.refId}`}
          width={24}
          value={query.namespace ?? ''}
          placeholder="all namespaces"
          onChange={(event) => update({ namespace: event.currentTarget.value })}
          onBlur={onRunQuery}
        />
      </InlineField>
      {topology ? (
        <InlineField label="Problems only" tooltip="Objects with a problem and their direct neighbours.">
          <InlineSwitch
            id={`kubeatlas-problems-${query.refId}`}
            value={query.problemsOnly === true}
            onChange={(event) => update({ problemsOnly: event.currentTarget.checked || undefined }, true)}
          />
        </InlineField>
      ) : (
        <InlineField
          label="Label selector"
          labelWidth={14}
          tooltip="Kubernetes syntax: app=web,tier!=db or app in ($app)."
        >
          <Input
            id={`kubeatlas-labels-${query.refId}`}
            width={32}
            value={query.labelSelector ?? ''}
            placeholder="app=web"
            onChange={(event) => update({ labelSelector: event.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
