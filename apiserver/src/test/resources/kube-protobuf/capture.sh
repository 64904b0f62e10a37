#!/usr/bin/env bash
# Records the protobuf request bodies kubectl 1.32 sends, for KubeProtobufTest: runs each command
# below against a running kubelite (its kubeconfig as $1) with -v=10, and writes the first
# application/vnd.kubernetes.protobuf request body it logged (a hex dump) as NAME.pb here.
# Whatever kubelite answers does not matter; kubectl logs the body before it is sent.
#
#   KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32 capture.sh KUBECONFIG
#
# A ReplayCluster (see ../kubectl-replay/record.sh) or `kubelite up` serves. The recordings are
# committed; run this again only to re-record them on purpose.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kubeconfig="${1:?usage: capture.sh KUBECONFIG}"
kubectl="${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}"
k() { "$kubectl" --kubeconfig "$kubeconfig" "$@"; }

# cap NAME ARGS...: run kubectl ARGS with -v=10 and keep its protobuf request body as NAME.pb
cap() {
  local name="$1"
  shift
  local log
  log="$(k -v=10 "$@" 2>&1 >/dev/null </dev/null || true)" # kubelite's answer does not matter
  printf '%s\n' "$log" | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
for i, line in enumerate(lines):
    if line.endswith("\"Request Body\" body=<"):
        out = bytearray()
        for dump in lines[i + 1:]:
            if dump.strip() == ">":
                break
            m = re.match(r"^\s*[0-9a-f]{8}  (.*?)\s*\|", dump)
            out += bytes(int(h, 16) for h in m.group(1).split())
        if out.startswith(b"k8s\0"):
            open(sys.argv[1], "wb").write(out)
            sys.exit(0)
sys.exit("no protobuf request body in the log")
' "$here/$name.pb"
  echo "capture.sh: $name.pb: kubectl $*" >&2
}

printf 'bin\x00\xff\xfe' >"${TMPDIR:-/tmp}/kube-protobuf-bin.dat"
k delete pod web --ignore-not-found --grace-period=0 --force >/dev/null 2>&1 || true
k create -f "$here/web-pod.yaml" >/dev/null
cap configmap create configmap web-config --from-literal=greeting=hello \
  --from-file=blob="${TMPDIR:-/tmp}/kube-protobuf-bin.dat"
cap namespace create namespace team-a
cap pod debug web --copy-to=web-copy --image=busybox:1.36 --container=debugger
cap selfsubjectaccessreview auth can-i create pods --subresource=log -n team-a
cap selfsubjectrulesreview auth can-i --list -n team-a
cap selfsubjectreview auth whoami
cap secret create secret generic web-secret --from-literal=password=s3cret --type=Opaque
cap service create service nodeport web --tcp=80:http
cap poddisruptionbudget create poddisruptionbudget web --selector=app=web --min-available=50%
