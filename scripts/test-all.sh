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

# On a fresh machine the README's test command does its own set-up: Debian packages (Chromium, Prometheus,
# node-exporter, kubectl, openssl, Go) and npm packages when node_modules is missing.
step "system packages" bash scripts/install-system-deps.sh
# The testbed's binaries take about 10 minutes of both cores to build cold (seconds when cached): the build runs
# beside the npm install, lint and typecheck, and the suites that need it wait for it.
build_log=$(mktemp)
bash testbed/build.sh >"$build_log" 2>&1 &
build_pid=$!
testbed_binaries() {
  local status=0
  wait "$build_pid" || status=$?
  cat "$build_log"
  return "$status"
}
# --ignore-scripts: the native tools (swc, esbuild) come as prebuilt optional packages; the only install script that
# would do work is ttf2woff2's (an icon-font converter under @grafana/ui) compiling C++ for minutes, unused here.
[ -d node_modules ] || step "npm packages" npm ci --no-audit --no-fund --ignore-scripts
step "lint" npm run --silent lint
step "typecheck" npm run --silent typecheck
step "testbed binaries: kube-apiserver, controller-manager, scheduler, etcd, kwok (built once, then cached)" testbed_binaries
step "unit and integration tests (jest; integration on the testbed's real control plane)" npm test --silent
step "README's Connect a cluster, verbatim, on the testbed" npx tsx scripts/connect-cluster-check.ts
step "metrics stand-in on the testbed, scraped by real Prometheus" npx tsx exporters/test/prometheus-check.ts
step "deploy/grafana-ha: kustomize builds, server-side dry run on the testbed" npx tsx scripts/grafana-ha-check.ts
step "build" npm run --silent build
step "browser e2e: built plugin in the Grafana sandbox, headless Chromium, testbed stack" npm run --silent e2e
step "dashboards against real Prometheus (testbed + metrics stand-in + node-exporter)" npx jest --testMatch '<rootDir>/src/dashboards/*.prometheus.ts'
step "package" npm run --silent package
step "validate (schema, levitate, zip layout, plugincheck2)" npm run --silent validate
