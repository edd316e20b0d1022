#!/usr/bin/env bash
# Builds every libFuzzer target (clang, with ASan and UBSan) into build-fuzz/ and runs each for
# FUZZ_SECONDS (default 30) from its committed seed corpus, fuzz/corpus/<target>/. A crash,
# leak, timeout or sanitizer report fails the run; the input that caused it is left in
# build-fuzz/findings/<target>/. New interesting inputs are kept in build-fuzz/corpus/<target>/;
# to commit them, merge:  build-fuzz/fuzz/fuzz_<target> -merge=1 fuzz/corpus/<target> build-fuzz/corpus/<target>
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
targets=(multipart urlencoded json_params jwt header_value sealed http_request)

if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCOFFER_BUILD_FUZZ=ON -DCOFFER_BUILD_TESTS=OFF >/dev/null
fi
cmake --build build-fuzz --target "${targets[@]/#/fuzz_}"

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for target in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$target" "build-fuzz/findings/$target"
  echo "fuzz_$target: $seconds s from fuzz/corpus/$target"
  "build-fuzz/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$target/" \
    "build-fuzz/corpus/$target" "fuzz/corpus/$target" 2>&1 | tail -n 12
done
