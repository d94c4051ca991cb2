#!/bin/sh
# One-shot job of the k3s profile (docker-compose.yaml), run in the k3s image for its kubectl: waits for the API server,
# then writes to /credentials what Grafana and Prometheus need to reach the cluster from other containers:
#   ca.crt             the cluster CA (from k3s's admin kubeconfig)
#   token              a token of ServiceAccount kubeatlas/kubeatlas (deploy/kubernetes/kubeatlas-reader.yaml, which
#                      k3s applies from its auto-deploy manifests directory)
#   prometheus-token   a token of kube-system/kubeatlas-demo-prometheus, allowed to scrape kubelets' cAdvisor through
#                      the API server (deploy/docker/prometheus-k3s.yml)
set -eu
KUBECONFIG_FILE=/credentials/kubeconfig.yaml
kubectl() { command kubectl --kubeconfig "$KUBECONFIG_FILE" --server https://k3s:6443 "$@"; }

until [ -s "$KUBECONFIG_FILE" ] && kubectl get --raw /readyz >/dev/null 2>&1; do
  echo "waiting for the k3s API server…"
  sleep 2
done

kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >/credentials/ca.crt

kubectl create serviceaccount kubeatlas-demo-prometheus -n kube-system --dry-run=client -o yaml | kubectl apply -f -
kubectl create clusterrole kubeatlas-demo-prometheus --verb=get,list,watch \
  --resource=nodes,nodes/proxy,nodes/metrics --dry-run=client -o yaml | kubectl apply -f -
kubectl create clusterrolebinding kubeatlas-demo-prometheus --clusterrole=kubeatlas-demo-prometheus \
  --serviceaccount=kube-system:kubeatlas-demo-prometheus --dry-run=client -o yaml | kubectl apply -f -

# The reader ServiceAccount appears once k3s has applied the auto-deploy manifest.
until kubectl create token kubeatlas -n kubeatlas --duration=8760h >/credentials/token.new 2>/dev/null; do
  echo "waiting for ServiceAccount kubeatlas/kubeatlas…"
  sleep 2
done
mv /credentials/token.new /credentials/token
kubectl create token kubeatlas-demo-prometheus -n kube-system --duration=8760h >/credentials/prometheus-token
echo "k3s credentials written to /credentials"
