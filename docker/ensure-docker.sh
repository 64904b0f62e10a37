#!/usr/bin/env bash
# Makes sure a Docker engine answers and a compose command exists; installs and starts
# them when missing (Debian: docker.io and docker-compose). Idempotent: does nothing when
# `docker info` already answers and compose is there. Needs root to install or to start
# dockerd. Exits non-zero with a message saying what is missing when it cannot.
#
# Prints the compose command to use on stdout's last line ("docker compose" or
# "docker-compose"), so scripts can do: compose=$(docker/ensure-docker.sh | tail -1)
# The engine started here logs to ${DOCKERD_LOG:-/tmp/dockerd.log} and keeps running.
set -euo pipefail
log() { echo "ensure-docker: $*" >&2; }
die() { echo "ensure-docker: $*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { [[ "$(id -u)" == 0 ]]; }

apt_install() {
  as_root || die "$* missing and not root: install them (Debian: apt-get install -y $*)"
  have apt-get || die "$* missing and no apt-get here: install a Docker engine and compose"
  log "apt-get install $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/tmp/ensure-docker-apt.log 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>/tmp/ensure-docker-apt.log 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>/tmp/ensure-docker-apt.log 2>&1 \
      || die "apt-get install $* failed; see /tmp/ensure-docker-apt.log"
  fi
}

if ! have dockerd && ! docker info >/dev/null 2>&1; then
  apt_install docker.io
fi
have docker || apt_install docker.io

if ! docker info >/dev/null 2>&1; then
  have dockerd || die "no dockerd to start (apt-get install docker.io)"
  as_root || die "the Docker engine is not running and starting it needs root (sudo dockerd)"
  if [[ -S /var/run/docker.sock ]] && have pgrep && pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd runs but does not answer yet; waiting"
  else
    log "starting dockerd (log: ${DOCKERD_LOG:-/tmp/dockerd.log})"
    # containerd comes with docker.io; dockerd starts its own when none runs
    nohup dockerd >"${DOCKERD_LOG:-/tmp/dockerd.log}" 2>&1 &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || die "dockerd did not answer within 60 s; last lines of ${DOCKERD_LOG:-/tmp/dockerd.log}:
$(tail -n 15 "${DOCKERD_LOG:-/tmp/dockerd.log}" 2>/dev/null)"
fi

# compose: the v2 plugin when there is one, else v1 (Debian bookworm ships only v1)
if docker compose version >/dev/null 2>&1; then
  compose="docker compose"
else
  have docker-compose || apt_install docker-compose
  have docker-compose || die "no docker compose plugin and no docker-compose"
  compose="docker-compose"
fi
log "engine $(docker version --format '{{.Server.Version}}' 2>/dev/null), compose: $compose ($($compose version --short 2>/dev/null || true))"
echo "$compose"
