#!/usr/bin/env bash
# The project's one test command (README: `npm run test:all`); CI runs exactly this.
# Each step prints a banner so a failure in CI's log names its step.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  echo
  echo "=== $1"
  shift
  "$@"
}

step "lint" npm run --silent lint
step "typecheck" npm run --silent typecheck
step "unit and integration tests (jest)" npm test --silent
step "simulator API: kubectl 1.32 and 1.20, client-node" npx tsx simulator/test/kubectl-check.ts
step "simulator metrics scraped by real Prometheus" npx tsx simulator/test/prometheus-check.ts
step "build" npm run --silent build
step "browser e2e: built plugin in the Grafana sandbox, headless Chromium, simulator stack" npm run --silent e2e
step "dashboards against real Prometheus (simulator + node-exporter)" npx jest --testMatch '<rootDir>/src/dashboards/*.prometheus.ts'
step "package" npm run --silent package
step "validate (schema, levitate, zip layout, plugincheck2)" npm run --silent validate
