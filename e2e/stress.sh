#!/usr/bin/env bash
# Runs the e2e suite N times while a background load keeps every CPU busy, and prints
# "N passed, M failed" with the names of the failing tests. For claims of stability:
# a timing-sensitive test must pass here, not only on a quiet machine.
#
#   e2e/stress.sh N                       the whole e2e suite, N times
#   STRESS_TESTS=ApiServerFailoverTest e2e/stress.sh 5      one class (surefire -Dtest syntax)
#   STRESS_MODULE=kubelet-sim STRESS_TESTS='*' e2e/stress.sh 3   another module's tests
#
# Environment:
#   STRESS_LOAD     busy workers, default: one per CPU (nproc). 0 runs without load.
#   STRESS_TESTS    surefire -Dtest pattern (default: the whole module)
#   STRESS_MODULE   the Maven module to run (default: e2e)
#   STRESS_SKIP_BUILD=1   do not (re)install the modules e2e depends on first
#
# The load is stress-ng's CPU workers when stress-ng is installed (apt-get install
# stress-ng), else bounded shell busy loops. It ends with the script, however it ends.
# Each failing run's surefire reports and component logs are kept in
# <module>/target/stress/run-<i>/.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: e2e/stress.sh N   (N ≥ 1: how many times to run the suite)" >&2
  exit 2
fi
module="${STRESS_MODULE:-e2e}"
load="${STRESS_LOAD:-$(nproc)}"
if ! [[ "$load" =~ ^[0-9]+$ ]]; then
  echo "e2e/stress.sh: STRESS_LOAD must be a number of workers, got '$load'" >&2
  exit 2
fi
out="$module/target/stress"
rm -rf "$out"
mkdir -p "$out"

load_pids=()
stop_load() {
  for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${load_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  load_pids=()
}
trap stop_load EXIT
trap 'exit 130' INT TERM

if [[ -z "${STRESS_SKIP_BUILD:-}" ]]; then
  echo "stress: building the modules $module needs (mvn install -DskipTests)"
  mvn -B -q install -DskipTests -pl "$module" -am >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
fi

# a bound on the load's life, even if this script is SIGKILLed: 3 h
if [[ "$load" -gt 0 ]]; then
  if command -v stress-ng >/dev/null 2>&1; then
    stress-ng --cpu "$load" --timeout 10800s --quiet &
    load_pids+=($!)
    echo "stress: $load stress-ng CPU workers (pid ${load_pids[0]})"
  else
    for _ in $(seq 1 "$load"); do
      timeout 10800 bash -c 'while :; do :; done' &
      load_pids+=($!)
    done
    echo "stress: $load shell busy loops (stress-ng not installed)"
  fi
fi

mvn_args=(-B -o -pl "$module" verify)
if [[ -n "${STRESS_TESTS:-}" ]]; then
  mvn_args+=("-Dtest=$STRESS_TESTS" -Dsurefire.failIfNoSpecifiedTests=false)
fi

passed=0
failed=0
declare -A failures=()
for i in $(seq 1 "$runs"); do
  t0=$(date +%s)
  log="$out/run-$i.log"
  rm -rf "$module/target/surefire-reports" "$module/target/e2e-logs"
  if mvn "${mvn_args[@]}" >"$log" 2>&1; then
    rc=0
  else
    rc=$?
  fi
  secs=$(( $(date +%s) - t0 ))
  # failing tests from surefire's reports: Class.method for every <testcase> with a failure or error
  names=$(python3 - "$module/target/surefire-reports" <<'EOF' 2>/dev/null || true
import glob, sys, xml.etree.ElementTree as ET
for f in sorted(glob.glob(sys.argv[1] + "/TEST-*.xml")):
    for tc in ET.parse(f).getroot().iter("testcase"):
        if tc.find("failure") is not None or tc.find("error") is not None:
            print(tc.get("classname", "").rsplit(".", 1)[-1] + "." + tc.get("name", ""))
EOF
)
  if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1))
    echo "stress: run $i/$runs passed in ${secs}s"
    rm -f "$log"
  else
    failed=$((failed + 1))
    [[ -n "$names" ]] || names="(no failing test in the reports: build or fork failure, see $log)"
    echo "stress: run $i/$runs FAILED in ${secs}s: $(echo "$names" | paste -sd ' ')"
    while read -r n; do failures["$n"]=$(( ${failures["$n"]:-0} + 1 )); done <<<"$names"
    mkdir -p "$out/run-$i"
    cp -r "$module/target/surefire-reports" "$out/run-$i/" 2>/dev/null || true
    cp -r "$module/target/e2e-logs" "$out/run-$i/" 2>/dev/null || true
  fi
done
stop_load

for n in "${!failures[@]}"; do
  echo "stress: failed ${failures[$n]}x: $n"
done
echo "stress: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
