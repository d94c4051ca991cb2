// Jest setup provided by Grafana scaffolding. It patches browser globals, so it only applies to jsdom tests;
// the simulator, sandbox and script tests run under `@jest-environment node`.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');
}
