/** @jsxRuntime automatic */
// (as esbuild builds the host bundle: jsx automatic; the pragma makes jest's swc transform agree)
import { type ComponentType, useMemo, useSyncExternalStore } from 'react';
import {
  type AppPlugin,
  type AppPluginMeta,
  type PluginExtensionAddedLinkConfig,
  type PluginExtensionExposedComponentConfig,
  type PluginExtensionLink,
  type PluginExtensions,
  PluginContextProvider,
  PluginExtensionTypes,
  urlUtil,
} from '@grafana/data';
import {
  config,
  getBackendSrv,
  type UsePluginComponentResult,
  type UsePluginLinksOptions,
  type UsePluginLinksResult,
} from '@grafana/runtime';
import { ErrorBoundaryAlert } from '@grafana/ui';
import { importAppPlugin } from './pluginLoader';

/**
 * Grafana's UI-extension registry as plugins meet it (grafana/grafana public/app/features/plugins/extensions/):
 * - which apps load: utils.tsx getAppPluginsToPreload / getExtensionPointPluginDependencies + useLoadAppPlugins.tsx —
 *   enabled apps whose plugin.json `extensions` declare links or exposed components are imported at start-up;
 * - registration: registry/AddedLinksRegistry.ts and registry/ExposedComponentsRegistry.ts mapToRegistry (title and
 *   description required, `path` or `onClick`, path under /a/<pluginId>/, target ids under grafana/, plugins/ or the
 *   plugin's own id, exposed ids prefixed with the plugin id and unique), plus validators.ts
 *   isAddedLinkMetaInfoMissing / isExposedComponentMetaInfoMissing (the plugin.json declaration must match). Grafana
 *   checks the declaration in development mode only and a production Grafana loads an app for an extension point only
 *   when plugin.json declares it; the sandbox refuses an undeclared extension always, loudly, so it fails here first;
 * - usePluginLinks.tsx: configure() with a read-only context (utils.tsx getReadOnlyProxy), undefined hides the link,
 *   overrides limited to title/description/path/icon/category (getLinkExtensionOverrides; an invalid path or a
 *   throwing configure hides it), limitPerPlugin, the path tagged with uel_pid/uel_epid
 *   (getLinkExtensionPathWithTracking);
 * - usePluginComponent.tsx: the exposed component wrapped in its plugin's PluginContextProvider and an error boundary
 *   (utils.tsx wrapWithPluginContext).
 * Errors go to console.error, which fails any e2e test. Not emulated: the modal and sidebar helpers of onClick, added
 * components and functions, the extensions admin page, interaction reporting.
 */

type LinkItem = PluginExtensionAddedLinkConfig & { pluginId: string; extensionPointId: string };
type ComponentItem = PluginExtensionExposedComponentConfig & { pluginId: string; meta: AppPluginMeta };

/** The plugin.json `extensions` block, served as config.apps[id].extensions (pkg/api/frontendsettings.go newAppDTO). */
type DeclaredExtensions = Partial<PluginExtensions>;

interface RegistryState {
  loading: boolean;
  links: ReadonlyMap<string, LinkItem[]>;
  components: ReadonlyMap<string, ComponentItem>;
}

let state: RegistryState = { loading: true, links: new Map(), components: new Map() };
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const useRegistry = () => useSyncExternalStore(subscribe, () => state);

function refuse(pluginId: string, what: string, reason: string): void {
  console.error(`[extensions] ${pluginId}: could not register ${what}. Reason: ${reason}`);
}

function registerLinks(pluginId: string, configs: PluginExtensionAddedLinkConfig[], declared: DeclaredExtensions) {
  const links = new Map(state.links);
  for (const link of configs) {
    const what = `added link "${link.title}"`;
    const entry = declared.addedLinks?.find(({ title }) => title === link.title);
    const problem = !link.title
      ? 'title is missing'
      : !link.description
        ? 'description is missing'
        : link.configure !== undefined && typeof link.configure !== 'function'
          ? 'configure is not a function'
          : !link.path && !link.onClick
            ? 'either "path" or "onClick" is required'
            : link.path && !link.path.startsWith(`/a/${pluginId}/`)
              ? `the "path" should start with "/a/${pluginId}/"`
              : !entry
                ? 'it is not declared in plugin.json under "extensions.addedLinks[]" (matched by title)'
                : undefined;
    if (problem) {
      refuse(pluginId, what, problem);
      continue;
    }
    if (entry!.description !== link.description) {
      console.warn(`[extensions] ${pluginId}: ${what}: the description differs from plugin.json's`);
    }
    for (const extensionPointId of Array.isArray(link.targets) ? link.targets : [link.targets]) {
      if (!/^(grafana|plugins)\//.test(extensionPointId) && !extensionPointId.startsWith(pluginId)) {
        refuse(pluginId, what, `target "${extensionPointId}" must start with grafana/, plugins/ or the plugin id`);
      } else if (![entry!.targets].flat().includes(extensionPointId)) {
        refuse(pluginId, what, `target "${extensionPointId}" is not among its plugin.json targets`);
      } else {
        links.set(extensionPointId, [...(links.get(extensionPointId) ?? []), { ...link, pluginId, extensionPointId }]);
      }
    }
  }
  return links;
}

function registerComponents(
  pluginId: string,
  configs: PluginExtensionExposedComponentConfig[],
  declared: DeclaredExtensions,
  meta: AppPluginMeta
) {
  const components = new Map(state.components);
  for (const exposed of configs) {
    const problem = !exposed.id.startsWith(pluginId)
      ? `the id "${exposed.id}" must start with the plugin id`
      : components.has(exposed.id)
        ? `an exposed component "${exposed.id}" already exists`
        : !exposed.title
          ? 'title is missing'
          : !declared.exposedComponents?.some(({ id }) => id === exposed.id)
            ? 'it is not declared in plugin.json under "extensions.exposedComponents[]"'
            : undefined;
    if (problem) {
      refuse(pluginId, `exposed component "${exposed.id}"`, problem);
    } else {
      components.set(exposed.id, { ...exposed, pluginId, meta });
    }
  }
  return components;
}

/** Start-up: import every enabled app that declares extensions and register what it adds (pluginPreloader.ts). */
export async function preloadAppExtensions(): Promise<void> {
  for (const app of Object.values(config.apps)) {
    const declared: DeclaredExtensions = app.extensions ?? {};
    if (!(declared.addedLinks?.length || declared.exposedComponents?.length)) {
      continue;
    }
    try {
      const meta = await getBackendSrv().get<AppPluginMeta>(`/api/plugins/${app.id}/settings`);
      // Grafana's config.apps lists enabled apps only; the sandbox's lists every app, so the settings tell.
      if (!meta.enabled) {
        continue;
      }
      const plugin: AppPlugin = await importAppPlugin(meta);
      state = {
        ...state,
        links: registerLinks(app.id, plugin.addedLinkConfigs, declared),
        components: registerComponents(app.id, plugin.exposedComponentConfigs, declared, meta),
      };
    } catch (error) {
      console.error(`[extensions] ${app.id}: the app failed to load, its extensions are missing: ${error}`);
    }
  }
  state = { ...state, loading: false };
  listeners.forEach((listener) => listener());
}

/** A read-only view of the context: an extension cannot change what the host passed (utils.tsx getReadOnlyProxy). */
function readOnly<T extends object>(value: T, seen = new WeakMap<object, object>()): T {
  if (!seen.has(value)) {
    seen.set(
      value,
      new Proxy(value, {
        set: () => false,
        defineProperty: () => false,
        deleteProperty: () => false,
        get(target, prop, receiver) {
          const inner = Reflect.get(target, prop, receiver);
          return inner && typeof inner === 'object' ? readOnly(inner, seen) : inner;
        },
      })
    );
  }
  return seen.get(value) as T;
}

const notEmulated = () => {
  throw new Error('The sandbox does not emulate the extension modal and sidebar helpers');
};

function resolveLink(item: LinkItem, context: object): PluginExtensionLink | undefined {
  let overrides: ReturnType<NonNullable<LinkItem['configure']>>;
  try {
    overrides = item.configure ? item.configure(context) : {};
  } catch (error) {
    console.error(`[extensions] ${item.pluginId}: configure() of "${item.title}" threw, the link is hidden: ${error}`);
    return undefined;
  }
  if (overrides === undefined) {
    return undefined;
  }
  const { title = item.title, description = item.description, path = item.path, icon, category, ...rest } = overrides;
  if (path && !path.startsWith(`/a/${item.pluginId}/`)) {
    console.error(`[extensions] ${item.pluginId}: configure() of "${item.title}" returned a path outside its app`);
    return undefined;
  }
  if (Object.keys(rest).length > 0) {
    console.warn(`[extensions] "${item.title}" overrides restricted properties: ${Object.keys(rest).join(', ')}`);
  }
  const onClick = item.onClick;
  return {
    id: `${item.pluginId}/${item.extensionPointId}/${item.title}`,
    type: PluginExtensionTypes.link,
    pluginId: item.pluginId,
    title,
    description: description ?? '',
    icon: icon ?? item.icon,
    category: category ?? item.category,
    path: path
      ? urlUtil.appendQueryToUrl(path, urlUtil.toUrlParams({ uel_pid: item.pluginId, uel_epid: item.extensionPointId }))
      : undefined,
    onClick: onClick
      ? (event) =>
          onClick(event, {
            context,
            extensionPointId: item.extensionPointId,
            openModal: notEmulated,
            openSidebar: notEmulated,
            closeSidebar: notEmulated,
            toggleSidebar: notEmulated,
          })
      : undefined,
  };
}

export function usePluginLinks({
  extensionPointId,
  context,
  limitPerPlugin,
}: UsePluginLinksOptions): UsePluginLinksResult {
  const registry = useRegistry();
  return useMemo(() => {
    if (registry.loading) {
      return { isLoading: true, links: [] };
    }
    const frozen = readOnly(context ?? {});
    const perPlugin = new Map<string, number>();
    const links: PluginExtensionLink[] = [];
    for (const item of registry.links.get(extensionPointId) ?? []) {
      if (limitPerPlugin && (perPlugin.get(item.pluginId) ?? 0) >= limitPerPlugin) {
        continue;
      }
      const link = resolveLink(item, frozen);
      if (link) {
        links.push(link);
        perPlugin.set(item.pluginId, (perPlugin.get(item.pluginId) ?? 0) + 1);
      }
    }
    return { isLoading: false, links };
  }, [registry, extensionPointId, context, limitPerPlugin]);
}

const wrapped = new Map<string, ComponentType<object>>();

function wrapWithPluginContext(item: ComponentItem): ComponentType<object> {
  const Component = item.component as ComponentType<object>;
  const Wrapped = (props: object) => (
    <PluginContextProvider meta={item.meta}>
      <ErrorBoundaryAlert title={`${item.title} (${item.pluginId}) failed`}>
        <Component {...props} />
      </ErrorBoundaryAlert>
    </PluginContextProvider>
  );
  return Wrapped;
}

export function usePluginComponent<Props extends object = {}>(id: string): UsePluginComponentResult<Props> {
  const registry = useRegistry();
  if (registry.loading) {
    return { isLoading: true, component: null };
  }
  const item = registry.components.get(id);
  if (!item) {
    return { isLoading: false, component: null };
  }
  // One wrapper per id, so a re-render does not remount the plugin's component.
  if (!wrapped.has(id)) {
    wrapped.set(id, wrapWithPluginContext(item));
  }
  return { isLoading: false, component: wrapped.get(id) as ComponentType<Props> };
}
