#!/usr/bin/env bash
# Regenerates docs/images/dashboard-*.png, the screenshots docs/dashboard.md embeds: starts a real
# test cluster (etcd, API server, scheduler, controller-manager, kubelet-sim with 4 nodes in 2 zones)
# and the dashboard, applies examples/replicaset.yaml, fails one node, and shoots every page of
# dashboard/web/src/routes.ts in headless Chromium at 1366x800 (DashboardScreenshots).
# Needs what the browser tests need: etcd, chromium and chromium-driver. Usage: dashboard/screenshots.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/docs/images}")"
cd "$root"
mvn -o -q -pl dashboard -am test -Dtest=DashboardScreenshots -Dsurefire.failIfNoSpecifiedTests=false \
  -Ddashboard.screenshots="$out"
ls -1 "$out"/dashboard-*.png
