import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';
import { codeRulesConfig } from './eslint-rules/codeRules.mjs';

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
    ],
  },
  ...baseConfig,
  {
    // The scaffold lints only src/; the tools around the plugin are TypeScript too.
    files: ['{scripts,simulator,sandbox,e2e,integration,testbed,exporters,eslint-rules}/**/*.ts', '*.ts'],
  },
  // The catalog validator's frontend code rules, on the plugin's own code (eslint-rules/codeRules.mjs).
  codeRulesConfig,
]);
