#!/usr/bin/env bash
# GetKeyValueItem and SetKeyValueItem through one node on PostgreSQL beside the same node on
# SQLite, in one invocation, over plain HTTP (bench/load/run.sh for each, same pinning and
# connections). PostgreSQL runs as a throwaway cluster with its durable defaults (fsync on,
# synchronous_commit on), unpinned, on the same disk; it is removed at the end.
#
#   bench/load/postgres.sh [COFFER_BINARY]
#
# Settings: as run.sh (DURATION, REPS, CONNECTIONS, ...); DB_POOL=16 (the node's --db-pool).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
parent=$(mktemp -d)
chmod 0755 "$parent"  # the server runs as the postgres user when this runs as root
cleanup() {
  "$root/scripts/pg-test-cluster.sh" stop "$parent/cluster" >/dev/null 2>&1 || true
  rm -rf "$parent"
}
trap cleanup EXIT
url=$(PG_DURABLE=1 "$root/scripts/pg-test-cluster.sh" start "$parent/cluster")

echo "## SQLite"
HTTPS=0 "$here/run.sh" "$@"
echo
echo "## PostgreSQL ($(ls /usr/lib/postgresql | sort -V | tail -n 1), fsync on, synchronous_commit on)"
HTTPS=0 SERVER_ARGS="--postgres $url --db-pool ${DB_POOL:-16} ${SERVER_ARGS:-}" "$here/run.sh" "$@"
