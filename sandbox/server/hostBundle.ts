import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { externals } from '../../.config/bundler/externals';
import { repoRoot } from './paths';

/**
 * Builds the host page bundle (sandbox/host/main.tsx) with esbuild from node_modules. The modules the host shares with
 * plugins are exactly the plugin build's externals (.config/bundler/externals.ts): whatever the bundle leaves to the
 * host, the host must supply, as Grafana's public/app/features/plugins/loader/sharedDependencies.ts does.
 */

const requireFromRepo = createRequire(path.join(repoRoot, 'package.json'));

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

export function sharedDependencyNames(): SharedDependencyList {
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
    try {
      requireFromRepo.resolve(name);
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

function sharedDependenciesPlugin(names: string[]): Plugin {
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
          resolveDir: repoRoot,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * Grafana's frontend has one copy of each of these; node_modules here nests extra copies under @grafana/* (rxjs 7.8.1,
 * lodash, @emotion/css 11.13). Resolve every import of them to a single copy, as Grafana's own bundle does, so that
 * plugin and host share one emotion cache and one rxjs. @emotion/css is the copy @grafana/ui 12.0.2 was built with.
 */
function singleCopiesPlugin(): Plugin {
  const owner: Record<string, string> = {
    rxjs: repoRoot,
    lodash: repoRoot,
    '@emotion/css': path.join(repoRoot, 'node_modules/@grafana/ui'),
  };
  return {
    name: 'sandbox-single-copies',
    setup(pluginBuild) {
      // The published ESM builds of @grafana/ui 12.0.2 re-export names their per-file modules tree-shook away; the CJS
      // builds (what jest and Node use) are complete.
      pluginBuild.onResolve({ filter: /^@grafana\/(ui|data|runtime|schema|e2e-selectors)$/ }, (args) => ({
        path: createRequire(path.join(args.resolveDir || repoRoot, 'noop.js')).resolve(args.path),
      }));
      pluginBuild.onResolve({ filter: /^(rxjs|lodash|@emotion\/css)(\/.*)?$/ }, async (args) => {
        if (args.pluginData === 'single-copy') {
          return undefined;
        }
        const name = Object.keys(owner).find((key) => args.path === key || args.path.startsWith(`${key}/`))!;
        return pluginBuild.resolve(args.path, { resolveDir: owner[name], kind: args.kind, pluginData: 'single-copy' });
      });
    },
  };
}

export async function buildHostBundle(outFile: string): Promise<SharedDependencyList> {
  const shared = sharedDependencyNames();
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
    plugins: [singleCopiesPlugin(), sharedDependenciesPlugin(shared.provided)],
  });
  return shared;
}
