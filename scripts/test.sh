#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every suite: unit tests, integration tests
# against the real binary, and the official Node client's compatibility tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
if [ -f tests/compat/package-lock.json ]; then
  npm ci --prefix tests/compat --no-audit --no-fund --loglevel=error
fi
scripts/build.sh -DCOFFER_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 600
