// What KubeAtlas's two plugin.json files must say, beyond Grafana's schema. One place for the ids and layout that
// `npm run validate` and `npm run package` both check.
export const APP_ID = 'kubeatlas-kubernetes-app';
export const DATASOURCE_ID = 'kubeatlas-kubernetes-datasource';
export const NESTED_DATASOURCE_PATH = 'datasource/plugin.json';
export const MIN_GRAFANA = '11.6.0';

/** Files the catalog expects in the package, relative to its single root folder (named after the app id). */
export const REQUIRED_PACKAGE_FILES = [
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'plugin.json',
  'module.js',
  'module.js.map',
  'datasource/plugin.json',
  'datasource/module.js',
  'datasource/module.js.map',
];
/** Folders that must hold at least one file. */
export const REQUIRED_PACKAGE_DIRS = ['img/'];

export function packageFileName(version: string): string {
  return `${APP_ID}-${version}.zip`;
}
