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
# Each Grafana line the sandbox hosts (sandbox/hosts/grafana-<line>: its @grafana/*, React, rxjs) installs beside the
# rest; the e2e steps wait for it.
hosts_log=$(mktemp)
(
  for line in 11.6 12.4 13.2; do
    dir=sandbox/hosts/grafana-$line
    [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts) &
  done
  wait
) >"$hosts_log" 2>&1 &
hosts_pid=$!
grafana_hosts() {
  local status=0
  wait "$hosts_pid" || status=$?
  tail -n 5 "$hosts_log"
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
step "Grafana hosts for the sandbox: 11.6.16, 12.4.10 (React 18), 13.2.3 (React 19)" grafana_hosts
step "browser e2e on Grafana 13.2 (React 19), in full: built plugin in the sandbox, headless Chromium, testbed stack" \
  npm run --silent e2e -- --grafana 13.2
for line in 11.6 12.4; do
  step "browser e2e smoke on Grafana $line: every page, the drawer, Save & test, a query, the extensions" \
    npm run --silent e2e -- --grafana "$line" e2e/smoke.e2e.ts
done
step "dashboards against real Prometheus (testbed + metrics stand-in + node-exporter)" npx jest --testMatch '<rootDir>/src/dashboards/*.prometheus.ts'
step "package" npm run --silent package
step "validate (schema, levitate, zip layout, plugincheck2)" npm run --silent validate
