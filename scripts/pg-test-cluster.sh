#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suites, needing no system service:
#   pg-test-cluster.sh start DIR   creates DIR, starts a server on a free loopback port with its
#                                  socket inside DIR, creates a role and a database for the tests
#                                  and prints their connection URL on stdout
#   pg-test-cluster.sh stop DIR    stops that server and removes DIR
#   pg-test-cluster.sh stop-server DIR   stops that server (fast shutdown: open sessions are
#                                  ended), keeping DIR, its data and its port for start-server
#   pg-test-cluster.sh start-server DIR  starts it again on the same port, so the URL that start
#                                  printed works again (for tests of database outages)
#   pg-test-cluster.sh pause-server DIR  freezes that server (SIGSTOP to it and its children): it
#                                  keeps its connections and port but answers nothing, like a
#                                  database behind a network partition
#   pg-test-cluster.sh resume-server DIR thaws it (SIGCONT)
# As root the server runs as the `postgres` system user (PostgreSQL refuses to run as root), so
# DIR's parent must be reachable by that user. PG_BINDIR overrides where the server binaries are.
# PG_DURABLE=1 keeps fsync and full-page writes on (benchmarks); by default they are off.
set -euo pipefail

readonly kRole=coffer_test
readonly kDatabase=coffer_test
readonly kMarker=coffer-test-cluster

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

# The newest installed server's binaries: Debian keeps each major version apart and puts none
# of them on PATH.
find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    echo "$PG_BINDIR"
    return
  fi
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null; then
    dirname "$(command -v initdb)"
  else
    die "no PostgreSQL server found (install the postgresql package)"
  fi
}

as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

run_server() {
  local bindir=$1 dir=$2 port=$3
  as_server "$bindir/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
    -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1" >/dev/null
}

# Starts the server on a random free port and remembers it in DIR/port; another process may take
# the port between the check and the bind, so a failed start tries another.
start_server() {
  local bindir=$1 dir=$2 attempt port
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    if run_server "$bindir" "$dir" "$port"; then
      echo "$port" >"$dir/port"
      echo "$port"
      return
    fi
  done
  die "the server did not start; see $dir/server.log"
}

start() {
  local dir=$1 bindir port password
  [ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir exists and is not empty"
  bindir=$(find_bindir)
  mkdir -p "$dir/socket"
  touch "$dir/$kMarker"
  [ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir"
  as_server test -w "$dir" || die "the postgres user cannot write to $dir (check its parents)"
  as_server "$bindir/initdb" -D "$dir/data" -E UTF8 --locale=C --auth-local=peer \
    --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || die "initdb failed; see $dir/initdb.log"
  # The cluster is deleted when the tests end, so flushing to disk buys nothing and slows every
  # test; many stores with their own pools run at once. PG_DURABLE=1 keeps PostgreSQL's durable
  # defaults, for benchmarks.
  echo "max_connections = 300" >>"$dir/data/postgresql.conf"
  if [ "${PG_DURABLE:-0}" != 1 ]; then
    printf 'fsync = off\nfull_page_writes = off\n' >>"$dir/data/postgresql.conf"
  fi
  port=$(start_server "$bindir" "$dir")
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  # The tests' role creates a database per test file; dropping one WITH (FORCE) may have to end
  # an autovacuum worker in it, which takes pg_signal_backend.
  as_server "$bindir/psql" -q -h "$dir/socket" -p "$port" -d postgres -v ON_ERROR_STOP=1 <<EOF
CREATE ROLE $kRole LOGIN CREATEDB PASSWORD '$password';
GRANT pg_signal_backend TO $kRole;
CREATE DATABASE $kDatabase OWNER $kRole;
EOF
  echo "postgresql://$kRole:$password@127.0.0.1:$port/$kDatabase"
}

stop_server() {
  local dir=$1 bindir
  [ -e "$dir/$kMarker" ] || die "$dir is not a test cluster made by this script"
  bindir=$(find_bindir)
  if [ -f "$dir/data/postmaster.pid" ]; then
    resume_server "$dir" 2>/dev/null || true  # a paused server would never stop
    as_server "$bindir/pg_ctl" stop -w -t 60 -m fast -D "$dir/data" >/dev/null ||
      die "the server in $dir did not stop"
  fi
}

stop() {
  stop_server "$1"
  rm -rf "$1"
}

start_server_again() {
  local dir=$1 bindir
  [ -e "$dir/$kMarker" ] || die "$dir is not a test cluster made by this script"
  [ -f "$dir/port" ] || die "$dir has no recorded port"
  [ ! -f "$dir/data/postmaster.pid" ] || die "the server in $dir is running"
  bindir=$(find_bindir)
  run_server "$bindir" "$dir" "$(cat "$dir/port")" ||
    die "the server did not start on port $(cat "$dir/port"); see $dir/server.log"
}

# The server's main process and its children (backends, background workers).
server_pids() {
  local dir=$1 main
  [ -e "$dir/$kMarker" ] || die "$dir is not a test cluster made by this script"
  [ -f "$dir/data/postmaster.pid" ] || die "the server in $dir is not running"
  main=$(head -n 1 "$dir/data/postmaster.pid")
  echo "$main"
  ps -o pid= --ppid "$main" || true
}

# The main process first, so that it forks no child that the second pass misses.
pause_server() {
  local dir=$1 main
  main=$(server_pids "$dir" | head -n 1)
  kill -STOP "$main"
  sleep 0.2
  # shellcheck disable=SC2046  # one pid a word
  kill -STOP $(server_pids "$dir")
}

resume_server() {
  # shellcheck disable=SC2046
  kill -CONT $(server_pids "$1")
}

readonly kUsage="usage: $0 start|stop|stop-server|start-server|pause-server|resume-server DIR"
[ $# -eq 2 ] || die "$kUsage"
# An absolute DIR, and a working directory the server's user can enter.
target=$(realpath -m "$2")
cd /
case "$1" in
  start) start "$target" ;;
  stop) stop "$target" ;;
  stop-server) stop_server "$target" ;;
  start-server) start_server_again "$target" ;;
  pause-server) pause_server "$target" ;;
  resume-server) resume_server "$target" ;;
  *) die "$kUsage" ;;
esac
