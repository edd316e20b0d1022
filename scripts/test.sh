#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every suite: unit tests, integration tests
# against the real binary, and the official Node client's compatibility tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# The official Node client (compat) and playwright-core (browser), pinned by their lock files.
for suite in tests/compat tests/browser; do
  npm ci --prefix "$suite" --no-audit --no-fund --loglevel=error
done
scripts/build.sh -DCOFFER_BUILD_TESTS=ON
ctest --test-dir build --no-tests=error --output-on-failure -j "$(nproc)" --timeout 600
