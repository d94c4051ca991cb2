import {
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type DataSourceRef,
  type ScopedVars,
  type TypedVariableModel,
  type DataSourcePluginMeta,
} from '@grafana/data';
import {
  config,
  getBackendSrv,
  type DataSourceSrv,
  type GetDataSourceListFilters,
  type TemplateSrv,
} from '@grafana/runtime';
import { importDataSourcePlugin } from './pluginLoader';

/**
 * DataSourceSrv after public/app/features/plugins/datasource_srv.ts: instance settings from
 * config.datasources (the boot data), looked up by uid, name or ref, the default when none is given; `get` imports the
 * datasource plugin module and instantiates its DataSourceClass once per uid; `reload` refetches
 * /api/frontend/settings, as Grafana does after a datasource is saved.
 */
export class SandboxDataSourceSrv implements DataSourceSrv {
  private instances = new Map<string, Promise<DataSourceApi>>();

  private settingsList(): DataSourceInstanceSettings[] {
    return Object.values(config.datasources);
  }

  getInstanceSettings(
    ref?: DataSourceRef | string | null,
    scopedVars?: ScopedVars
  ): DataSourceInstanceSettings | undefined {
    const key = typeof ref === 'string' ? getTemplateSrvInstance().replace(ref, scopedVars) : ref?.uid;
    if (key === undefined || key === null || key === 'default') {
      return config.datasources[config.defaultDatasource];
    }
    return this.settingsList().find((settings) => settings.uid === key || settings.name === key);
  }

  getList(filters: GetDataSourceListFilters = {}): DataSourceInstanceSettings[] {
    return this.settingsList()
      .filter((settings) => {
        const meta = settings.meta as DataSourcePluginMeta;
        if (filters.metrics && !meta.metrics) {
          return false;
        }
        if (filters.annotations && !meta.annotations) {
          return false;
        }
        if (filters.logs && !meta.logs) {
          return false;
        }
        if (
          filters.type &&
          (Array.isArray(filters.type) ? !filters.type.includes(settings.type) : filters.type !== settings.type)
        ) {
          return false;
        }
        if (filters.pluginId && filters.pluginId !== settings.meta.id) {
          return false;
        }
        return filters.filter ? filters.filter(settings) : true;
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(ref?: DataSourceRef | string | null, scopedVars?: ScopedVars): Promise<DataSourceApi> {
    const settings = this.getInstanceSettings(ref, scopedVars);
    if (!settings) {
      return Promise.reject(new Error(`Datasource ${JSON.stringify(ref)} was not found`));
    }
    let instance = this.instances.get(settings.uid);
    if (!instance) {
      instance = importDataSourcePlugin(settings.meta as DataSourcePluginMeta).then((plugin) => {
        const DataSourceClass = plugin.DataSourceClass as unknown as new (
          s: DataSourceInstanceSettings
        ) => DataSourceApi;
        const api = new DataSourceClass(settings);
        api.components = plugin.components;
        api.meta = settings.meta as DataSourcePluginMeta;
        return api;
      });
      this.instances.set(settings.uid, instance);
      instance.catch(() => this.instances.delete(settings.uid));
    }
    return instance;
  }

  async reload(): Promise<void> {
    const settings = await getBackendSrv().get<{ datasources: typeof config.datasources; defaultDatasource: string }>(
      '/api/frontend/settings'
    );
    config.datasources = settings.datasources;
    config.defaultDatasource = settings.defaultDatasource;
    this.instances.clear();
  }

  registerRuntimeDataSource(): void {
    throw new Error('Runtime datasources are not emulated by the sandbox');
  }
}

/**
 * TemplateSrv after public/app/features/templating/template_srv.ts for the variables a URL carries (`var-<name>=…`,
 * repeated for multi-value): `$name`, `${name}`, `${name:format}` and `[[name]]`, scopedVars first.
 */
export class SandboxTemplateSrv implements TemplateSrv {
  private values = new Map<string, string[]>();

  setFromUrl(search: URLSearchParams): void {
    this.values.clear();
    for (const key of new Set(search.keys())) {
      if (key.startsWith('var-')) {
        this.values.set(key.slice(4), search.getAll(key));
      }
    }
  }

  getVariables(): TypedVariableModel[] {
    return [...this.values.entries()].map(
      ([name, value]) =>
        ({
          type: 'custom',
          name,
          id: name,
          label: name,
          current: { text: value, value },
          options: value.map((item) => ({ text: item, value: item, selected: true })),
          multi: value.length > 1,
        }) as unknown as TypedVariableModel
    );
  }

  private lookup(name: string, scopedVars?: ScopedVars): string[] | undefined {
    const scoped = scopedVars?.[name];
    if (scoped) {
      return Array.isArray(scoped.value) ? scoped.value.map(String) : [String(scoped.value)];
    }
    return this.values.get(name);
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(
      /\$(\w+)|\$\{(\w+)(?::([\w]+))?\}|\[\[(\w+)\]\]/g,
      (whole, a?: string, b?: string, inlineFormat?: string, c?: string) => {
        const values = this.lookup((a ?? b ?? c)!, scopedVars);
        if (!values) {
          return whole;
        }
        const chosen = inlineFormat ?? format;
        if (typeof chosen === 'function') {
          return String(chosen(values.length === 1 ? values[0] : values));
        }
        switch (chosen) {
          case 'regex':
            return values.length === 1
              ? values[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
              : `(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
          case 'pipe':
            return values.join('|');
          case 'json':
            return JSON.stringify(values.length === 1 ? values[0] : values);
          case 'csv':
          default:
            return values.length === 1
              ? values[0]
              : values.length > 1 && chosen === undefined
                ? `{${values.join(',')}}`
                : values.join(',');
        }
      }
    );
  }

  containsTemplate(target?: string): boolean {
    return !!target && /\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]/.test(target);
  }

  updateTimeRange(): void {}
}

let templateSrvInstance: SandboxTemplateSrv | undefined;
export function getTemplateSrvInstance(): SandboxTemplateSrv {
  templateSrvInstance ??= new SandboxTemplateSrv();
  return templateSrvInstance;
}
