#!/usr/bin/env bash
# Bounded soak test: starts one server (plain HTTP, fresh data directory), drives a mixed
# key-value, Secrets and abuse workload at a fixed rate for SOAK_SECONDS, prints one table row
# per 30 s window (requests, unexpected answers, p50/p99/max latency, server RSS and open
# descriptors) and fails (exit 1) if any answer was unexpected or if memory, descriptors or
# latency did not stay flat after the warm-up. See tests/soak/soak.mjs for the bounds.
#
# Environment:
#   SOAK_SECONDS  how long to run, at least 60 (default 600; 60 makes a quick check)
#   SOAK_RATE     requests per second (default 300)
#   SOAK_SEED     the workload's random seed (default 1)
#   COFFER_BIN    the server binary (default build/coffer)
#   COFFER_TEST_BACKEND, COFFER_TEST_POSTGRES_URL  as for the integration tests (default SQLite)
set -euo pipefail
cd "$(dirname "$0")/.."
export COFFER_BIN="${COFFER_BIN:-$PWD/build/coffer}"
export SOAK_SECONDS="${SOAK_SECONDS:-600}"
exec node tests/soak/soak.mjs
