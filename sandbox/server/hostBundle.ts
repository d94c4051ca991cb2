import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { externals } from '../../.config/bundler/externals';
import { sharedBy } from '../../scripts/lib/shared-modules';
import type { GrafanaHost } from './grafanaLines';
import { repoRoot } from './paths';

/**
 * Builds the host page bundle (sandbox/host/main.tsx) with esbuild from one Grafana line's modules
 * (sandbox/hosts/grafana-<line>/node_modules, see grafanaLines.ts). The modules the host shares with plugins are
 * exactly the plugin build's externals (.config/bundler/externals.ts): whatever the bundle leaves to the host, the
 * host must supply, as Grafana's public/app/features/plugins/loader/sharedDependencies.ts does.
 */

/** `/^@grafana\/ui/i` → `@grafana/ui`; anything that is not a plain anchored package name is not a shareable module. */
function packageNameFromPattern(pattern: RegExp): string | undefined {
  const match = /^\^((?:@[\w-]+\\\/)?[\w.-]+)$/.exec(pattern.source);
  return match ? match[1].replace(/\\\//g, '/') : undefined;
}

export interface SharedDependencyList {
  provided: string[];
  /** Externals that no installed package satisfies (e.g. angular): a plugin importing one fails to load, loudly. */
  missing: string[];
}

export function sharedDependencyNames(host: GrafanaHost): SharedDependencyList {
  const requireFromHost = createRequire(path.join(host.dir, 'package.json'));
  const names = new Set<string>();
  for (const entry of Array.isArray(externals) ? externals : [externals]) {
    if (typeof entry === 'string') {
      names.add(entry);
    } else if (entry instanceof RegExp) {
      const name = packageNameFromPattern(entry);
      if (name) {
        names.add(name);
      }
    }
    // `{ 'amd-module': 'module' }` maps to the AMD loader's own `module`; the `grafana/` function covers legacy names.
  }
  const provided: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    if (!sharedBy(host.version, name)) {
      missing.push(name);
      continue;
    }
    try {
      requireFromHost.resolve(name);
      provided.push(name);
    } catch (error) {
      // ESM-only packages (d3) have no `require` export but bundle fine.
      ((error as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' ? provided : missing).push(name);
    }
  }
  return { provided: provided.sort(), missing: missing.sort() };
}

// Grafana's sharedDependencies.ts hands these to AMD plugins as their default export (`__useDefault`).
const USE_DEFAULT = new Set(['lodash', 'moment', 'jquery']);

function sharedDependenciesPlugin(names: string[], host: GrafanaHost): Plugin {
  return {
    name: 'sandbox-shared-dependencies',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^sandbox:shared-dependencies$/ }, () => ({
        path: 'shared-dependencies',
        namespace: 'sandbox',
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'sandbox' }, () => {
        const imports = names.map((name, index) => `import * as dep${index} from ${JSON.stringify(name)};`);
        const entries = names.map((name, index) =>
          USE_DEFAULT.has(name)
            ? `${JSON.stringify(name)}: { ...dep${index}, __useDefault: true }`
            : `${JSON.stringify(name)}: dep${index}`
        );
        return {
          contents: `${imports.join('\n')}\nexport const sharedDependencies = {\n${entries.join(',\n')}\n};\n`,
          resolveDir: host.dir,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * Every package the host's own sources import comes from the line's modules, not from the build's node_modules. And
 * Grafana's frontend has one copy of rxjs, lodash and @emotion/css where the line's node_modules may nest more under
 * @grafana/*: every import of them resolves to one copy, as Grafana's own bundle does, so that plugin and host share
 * one emotion cache and one rxjs (@emotion/css: the copy the line's @grafana/ui was built with).
 */
function hostModulesPlugin(host: GrafanaHost): Plugin {
  const hostSources = path.join(repoRoot, 'sandbox/host') + path.sep;
  const owner: Record<string, string> = {
    rxjs: host.dir,
    lodash: host.dir,
    '@emotion/css': path.join(host.dir, 'node_modules/@grafana/ui'),
  };
  return {
    name: 'sandbox-host-modules',
    setup(pluginBuild) {
      // The published ESM builds of @grafana/ui 12.0.2 re-exported names their per-file modules tree-shook away; the
      // CJS builds (what jest and Node use) are complete, so the host takes those on every line.
      pluginBuild.onResolve({ filter: /^@grafana\/(ui|data|runtime|schema|e2e-selectors)$/ }, (args) => {
        const from = !args.resolveDir || `${args.resolveDir}${path.sep}`.startsWith(hostSources) ? host.dir : args.resolveDir;
        return { path: createRequire(path.join(from, 'noop.js')).resolve(args.path) };
      });
      pluginBuild.onResolve({ filter: /^(rxjs|lodash|@emotion\/css)(\/.*)?$/ }, async (args) => {
        if (args.pluginData === 'host-module') {
          return undefined;
        }
        const name = Object.keys(owner).find((key) => args.path === key || args.path.startsWith(`${key}/`))!;
        return pluginBuild.resolve(args.path, { resolveDir: owner[name], kind: args.kind, pluginData: 'host-module' });
      });
      // @grafana/ui links through react-router-dom-v5-compat, which its install nests with its own react-router; in
      // Grafana's bundle there is one react-router, so the compat links see the app's router (a second copy has no
      // router context: "Cannot destructure property 'basename'").
      pluginBuild.onResolve({ filter: /^react-router$/ }, async (args) => {
        if (args.pluginData === 'host-module' || !args.importer.includes(`${path.sep}react-router-dom-v5-compat${path.sep}`)) {
          return undefined;
        }
        return pluginBuild.resolve(args.path, { resolveDir: host.dir, kind: args.kind, pluginData: 'host-module' });
      });
      pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        const virtual = args.path.startsWith('sandbox:');
        if (virtual || args.pluginData === 'host-module' || !`${args.resolveDir}${path.sep}`.startsWith(hostSources)) {
          return undefined;
        }
        return pluginBuild.resolve(args.path, { resolveDir: host.dir, kind: args.kind, pluginData: 'host-module' });
      });
    },
  };
}

export async function buildHostBundle(outFile: string, host: GrafanaHost): Promise<SharedDependencyList> {
  const shared = sharedDependencyNames(host);
  await build({
    entryPoints: [path.join(repoRoot, 'sandbox/host/main.tsx')],
    bundle: true,
    outfile: outFile,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    logLevel: 'error',
    // CSS imported by @grafana/ui's dependencies (monaco) lands in sandbox-host.css, its fonts and images beside it.
    loader: {
      '.ttf': 'file',
      '.woff': 'file',
      '.woff2': 'file',
      '.eot': 'file',
      '.png': 'file',
      '.svg': 'file',
      '.gif': 'file',
    },
    assetNames: '[name]-[hash]',
    plugins: [hostModulesPlugin(host), sharedDependenciesPlugin(shared.provided, host)],
  });
  return shared;
}
