import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/**
 * The Grafana lines the sandbox can host the built plugin on. Each line's frontend modules (@grafana/data, ui,
 * runtime, React, rxjs, lodash, emotion) are installed apart from the build's own node_modules, in
 * sandbox/hosts/grafana-<line>/, so that the plugin runs on what that Grafana hands it at run time, not on what it was
 * built against. One sandbox process hosts one line: KUBEATLAS_GRAFANA_LINE (default: the build's line).
 */
export const GRAFANA_LINES = ['11.6', '12.4', '13.2'] as const;
export type GrafanaLine = (typeof GRAFANA_LINES)[number];
export const DEFAULT_GRAFANA_LINE: GrafanaLine = '12.4';

export interface GrafanaHost {
  line: GrafanaLine;
  /** Where the line's modules are installed (its package.json and lockfile are committed). */
  dir: string;
  /** The installed @grafana/data version: the buildInfo.version the boot data reports. */
  version: string;
  reactVersion: string;
}

export function selectedGrafanaLine(env: Record<string, string | undefined> = process.env): GrafanaLine {
  const wanted = env.KUBEATLAS_GRAFANA_LINE ?? DEFAULT_GRAFANA_LINE;
  const line = GRAFANA_LINES.find((candidate) => candidate === wanted);
  if (!line) {
    throw new Error(`KUBEATLAS_GRAFANA_LINE=${wanted}: the sandbox hosts Grafana ${GRAFANA_LINES.join(', ')}`);
  }
  return line;
}

function hostDir(line: GrafanaLine): string {
  return path.join(repoRoot, 'sandbox/hosts', `grafana-${line}`);
}

/** A package's version in the line's committed lockfile: known without installing anything. */
function lockedVersion(line: GrafanaLine, name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(hostDir(line), 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) {
    throw new Error(`sandbox/hosts/grafana-${line}/package-lock.json does not lock ${name}`);
  }
  return version;
}

/** The version the boot data's buildInfo and the proxy's User-Agent report for the line the sandbox hosts. */
export function grafanaVersion(line: GrafanaLine = selectedGrafanaLine()): string {
  return lockedVersion(line, '@grafana/data');
}

/** The line's modules, installed from its lockfile on first use (a fresh machine's e2e run does its own set-up). */
export function grafanaHost(line: GrafanaLine = selectedGrafanaLine()): GrafanaHost {
  const dir = hostDir(line);
  if (!fs.existsSync(path.join(dir, 'node_modules/@grafana/ui/package.json'))) {
    // --ignore-scripts for the reason scripts/test-all.sh gives (ttf2woff2 compiling C++ for an unused icon converter).
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: 'inherit' });
  }
  return {
    line,
    dir,
    version: grafanaVersion(line),
    reactVersion: lockedVersion(line, 'react'),
  };
}
