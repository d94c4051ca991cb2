import 'systemjs/dist/system.js';
import 'systemjs/dist/extras/amd.js';
import 'systemjs/dist/extras/named-register.js';
import type { AppPlugin, AppPluginMeta, DataSourceApi, DataSourcePlugin, DataSourcePluginMeta } from '@grafana/data';
import { sharedDependencies } from 'sandbox:shared-dependencies';

/**
 * Loads plugin modules the way Grafana does (public/app/features/plugins/loader/): SystemJS with its AMD extra, every
 * shared dependency registered as `package:<name>` and mapped through an import map (loader/utils.ts buildImportMap),
 * module.js imported from the plugin's `module` path, so the AMD `module` dependency carries its URL and webpack's
 * public path (and lazy chunks) resolve under /public/plugins/<id>/.
 */

interface SystemJSLike {
  set(id: string, module: object): void;
  addImportMap(map: { imports: Record<string, string> }): void;
  import(id: string): Promise<Record<string, unknown>>;
}

const SystemJS = (window as unknown as { System: SystemJSLike }).System;
const SHARED_DEPENDENCY_PREFIX = 'package';

SystemJS.addImportMap({
  imports: Object.fromEntries(
    Object.entries(sharedDependencies as Record<string, object>).map(([name, module]) => {
      const id = `${SHARED_DEPENDENCY_PREFIX}:${name}`;
      SystemJS.set(id, module);
      return [name, id];
    })
  ),
});

const cache = new Map<string, Promise<Record<string, unknown>>>();

/** plugin_loader importPluginModule: `${appSubUrl}/${meta.module}` with a version cache-buster. */
export function importPluginModule(modulePath: string, version?: string): Promise<Record<string, unknown>> {
  if (!modulePath.startsWith('public/plugins/')) {
    return Promise.reject(
      new Error(`The sandbox runs only the built plugins under public/plugins/, not ${modulePath}`)
    );
  }
  const url = `${window.location.origin}/${modulePath}${version ? `?_cache=${encodeURIComponent(version)}` : ''}`;
  let loading = cache.get(url);
  if (!loading) {
    loading = SystemJS.import(url);
    cache.set(url, loading);
  }
  return loading;
}

function exportedPlugin<T>(exports: Record<string, unknown>, modulePath: string): T {
  const plugin = exports.plugin ?? (exports.default as Record<string, unknown> | undefined)?.plugin;
  if (!plugin) {
    throw new Error(`${modulePath} exports no \`plugin\``);
  }
  return plugin as T;
}

/** public/app/features/plugins/plugin_loader.ts importAppPlugin. */
export async function importAppPlugin(meta: AppPluginMeta): Promise<AppPlugin> {
  const plugin = exportedPlugin<AppPlugin>(await importPluginModule(meta.module, meta.info.version), meta.module);
  plugin.meta = meta;
  plugin.init(meta);
  return plugin;
}

/** public/app/features/plugins/plugin_loader.ts importDataSourcePlugin. */
export async function importDataSourcePlugin(meta: DataSourcePluginMeta): Promise<DataSourcePlugin<DataSourceApi>> {
  const plugin = exportedPlugin<DataSourcePlugin<DataSourceApi>>(
    await importPluginModule(meta.module, meta.info.version),
    meta.module
  );
  plugin.meta = meta;
  return plugin;
}
