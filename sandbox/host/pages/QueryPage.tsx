import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import {
  CoreApp,
  dateTime,
  type DataFrame,
  type DataQuery,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceApi,
} from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder } from '@grafana/ui';
import { errorMessage, useAsync } from './useAsync';

/** A DataQueryRequest shaped like the one PanelQueryRunner / Explore build (public/app/features/query/state). */
export function buildRequest<Q extends DataQuery>(targets: Q[], app: string): DataQueryRequest<Q> {
  const to = dateTime();
  const fromTime = dateTime(to).subtract(1, 'hour');
  return {
    requestId: `sandbox-${Date.now()}`,
    app,
    interval: '15s',
    intervalMs: 15000,
    maxDataPoints: 1000,
    range: { from: fromTime, to, raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'browser',
    startTime: Date.now(),
  };
}

export async function runQuery<Q extends DataQuery>(
  api: DataSourceApi<Q>,
  request: DataQueryRequest<Q>
): Promise<DataQueryResponse> {
  // @grafana/data types its own nested rxjs copy; at run time there is one (see sandbox/server/hostBundle.ts).
  const result: unknown = api.query(request);
  return isObservable(result)
    ? lastValueFrom(result as Observable<DataQueryResponse>)
    : (result as Promise<DataQueryResponse>);
}

export function FramesTable({ frames }: { frames: DataFrame[] }) {
  return (
    <>
      {frames.map((frame, index) => (
        <table key={frame.refId ? `${frame.refId}-${index}` : index} data-testid="sandbox-frame">
          <caption>{frame.name ?? frame.refId ?? `Frame ${index + 1}`}</caption>
          <thead>
            <tr>
              {frame.fields.map((field) => (
                <th key={field.name}>{field.config.displayName ?? field.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: frame.length }, (_, row) => (
              <tr key={row}>
                {frame.fields.map((field) => (
                  <td key={field.name}>{String(field.values[row] ?? '')}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

/** The datasource's QueryEditor with a Run button; query() results shown as one table per frame. */
export function QueryPage() {
  const { uid = '' } = useParams();
  const { value: api, error, loading } = useAsync(() => getDataSourceSrv().get(uid), [uid]);
  const [query, setQuery] = useState<DataQuery>();
  const [response, setResponse] = useState<DataQueryResponse>();
  const [failure, setFailure] = useState<string>();

  if (loading) {
    return <LoadingPlaceholder text="Loading data source…" />;
  }
  if (error || !api) {
    return <Alert title="Data source failed to load">{errorMessage(error)}</Alert>;
  }
  const current: DataQuery = query ?? { refId: 'A', ...(api.getDefaultQuery?.(CoreApp.Explore) ?? {}) };
  const QueryEditor = api.components?.QueryEditor;
  const run = async (next: DataQuery = current) => {
    setFailure(undefined);
    try {
      setResponse(await runQuery(api, buildRequest([next], CoreApp.Explore)));
    } catch (thrown) {
      setFailure(errorMessage(thrown));
    }
  };
  const errors = [...(response?.errors ?? []), ...(response?.error ? [response.error] : [])];
  return (
    <section>
      <h1>Query {api.name}</h1>
      {QueryEditor ? (
        <QueryEditor
          datasource={api}
          query={current}
          onChange={setQuery}
          onRunQuery={() => run()}
          app={CoreApp.Explore}
        />
      ) : (
        <p>This datasource has no query editor.</p>
      )}
      <Button onClick={() => run()}>Run query</Button>
      {failure && <Alert title={failure} />}
      {errors.map((item, index) => (
        <Alert key={index} title={item.message ?? 'Query error'} />
      ))}
      {response && <FramesTable frames={response.data as DataFrame[]} />}
    </section>
  );
}
