#!/usr/bin/env bash
# GetKeyValueItem, GetSecretValue and SetKeyValueItem through one node on PostgreSQL beside the
# same node on SQLite, in one invocation, over plain HTTP (bench/load/run.sh for each, same
# pinning and connections). PostgreSQL runs as a throwaway cluster with its durable defaults
# (fsync on, synchronous_commit on), unpinned, on the same disk; it is removed at the end.
#
#   bench/load/postgres.sh [COFFER_BINARY ...]
#
# With several binaries (an A/B: old, new, old, new), the SQLite run uses the first and each
# binary then runs on PostgreSQL in turn, on an emptied database.
# Settings: as run.sh (DURATION, REPS, CONNECTIONS, ...); DB_POOL=16 (the node's --db-pool);
# SQLITE=0 skips the SQLite run.
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

binaries=("$@")
[[ ${#binaries[@]} -gt 0 ]] || binaries=("")  # run.sh's default binary
if [[ ${SQLITE:-1} != 0 ]]; then
  echo "## SQLite"
  HTTPS=0 "$here/run.sh" "${binaries[0]}"
  echo
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
for binary in "${binaries[@]}"; do
  echo "## PostgreSQL ($version, fsync on, synchronous_commit on): ${binary:-default binary}"
  HTTPS=0 SERVER_ARGS="--postgres $url --db-pool ${DB_POOL:-16} ${SERVER_ARGS:-}" \
    "$here/run.sh" "$binary"
  echo
  # The next binary starts on an empty database, with a master key of its own.
  psql "$url" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
done
