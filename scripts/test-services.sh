#!/usr/bin/env bash
# Installs (when missing) and starts what the test suite needs beyond npm: PostgreSQL and Chromium.
# Used by .ci/run; run it once on a development machine too, as root or with sudo.
set -euo pipefail
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then pg_createcluster 15 main >/dev/null; cluster="15 main"; fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do su postgres -c "pg_isready -q" && break; sleep 1; done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='crmsync'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE crmsync LOGIN SUPERUSER PASSWORD 'crmsync'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='crmsync_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O crmsync crmsync_test"
echo "test services ready: postgres://crmsync:crmsync@127.0.0.1:5432/crmsync_test, /usr/bin/chromium"
