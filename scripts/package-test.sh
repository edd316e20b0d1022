#!/usr/bin/env bash
# Builds the .deb (cpack in build/), installs it into this machine with dpkg -i, and checks what
# SPEC 16 promises of it: the coffer system user, /etc/coffer/coffer.toml (root:coffer 0640),
# /var/lib/coffer (coffer 0700), a unit file systemd accepts; the packaged binary started as the
# coffer user with the packaged configuration serves HTTPS on its defaults (the port excepted:
# any free one) and answers an API call; then it purges the package and removes the state it
# made. Needs root. Refuses to run where a coffer package, user or /var/lib/coffer exists.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "package-test: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i)"
dpkg -s coffer >/dev/null 2>&1 && fail "a coffer package is installed already; not touching it"
getent passwd coffer >/dev/null && fail "a coffer user exists already; not touching it"
[ -e /var/lib/coffer ] && fail "/var/lib/coffer exists already; not touching it"

scripts/build.sh --target coffer
rm -f build/coffer_*.deb
(cd build && cpack -G DEB >/dev/null)
deb=$(ls build/coffer_*.deb)
echo "package-test: built $deb ($(du -h "$deb" | cut -f1))"
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/coffer ./etc/coffer/coffer.toml ./lib/systemd/system/coffer.service \
  ./usr/share/doc/coffer/README.md; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package"
done

server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true  # userdel refuses a user with a running process
  fi
  dpkg --purge coffer >/dev/null 2>&1 || true
  rm -rf /var/lib/coffer
  if getent passwd coffer >/dev/null; then userdel coffer 2>/dev/null || true; fi
  if getent group coffer >/dev/null; then groupdel coffer 2>/dev/null || true; fi
  rm -rf "$work"
}
work=$(mktemp -d)
trap cleanup EXIT
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i failed"; }

uid=$(id -u coffer) || fail "no coffer user"
[ "$uid" -lt 1000 ] || fail "coffer is not a system user (uid $uid)"
[ "$(stat -c '%U:%G %a' /var/lib/coffer)" = "coffer:coffer 700" ] || fail "/var/lib/coffer: $(stat -c '%U:%G %a' /var/lib/coffer)"
[ "$(stat -c '%U:%G %a' /etc/coffer/coffer.toml)" = "root:coffer 640" ] || fail "coffer.toml: $(stat -c '%U:%G %a' /etc/coffer/coffer.toml)"
grep -qx '/etc/coffer/coffer.toml' /var/lib/dpkg/info/coffer.conffiles || fail "coffer.toml is not a conffile"
unit=/lib/systemd/system/coffer.service
for option in 'User=coffer' 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'ReadWritePaths=/var/lib/coffer'; do
  grep -qx "$option" "$unit" || fail "$unit lacks $option"
done
if systemd-analyze --version >/dev/null 2>&1; then
  systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify refused the unit"; }
fi

# The unit's command, as the unit's user, with the packaged configuration (setpriv execs it, so
# the pid is the server's).
as_coffer() { exec setpriv --reuid=coffer --regid=coffer --init-groups -- "$@"; }
as_coffer /usr/bin/coffer serve --config /etc/coffer/coffer.toml --listen 127.0.0.1:0 \
  >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/serve.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; fail "the server exited"; }
  sleep 0.1
done
port=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/serve.log")
[ -n "$port" ] || { cat "$work/serve.log"; fail "the server did not listen over HTTPS"; }
[ "$(ps -o user= -p "$server_pid")" = coffer ] || fail "the server does not run as coffer"
for file in /var/lib/coffer/coffer.db /var/lib/coffer/master.key /var/lib/coffer/credentials.json; do
  [ "$(stat -c '%U %a' "$file")" = "coffer 600" ] || fail "$file: $(stat -c '%U %a' "$file")"
done
api_key=$(as_coffer /usr/bin/coffer account api-key --account 1 --data /var/lib/coffer |
  sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
[ -n "$api_key" ] || fail "coffer account api-key printed no key"
answer=$(curl -sS --cacert /var/lib/coffer/tls/cert.pem \
  "https://127.0.0.1:$port/platform_api/AddApplication?account_id=1&api_key=$api_key&application_name=packaged")
grep -q '"result":1' <<<"$answer" || fail "AddApplication answered: $answer"
kill -TERM "$server_pid"
wait "$server_pid" || fail "the server did not stop cleanly"
server_pid=""

dpkg --purge coffer >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge failed"; }
for path in /usr/bin/coffer /etc/coffer/coffer.toml "$unit"; do
  [ ! -e "$path" ] || fail "$path is still there after purge"
done
[ -f /var/lib/coffer/coffer.db ] || fail "purge must keep the data"
echo "package-test: passed"
