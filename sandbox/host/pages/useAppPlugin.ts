import type { AppPlugin, AppPluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { importAppPlugin } from '../pluginLoader';
import { type AsyncState, useAsync } from './useAsync';

/**
 * An app's settings from /api/plugins/:id/settings (meta with the provisioned jsonData) and its imported module, as
 * the app root and the plugin's configuration page both load them. The app root refuses a disabled app, as Grafana does.
 */
export function useAppPlugin(pluginId: string, { requireEnabled }: { requireEnabled: boolean }): AsyncState<AppPlugin> {
  return useAsync(async () => {
    const meta = await getBackendSrv().get<AppPluginMeta>(`/api/plugins/${pluginId}/settings`);
    if (requireEnabled && !meta.enabled) {
      throw new Error(`App not enabled: enable ${meta.name} on its configuration page first.`);
    }
    return importAppPlugin(meta);
  }, [pluginId, requireEnabled]);
}
