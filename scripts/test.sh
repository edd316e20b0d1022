#!/usr/bin/env bash
# Installs what the tests need, builds with warnings as errors, and runs every suite: unit
# tests, integration tests against the real binary, the official Node client's compatibility
# tests and the panel's browser tests. Extra arguments go to ctest (e.g. -L unit, -R kv_).
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
ctest --test-dir build --no-tests=error --output-on-failure -j "$(nproc)" --timeout 600 "$@"
