import { useState, type ComponentType } from 'react';
import { useParams } from 'react-router-dom';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import {
  CoreApp,
  VariableSupportType,
  type DataQuery,
  type DataQueryResponse,
  type MetricFindValue,
} from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, Field, Input, LoadingPlaceholder } from '@grafana/ui';
import { buildRequest, FramesTable, runQuery } from './QueryPage';
import { errorMessage, useAsync } from './useAsync';

/**
 * A query variable's editor and its values, after public/app/features/variables/query/ (QueryVariableEditor and
 * VariableQueryRunner): custom variable support (editor + query()), standard support (toDataQuery → query()), or the
 * legacy metricFindQuery with a text query.
 */
export function VariablesPage() {
  const { uid = '' } = useParams();
  const { value: api, error, loading } = useAsync(() => getDataSourceSrv().get(uid), [uid]);
  const [query, setQuery] = useState<unknown>();
  const [values, setValues] = useState<MetricFindValue[]>();
  const [response, setResponse] = useState<DataQueryResponse>();
  const [failure, setFailure] = useState<string>();

  if (loading) {
    return <LoadingPlaceholder text="Loading data source…" />;
  }
  if (error || !api) {
    return <Alert title="Data source failed to load">{errorMessage(error)}</Alert>;
  }
  const support = api.variables;
  const type = support?.getType();

  const run = async () => {
    setFailure(undefined);
    setValues(undefined);
    setResponse(undefined);
    try {
      if (support && type === VariableSupportType.Custom && 'query' in support && support.query) {
        const request = buildRequest(
          [{ refId: 'variable-query', ...(query as object) } as DataQuery],
          CoreApp.Dashboard
        );
        const result: unknown = support.query(request);
        setResponse(
          isObservable(result)
            ? await lastValueFrom(result as Observable<DataQueryResponse>)
            : await (result as Promise<DataQueryResponse>)
        );
      } else if (support && type === VariableSupportType.Standard && 'toDataQuery' in support) {
        const dataQuery = support.toDataQuery({ refId: 'variable-query', ...(query as object) } as never);
        setResponse(await runQuery(api, buildRequest([dataQuery], CoreApp.Dashboard)));
      } else if (api.metricFindQuery) {
        setValues(await api.metricFindQuery(query ?? ''));
      } else {
        setFailure('This datasource does not support variable queries');
      }
    } catch (thrown) {
      setFailure(errorMessage(thrown));
    }
  };

  const Editor =
    support && 'editor' in support ? (support.editor as unknown as ComponentType<Record<string, unknown>>) : undefined;
  return (
    <section>
      <h1>Variable query on {api.name}</h1>
      {Editor ? (
        <Editor datasource={api} query={query ?? {}} onChange={setQuery} onRunQuery={run} />
      ) : (
        <Field label="Query">
          <Input
            value={typeof query === 'string' ? query : ''}
            onChange={(event) => setQuery(event.currentTarget.value)}
          />
        </Field>
      )}
      <Button onClick={run}>Run variable query</Button>
      {failure && <Alert title={failure} />}
      {values && (
        <ul data-testid="sandbox-variable-values">
          {values.map((value, index) => (
            <li key={index}>{String(value.value ?? value.text)}</li>
          ))}
        </ul>
      )}
      {response && <FramesTable frames={response.data} />}
    </section>
  );
}
