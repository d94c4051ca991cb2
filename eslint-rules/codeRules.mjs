/**
 * The catalog validator's frontend code rules (grafana/plugin-validator, pkg/analysis/passes/coderules/
 * semgrep-rules.yaml and coderules_test.go), enforced by our own lint because plugincheck2 cannot be built here.
 * Each entry names the validator rule it mirrors:
 *   code-rules-direct-window-location-access  window.location / location: use locationService from @grafana/runtime
 *   code-rules-console-logging                console.* (we ban every method, the validator a list of them)
 *   code-rules-native-browser-dialogs         alert / confirm / prompt: use Modal / ConfirmModal
 *   code-rules-window-open-without-noopener   window.open without 'noopener,noreferrer' (./window-open-noopener.mjs)
 *   /api/ds/query endpoint rule               a literal naming /api/ds/query: query through getDataSourceSrv()
 *   no-direct-css-imports                     `import './x.css'` and emotion's <Global>: use emotion's css()
 * Applied to the plugin's code only (src/, as the validator scans it), not to tests, fixtures or the tools kept in src/.
 */
import { windowOpenNoopener } from './window-open-noopener.mjs';

export const codeRulesPlugin = { rules: { 'window-open-noopener': windowOpenNoopener } };

export const CODE_RULE_FILES = ['src/**/*.{ts,tsx,js,jsx}'];
export const CODE_RULE_IGNORES = [
  'src/**/*.{test,spec}.{ts,tsx,js,jsx}',
  'src/**/__fixtures__/**',
  'src/**/testdata/**',
  // Tools that live beside the code they measure or generate; they print on purpose and never ship.
  'src/**/*.bench.ts',
  'src/**/*.prometheus.ts',
  'src/dashboards/generator/**',
];

const LOCATION =
  'Direct access to window.location is not permitted in a plugin: use locationService from @grafana/runtime.';
const DIALOG = 'Native browser dialogs are not permitted: use ConfirmModal or Modal from @grafana/ui.';
const DS_QUERY =
  'Do not call /api/ds/query directly: query through getDataSourceSrv().get(ref) and the datasource, as Grafana does.';
const CSS =
  'Global CSS imports are not permitted (they restyle all of Grafana): use css() from @emotion/css with useStyles2.';

export const codeRules = {
  'no-console': 'error',
  'no-restricted-globals': [
    'error',
    { name: 'location', message: LOCATION },
    { name: 'alert', message: DIALOG },
    { name: 'confirm', message: DIALOG },
    { name: 'prompt', message: DIALOG },
  ],
  'no-restricted-properties': [
    'error',
    ...['window', 'document', 'globalThis', 'self'].map((object) => ({
      object,
      property: 'location',
      message: LOCATION,
    })),
    ...['alert', 'confirm', 'prompt'].flatMap((property) =>
      ['window', 'globalThis', 'self'].map((object) => ({ object, property, message: DIALOG }))
    ),
  ],
  'no-restricted-syntax': [
    'error',
    { selector: 'Literal[value=/\\/api\\/ds\\/query/]', message: DS_QUERY },
    { selector: 'TemplateElement[value.raw=/\\/api\\/ds\\/query/]', message: DS_QUERY },
    { selector: 'ImportDeclaration[specifiers.length=0][source.value=/\\.(css|scss|sass|less)$/]', message: CSS },
    { selector: "JSXOpeningElement[name.name='Global']", message: CSS },
  ],
  'no-restricted-imports': [
    'error',
    {
      // 'moment' is the scaffold's own entry (@grafana/eslint-config base); a rule set here replaces it, so keep it.
      paths: ['moment', { name: '@emotion/react', importNames: ['Global'], message: CSS }],
    },
  ],
  'kubeatlas/window-open-noopener': 'error',
};

/** The flat-config block eslint.config.mjs adds. */
export const codeRulesConfig = {
  files: CODE_RULE_FILES,
  ignores: CODE_RULE_IGNORES,
  plugins: { kubeatlas: codeRulesPlugin },
  rules: codeRules,
};
