#!/usr/bin/env bash
# System packages the tests use: Chromium for the sandbox e2e, Prometheus and node-exporter for the metric checks,
# Debian's kubectl (kubernetes-client) beside any kubectl the machine already has, openssl for the testbed's PKI, and a
# Go toolchain new enough for the modules of testbed/go/ (testbed/build.sh builds the control plane with it).
#
#   GO_INSTALL_PREFIX  where a Go fetched here is put when the machine has none recent enough (default /usr/local:
#                      the release in /usr/local/go1.N.P, linked as /usr/local/bin/go and gofmt)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

fail() {
  echo "install-system-deps: $1" >&2
  exit 1
}

apt_updated=""
apt_update() {
  [ -n "$apt_updated" ] || $SUDO apt-get update -qq
  apt_updated=1
}

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v prometheus >/dev/null || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null || need+=(prometheus-node-exporter)
command -v zip >/dev/null || need+=(zip)
command -v unzip >/dev/null || need+=(unzip)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# Debian's kubernetes-client owns /usr/bin/kubectl, which the image's own kubectl package may hold already,
# so it is unpacked beside it instead of installed: tests use both clients.
if [ ! -x /opt/debian-kubectl/usr/bin/kubectl ]; then
  apt_update
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download kubernetes-client >/dev/null)
  $SUDO mkdir -p /opt/debian-kubectl
  $SUDO dpkg -x "$tmp"/kubernetes-client_*.deb /opt/debian-kubectl
  rm -rf "$tmp"
fi

# --- Go -------------------------------------------------------------------------------------------------------------
# The release fetched when the machine's Go is older than the newest `go` line of testbed/go/*/go.mod.
GO_RELEASE=go1.26.8
# Toolchain switching (GOTOOLCHAIN) came with Go 1.21; an older go can still fetch a release as a module.
GO_SWITCHING=1.21
go_needed="$(sed -n 's/^go //p' "$repo"/testbed/go/*/go.mod | sort -V | tail -n 1)"
go_prefix="${GO_INSTALL_PREFIX:-/usr/local}"

at_least() { # version minimum
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

go_version() { # go binary -> 1.26.8 (empty when it does not run)
  "$1" env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p'
}

# Go releases are modules too (golang.org/toolchain, what GOTOOLCHAIN downloads): `go mod download` of any Go version
# fetches one from the Go module proxy, checked against the checksum database.
fetch_release() { # bootstrap-go
  local arch dir dest
  case "$(dpkg --print-architecture)" in
    amd64 | arm64 | s390x | riscv64) arch="$(dpkg --print-architecture)" ;;
    ppc64el) arch=ppc64le ;;
    i386) arch=386 ;;
    armhf) arch=armv6l ;;
    *) fail "no Go release for architecture $(dpkg --print-architecture): install Go $go_needed or later by hand." ;;
  esac
  local module="golang.org/toolchain@v0.0.1-$GO_RELEASE.linux-$arch"
  dir="$("$1" mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')" || true
  [ -n "$dir" ] && [ -f "$dir/bin/go" ] ||
    fail "$1 could not fetch $module from the Go module proxy ($("$1" env GOPROXY)); point GOPROXY at one that serves it, or install Go $go_needed or later from https://go.dev/dl/, then run again."
  dest="$go_prefix/$GO_RELEASE"
  $SUDO rm -rf "$dest.partial"
  $SUDO mkdir -p "$go_prefix/bin"
  $SUDO cp -R "$dir" "$dest.partial"
  $SUDO chmod -R u+w "$dest.partial" # the module cache keeps its files read-only
  # Module zips keep no file modes: the commands need their x bit back.
  $SUDO chmod a+x "$dest.partial"/bin/* "$dest.partial"/pkg/tool/*/*
  $SUDO rm -rf "$dest"
  $SUDO mv "$dest.partial" "$dest"
  $SUDO ln -sfn "$dest/bin/go" "$go_prefix/bin/go"
  $SUDO ln -sfn "$dest/bin/gofmt" "$go_prefix/bin/gofmt"
  echo "Go: fetched $GO_RELEASE from the Go module proxy with $1 into $dest, linked as $go_prefix/bin/go"
}

ensure_go() {
  local go_bin version="" bootstrap="" tmp=""
  go_bin="$(command -v go || true)"
  [ -z "$go_bin" ] || version="$(go_version "$go_bin")"
  [ -z "$go_bin" ] || [ -n "$version" ] ||
    fail "$go_bin does not run (\`go env GOVERSION\` failed: see \`$go_bin env GOVERSION\`); fix or remove it, then run again."
  if [ -n "$version" ] && at_least "$version" "$go_needed"; then
    echo "Go: go$version ($go_bin) is new enough for testbed/go (needs go$go_needed)"
    return
  fi
  if [ -z "$go_bin" ]; then
    apt_update
    local candidate
    candidate="$(apt-cache policy golang-go | sed -n 's/^ *Candidate: \([0-9]*:\)\{0,1\}\([0-9.]*\).*/\2/p')"
    [ -n "$candidate" ] ||
      fail "no go on PATH and apt offers no golang-go: install Go $go_needed or later from https://go.dev/dl/, then run again."
    if at_least "$candidate" "$GO_SWITCHING"; then
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends golang-go
      go_bin="$(command -v go)"
      version="$(go_version "$go_bin")"
      echo "Go: installed Debian's golang-go (go$version, $go_bin)"
      if at_least "$version" "$go_needed"; then
        return
      fi
    else
      # Too old to switch, and it would shadow the fetched release wherever /usr/bin comes first: unpack, do not install.
      local package
      package="$(apt-cache depends golang-go | sed -n 's/^ *Depends: \(golang-1\.[0-9]*-go\)$/\1/p' | head -n 1)"
      tmp="$(mktemp -d)"
      (cd "$tmp" && apt-get download "$package" >/dev/null && dpkg -x "$package"_*.deb root)
      bootstrap="$(echo "$tmp"/root/usr/lib/go-*/bin/go)"
      echo "Go: none on PATH; Debian offers golang-go $candidate only, older than toolchain switching (Go $GO_SWITCHING): using its go from $package, unpacked in $tmp, to fetch $GO_RELEASE"
    fi
  fi

  if [ -z "$bootstrap" ] && [ -n "$version" ] && at_least "$version" "$GO_SWITCHING"; then
    [ -z "${GOTOOLCHAIN:-}" ] ||
      fail "go$version ($go_bin) is older than testbed/go needs (go$go_needed), and GOTOOLCHAIN=$GOTOOLCHAIN in the environment would override the fix: unset GOTOOLCHAIN (or set it to $GO_RELEASE) and run again."
    # Fetch first: a GOTOOLCHAIN naming a release that cannot be fetched would break every go command.
    GOTOOLCHAIN="$GO_RELEASE" "$go_bin" version >/dev/null ||
      fail "$go_bin could not fetch $GO_RELEASE from the Go module proxy ($("$go_bin" env GOPROXY)); point GOPROXY at one that serves golang.org/toolchain, or install Go $go_needed or later from https://go.dev/dl/."
    "$go_bin" env -w GOTOOLCHAIN="$GO_RELEASE"
    echo "Go: go$version ($go_bin) is older than testbed/go needs (go$go_needed): set GOTOOLCHAIN=$GO_RELEASE in $("$go_bin" env GOENV) (go env -w), so go runs $GO_RELEASE, fetched from the Go module proxy. Undo: go env -u GOTOOLCHAIN"
  else
    [ -n "$bootstrap" ] ||
      echo "Go: go$version ($go_bin) is older than testbed/go needs (go$go_needed) and than toolchain switching (Go $GO_SWITCHING)"
    fetch_release "${bootstrap:-$go_bin}"
  fi
  [ -z "$tmp" ] || rm -rf "$tmp"

  hash -r
  go_bin="$(command -v go || true)"
  version="$([ -z "$go_bin" ] || go_version "$go_bin")"
  if [ -z "$version" ] || ! at_least "$version" "$go_needed"; then
    fail "go on PATH is still ${go_bin:-missing}${version:+ (go$version)}: put $go_prefix/bin first in PATH${go_bin:+ (before $(dirname "$go_bin"))}, then run again."
  fi
}
ensure_go
