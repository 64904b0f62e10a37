#!/usr/bin/env bash
# Compose smoke test: builds the images, starts docker-compose.yml, waits until every
# container is healthy (the one-shot pki service: exited 0), copies the admin kubeconfig
# out (docker/kubeconfig.sh), checks that the real kubectl (when on the PATH) and bin/kl
# see the nodes over HTTPS with the client certificate, applies a ReplicaSet with bin/kl
# through 127.0.0.1:6443, waits
# for its pods to run, stops the etcd raft leader's container and the leading
# scheduler's container, scales the ReplicaSet up and waits for the new pods to be
# scheduled and to run. Also checks the add-ons: the one-shot addons service exited 0,
# `kubectl -n kube-system get svc kube-dns` shows 10.96.0.10, and dig against the compose
# DNS port (10053) answers for kubernetes.default.svc.cluster.local.
# `compose down -v` always runs at the end (trap). Prints timings.
#
# Images: $KUBELITE_IMAGE / $ETCD_IMAGE when set; else the kubelite image is built from
# this tree's Dockerfile on the default Temurin base and the public etcd image is used
# when both are already on this machine; else (no image can be pulled here) both are
# built air-gapped by docker/build-local-images.sh. Nothing is pulled.
#
# Env: SMOKE_TIMEOUT (seconds per wait, default 180), SMOKE_KEEP=1 keeps the cluster up
# for inspection (then: docker-compose -p kubelite-smoke down -v).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
project=kubelite-smoke
timeout_s="${SMOKE_TIMEOUT:-180}"
kubeconfig_dir="$(mktemp -d)"
kubeconfig="$kubeconfig_dir/kubeconfig" # copied out of the stack once it is up
export KUBECONFIG="$kubeconfig"
kl=("$root/bin/kl" --kubeconfig "$kubeconfig")

t0=$SECONDS
declare -a timings=()
phase_start=$SECONDS
say() { printf '[smoke %4ds] %s\n' "$((SECONDS - t0))" "$*"; }
phase() { # phase NAME: closes the current phase under NAME
  timings+=("$(printf '%-44s %4ds' "$1" "$((SECONDS - phase_start))")")
  say "$1: $((SECONDS - phase_start))s"
  phase_start=$SECONDS
}
failure="" # why the test failed: repeated as its last line, since a CI log may keep only the tail
fail() {
  failure="$*"
  say "FAILED: $*"
  exit 1
}
# a command that fails under set -e names itself too
trap 'failure="${failure:-line $LINENO: \"$BASH_COMMAND\" exited $?}"' ERR

# --- engine and compose
compose_cmd="$("$root/docker/ensure-docker.sh" | tail -n 1)" || fail "no Docker engine (see above)"
read -r -a compose <<<"$compose_cmd"
compose+=(-p "$project" -f "$root/docker-compose.yml")
phase "docker engine ($compose_cmd)"

# all the ports the stack binds on 127.0.0.1 must be free
busy=()
for port in 6443 6444 12379 12380 22379 22380 32379 32380 $(seq 10441 10457) 10053 10249 3100 9090; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then busy+=("$port"); fi
done
((${#busy[@]} == 0)) || fail "ports in use on 127.0.0.1: ${busy[*]} (another kubelite up or compose cluster?)"

# --- build: the distribution the image copies, and kl
if [[ "${SMOKE_SKIP_BUILD:-}" != 1 || ! -d dist/target/kubelite/lib || ! -d dist/target/kubelite/var || ! -f cli/target/kl.classpath ]]; then
  say "mvn package (dist/target/kubelite and kl; SMOKE_SKIP_BUILD=1 skips this after a build)"
  rm -rf dist/target/kubelite # copy-dependencies never removes a jar that is no longer a dependency
  mvn -q -B package -DskipTests
  phase "mvn package"
fi

# --- images
if [[ -z "${KUBELITE_IMAGE:-}" || -z "${ETCD_IMAGE:-}" ]]; then
  if docker image inspect eclipse-temurin:17-jre >/dev/null 2>&1 \
      && docker image inspect gcr.io/etcd-development/etcd:v3.5.17 >/dev/null 2>&1; then
    say "building kubelite-smoke/kubelite:test on eclipse-temurin:17-jre"
    docker build -q -t kubelite-smoke/kubelite:test "$root" >/dev/null
    export KUBELITE_IMAGE=kubelite-smoke/kubelite:test ETCD_IMAGE=gcr.io/etcd-development/etcd:v3.5.17
  else
    say "no public base images here: building air-gapped images (docker/build-local-images.sh)"
    eval "$("$root/docker/build-local-images.sh" --skip-maven --tag smoke --print-env)"
  fi
  phase "images built"
fi
say "images: KUBELITE_IMAGE=$KUBELITE_IMAGE ETCD_IMAGE=$ETCD_IMAGE"

cleanup() {
  local rc=$?
  if ((rc != 0)); then
    say "state at failure:"
    "${compose[@]}" ps 2>&1 || true
    local restarts lines
    for id in $(docker ps -aq --filter "label=com.docker.compose.project=$project"); do
      # a container that restarted: its log holds the earlier run's last words too
      restarts=$(docker inspect -f '{{.RestartCount}}' "$id" 2>/dev/null || echo 0)
      lines=15
      ((restarts == 0)) || lines=80
      echo "----- $(docker inspect -f '{{.Name}}' "$id" | tr -d /) (last $lines log lines, $restarts restart(s))"
      docker logs --tail "$lines" "$id" 2>&1 | cut -c1-400 || true
    done
  fi
  if [[ "${SMOKE_KEEP:-}" == 1 ]]; then
    say "SMOKE_KEEP=1: cluster left running; stop it with: $compose_cmd -p $project down -v"
  else
    local d=$SECONDS ids killed=()
    "${compose[@]}" stop >/dev/null 2>&1 || true
    # exit code 137 after a stop: SIGTERM was not enough within the grace period
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
    [[ -z "$ids" ]] || while read -r name code; do
      [[ "$code" != 137 ]] || killed+=("${name#/}")
    done < <(docker inspect -f '{{.Name}} {{.State.ExitCode}}' $ids)
    if ((${#killed[@]} > 0)); then
      say "WARNING: killed after the stop grace period (no exit on SIGTERM): ${killed[*]}"
      for name in "${killed[@]}"; do
        echo "----- $name (last 30 log lines)"
        docker logs --tail 30 "$name" 2>&1 | cut -c1-300 || true
      done
    fi
    "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || "${compose[@]}" down -v --remove-orphans || true
    say "compose down -v: $((SECONDS - d))s"
  fi
  rm -rf "$kubeconfig_dir"
  if ((rc == 0)); then
    echo
    echo "smoke test timings:"
    printf '  %s\n' "${timings[@]}"
    printf '  %-44s %4ds\n' "total" "$((SECONDS - t0))"
    echo "smoke: 1 passed, 0 failed"
  else
    echo "smoke: 0 passed, 1 failed: ${failure:-exit code $rc}"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for DESCRIPTION COMMAND...: polls COMMAND once a second until it succeeds
wait_for() {
  local what="$1"; shift
  local deadline=$((SECONDS + timeout_s))
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${timeout_s}s waiting for $what"
    sleep 1
  done
}

container() { "${compose[@]}" ps -q "$1"; }

# every service of the compose file has its container: the long-running ones healthy, the
# one-shots (pki, addons) exited 0
services=$("${compose[@]}" config --services | wc -l)
all_healthy() {
  local ids id status unhealthy=0
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
  [[ $(wc -w <<<"$ids") -eq $services ]] || return 1
  for id in $ids; do
    status=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}/{{.State.ExitCode}}{{end}}' "$id")
    [[ "$status" == healthy || "$status" == exited/0 ]] || unhealthy=$((unhealthy + 1))
  done
  ((unhealthy == 0))
}

# --- up
say "compose up -d"
"${compose[@]}" up -d >/dev/null 2>&1 || "${compose[@]}" up -d
phase "compose up -d returned"
wait_for "all $services containers healthy or done (pki, addons)" all_healthy
phase "all containers healthy"
"$root/docker/kubeconfig.sh" "$project" "$kubeconfig" >/dev/null
[[ $(stat -c %a "$kubeconfig") == 600 ]] || fail "the kubeconfig is not 0600"
grep -q 'server: https://127.0.0.1:6443' "$kubeconfig" || fail "the kubeconfig does not name https://127.0.0.1:6443"

ready_nodes() { "${kl[@]}" get nodes 2>/dev/null | awk '$2 == "Ready"' | wc -l; }
six_nodes_ready() { [[ $(ready_nodes) -ge 6 ]]; }
wait_for "6 Ready nodes" six_nodes_ready
"${kl[@]}" get nodes
if command -v kubectl >/dev/null; then
  n=$(kubectl --kubeconfig "$kubeconfig" get nodes -o name | wc -l)
  ((n >= 6)) || fail "kubectl sees $n nodes, expected 6"
  say "kubectl (client certificate over HTTPS) sees $n nodes"
else
  say "WARNING: no kubectl on the PATH: the kubectl check is skipped"
fi
phase "6 nodes Ready (kl, kubectl via https://127.0.0.1:6443)"

# --- add-ons: the kube-dns Service the addons service made, and the DNS server behind it
kube_dns_ip() { "${kl[@]}" -n kube-system get svc kube-dns -o 'jsonpath={.spec.clusterIP}' 2>/dev/null; }
if command -v kubectl >/dev/null; then
  kube_dns_ip() { kubectl --kubeconfig "$kubeconfig" -n kube-system get svc kube-dns -o 'jsonpath={.spec.clusterIP}' 2>/dev/null; }
fi
kube_dns_is_set() { [[ "$(kube_dns_ip)" == 10.96.0.10 ]]; }
wait_for "Service kube-system/kube-dns with cluster IP 10.96.0.10" kube_dns_is_set
if command -v kubectl >/dev/null; then
  kubectl --kubeconfig "$kubeconfig" -n kube-system get svc kube-dns
fi
if command -v dig >/dev/null; then
  dig_kubernetes() { [[ "$(dig @127.0.0.1 -p 10053 +time=2 +tries=1 +short kubernetes.default.svc.cluster.local)" == 10.96.0.1 ]]; }
  wait_for "dig @127.0.0.1 -p 10053 kubernetes.default.svc.cluster.local answering 10.96.0.1" dig_kubernetes
  say "dig: kubernetes.default.svc.cluster.local is 10.96.0.1"
else
  fail "no dig on the PATH (apt-get install dnsutils): the DNS check needs it"
fi
phase "add-ons: kube-dns Service 10.96.0.10, DNS answers"

# --- metrics-server behind the API servers' aggregation layer: kubectl top
if command -v kubectl >/dev/null; then
  top_nodes() { [[ $(kubectl --kubeconfig "$kubeconfig" top nodes --no-headers 2>/dev/null | wc -l) -ge 6 ]]; }
  wait_for "kubectl top nodes listing 6 nodes (metrics-server scraped them twice)" top_nodes
  kubectl --kubeconfig "$kubeconfig" top nodes
  phase "metrics-server: kubectl top nodes"
fi

# --- a ReplicaSet
running_pods() { "${kl[@]}" get pods -l app=smoke -o wide 2>/dev/null | awk '$3 == "Running" && $7 != "<none>"' | wc -l; }
want_running() { [[ $(running_pods) -ge "$1" ]]; }
"${kl[@]}" apply -f - <<'YAML'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: smoke
  labels: {app: smoke}
spec:
  replicas: 3
  selector:
    matchLabels: {app: smoke}
  template:
    metadata:
      labels: {app: smoke}
    spec:
      containers:
      - name: app
        image: busybox:1.36
        command: [sh, -c, 'echo "smoke-log-line from $HOSTNAME"; sleep 3600']
        resources:
          requests: {cpu: 100m, memory: 64Mi}
YAML
wait_for "3 smoke pods Running" want_running 3
"${kl[@]}" get pods -l app=smoke -o wide
phase "ReplicaSet: 3 pods Running"

# --- cluster logging: the kubelet-sims' log agents shipped the pods' lines to log-store-1
# (its Loki API on 127.0.0.1:3100; bash's /dev/tcp, so no HTTP client is needed)
loki_lines() { # the smoke pods' lines the log store answers for {app="smoke"} |= "smoke-log-line"
  local q='%7Bapp%3D%22smoke%22%7D%20%7C%3D%20%22smoke-log-line%22'
  (exec 3<>/dev/tcp/127.0.0.1/3100 \
    && printf 'GET /loki/api/v1/query_range?query=%s&limit=100 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$q" >&3 \
    && cat <&3) 2>/dev/null | grep -o 'smoke-log-line from smoke-[a-z0-9]*' | sort -u | wc -l
}
three_pods_logged() { [[ $(loki_lines) -ge 3 ]]; }
wait_for "the log store to answer the 3 smoke pods' lines" three_pods_logged
say "log store: $(loki_lines) smoke pods' lines found by {app=\"smoke\"} |= \"smoke-log-line\""
phase "cluster logging: pods' lines in the log store"

# --- the dashboard answers on 127.0.0.1:9090: its page, and 401 for the API without a session
http_get() { # status line and body of GET $2 on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1" \
    && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$1" >&3 \
    && cat <&3) 2>/dev/null
}
dashboard_page() { http_get 9090 / | grep -q '<title>kubelite dashboard</title>'; }
wait_for "the dashboard's page on 127.0.0.1:9090" dashboard_page
http_get 9090 /api/session | head -n 1 | grep -q ' 401 ' || fail "the dashboard's /api/session did not answer 401 without a session"
phase "dashboard: page served, API needs a session"

# --- failures: the etcd raft leader and the leading scheduler
etcd_leader() {
  local id
  id=$(container etcd-1)
  docker exec "$id" /usr/local/bin/etcdctl --endpoints=http://127.0.0.1:12379,http://127.0.0.1:22379,http://127.0.0.1:32379 \
    endpoint status -w simple 2>/dev/null | awk -F', ' '$5 == "true" {print $1}'
}
leader_url=$(etcd_leader)
case "$leader_url" in
  *:12379) victim=etcd-1 ;;
  *:22379) victim=etcd-2 ;;
  *:32379) victim=etcd-3 ;;
  *) victim=etcd-2; say "could not tell the etcd leader; stopping etcd-2" ;;
esac
say "stopping $victim (raft leader at ${leader_url:-?})"
docker stop -t 10 "$(container "$victim")" >/dev/null

# the scheduler that leads: leader_election_master_status 1 on its /metrics (health ports 10445, 10446)
leads() { # leads N: scheduler-N reports itself leader
  exec 3<>"/dev/tcp/127.0.0.1/$((10444 + $1))" || return 1
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  grep -qE '^leader_election_master_status\{.*\} 1(\.0)?\r?$' <&3
  local rc=$?
  exec 3<&-
  return $rc
}
sched_victim=""
for n in 1 2; do
  if leads "$n" 2>/dev/null; then sched_victim=scheduler-$n; fi
done
[[ -n "$sched_victim" ]] || fail "neither scheduler reports itself leader"
survivor=scheduler-$((3 - ${sched_victim#scheduler-}))
say "stopping $sched_victim (the leading scheduler; $survivor stands by)"
docker stop -t 20 "$(container "$sched_victim")" >/dev/null
phase "stopped $victim and $sched_victim"

"${kl[@]}" scale rs smoke --replicas 6
wait_for "6 smoke pods Running after the failures" want_running 6
"${kl[@]}" get pods -l app=smoke -o wide
phase "scaled to 6: all Running (new pods scheduled)"

leads "${survivor#scheduler-}" 2>/dev/null || fail "$survivor does not report itself leader"
say "$survivor leads now"
# every container but the two stopped ones still runs, never restarted: nothing crashed
while read -r name status restarts; do
  case "$name" in *"_pki_"* | *"-pki-"* | *"_addons_"* | *"-addons-"*) continue ;; esac # one-shots: exited 0 (checked above)
  case "$name" in *"_${victim}_"* | *"-${victim}-"* | *"_${sched_victim}_"* | *"-${sched_victim}-"*) continue ;; esac
  [[ "$status" == running && "$restarts" == 0 ]] || fail "${name#/} is $status after $restarts restart(s)"
done < <(docker inspect -f '{{.Name}} {{.State.Status}} {{.RestartCount}}' \
           $(docker ps -aq --filter "label=com.docker.compose.project=$project"))
say "no other container exited or restarted"
