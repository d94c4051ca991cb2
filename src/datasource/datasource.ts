import {
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  type DataFrame,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getDataSourceSrv, getTemplateSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';
import { K8sClient } from '../k8s/client';
import { isK8sError } from '../k8s/errors';
import { backendSrvFetch } from '../k8s/http';
import { grafanaProxyRoutes } from '../k8s/routes';
import { KINDS } from '../k8s/kinds';
import { normalizeAll } from '../model/normalize';
import { indexSnapshot, type ModelLists } from '../model/snapshot';
import type { AnyModel, EventModel, KindName } from '../model/types';
import { queryInstant } from '../prometheus/client';
import { problemUids, selectProblems } from '../selectors/problems';
import { EMPTY_FILTER, selectTopology } from '../selectors/topology';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { eventAnnotations } from './annotations';
import { eventFilter } from './eventFilter';
import { buildFrame, kindOfTable } from './frames';
import { summarize } from './health';
import { runHealthCheck } from './healthCheck';
import { resolveList, resolveText, type Replace } from './interpolation';
import type {
  KubernetesAnnotationQuery,
  KubernetesDataSourceOptions,
  KubernetesQuery,
  KubernetesVariableQuery,
} from './types';
import { kindsFor, parseVariableQuery, variableValues } from './variables';
import { TOPOLOGY_LIST_KINDS, TOPOLOGY_QUERY_TYPE, topologyFrames } from './topologyFrames';

/** queryType of the queries the annotation editor produces. */
export const ANNOTATION_QUERY_TYPE = 'events-annotations';

interface ListRequest {
  kind: KindName;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export class KubernetesDataSource extends DataSourceApi<KubernetesQuery, KubernetesDataSourceOptions> {
  readonly client: K8sClient;

  constructor(private readonly instanceSettings: DataSourceInstanceSettings<KubernetesDataSourceOptions>) {
    super(instanceSettings);
    const timeoutSeconds = instanceSettings.jsonData.timeout;
    this.client = new K8sClient({
      routes: grafanaProxyRoutes(instanceSettings.uid),
      fetch: backendSrvFetch(getBackendSrv()),
      timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined,
    });
    this.annotations = {
      QueryEditor: AnnotationQueryEditor,
      prepareQuery: (annotation) => ({
        ...(annotation.target as KubernetesAnnotationQuery),
        refId: annotation.target?.refId ?? 'Events',
        queryType: ANNOTATION_QUERY_TYPE,
      }),
    };
  }

  getDefaultQuery(): Partial<KubernetesQuery> {
    return { resource: 'pods' };
  }

  filterQuery(query: KubernetesQuery): boolean {
    return !query.hide;
  }

  /** Resource tables (and event annotations); unsubscribing cancels the in-flight Kubernetes requests. */
  query(request: DataQueryRequest<KubernetesQuery>): Observable<DataQueryResponse> {
    return new Observable<DataQueryResponse>((subscriber) => {
      const controller = new AbortController();
      this.runQueries(request, controller.signal).then(
        (response) => {
          subscriber.next(response);
          subscriber.complete();
        },
        (error) => subscriber.error(error)
      );
      return () => controller.abort();
    });
  }

  private async runQueries(
    request: DataQueryRequest<KubernetesQuery>,
    signal: AbortSignal
  ): Promise<DataQueryResponse> {
    const replace = this.replacer(request.scopedVars);
    const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
    const lists = new Map<string, Promise<AnyModel[]>>();
    // Targets that need the same list share one request.
    const list = (req: ListRequest) => {
      const key = JSON.stringify(req);
      if (!lists.has(key)) {
        lists.set(key, this.listModels(req, signal));
      }
      return lists.get(key)!;
    };

    const results = await Promise.all(
      request.targets.map(async (target): Promise<DataFrame | DataFrame[] | { refId: string; message: string }> => {
        try {
          if (target.queryType === TOPOLOGY_QUERY_TYPE) {
            return await this.topology(target, replace, list);
          }
          if (target.queryType === ANNOTATION_QUERY_TYPE) {
            const filter = eventFilter(target as KubernetesAnnotationQuery, replace, range);
            const events = (await list({
              kind: 'Event',
              namespace: filter.namespace,
              fieldSelector: filter.fieldSelector,
            })) as EventModel[];
            return eventAnnotations(events.filter(filter.matches), target.refId);
          }
          const table = target.resource ?? 'pods';
          const namespaces = resolveList(target.namespace, replace);
          const models = await list({
            kind: kindOfTable(table),
            namespace: namespaces?.length === 1 ? namespaces[0] : undefined,
            labelSelector: resolveText(target.labelSelector, replace),
          });
          const selected = namespaces
            ? models.filter((m) => m.namespace === undefined || namespaces.includes(m.namespace))
            : models;
          return buildFrame(table, selected, target.refId);
        } catch (error) {
          if (signal.aborted) {
            throw error;
          }
          return { refId: target.refId, message: isK8sError(error) ? error.message : String(error) };
        }
      })
    );
    const data = results.flat().filter((r): r is DataFrame => 'fields' in r);
    const errors = results.flat().filter((r): r is { refId: string; message: string } => !('fields' in r));
    return { data, errors: errors.length ? errors : undefined };
  }

  /** Node Graph frames: one LIST per kind (in the namespace when the query names exactly one), the app's selector. */
  private async topology(
    target: KubernetesQuery,
    replace: Replace,
    list: (req: ListRequest) => Promise<AnyModel[]>
  ): Promise<DataFrame[]> {
    const namespaces = resolveList(target.namespace, replace) ?? [];
    const single = namespaces.length === 1 ? namespaces[0] : undefined;
    const entries = await Promise.all(
      TOPOLOGY_LIST_KINDS.map(
        async (kind) => [kind, await list({ kind, namespace: KINDS[kind].namespaced ? single : undefined })] as const
      )
    );
    const snapshot = indexSnapshot(Object.fromEntries(entries) as ModelLists);
    const filter = { ...EMPTY_FILTER, namespaces, problemsOnly: target.problemsOnly === true };
    return topologyFrames(selectTopology(snapshot, filter, problemUids(selectProblems(snapshot))), target.refId);
  }

  /** Dashboard variables: see src/datasource/variables.ts for the query syntax. */
  async metricFindQuery(
    query: string | KubernetesVariableQuery,
    options?: { scopedVars?: ScopedVars }
  ): Promise<MetricFindValue[]> {
    let parsed: KubernetesVariableQuery;
    if (typeof query === 'string') {
      const result = parseVariableQuery(query);
      if (!result.ok) {
        throw new Error(result.reason);
      }
      parsed = result.query;
    } else {
      parsed = query;
    }
    const replace = this.replacer(options?.scopedVars);
    const namespaces = resolveList(parsed.namespace, replace);
    const single = namespaces?.length === 1 ? namespaces[0] : undefined;
    const entries = await Promise.all(
      kindsFor(parsed, replace).map(async (kind) => [kind, await this.listModels({ kind, namespace: single })] as const)
    );
    return variableValues(parsed, Object.fromEntries(entries), replace).map((text) => ({ text, value: text }));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    const settings = this.instanceSettings.jsonData;
    const uid = settings.prometheusDatasourceUid;
    const prometheus = uid ? getDataSourceSrv().getInstanceSettings(uid) : undefined;
    const steps = await runHealthCheck({
      client: this.client,
      settings,
      prometheus: prometheus ? { uid: prometheus.uid, name: prometheus.name } : undefined,
      queryPrometheus: queryInstant,
    });
    return summarize(steps);
  }

  private async listModels(req: ListRequest, signal?: AbortSignal): Promise<AnyModel[]> {
    const { items } = await this.client.list(req.kind, {
      namespace: req.namespace,
      labelSelector: req.labelSelector,
      fieldSelector: req.fieldSelector,
      signal,
    });
    return normalizeAll(req.kind, items);
  }

  private replacer(scopedVars?: ScopedVars): Replace {
    const templateSrv = getTemplateSrv();
    return (text, format) => templateSrv.replace(text, scopedVars, format);
  }
}
