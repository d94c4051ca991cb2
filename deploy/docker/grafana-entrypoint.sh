#!/bin/sh
# Grafana's entrypoint for the docker compose demo. provisioning/datasources/*.yaml read the cluster's token and CA from
# KUBEATLAS_TOKEN and KUBEATLAS_CA_CERT; the setup job (deploy/docker/demo-setup.sh) writes them to files, so each is
# set from the file named by KUBEATLAS_TOKEN_FILE / KUBEATLAS_CA_FILE when given. Then Grafana's own /run.sh starts.
set -eu

read_file() {
  if [ ! -r "$1" ]; then
    echo "kubeatlas: $2 names $1, which is missing or unreadable: did the setup service finish? See \`docker compose logs setup\`." >&2
    exit 1
  fi
  cat "$1"
}

if [ -n "${KUBEATLAS_TOKEN_FILE:-}" ]; then
  KUBEATLAS_TOKEN="$(read_file "$KUBEATLAS_TOKEN_FILE" KUBEATLAS_TOKEN_FILE)"
  export KUBEATLAS_TOKEN
fi
if [ -n "${KUBEATLAS_CA_FILE:-}" ]; then
  KUBEATLAS_CA_CERT="$(read_file "$KUBEATLAS_CA_FILE" KUBEATLAS_CA_FILE)"
  export KUBEATLAS_CA_CERT
fi

exec /run.sh "$@"
