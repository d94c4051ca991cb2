import fs from 'node:fs';
import path from 'node:path';
import type { PluginRoleRegistration, PluginRoute } from './dsProxy';

/**
 * The plugins the sandbox knows: every plugin.json in the built dist/ (the app and its nested datasource, served at
 * /public/plugins/<id>/ like Grafana's pkg/plugins/manager/loader does for nested plugins), plus Grafana's core
 * Prometheus datasource, whose proxy routes come from public/app/plugins/datasource/prometheus/plugin.json.
 */
export interface PluginJson {
  id: string;
  type: 'app' | 'datasource' | 'panel';
  name: string;
  info: Record<string, unknown> & { version?: string; logos?: { small?: string; large?: string } };
  includes?: Array<{
    type: string;
    name: string;
    path?: string;
    role?: string;
    addToNav?: boolean;
    defaultNav?: boolean;
    action?: string;
  }>;
  routes?: PluginRoute[];
  roles?: PluginRoleRegistration[];
  metrics?: boolean;
  annotations?: boolean;
  [key: string]: unknown;
}

export interface LoadedPlugin {
  json: PluginJson;
  /** Directory inside dist/ that holds module.js; undefined for core plugins. */
  dir?: string;
  baseUrl: string;
  module: string;
}

// Grafana allow-lists the Prometheus API's POST endpoints for Viewers; writes elsewhere are rejected by ds_proxy.go.
/** Where Grafana serves its core Prometheus datasource's logo (public/app/plugins/datasource/prometheus). */
export const CORE_PROMETHEUS_LOGO = 'public/app/plugins/datasource/prometheus/img/prometheus_logo.svg';

const PROMETHEUS_ROUTES: PluginRoute[] = [
  'api/v1/query',
  'api/v1/query_range',
  'api/v1/series',
  'api/v1/labels',
  'api/v1/query_exemplars',
].map((routePath) => ({ method: 'POST', path: routePath, reqRole: 'Viewer' }));

const PROMETHEUS: LoadedPlugin = {
  json: {
    id: 'prometheus',
    type: 'datasource',
    name: 'Prometheus',
    info: { version: '', logos: { small: CORE_PROMETHEUS_LOGO } },
    routes: PROMETHEUS_ROUTES,
    metrics: true,
    annotations: true,
  },
  baseUrl: 'public/app/plugins/datasource/prometheus',
  module: 'core:plugin/prometheus',
};

export function loadPlugins(distDir: string): Map<string, LoadedPlugin> {
  const plugins = new Map<string, LoadedPlugin>([[PROMETHEUS.json.id, PROMETHEUS]]);
  const visit = (dir: string) => {
    const jsonFile = path.join(dir, 'plugin.json');
    if (fs.existsSync(jsonFile) && fs.existsSync(path.join(dir, 'module.js'))) {
      const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as PluginJson;
      // pkg/plugins/manager/loader/assetpath: logo paths become URLs under the plugin's public path.
      const logos = json.info.logos ?? {};
      for (const size of ['small', 'large'] as const) {
        if (logos[size] && !/^(https?:|public\/)/.test(logos[size]!)) {
          logos[size] = `public/plugins/${json.id}/${logos[size]}`;
        }
      }
      plugins.set(json.id, {
        json,
        dir,
        baseUrl: `public/plugins/${json.id}`,
        module: `public/plugins/${json.id}/module.js`,
      });
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        visit(path.join(dir, entry.name));
      }
    }
  };
  if (!fs.existsSync(path.join(distDir, 'plugin.json'))) {
    throw new Error(
      `${distDir} holds no built plugin: run \`npm run build\` first (the sandbox serves dist/, never src/).`
    );
  }
  visit(distDir);
  return plugins;
}
