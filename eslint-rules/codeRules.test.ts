/**
 * @jest-environment node
 */
import path from 'node:path';
import { Linter, RuleTester } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { codeRulesConfig } from './codeRules.mjs';
import { windowOpenNoopener } from './window-open-noopener.mjs';

const repoRoot = path.resolve(__dirname, '..');
const typescript = {
  files: ['**/*.{ts,tsx}'],
  languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
};

/** Lints `code` as the file `relativePath` with the code-rules block exactly as eslint.config.mjs adds it. */
function lint(code: string, relativePath = 'src/sample.tsx'): Array<{ ruleId: string | null; message: string }> {
  const linter = new Linter({ cwd: repoRoot });
  return linter
    .verify(code, [typescript, codeRulesConfig] as Linter.Config[], { filename: path.join(repoRoot, relativePath) })
    .map(({ ruleId, message }) => ({ ruleId, message }));
}

const ruleIds = (code: string, relativePath?: string) => lint(code, relativePath).map((m) => m.ruleId);

describe('window-open-noopener (the validator’s window-open-without-noopener)', () => {
  new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } }).run(
    'window-open-noopener',
    windowOpenNoopener,
    {
      valid: [
        "window.open('https://example.com', '_blank', 'noopener,noreferrer');",
        "window.open('https://example.com', '_blank', 'noreferrer, noopener, width=800');",
        'window.open(url, "_blank", `noopener,noreferrer`);',
        // A local `open` or `window` is not the browser's.
        'function f(open) { open(url); }',
        'const window = { open() {} }; window.open(url);',
        'editor.open(url);',
      ],
      invalid: [
        "window.open('https://example.com');",
        "window.open('https://example.com', '_blank');",
        "window.open('https://example.com', '_blank', 'width=800,height=600');",
        "window.open(url, '_blank', 'noopener');",
        "window['open'](url, '_blank');",
        "globalThis.open(url, '_blank', 'noreferrer');",
        "open(url, '_blank');",
        // A features value the rule cannot read is not proven safe.
        "window.open(url, '_blank', features);",
      ].map((code) => ({ code, errors: [{ messageId: 'missing' }] })),
    }
  );
});

describe('the code rules as configured for src/', () => {
  it.each([
    ['window.location', 'const search = window.location.search;', 'no-restricted-properties'],
    ['window.location assignment', "window.location.href = '/a/x';", 'no-restricted-properties'],
    ['bare location', 'const here = location.pathname;', 'no-restricted-globals'],
    ['document.location', 'const url = document.location.href;', 'no-restricted-properties'],
    ['console.log', "console.log('x');", 'no-console'],
    ['console.error', "console.error('x');", 'no-console'],
    ['alert', "alert('x');", 'no-restricted-globals'],
    ['window.confirm', "window.confirm('sure?');", 'no-restricted-properties'],
    ['prompt', "prompt('name');", 'no-restricted-globals'],
    ['window.open without noopener', "window.open(url, '_blank');", 'kubeatlas/window-open-noopener'],
    ['/api/ds/query literal', "fetch('/api/ds/query', { method: 'POST' });", 'no-restricted-syntax'],
    ['/api/ds/query template', 'getBackendSrv().post(`${base}/api/ds/query?ds_type=x`, body);', 'no-restricted-syntax'],
    ['global CSS import', "import './styles.css';", 'no-restricted-syntax'],
    ['global SCSS import', "import '../theme/global.scss';", 'no-restricted-syntax'],
    ["emotion's Global", "import { Global } from '@emotion/react';", 'no-restricted-imports'],
    ['<Global>', 'const g = <Global styles={{}} />;', 'no-restricted-syntax'],
    ['moment (the scaffold’s own entry, kept)', "import moment from 'moment';", 'no-restricted-imports'],
  ])('%s is reported', (_what, code, ruleId) => {
    expect(ruleIds(code)).toContain(ruleId);
  });

  it('names the cause and the fix', () => {
    const [location] = lint('const search = window.location.search;');
    expect(location.message).toMatch(/locationService from @grafana\/runtime/);
    const [css] = lint("import './styles.css';");
    expect(css.message).toMatch(/css\(\) from @emotion\/css/);
  });

  it('accepts what the validator’s good samples do', () => {
    const good = [
      "import { locationService } from '@grafana/runtime';",
      'const search = locationService.getSearch();',
      "window.open('https://example.com', '_blank', 'noopener,noreferrer');",
      "getDataSourceSrv().get('my-datasource').then((ds) => ds.query(request));",
      "import { css } from '@emotion/css';",
      "const styles = css({ color: 'red' });",
      "const proxied = '/api/datasources/proxy/uid/x/k8s-read';",
      "const origin = new URL('/a/b', 'http://x').origin;",
    ].join('\n');
    expect(lint(good)).toEqual([]);
  });

  it('leaves tests, fixtures and the tools outside the plugin alone', () => {
    const bad = "console.log(window.location.href); alert('x');";
    for (const file of [
      'src/k8s/client.test.ts',
      'src/model/testdata/arbitraries.ts',
      'src/datasource/frames.bench.ts',
      'src/dashboards/generator/generate.ts',
      'scripts/package.ts',
      'sandbox/host/main.tsx',
      'e2e/run.ts',
    ]) {
      expect([file, ruleIds(bad, file)]).toEqual([file, []]);
    }
    expect(ruleIds(bad, 'src/pages/OverviewPage.tsx').length).toBeGreaterThan(0);
  });
});
