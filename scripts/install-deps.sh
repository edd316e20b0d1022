#!/usr/bin/env bash
# Installs what Coffer needs from Debian's packages: `install-deps.sh` for building and
# running, `install-deps.sh --test` for the test suites as well. With --test it ends with a
# Node.js (18 or later) and an npm that both run, or fails saying why.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_updated=false
apt_update_once() {
  if ! $apt_updated; then
    $SUDO apt-get update -qq
    apt_updated=true
  fi
}
apt_install() {
  apt_update_once
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"
}

# The named packages that are not installed, in one dpkg query (this runs on every quick start).
missing_packages() {
  local installed
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null | awk '$2 == "ii" {print $1}') || true
  for package in "$@"; do
    grep -qx "$package" <<<"$installed" || echo "$package"
  done
}

node_runs() { node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 18 ? 1 : 0)' >/dev/null 2>&1; }
npm_runs() { npm --version >/dev/null 2>&1; }

# Debian's npm depends on Debian's nodejs, so a Node.js from elsewhere whose npm is missing or
# broken is replaced by Debian's pair, pinned to Debian's build (a downgrade, hence the flag).
ensure_node_and_npm() {
  if node_runs && npm_runs; then return 0; fi
  apt_update_once
  local debian_node
  debian_node=$(apt-cache madison nodejs | awk -F' *[|] *' '$2 ~ /[+]dfsg/ {print $2; exit}')
  if [ -z "$debian_node" ]; then
    echo "install-deps: no Debian nodejs package in the apt sources; cannot install Node.js" >&2
    return 1
  fi
  echo "install-deps: installing Debian's nodejs $debian_node and npm (Node.js or npm did not run)"
  apt_install --allow-downgrades "nodejs=$debian_node" npm
  hash -r
  if ! node_runs || ! npm_runs; then
    echo "install-deps: Node.js or npm still does not run after installing Debian's packages" >&2
    return 1
  fi
}

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libcli11-dev libspdlog-dev
)
if [ "${1:-}" = "--test" ]; then
  # Debian's chromium for the panel's browser tests (never a downloaded browser build); the
  # openssl command forges certificates in the TLS tests; a PostgreSQL server for the tests on
  # that backend; clang for the libFuzzer targets (scripts/fuzz.sh); for the .deb's test
  # (scripts/package-test.sh) what the package needs (adduser), systemd-analyze to check its
  # unit, curl and ps.
  packages+=(libgtest-dev libgmock-dev chromium openssl clang-format postgresql clang
    adduser systemd curl procps)
fi

mapfile -t missing < <(missing_packages "${packages[@]}")
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
if [ "${1:-}" = "--test" ]; then ensure_node_and_npm; fi
