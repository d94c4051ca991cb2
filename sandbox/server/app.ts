import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  extractProxyPath,
  GRAFANA_VERSION,
  proxyDatasourceRequest,
  roleIncludes,
  writeJsonError,
  type OrgRole,
  type ProxyUser,
} from './dsProxy';
import { CORE_PROMETHEUS_LOGO, loadPlugins, type LoadedPlugin } from './plugins';
import type { Provisioning, StoredAppSettings, StoredDataSource } from './provisioning';
import { repoRoot } from './paths';
import { declarePluginRoles, type Edition } from './rbac';
import { accessControlFromEnv, parseCookies, resolveUser, ROLES, type UserDefaults } from './sandboxUser';

/**
 * The sandbox's HTTP server: Grafana's HTTP API as the plugin uses it (pkg/api/api.go routes), the built plugin at
 * /public/plugins/<id>/ and one HTML shell carrying window.grafanaBootData (pkg/api/index.go + frontendsettings.go).
 */

export interface SandboxOptions {
  distDir: string;
  hostBundleFile: string;
  provisioning: Provisioning;
  defaultRole?: OrgRole;
  /** Default edition and toggle; else KUBEATLAS_GRAFANA_EDITION and GF_FEATURE_TOGGLES_ENABLE (sandboxUser.ts). */
  accessControl?: { edition: Edition; accessControlOnCall: boolean };
}

interface BundledDashboard {
  uid: string;
  title: string;
  revision: number;
  path: string;
}

const THEME_COOKIE = 'grafana_sandbox_theme';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.gif': 'image/gif',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Only the names of the secure fields ever leave the server (pkg/api/dtos/datasource.go SecureJsonFields). */
const secureJsonFields = (secure: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(secure)
      .filter(([, value]) => value !== '')
      .map(([key]) => [key, true])
  );

const INTER_WEIGHTS: Record<string, number> = { Light: 300, Regular: 400, Medium: 500, SemiBold: 600, Bold: 700 };

/**
 * Grafana's own public/ assets that @grafana/ui requests: icons (Grafana copies @iconscout/unicons' line and solid
 * SVGs into public/img/icons/unicons and /solid; @grafana/ui 12.4 and later ask under public/build/img/icons, its
 * Icon/utils getIconRoot), the core Prometheus datasource's logo (here a unicons stand-in) and the web fonts of GlobalStyles: Inter (public/fonts/inter) and
 * Roboto Mono (public/fonts/roboto/<Google's file name>), here from @fontsource.
 */
function grafanaAsset(pathname: string): string | undefined {
  const icon = /^\/public\/(?:build\/)?img\/icons\/(unicons|solid)\/([\w-]+)\.svg$/.exec(pathname);
  if (icon) {
    return path.join(
      repoRoot,
      'node_modules/@iconscout/unicons/svg',
      icon[1] === 'unicons' ? 'line' : 'solid',
      `${icon[2]}.svg`
    );
  }
  if (pathname === `/${CORE_PROMETHEUS_LOGO}`) {
    return path.join(repoRoot, 'node_modules/@iconscout/unicons/svg/line/fire.svg');
  }
  const font = /^\/public\/fonts\/inter\/Inter-(\w+)\.woff2$/.exec(pathname);
  if (font && INTER_WEIGHTS[font[1]]) {
    return path.join(
      repoRoot,
      `node_modules/@fontsource/inter/files/inter-latin-${INTER_WEIGHTS[font[1]]}-normal.woff2`
    );
  }
  if (/^\/public\/fonts\/roboto\/[\w-]+\.woff2$/.test(pathname)) {
    return path.join(repoRoot, 'node_modules/@fontsource/roboto-mono/files/roboto-mono-latin-400-normal.woff2');
  }
  return undefined;
}

export function createSandboxServer(options: SandboxOptions): http.Server {
  const plugins = loadPlugins(options.distDir);
  const datasources: StoredDataSource[] = options.provisioning.datasources.map((ds) => structuredClone(ds));
  const appSettings = new Map<string, StoredAppSettings>(
    options.provisioning.apps.map((app) => [app.pluginId, structuredClone(app)])
  );
  const userDefaults: UserDefaults = {
    role: options.defaultRole ?? 'Admin',
    accessControl: { grafanaVersion: GRAFANA_VERSION, ...(options.accessControl ?? accessControlFromEnv(process.env)) },
    roles: declarePluginRoles([...plugins.values()].map(({ json }) => ({ id: json.id, roles: json.roles }))),
  };

  const pluginMeta = (plugin: LoadedPlugin) => ({
    ...plugin.json,
    baseUrl: plugin.baseUrl,
    module: plugin.module,
    signature: 'unsigned',
    angular: { detected: false },
  });

  const datasourceDto = (ds: StoredDataSource) => {
    const { secureJsonData, ...rest } = ds;
    return {
      ...rest,
      typeName: plugins.get(ds.type)?.json.name ?? ds.type,
      typeLogoUrl: plugins.get(ds.type)?.json.info.logos?.small ?? '',
      secureJsonFields: secureJsonFields(secureJsonData),
    };
  };

  /** frontendsettings.go getFSDataSources: keyed by name, proxy-access URLs point at the datasource proxy. */
  const frontendSettings = (edition: Edition) => {
    const dsMap: Record<string, unknown> = {};
    for (const ds of datasources) {
      const plugin = plugins.get(ds.type);
      if (!plugin) {
        continue;
      }
      dsMap[ds.name] = {
        id: ds.id,
        uid: ds.uid,
        type: ds.type,
        name: ds.name,
        meta: pluginMeta(plugin),
        url: ds.access === 'proxy' ? `/api/datasources/proxy/uid/${ds.uid}` : ds.url,
        isDefault: ds.isDefault,
        access: ds.access,
        jsonData: ds.jsonData,
        readOnly: ds.readOnly,
        database: ds.database,
        basicAuth: ds.basicAuth,
        withCredentials: ds.withCredentials,
      };
    }
    const apps: Record<string, unknown> = {};
    for (const plugin of plugins.values()) {
      if (plugin.json.type === 'app') {
        apps[plugin.json.id] = {
          id: plugin.json.id,
          path: plugin.module,
          version: plugin.json.info.version,
          preload: false,
          angular: { detected: false },
          // plugin.json `extensions`, every list present (pkg/plugins loader): the extension registry reads it to
          // know which apps extend which extension point (sandbox/host/extensions.tsx).
          extensions: {
            addedLinks: [],
            addedComponents: [],
            addedFunctions: [],
            exposedComponents: [],
            extensionPoints: [],
            ...(plugin.json as { extensions?: Record<string, unknown[]> }).extensions,
          },
        };
      }
    }
    return {
      appUrl: '',
      appSubUrl: '',
      datasources: dsMap,
      defaultDatasource: datasources.find((ds) => ds.isDefault)?.name ?? datasources[0]?.name ?? '',
      apps,
      panels: {},
      buildInfo: {
        version: GRAFANA_VERSION,
        commit: 'sandbox',
        env: 'production',
        // pkg/api/frontendsettings.go: hs.License.Edition().
        edition: edition === 'enterprise' ? 'Enterprise' : 'Open Source',
        latestVersion: '',
        hasUpdate: false,
      },
      featureToggles: {},
      rbacEnabled: true,
      viewersCanEdit: false,
      exploreEnabled: true,
    };
  };

  const userFor = (req: http.IncomingMessage) => resolveUser(req.headers.cookie, undefined, userDefaults).user;

  /** pkg/services/plugindashboards: the app's `dashboard` includes, read from the built plugin. */
  const bundledDashboards = (plugin: LoadedPlugin): BundledDashboard[] =>
    (plugin.json.includes ?? [])
      .filter((include) => include.type === 'dashboard' && include.path && plugin.dir)
      .map((include) => {
        const json = JSON.parse(fs.readFileSync(path.join(plugin.dir!, include.path!), 'utf8')) as {
          uid: string;
          title: string;
          revision?: number;
        };
        return { uid: json.uid, title: json.title, revision: json.revision ?? 1, path: include.path! };
      });
  const importedDashboards = new Map<string, BundledDashboard & { pluginId: string }>();
  const dashboardListEntry = (plugin: LoadedPlugin, dashboard: BundledDashboard) => {
    const imported = importedDashboards.get(dashboard.uid);
    const slug = dashboard.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    return {
      pluginId: plugin.json.id,
      uid: dashboard.uid,
      title: dashboard.title,
      path: dashboard.path,
      revision: dashboard.revision,
      imported: imported !== undefined,
      importedUri: imported ? `db/${slug}` : '',
      importedUrl: imported ? `/d/${dashboard.uid}/${slug}` : '',
      importedRevision: imported?.revision ?? 0,
      slug,
      removed: false,
    };
  };

  const findDatasource = (uid: string) => datasources.find((ds) => ds.uid === uid);

  const pluginSettings = (plugin: LoadedPlugin) => {
    const stored = appSettings.get(plugin.json.id);
    return {
      name: plugin.json.name,
      type: plugin.json.type,
      id: plugin.json.id,
      enabled: plugin.json.type === 'app' ? (stored?.enabled ?? false) : true,
      pinned: stored?.pinned ?? false,
      module: plugin.module,
      baseUrl: plugin.baseUrl,
      info: plugin.json.info,
      includes: plugin.json.includes ?? [],
      dependencies: plugin.json.dependencies ?? {},
      jsonData: stored?.jsonData ?? {},
      secureJsonFields: secureJsonFields(stored?.secureJsonData ?? {}),
      defaultNavUrl: plugin.json.includes?.find((include) => include.defaultNav)?.path ?? '',
      signature: 'unsigned',
      angularDetected: false,
    };
  };

  const indexHtml = (req: http.IncomingMessage, url: URL, res: http.ServerResponse) => {
    const { user, setCookies } = resolveUser(req.headers.cookie, url.searchParams, userDefaults);
    const cookies = parseCookies(req.headers.cookie);
    let theme = cookies[THEME_COOKIE] ?? 'dark';
    const requestedTheme = url.searchParams.get('theme');
    if (requestedTheme === 'light' || requestedTheme === 'dark') {
      theme = requestedTheme;
      setCookies.push(`${THEME_COOKIE}=${theme}; Path=/; SameSite=Strict`);
    }
    const { orgRole } = user;
    const bootData = {
      user: {
        id: ROLES.indexOf(orgRole) + 1,
        uid: user.login,
        login: user.login,
        name: `Sandbox ${orgRole}`,
        email: `${user.login}@sandbox.local`,
        orgId: 1,
        orgName: 'Main Org.',
        orgRole,
        isGrafanaAdmin: user.isGrafanaAdmin,
        isSignedIn: true,
        theme,
        timezone: 'browser',
        weekStart: 'browser',
        locale: 'en-US',
        language: 'en-US',
        // pkg/api/index.go: ac.BuildPermissionsMap(GetUserPermissions(...)).
        permissions: user.permissions,
      },
      settings: frontendSettings(user.accessControl.edition),
      navTree: [],
      assets: { dark: '', light: '' },
    };
    // `<` escaped so no value can close the script element.
    const bootJson = JSON.stringify(bootData).replace(/</g, '\\u003c');
    const html = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>KubeAtlas sandbox</title>
    <base href="/" />
    <link rel="stylesheet" href="/public/build/sandbox-host.css" />
  </head>
  <body class="theme-${theme}">
    <div id="reactRoot"></div>
    <script>window.grafanaBootData = ${bootJson};</script>
    <script src="/public/build/sandbox-host.js"></script>
  </body>
</html>`;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(setCookies.length ? { 'set-cookie': setCookies } : {}),
    });
    res.end(html);
  };

  const serveFile = (res: http.ServerResponse, file: string) => {
    fs.readFile(file, (error, content) => {
      if (error) {
        writeJsonError(res, 404, 'Not found');
        return;
      }
      res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(content);
    });
  };

  const servePluginFile = (res: http.ServerResponse, pluginId: string, rest: string) => {
    const plugin = plugins.get(pluginId);
    if (!plugin?.dir) {
      writeJsonError(res, 404, 'Plugin not found');
      return;
    }
    const file = path.resolve(plugin.dir, decodeURIComponent(rest));
    if (!file.startsWith(path.resolve(plugin.dir) + path.sep)) {
      writeJsonError(res, 403, 'Forbidden');
      return;
    }
    serveFile(res, file);
  };

  const requireAdmin = (res: http.ServerResponse, user: ProxyUser): boolean => {
    if (!roleIncludes(user.orgRole, 'Admin')) {
      writeJsonError(
        res,
        403,
        "You'll need additional permissions to perform this action. Permissions needed: datasources:write"
      );
      return false;
    }
    return true;
  };

  const handleApi = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    user: ReturnType<typeof userFor>
  ) => {
    const method = req.method ?? 'GET';
    const rawPath = url.pathname;

    if (rawPath === '/api/health') {
      return sendJson(res, 200, { database: 'ok', version: GRAFANA_VERSION, commit: 'sandbox' });
    }
    if (rawPath === '/api/frontend/settings') {
      return sendJson(res, 200, frontendSettings(user.accessControl.edition));
    }

    // pkg/web/router.go matches req.URL.EscapedPath(): the path as sent, `..`, `%2e` and `%2F` left for the proxy.
    const proxy = extractProxyPath((req.url ?? '').split('?')[0]);
    if (proxy) {
      const ds = findDatasource(proxy.uid);
      if (!ds) {
        return writeJsonError(res, 404, 'Unable to find datasource');
      }
      const plugin = plugins.get(ds.type);
      if (!plugin) {
        return writeJsonError(res, 404, 'Unable to find datasource plugin');
      }
      return proxyDatasourceRequest(req, res, {
        ds,
        routes: plugin.json.routes ?? [],
        accessControl: user.accessControl,
        proxyPath: proxy.proxyPath,
        rawQuery: url.search,
        user,
      });
    }

    if (rawPath === '/api/datasources') {
      if (method === 'GET') {
        return sendJson(res, 200, datasources.map(datasourceDto));
      }
      if (method === 'POST') {
        if (!requireAdmin(res, user)) {
          return;
        }
        const body = await readJsonBody(req);
        const name = String(body.name ?? '');
        if (!name || !body.type) {
          return writeJsonError(res, 400, 'Name and type are required');
        }
        if (datasources.some((ds) => ds.name === name)) {
          return writeJsonError(res, 409, 'data source with the same name already exists');
        }
        const ds: StoredDataSource = {
          id: Math.max(0, ...datasources.map((existing) => existing.id)) + 1,
          uid: String(body.uid ?? `sandbox-${Date.now().toString(36)}`),
          orgId: 1,
          name,
          type: String(body.type),
          access: body.access === 'direct' ? 'direct' : 'proxy',
          url: String(body.url ?? ''),
          user: String(body.user ?? ''),
          database: String(body.database ?? ''),
          basicAuth: body.basicAuth === true,
          basicAuthUser: String(body.basicAuthUser ?? ''),
          withCredentials: body.withCredentials === true,
          isDefault: body.isDefault === true,
          jsonData: (body.jsonData as Record<string, unknown>) ?? {},
          secureJsonData: (body.secureJsonData as Record<string, string>) ?? {},
          version: 1,
          readOnly: false,
        };
        datasources.push(ds);
        return sendJson(res, 200, {
          datasource: datasourceDto(ds),
          id: ds.id,
          message: 'Datasource added',
          name: ds.name,
        });
      }
    }

    const byUid = /^\/api\/datasources\/uid\/([\w-]+)$/.exec(rawPath);
    if (byUid) {
      const ds = findDatasource(byUid[1]);
      if (!ds) {
        return writeJsonError(res, 404, 'Data source not found');
      }
      if (method === 'GET') {
        return sendJson(res, 200, datasourceDto(ds));
      }
      if (method === 'PUT') {
        if (!requireAdmin(res, user)) {
          return;
        }
        // pkg/api/datasources.go UpdateDataSourceByUID: provisioned read-only datasources refuse edits.
        if (ds.readOnly) {
          return writeJsonError(res, 403, 'Cannot update read-only data source');
        }
        const body = await readJsonBody(req);
        if (typeof body.version === 'number' && body.version < ds.version) {
          return writeJsonError(
            res,
            409,
            'Datasource has already been updated by someone else. Please reload and try again'
          );
        }
        // Secrets not sent are kept; sent ones (even empty, the reset case) replace the stored value.
        const secure = { ...ds.secureJsonData, ...((body.secureJsonData as Record<string, string>) ?? {}) };
        Object.assign(ds, {
          name: String(body.name ?? ds.name),
          url: String(body.url ?? ds.url),
          access: body.access === 'direct' ? 'direct' : 'proxy',
          isDefault: body.isDefault === true,
          basicAuth: body.basicAuth === true,
          basicAuthUser: String(body.basicAuthUser ?? ds.basicAuthUser),
          withCredentials: body.withCredentials === true,
          jsonData: (body.jsonData as Record<string, unknown>) ?? ds.jsonData,
          secureJsonData: secure,
          version: ds.version + 1,
        });
        return sendJson(res, 200, {
          datasource: datasourceDto(ds),
          id: ds.id,
          message: 'Datasource updated',
          name: ds.name,
        });
      }
      if (method === 'DELETE') {
        if (!requireAdmin(res, user)) {
          return;
        }
        if (ds.readOnly) {
          return writeJsonError(res, 403, 'Cannot delete read-only data source');
        }
        datasources.splice(datasources.indexOf(ds), 1);
        return sendJson(res, 200, { message: 'Data source deleted', id: ds.id });
      }
    }

    const pluginDashboards = /^\/api\/plugins\/([\w-]+)\/dashboards$/.exec(rawPath);
    if (pluginDashboards && method === 'GET') {
      const plugin = plugins.get(pluginDashboards[1]);
      if (!plugin || (plugin.json.type === 'app' && !appSettings.get(plugin.json.id)?.enabled)) {
        return writeJsonError(res, 404, 'Plugin not found, no installed plugin with that id');
      }
      return sendJson(
        res,
        200,
        bundledDashboards(plugin).map((dashboard) => dashboardListEntry(plugin, dashboard))
      );
    }
    if (rawPath === '/api/dashboards/import' && method === 'POST') {
      if (!roleIncludes(user.orgRole, 'Editor')) {
        return writeJsonError(
          res,
          403,
          "You'll need additional permissions to perform this action. Permissions needed: dashboards:create"
        );
      }
      const body = await readJsonBody(req);
      const plugin = plugins.get(String(body.pluginId));
      const dashboard = plugin && bundledDashboards(plugin).find((candidate) => candidate.path === body.path);
      if (!plugin || !dashboard) {
        return writeJsonError(res, 404, 'Dashboard not found');
      }
      if (importedDashboards.has(dashboard.uid) && body.overwrite !== true) {
        return writeJsonError(res, 412, 'A dashboard with the same uid already exists');
      }
      importedDashboards.set(dashboard.uid, { ...dashboard, pluginId: plugin.json.id });
      return sendJson(res, 200, dashboardListEntry(plugin, dashboard));
    }

    const settings = /^\/api\/plugins\/([\w-]+)\/settings$/.exec(rawPath);
    if (settings) {
      const plugin = plugins.get(settings[1]);
      if (!plugin) {
        return writeJsonError(res, 404, 'Plugin not found, no installed plugin with that id');
      }
      if (method === 'GET') {
        return sendJson(res, 200, pluginSettings(plugin));
      }
      if (method === 'POST') {
        if (!roleIncludes(user.orgRole, 'Admin')) {
          return writeJsonError(
            res,
            403,
            "You'll need additional permissions to perform this action. Permissions needed: plugins:write"
          );
        }
        const body = await readJsonBody(req);
        const stored = appSettings.get(plugin.json.id) ?? {
          pluginId: plugin.json.id,
          enabled: false,
          pinned: false,
          jsonData: {},
          secureJsonData: {},
        };
        appSettings.set(plugin.json.id, {
          ...stored,
          enabled: typeof body.enabled === 'boolean' ? body.enabled : stored.enabled,
          pinned: typeof body.pinned === 'boolean' ? body.pinned : stored.pinned,
          jsonData: (body.jsonData as Record<string, unknown>) ?? stored.jsonData,
          secureJsonData: { ...stored.secureJsonData, ...((body.secureJsonData as Record<string, string>) ?? {}) },
        });
        return sendJson(res, 200, { message: 'Plugin settings updated' });
      }
    }
    return writeJsonError(res, 404, 'Not found');
  };

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const user = userFor(req);
    const pluginFile = /^\/public\/plugins\/([\w-]+)\/(.+)$/.exec(url.pathname);
    const done = (promise: Promise<void> | void) =>
      Promise.resolve(promise).catch((error: Error) => {
        if (!res.headersSent) {
          writeJsonError(res, 500, error.message);
        } else {
          res.destroy();
        }
      });

    if (url.pathname.startsWith('/api/')) {
      void done(handleApi(req, res, url, user));
    } else if (pluginFile) {
      servePluginFile(res, pluginFile[1], pluginFile[2]);
    } else if (/^\/public\/build\/[\w.-]+$/.test(url.pathname)) {
      serveFile(res, path.join(path.dirname(options.hostBundleFile), path.basename(url.pathname)));
    } else if (grafanaAsset(url.pathname)) {
      serveFile(res, grafanaAsset(url.pathname)!);
    } else if (url.pathname.startsWith('/public/')) {
      writeJsonError(res, 404, 'Not found');
    } else if (req.method === 'GET') {
      indexHtml(req, url, res);
    } else {
      writeJsonError(res, 405, 'Method not allowed');
    }
  });
}
