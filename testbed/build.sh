#!/usr/bin/env bash
# Builds the testbed's binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok) from the Go
# modules pinned in testbed/go/, into a cache keyed by the content of those modules and the Go version. A second run
# on the same machine finds the key and builds nothing. Prints the bin folder on its last line.
#
#   KUBEATLAS_TESTBED_CACHE  where built binaries are kept (default ~/.cache/kubeatlas/testbed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${KUBEATLAS_TESTBED_CACHE:-$HOME/.cache/kubeatlas/testbed}"

fail() {
  echo "testbed build: $1" >&2
  exit 1
}

command -v go >/dev/null 2>&1 ||
  fail "no Go toolchain on PATH. Run scripts/install-system-deps.sh (it fetches Go 1.26 from the Go module proxy; Debian's golang-go is too old), then run again."

go_version="$(go env GOVERSION)"
k8s_version="$(cd "$here/go/kubernetes" && go list -m -f '{{.Version}}' k8s.io/kubernetes)" ||
  fail "testbed/go/kubernetes/go.mod does not resolve k8s.io/kubernetes (above)"

key="$( (
  echo "$go_version"
  cd "$here/go" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | LC_ALL=C sort | xargs sha256sum
) | sha256sum | cut -c1-16)"
bin="$cache_root/$key/bin"

if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kube-controller-manager" ] && [ -x "$bin/kube-scheduler" ] &&
  [ -x "$bin/etcd" ] && [ -x "$bin/kwok" ]; then
  echo "testbed build: cached ($key, $go_version, k8s $k8s_version)" >&2
  echo "$bin"
  exit 0
fi

mkdir -p "$bin.partial"
export CGO_ENABLED=0
# The version kube-apiserver reports on /version, set the way Kubernetes' own hack/lib/version.sh sets it; without
# it the binaries say v0.0.0-master+$Format:%H$.
minor="${k8s_version#v1.}"
minor="${minor%%.*}"
ver_pkg=k8s.io/component-base/version
ldflags="-s -w -X $ver_pkg.gitVersion=$k8s_version -X $ver_pkg.gitMajor=1 -X $ver_pkg.gitMinor=$minor"
ldflags+=" -X $ver_pkg.gitTreeState=clean -X $ver_pkg.buildDate=1970-01-01T00:00:00Z"
ldflags+=" -X $ver_pkg.gitCommit=module-proxy-$k8s_version"

build() { # module-dir output package
  local dir="$1" out="$2" pkg="$3" flags="${4:-}" log
  log="$(mktemp)"
  local started=$SECONDS
  if ! (cd "$here/go/$dir" && go build -trimpath -ldflags "$flags" -o "$bin.partial/$out" "$pkg") >"$log" 2>&1; then
    if grep -qE '(403|404|410) (Forbidden|Not Found|Gone)|not available|reading https?://' "$log"; then
      tail -n 20 "$log" >&2
      fail "the Go module proxy ($(go env GOPROXY)) refused a module that $out needs (above). Point GOPROXY at a proxy that serves it, or pre-fill the module cache ($(go env GOMODCACHE)) from a machine that has it."
    fi
    tail -n 40 "$log" >&2
    fail "building $out from testbed/go/$dir failed (above)."
  fi
  rm -f "$log"
  echo "testbed build: $out in $((SECONDS - started)) s" >&2
}

echo "testbed build: building into $cache_root/$key (a cold build takes about 10 minutes on 2 cores)" >&2
build etcd etcd .
build kwok kwok sigs.k8s.io/kwok/cmd/kwok
build kubernetes kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$ldflags"
build kubernetes kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$ldflags"
build kubernetes kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler "$ldflags"
rm -rf "$bin"
mv "$bin.partial" "$bin"
echo "$bin"
