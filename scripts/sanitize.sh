#!/usr/bin/env bash
# Builds Coffer and its tests with clang sanitizers and runs the suites they watch:
#   scripts/sanitize.sh address  ASan + UBSan (build-asan/): every unit test (the store's on both
#                                backends) and the integration suite on SQLite against the
#                                sanitized binary
#   scripts/sanitize.sh thread   TSan (build-tsan/): the store (write queue included), token
#                                cache, HTTP and request tests, and the integration suites that
#                                drive the server with concurrent clients
# Extra arguments go to ctest instead of the default selection (e.g. -R write_queue).
# Every sanitized process, servers started by the Node suites included, writes its reports to
# build-<kind>/reports/; any report fails the run, even when the test that caused it passed.
# The PostgreSQL tests run when COFFER_TEST_POSTGRES_URL names a cluster (scripts/test.sh
# starts one); expects scripts/install-deps.sh --test to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh address|thread [ctest arguments]}
shift
case "$kind" in
  address)
    dir=build-asan
    sanitizers=address,undefined
    targets=()  # everything
    # The integration suite on SQLite (the PostgreSQL code runs under ASan in the store tests),
    # but not the load test (abuse_load): it measures what the release build sustains.
    selection=(-R '^([a-z]+_test\.|integration\.)' -E '^integration\.abuse_load$')
    ;;
  thread)
    dir=build-tsan
    sanitizers=thread
    targets=(coffer store_test auth_test http_test api_test)
    selection=(-R '^((store|auth|http|api)_test\.|integration\.(concurrency|kv_concurrency|connection_limits|hostile_protocol|kv_durability)$)')
    ;;
  *) echo "scripts/sanitize.sh: unknown kind $kind (address or thread)" >&2; exit 2 ;;
esac
[ "$#" -gt 0 ] && selection=("$@")

# -O1 with line tables only: reports still name file and line, and the build takes far less
# time than -O2 with full debug information (the sanitizers' own guidance for speed).
if [ ! -f "$dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_FLAGS="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
    -DCOFFER_SANITIZE="$sanitizers" -DCOFFER_BUILD_TESTS=ON >/dev/null
fi
cmake --build "$dir" -j "$(nproc)" ${targets[@]/#/--target }

reports="$PWD/$dir/reports"
rm -rf "$reports"
mkdir -p "$reports"
common="halt_on_error=1:print_stacktrace=1:log_path=$reports/report"
export ASAN_OPTIONS="$common:detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="$common"
export TSAN_OPTIONS="$common:second_deadlock_stack=1"
# Tests that cannot run on a sanitized build (searching its memory) skip themselves.
export COFFER_TEST_SANITIZER="$kind"
# Timeouts are generous: sanitized code runs 2-15 times slower.
status=0
ctest --test-dir "$dir" --no-tests=error --output-on-failure -j "$(nproc)" --timeout 1200 \
  "${selection[@]}" || status=$?
if compgen -G "$reports/report*" >/dev/null; then
  echo "sanitizer reports ($kind):" >&2
  for report in "$reports"/report*; do
    echo "== $report" >&2
    head -n 60 "$report" >&2
  done
  status=1
fi
exit "$status"
