#!/usr/bin/env bash
# Copies the admin kubeconfig that the compose stack's pki service wrote (into the named
# volume `pki`) to docker/kubeconfig (mode 0600; or the file given as $2), for kubectl, kl and
# any other client; with --token, prints the cluster's static admin token instead (for the
# dashboard's sign-in):
#   docker/kubeconfig.sh [PROJECT [FILE]]     PROJECT: the compose project (default: this
#                                              directory's name, as compose picks it)
#   docker/kubeconfig.sh --token [PROJECT]
# docker cp works on the exited pki container and needs nothing inside the image.
set -euo pipefail
token=""
if [[ "${1:-}" == "--token" ]]; then
  token=1
  shift
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="${1:-${COMPOSE_PROJECT_NAME:-$(basename "$root" | tr '[:upper:]' '[:lower:]' | tr -cd 'a-z0-9_-')}}"
out="${2:-$root/docker/kubeconfig}"
id=$(docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=pki" | head -n 1)
if [[ -z "$id" ]]; then
  echo "docker/kubeconfig.sh: no pki container in compose project '$project' (run compose up first, or name the project)" >&2
  exit 1
fi
if [[ -n "$token" ]]; then
  docker cp "$id:/var/lib/kubelite/pki/tokens.csv" - | tar -xO | grep ',admin,' | cut -d, -f1
  exit 0
fi
tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
docker cp "$id:/var/lib/kubelite/pki/kubeconfig" - | tar -xO >"$tmp"
chmod 600 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out"
