#!/usr/bin/env bash
# Builds Coffer into build/ (the binary is build/coffer).
# Usage: scripts/build.sh [-DOPTION=VALUE]... [--target NAME]...
# CMake configures only when build/ has no cache yet or when options are given, so a second
# build of an unchanged tree costs a moment, not a reconfigure.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake_options=()
build_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) build_options+=(--target "$2"); shift 2 ;;
    *) cmake_options+=("$1"); shift ;;
  esac
done
# Ninja: it schedules every library's objects at once and checks an unchanged tree in a
# tenth of a second. A build/ made by another generator is configured afresh.
if [ -f build/CMakeCache.txt ] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' build/CMakeCache.txt; then
  rm -rf build/CMakeCache.txt build/CMakeFiles
fi
if [ ! -f build/CMakeCache.txt ] || [ "${#cmake_options[@]}" -gt 0 ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    "${cmake_options[@]}" >/dev/null
fi
cmake --build build -j "$(nproc)" "${build_options[@]}"
