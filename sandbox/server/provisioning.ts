import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/**
 * Reads Grafana provisioning files the way Grafana does:
 * - every string value goes through pkg/services/provisioning/values/values.go `interpolateValue`: `$$` is a literal
 *   `$`, then pkg/setting/expanders.go (`$__env{NAME}`, `$__file{path}`) and Go's os.ExpandEnv (`$NAME`, `${NAME}`,
 *   unset → empty string);
 * - datasources: pkg/services/provisioning/datasources/types.go (v1 fields; `editable` false → readOnly);
 * - apps: pkg/services/provisioning/plugins/types.go (`type`, `disabled`, `jsonData`, `secureJsonData`).
 */

export interface StoredDataSource {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  access: 'proxy' | 'direct';
  url: string;
  user: string;
  database: string;
  basicAuth: boolean;
  basicAuthUser: string;
  withCredentials: boolean;
  isDefault: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
  version: number;
  readOnly: boolean;
}

export interface StoredAppSettings {
  pluginId: string;
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface Provisioning {
  datasources: StoredDataSource[];
  apps: StoredAppSettings[];
}

type Env = Record<string, string | undefined>;

/** pkg/setting/expanders.go: `$__env{}` and `$__file{}` (file contents with surrounding whitespace trimmed). */
function expandGrafanaVars(value: string, env: Env, baseDir: string): string {
  return value.replace(/\$__(\w+)\{([^}]*)\}/g, (whole, expander: string, argument: string) => {
    if (expander === 'env') {
      return env[argument] ?? '';
    }
    if (expander === 'file') {
      const file = path.resolve(baseDir, argument);
      try {
        return fs.readFileSync(file, 'utf8').trim();
      } catch (error) {
        throw new Error(`failed to interpolate value '${value}': cannot read ${file}: ${(error as Error).message}`);
      }
    }
    // $__vault and unknown expanders are left as-is, as Grafana does without the matching expander registered.
    return whole;
  });
}

/** Go's os.ExpandEnv: `${NAME}` or `$NAME` (identifier chars), unset variables become empty. */
function expandEnv(value: string, env: Env): string {
  return value.replace(
    /\$(?:\{([^}]*)\}|([A-Za-z0-9_]+))/g,
    (_whole, braced?: string, bare?: string) => env[braced ?? bare ?? ''] ?? ''
  );
}

export function interpolateValue(value: string, env: Env = process.env, baseDir = process.cwd()): string {
  return value
    .split('$$')
    .map((part) => expandEnv(expandGrafanaVars(part, env, baseDir), env))
    .join('$');
}

function interpolateDeep(value: unknown, env: Env, baseDir: string): unknown {
  if (typeof value === 'string') {
    return interpolateValue(value, env, baseDir);
  }
  if (Array.isArray(value)) {
    return value.map((item) => interpolateDeep(item, env, baseDir));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, env, baseDir)]));
  }
  return value;
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

function readYaml(file: string, env: Env): Record<string, unknown> {
  const parsed = (yaml.load(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  // Like Go's os.ReadFile, `$__file{}` paths are relative to the server's working directory.
  return interpolateDeep(parsed, env, process.cwd()) as Record<string, unknown>;
}

const asString = (value: unknown, fallback = ''): string =>
  value === undefined || value === null ? fallback : String(value);
const asBool = (value: unknown): boolean => value === true || value === 'true';
const asObject = <T>(value: unknown): Record<string, T> =>
  value && typeof value === 'object' ? (value as Record<string, T>) : {};

export function loadProvisioning(provisioningDir: string, env: Env = process.env): Provisioning {
  const datasources: StoredDataSource[] = [];
  for (const file of yamlFiles(path.join(provisioningDir, 'datasources'))) {
    const config = readYaml(file, env);
    const list = (config.datasources ?? []) as Array<Record<string, unknown>>;
    for (const ds of list) {
      const name = asString(ds.name);
      if (!name || !ds.type) {
        throw new Error(`${file}: a datasource needs a name and a type`);
      }
      datasources.push({
        id: datasources.length + 1,
        uid: asString(ds.uid, name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-')),
        orgId: Number(ds.orgId ?? 1),
        name,
        type: asString(ds.type),
        access: ds.access === 'direct' ? 'direct' : 'proxy',
        url: asString(ds.url),
        user: asString(ds.user),
        database: asString(ds.database),
        basicAuth: asBool(ds.basicAuth),
        basicAuthUser: asString(ds.basicAuthUser),
        withCredentials: asBool(ds.withCredentials),
        isDefault: asBool(ds.isDefault),
        jsonData: asObject<unknown>(ds.jsonData),
        secureJsonData: Object.fromEntries(
          Object.entries(asObject<unknown>(ds.secureJsonData)).map(([key, value]) => [key, asString(value)])
        ),
        version: Number(ds.version ?? 1),
        readOnly: !asBool(ds.editable),
      });
    }
  }

  const apps: StoredAppSettings[] = [];
  for (const file of yamlFiles(path.join(provisioningDir, 'plugins'))) {
    const config = readYaml(file, env);
    for (const app of (config.apps ?? []) as Array<Record<string, unknown>>) {
      apps.push({
        pluginId: asString(app.type),
        enabled: !asBool(app.disabled),
        pinned: true,
        jsonData: asObject<unknown>(app.jsonData),
        secureJsonData: Object.fromEntries(
          Object.entries(asObject<unknown>(app.secureJsonData)).map(([key, value]) => [key, asString(value)])
        ),
      });
    }
  }
  return { datasources, apps };
}
