import fs from 'fs';
import path from 'path';
import semver from 'semver';
import type { Finding } from './finding';

/**
 * Which Grafana versions hand a module to plugins (public/app/features/plugins/loader/sharedDependencies.ts). The
 * externals of .config/bundler/externals.ts are shared from 11.6 on, except the JSX runtimes: grafana/grafana#108478
 * added them in 12.3.0 and grafana#117498 backported them to 11.6.11, 12.0.10, 12.1.7 and 12.2.5. A plugin whose
 * bundle asks for one fails to load on an older Grafana ("Could not load plugin").
 */
const JSX_RUNTIME_RANGE = '>=11.6.11 <12.0.0 || >=12.0.10 <12.1.0 || >=12.1.7 <12.2.0 || >=12.2.5 <12.3.0 || >=12.3.0';
export const SHARED_FROM: Record<string, string> = {
  'react/jsx-runtime': JSX_RUNTIME_RANGE,
  'react/jsx-dev-runtime': JSX_RUNTIME_RANGE,
};

/** Whether a Grafana version shares a module with plugins (modules without a range: every supported version). */
export function sharedBy(version: string, name: string): boolean {
  const range = SHARED_FROM[name];
  return !range || semver.satisfies(semver.coerce(version) ?? version, range);
}

/** The AMD dependencies of a webpack entry built by create-plugin: `define(["react", ...], factory)`. */
export function amdDependencies(source: string): string[] | undefined {
  const match = /^(?:\/\*[^]*?\*\/\s*)*define\((\[[^\]]*\])/.exec(source);
  return match ? (JSON.parse(match[1]) as string[]) : undefined;
}

/**
 * Every module the built entries ask Grafana for must be shared by every version grafanaDependency admits. A finding
 * names the module, the versions that lack it, and the two ways out.
 */
export function checkSharedModules(distDir: string, grafanaDependency: string): Finding[] {
  const findings: Finding[] = [];
  const entries = ['module.js', 'datasource/module.js'].map((file) => path.join(distDir, file));
  for (const entry of entries.filter((file) => fs.existsSync(file))) {
    const file = path.relative(path.dirname(distDir), entry);
    const dependencies = amdDependencies(fs.readFileSync(entry, 'utf8'));
    if (!dependencies) {
      findings.push({ file, rule: 'shared-modules', message: 'not an AMD module: no define([...]) at its start' });
      continue;
    }
    for (const name of dependencies) {
      const range = SHARED_FROM[name];
      if (range && !semver.subset(grafanaDependency, range)) {
        findings.push({
          file,
          rule: 'shared-modules',
          message:
            `imports ${name}, which Grafana shares only at ${range}, but grafanaDependency "${grafanaDependency}" ` +
            'admits older versions: raise grafanaDependency to that range, or keep the import out of the bundle',
        });
      }
    }
  }
  return findings;
}
