// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const grafanaConfig = require('./.config/jest.config');

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...grafanaConfig,
  // Besides the plugin (src/), the test ground (testbed/, exporters/, simulator/, sandbox/), the build scripts, our
  // lint rules (eslint-rules/) and integration/ (src/ against the testbed, directly and through the sandbox) carry
  // jest tests; those run in the node environment through a `@jest-environment node` docblock. Browser e2e specs
  // (e2e/) are not jest tests.
  testMatch: [
    '<rootDir>/{src,scripts,simulator,sandbox,integration,testbed,exporters,eslint-rules}/**/*.{spec,test}.{js,jsx,ts,tsx}',
  ],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/'],
  // Under jsdom, d3-color (via @grafana/data) resolves to its ESM-only .mjs build; compile it like the .js files.
  transform: {
    ...grafanaConfig.transform,
    '^.+\\.mjs$': grafanaConfig.transform['^.+\\.(t|j)sx?$'],
  },
};
