import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';

// Grafana's catalog validator, built from its Go module at a pinned release.
export const PLUGINCHECK_MODULE = 'github.com/grafana/plugin-validator/pkg/cmd/plugincheck2';
export const PLUGINCHECK_VERSION = 'v0.31.0';

export type PlugincheckResult =
  { status: 'skipped'; reason: string } | { status: 'passed'; output: string } | { status: 'failed'; output: string };

export function runPlugincheck(root: string, zipFile: string): PlugincheckResult {
  if (spawnSync('go', ['version']).status !== 0) {
    return { status: 'skipped', reason: 'no Go toolchain on this machine (install Go to run the catalog validator)' };
  }
  const bin = path.join(root, '.tmp', 'bin');
  const install = spawnSync('go', ['install', `${PLUGINCHECK_MODULE}@${PLUGINCHECK_VERSION}`], {
    encoding: 'utf8',
    env: { ...process.env, GOBIN: bin },
  });
  if (install.status !== 0) {
    return {
      status: 'skipped',
      reason:
        `the Go module proxy did not serve ${PLUGINCHECK_MODULE}@${PLUGINCHECK_VERSION}, so the catalog validator ` +
        `cannot be built here:\n${install.stderr.trim()}`,
    };
  }
  const exe = path.join(bin, 'plugincheck2');
  if (!fs.existsSync(exe)) {
    return { status: 'skipped', reason: `go install succeeded but ${exe} is missing` };
  }
  const run = spawnSync(exe, ['-sourceCodeUri', `file://${root}`, zipFile], { cwd: root, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  return run.status === 0 ? { status: 'passed', output } : { status: 'failed', output };
}
