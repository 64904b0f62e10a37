#!/usr/bin/env bash
# Records the HTTP requests the real kubectl makes against kubelite, for KubectlReplayTest.
#
# Starts the replay cluster (io.kubelite.apiserver.kubectl.replay.ReplayCluster: an in-process
# API server on TLS with client certificates, as `kubelite up`, two nodes and NodeAgents standing
# in for their kubelets and the disruption controller), runs the commands below in order, each
# with its own empty cache dir and kubectl's request log (-v), then converts every command's log
# into fixtures/NN-name.json (convert.py). Run it from anywhere; it builds apiserver's test
# classes offline first and never installs anything.
#
#   KUBECTL=/path/to/kubectl  the binary (default: kubectl on the PATH; a version dispatcher
#                             such as gcloud's picks the kubectl matching the server's /version,
#                             v1.32.5-kubelite: gcloud's, itself kubectl 1.32.4, runs itself)
#   VERBOSITY=10              kubectl's -v. 8 logs every request, its headers and status too, but
#                             cuts bodies at 1 KiB (a Table's columnDefinitions are longer) and 9
#                             at 10 KiB; 10 cuts nothing. convert.py reads all three formats.
#   KEEP=1                    keep the work dir (logs, kubeconfig) and print where it is
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
kubectl="${KUBECTL:-kubectl}"
verbosity="${VERBOSITY:-10}"
work="$(mktemp -d -t kubectl-replay.XXXXXX)"
cluster_pid=""

cleanup() {
  if [[ -n "$cluster_pid" ]]; then
    kill "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
  if [[ -n "${KEEP:-}" ]]; then
    echo "record.sh: work dir kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

command -v "$kubectl" >/dev/null || { echo "record.sh: no kubectl ($kubectl); set KUBECTL" >&2; exit 1; }

echo "record.sh: building apiserver's test classes (offline) ..." >&2
(cd "$root" && mvn -o -q -B -pl apiserver -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt") >&2

java -cp "$root/apiserver/target/test-classes:$root/apiserver/target/classes:$(cat "$work/cp.txt")" \
  io.kubelite.apiserver.kubectl.replay.ReplayCluster "$work/cluster" >"$work/cluster.log" 2>&1 &
cluster_pid=$!
for _ in $(seq 1 240); do
  [[ -f "$work/cluster/ready" ]] && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$work/cluster.log" >&2; exit 1; }
  sleep 0.25
done
[[ -f "$work/cluster/ready" ]] || { echo "record.sh: the cluster did not start" >&2; exit 1; }
echo "record.sh: cluster at $(cat "$work/cluster/ready")" >&2

mkdir -p "$work/logs"
n=0
# rec NAME ARGS...: one kubectl command, recorded as fixture NN-NAME
rec() {
  local name="$1"
  shift
  n=$((n + 1))
  local id
  id="$(printf '%02d-%s' "$n" "$name")"
  printf '%s\0' "$@" >"$work/logs/$id.args"
  set +e
  KUBECACHEDIR="$work/cache/$id" "$kubectl" --kubeconfig "$work/cluster/kubeconfig" "-v=$verbosity" "$@" \
    >"$work/logs/$id.out" 2>"$work/logs/$id.log" </dev/null
  echo $? >"$work/logs/$id.exit"
  set -e
  echo "record.sh: $id: kubectl $* -> exit $(cat "$work/logs/$id.exit")" >&2
}

m="$here/manifests"
rec version version
rec api-resources api-resources
rec get-nodes get nodes
rec get-nodes-wide get nodes -o wide
rec apply-pod apply -f "$m/web-pod.yaml"
rec wait-ready wait --for=condition=Ready pod/web --timeout=30s
rec get-pods get pods
rec get-pods-wide get pods -o wide
rec get-pod-yaml get pod web -o yaml
rec get-pod-missing get pod nope
rec describe-pod describe pod web
rec describe-node describe node node-1
rec apply-rs apply -f "$m/rs-full.yaml"
rec apply-rs-again apply -f "$m/rs-full.yaml"
rec diff-rs-less diff -f "$m/rs-less.yaml"
rec apply-rs-less apply -f "$m/rs-less.yaml"
rec patch-json patch pod web --type=json -p '[{"op":"add","path":"/metadata/labels/patched","value":"json"}]'
rec patch-merge patch pod web --type=merge -p '{"metadata":{"annotations":{"note":"merge"}}}'
rec patch-strategic patch pod web --type=strategic -p '{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}'
rec explain explain pods.spec.containers
rec create-event create -f "$m/event.yaml"
rec events events
rec get-events get events
rec create-configmap create configmap web-config --from-literal=greeting=hello
rec create-configmap-again create configmap web-config --from-literal=greeting=hello
rec auth-can-i auth can-i create pods
rec auth-can-i-list auth can-i --list
rec auth-whoami auth whoami
rec apply-guarded apply -f "$m/guarded.yaml"
rec drain-blocked drain node-2 --timeout=3s
rec patch-budget patch pdb guarded --type=merge -p '{"spec":{"minAvailable":0}}'
rec wait-budget wait --for=jsonpath='{.status.disruptionsAllowed}'=1 pdb/guarded --timeout=30s
rec drain drain node-2 --timeout=30s
rec delete-configmap delete configmap web-config
rec delete-pod delete pod web --grace-period=2
rec get-deleted-pod get pod web

python3 "$here/convert.py" --logs "$work/logs" --out "$here/fixtures" --strip "$here/"
echo "record.sh: fixtures written to $here/fixtures" >&2
