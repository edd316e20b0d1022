#!/usr/bin/env bash
# Installs what Coffer needs from Debian's packages: `install-deps.sh` for building and
# running, `install-deps.sh --test` for the test suites as well.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
  build-essential cmake pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libcli11-dev libspdlog-dev
)
if [ "${1:-}" = "--test" ]; then
  # Debian's chromium for the panel's browser tests (never a downloaded browser build), and a
  # PostgreSQL server for the store's tests on that backend.
  packages+=(libgtest-dev libgmock-dev chromium postgresql)
  # Node.js runs the integration and client-compatibility suites; keep a newer one if present.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
  fi
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
