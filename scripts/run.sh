#!/usr/bin/env bash
# Quick start: installs the dependencies, builds the server (only the server: the test suites
# are built by scripts/test.sh), and serves on the embedded defaults (SQLite in ./coffer-data,
# HTTPS on 127.0.0.1:8443). Extra arguments go to `coffer serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target coffer
exec build/coffer serve "$@"
