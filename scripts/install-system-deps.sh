#!/usr/bin/env bash
# Debian packages the tests use: Chromium for the sandbox e2e, Prometheus and node-exporter for the
# metric checks, and Debian's kubectl (kubernetes-client) beside any kubectl the machine already has.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v prometheus >/dev/null || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null || need+=(prometheus-node-exporter)
command -v zip >/dev/null || need+=(zip)
command -v unzip >/dev/null || need+=(unzip)
if [ ${#need[@]} -gt 0 ] || [ ! -x /opt/debian-kubectl/usr/bin/kubectl ]; then
  $SUDO apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# Debian's kubernetes-client owns /usr/bin/kubectl, which the image's own kubectl package may hold already,
# so it is unpacked beside it instead of installed: tests use both clients.
if [ ! -x /opt/debian-kubectl/usr/bin/kubectl ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download kubernetes-client >/dev/null)
  $SUDO mkdir -p /opt/debian-kubectl
  $SUDO dpkg -x "$tmp"/kubernetes-client_*.deb /opt/debian-kubectl
  rm -rf "$tmp"
fi
