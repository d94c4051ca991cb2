#!/bin/sh
# One-shot setup job of the docker compose demo (docker-compose.yaml), run in the k3s image for its kubectl. It does
# to the k3s cluster what a user would, then hands Grafana and Prometheus their credentials:
#   1. waits for the API server; writes a kubeconfig that reaches it as https://k3s:6443 (for kube-state-metrics);
#   2. applies KubeAtlas' RBAC as users do (deploy/kubernetes) and the demo Prometheus' ServiceAccount;
#   3. starts kwok with the testbed's Stages (deploy/docker/cluster/kwok-controller.yaml);
#   4. applies the demo scenario (testbed/scenarios/demo: fake nodes, workloads, planted problems, prometheus-operator
#      monitors), its CustomResourceDefinitions first until established, and, as the testbed does, runs at once each
#      CronJob annotated testbed.kubeatlas.io/run-now;
#   5. writes to /credentials the token and CA of ServiceAccount kubeatlas/kubeatlas (read from its Secret
#      kubeatlas-token, as the README's "Connect a cluster" does) and the Prometheus token.
# Every step is idempotent: a second `docker compose up` applies the same objects again.
set -eu

ADMIN_KUBECONFIG=/k3s-admin/kubeconfig.yaml
COMPOSE_KUBECONFIG=/k3s-admin/kubeconfig-compose.yaml
API_SERVER=https://k3s:6443
CREDENTIALS=/credentials
DEMO=/demo
REAL_NODE=k3s-server
TIMEOUT_SECONDS=${DEMO_SETUP_TIMEOUT_SECONDS:-300}

fail() {
  echo "setup: $*" >&2
  exit 1
}

kubectl() { command kubectl --kubeconfig "$COMPOSE_KUBECONFIG" "$@"; }

# wait_for DESCRIPTION FIX COMMAND...: runs COMMAND every 2 s until it succeeds, or fails naming the fix.
wait_for() {
  description=$1
  fix=$2
  shift 2
  waited=0
  until "$@" >/dev/null 2>&1; do
    if [ "$waited" -ge "$TIMEOUT_SECONDS" ]; then
      fail "gave up after ${TIMEOUT_SECONDS} s waiting for $description. $fix"
    fi
    sleep 2
    waited=$((waited + 2))
  done
}

# secret_value NAMESPACE SECRET KEY: the decoded value, empty until the token controller has filled the Secret.
secret_value() {
  kubectl -n "$1" get secret "$2" -o go-template="{{ or (index .data \"$3\") \"\" | base64decode }}" 2>/dev/null
}

# write_secret_value NAMESPACE SECRET KEY FILE: waits for the value, then writes it readable by every demo container.
write_secret_value() {
  waited=0
  until [ -n "$(secret_value "$1" "$2" "$3")" ]; do
    if [ "$waited" -ge "$TIMEOUT_SECONDS" ]; then
      fail "gave up after ${TIMEOUT_SECONDS} s waiting for $3 in Secret $1/$2: the token controller of k3s fills it; see \`docker compose logs k3s\`."
    fi
    sleep 2
    waited=$((waited + 2))
  done
  secret_value "$1" "$2" "$3" >"$4.new"
  chmod 644 "$4.new"
  mv "$4.new" "$4"
}

for required in \
  "$DEMO/kubernetes/kubeatlas-reader.yaml" \
  "$DEMO/kubernetes/kubeatlas-operator.yaml" \
  "$DEMO/cluster/kwok-controller.yaml" \
  "$DEMO/cluster/kwok-demo.yaml" \
  "$DEMO/cluster/prometheus-scraper.yaml" \
  "$DEMO/kwok/stages.yaml" \
  "$DEMO/kwok/pod-logs/current.cri" \
  "$DEMO/kwok/pod-logs/previous.cri"; do
  [ -f "$required" ] || fail "$required is missing: docker compose mounts it from deploy/ or testbed/ of this checkout; run it from the repository root of a complete checkout."
done
set -- "$DEMO"/scenario/*.yaml
[ -f "$1" ] || fail "no manifests in $DEMO/scenario: docker compose mounts testbed/scenarios/demo there; run it from the repository root of a complete checkout."

# 1. The API server, reached from the other containers by its compose service name.
wait_for "k3s to write its admin kubeconfig $ADMIN_KUBECONFIG" "Is the k3s service running? See \`docker compose logs k3s\` (it needs privileged mode)." \
  test -s "$ADMIN_KUBECONFIG"
cp "$ADMIN_KUBECONFIG" "$COMPOSE_KUBECONFIG.new"
cluster=$(command kubectl --kubeconfig "$COMPOSE_KUBECONFIG.new" config view -o jsonpath='{.clusters[0].name}')
command kubectl --kubeconfig "$COMPOSE_KUBECONFIG.new" config set-cluster "$cluster" --server="$API_SERVER" >/dev/null
# kube-state-metrics runs as an unprivileged user.
chmod 644 "$COMPOSE_KUBECONFIG.new"
mv "$COMPOSE_KUBECONFIG.new" "$COMPOSE_KUBECONFIG"
wait_for "the API server at $API_SERVER to be ready" "See \`docker compose logs k3s\`; its certificate must name k3s (--tls-san=k3s)." \
  kubectl get --raw /readyz
echo "setup: API server ready at $API_SERVER"

# 2. RBAC, as users apply it.
kubectl apply -f "$DEMO/kubernetes/kubeatlas-reader.yaml" -f "$DEMO/kubernetes/kubeatlas-operator.yaml"
kubectl apply -f "$DEMO/cluster/prometheus-scraper.yaml"

# 3. kwok, with its configuration from files (the Stages are the testbed's).
kubectl -n kube-system create configmap kwok-config \
  --from-file=stages.yaml="$DEMO/kwok/stages.yaml" \
  --from-file=kwok-demo.yaml="$DEMO/cluster/kwok-demo.yaml" \
  --from-file=current.cri="$DEMO/kwok/pod-logs/current.cri" \
  --from-file=previous.cri="$DEMO/kwok/pod-logs/previous.cri" \
  --dry-run=client -o yaml | kubectl apply -f -
if kubectl -n kube-system get deployment kwok-controller >/dev/null 2>&1; then
  kubectl apply -f "$DEMO/cluster/kwok-controller.yaml"
  # kwok reads its configuration once: a changed ConfigMap needs a new pod.
  kubectl -n kube-system rollout restart deployment/kwok-controller
else
  kubectl apply -f "$DEMO/cluster/kwok-controller.yaml"
fi
kubectl -n kube-system rollout status deployment/kwok-controller --timeout="${TIMEOUT_SECONDS}s" ||
  fail "kwok did not become ready. k3s pulls registry.k8s.io/kwok/kwok itself (network access needed); see \`docker compose exec k3s kubectl -n kube-system describe pods -l app=kwok-controller\`."

# 4. The demo scenario, as plain manifests. Its CustomResourceDefinitions go first, and each must be established: in
#    one apply of the folder, kubectl would find no kind ServiceMonitor (the CRD not served yet) and refuse the monitors.
for manifest in "$DEMO"/scenario/*.yaml; do
  grep -q '^kind: CustomResourceDefinition$' "$manifest" || continue
  kubectl apply -f "$manifest"
  kubectl wait --for condition=established --timeout="${TIMEOUT_SECONDS}s" -f "$manifest" ||
    fail "the CustomResourceDefinitions of $manifest were not established; see \`docker compose exec k3s kubectl describe crd\` (conditions NamesAccepted, Established)."
done
kubectl apply -f "$DEMO/scenario/"
kubectl get cronjobs -A -o go-template='{{ range $c := .items }}{{ with $c.metadata.annotations }}{{ if eq (or (index . "testbed.kubeatlas.io/run-now") "") "true" }}{{ $c.metadata.namespace }} {{ $c.metadata.name }}{{ "\n" }}{{ end }}{{ end }}{{ end }}' |
  while read -r namespace name; do
    kubectl -n "$namespace" get job "$name-manual" >/dev/null 2>&1 ||
      kubectl -n "$namespace" create job "$name-manual" --from="cronjob/$name"
  done

# 5. Credentials for Grafana (provisioning/datasources/kubeatlas.yaml) and Prometheus (prometheus-k3s.yml).
mkdir -p "$CREDENTIALS"
write_secret_value kubeatlas kubeatlas-token ca.crt "$CREDENTIALS/ca.crt"
write_secret_value kubeatlas kubeatlas-token token "$CREDENTIALS/token"
write_secret_value kube-system kubeatlas-demo-prometheus-token token "$CREDENTIALS/prometheus-token"

# The scenario's pods belong on kwok's fake nodes; one on the real node would run its image for real. A pod template
# that tolerates every taint and selects no node (as DaemonSets often do) lands there too.
wait_for "every DaemonSet to be seen by its controller" "See \`docker compose logs k3s\`." \
  test -z "$(kubectl get daemonsets -A -o go-template='{{ range .items }}{{ if ne .metadata.generation (or .status.observedGeneration 0) }}x{{ end }}{{ end }}')"
misplaced=$(kubectl get pods -A --field-selector "spec.nodeName=$REAL_NODE" \
  -l 'app!=kwok-controller' -o go-template='{{ range .items }}{{ .metadata.namespace }}/{{ .metadata.name }} {{ end }}')
if [ -n "$misplaced" ]; then
  echo "setup: warning: scenario pods run for real on the k3s node $REAL_NODE: $misplaced" >&2
  echo "setup: their pod templates tolerate every taint and select no node; give them nodeSelector type: kwok (the fake nodes' label) in testbed/scenarios/demo." >&2
fi

echo "setup: cluster ready; credentials in $CREDENTIALS. Grafana: http://localhost:3000"
