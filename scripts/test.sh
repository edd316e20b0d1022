#!/usr/bin/env bash
# Installs what the tests need, builds with warnings as errors, and runs every suite: unit
# tests (the store's on SQLite and on a throwaway PostgreSQL cluster), integration tests against
# the real binary on both backends, the official Node client's compatibility tests and the panel's
# browser tests; then fuzzing and the sanitizer builds. Extra arguments go to ctest (e.g. -L unit,
# -R kv_), and then only the selected tests run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# The official Node client (compat) and playwright-core (browser), pinned by their lock files.
for suite in tests/compat tests/browser; do
  npm ci --prefix "$suite" --no-audit --no-fund --loglevel=error
done
# What ran, for the log.
echo "node $(node --version), npm $(npm --version), $(chromium --version 2>/dev/null | head -n 1)," \
  "playwright-core $(node -p 'require("./tests/browser/node_modules/playwright-core/package.json").version')"
# Layout is the tool's, not the reviewer's: src/ must be as clang-format leaves it.
git ls-files 'src/*.cpp' 'src/*.hpp' | xargs clang-format --dry-run --Werror
scripts/build.sh -DCOFFER_BUILD_TESTS=ON -DCOFFER_WERROR=ON
# The PostgreSQL tests get a throwaway cluster of their own, removed however the run ends.
pg_parent=$(mktemp -d)
chmod 0755 "$pg_parent"  # the server runs as the postgres user when this script runs as root
soak_pid=""
stop_pg() {
  if [ -n "$soak_pid" ]; then kill "$soak_pid" 2>/dev/null || true; fi
  scripts/pg-test-cluster.sh stop "$pg_parent/cluster" || true
  rm -rf "$pg_parent"
}
trap stop_pg EXIT
COFFER_TEST_POSTGRES_URL=$(scripts/pg-test-cluster.sh start "$pg_parent/cluster")
export COFFER_TEST_POSTGRES_URL
ctest --test-dir build --no-tests=error --output-on-failure -j "$(nproc)" --timeout 600 "$@"
# A whole run (no ctest filter) goes on with what only checks, not builds, can show: every
# parser of untrusted input under libFuzzer with ASan and UBSan from the committed seeds
# (FUZZ_SECONDS each), the unit and integration suites under ASan and UBSan, a bounded soak, and
# the concurrent parts under TSan. Each has its own build directory and script, to run alone.
# The ten-minute soak runs beside the fuzzers and the ASan build: it is bounded (300 requests/s)
# and checks that memory, descriptors and latency stay flat, not how fast they are.
if [ "$#" -eq 0 ]; then
  # The .deb installs into this machine (dpkg -i), so it needs root: CI's case.
  if [ "$(id -u)" -eq 0 ]; then scripts/package-test.sh; else echo "package test skipped: needs root"; fi
  SOAK_SECONDS=${SOAK_SECONDS:-600} scripts/soak.sh >build/soak.log 2>&1 &
  soak_pid=$!
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} scripts/fuzz.sh
  scripts/sanitize.sh address
  soak_status=0
  wait "$soak_pid" || soak_status=$?
  soak_pid=""
  cat build/soak.log
  [ "$soak_status" -eq 0 ] || { echo "the soak failed" >&2; exit 1; }
  scripts/sanitize.sh thread
fi
