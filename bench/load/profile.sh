#!/usr/bin/env bash
# Where a request's CPU time goes: runs `coffer serve` under valgrind's callgrind while wrk
# sends a few thousand authenticated requests, then prints callgrind_annotate's top entries.
#
#   bench/load/profile.sh [COFFER_BINARY]
#
# Phases, each a separate callgrind dump (instruction counts, user space only: the kernel's
# share, e.g. fsync and TCP, is not counted; see the perf numbers in docs/performance.md):
#   1. GetKeyValueItem over plain HTTP   2. SetKeyValueItem over plain HTTP
#   3. GetSecretValue over plain HTTP (100 secrets; its audit record joins the group commit)
#   4. GetKeyValueItem over HTTPS (a second server under callgrind, same data)
# Start-up (RSA key generation on first start, TLS certificate) is done by a normal run
# first and is not collected. Before that, when perf can read software events and syscall
# tracepoints, the normal server (pinned to CPU 0, wrk to CPU 1, 64 connections) is counted
# with `perf stat`: CPU time, context switches, fcntl (SQLite file locks), futex and
# fdatasync calls per request. Settings: PHASE_SECONDS=15 CONNECTIONS=8 TOP=30 KEEP=0.
set -euo pipefail

PHASE_SECONDS=${PHASE_SECONDS:-15}
CONNECTIONS=${CONNECTIONS:-8}
TOP=${TOP:-30}
KEEP=${KEEP:-0}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${1:-}
if [[ -z $binary ]]; then
  if [[ -x $root/build-bench/coffer ]]; then binary=$root/build-bench/coffer; else binary=$root/build/coffer; fi
fi
for tool in wrk curl valgrind callgrind_control callgrind_annotate; do
  command -v "$tool" >/dev/null || { echo "profile.sh: $tool is required" >&2; exit 2; }
done

work=$(mktemp -d)
data=$work/data
server_pid=""
log() { echo "[profile.sh] $*" >&2; }

stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" || true
  server_pid=""
}
cleanup() {
  stop_server
  if [[ $KEEP == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# start LOG_NAME [wrapper...] -- SERVE_ARGS...: sets server_pid and base_url.
start() {
  local log_file=$work/$1.log
  shift
  local wrapper=()
  while [[ $1 != -- ]]; do wrapper+=("$1"); shift; done
  shift
  "${wrapper[@]}" "$binary" serve --listen 127.0.0.1:0 --data "$data" --log-level info "$@" \
    2>"$log_file" &
  server_pid=$!
  local line=""
  for _ in $(seq 1 1200); do  # valgrind starts slowly: up to 120 s
    line=$(grep -o 'listening on https\?://[^ ]*' "$log_file" || true)
    [[ -n $line ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log_file" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n $line ]] || { log "server did not start"; exit 1; }
  base_url=${line#listening on }
}

api() {
  curl -sS -k -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data "$2" "$base_url/platform_api/$1"
}

wrk_phase() {  # wrk_phase NAME SCRIPT [env...]: wrk's output goes to $work/NAME.wrk
  local name=$1 script=$2
  shift 2
  env COFFER_TOKEN="$token" COFFER_APP_ID="$app_id" "$@" \
    wrk -t1 -c"$CONNECTIONS" -d"${PHASE_SECONDS}s" --latency -s "$here/$script" "$base_url" \
    >"$work/$name.wrk"
  grep -E 'requests in|Requests/sec|api errors' "$work/$name.wrk" >&2
}

# summarise DUMP NAME: instructions per request of the main parts of the request path
# (inclusive costs, so nested rows are part of the row above them), then the top entries.
summarise() {
  local dump=$1 name=$2 requests
  requests=$(awk '/requests in/ { print $1 }' "$work/$name.wrk")
  callgrind_annotate --inclusive=yes "$dump" >"$dump.inclusive" 2>/dev/null
  callgrind_annotate "$dump" >"$dump.self" 2>/dev/null
  echo
  echo "=== $name: $requests requests (wrk -t1 -c$CONNECTIONS, ${PHASE_SECONDS} s under callgrind)"
  echo
  echo "| part (inclusive) | instructions per request | share |"
  echo "|---|---:|---:|"
  awk -v requests="$requests" -v self_file="$dump.self" '
    function ir(line) { split(line, f, " "); gsub(",", "", f[1]); return f[1] + 0 }
    BEGIN {
      n = split("whole process|PROGRAM TOTALS;" \
        "request handler (Router::Handle)|coffer::api::Router::Handle(;" \
        "request handler, asynchronous writes (Router::Start)|coffer::api::Router::Start(;" \
        "- decode parameters|coffer::api::DecodeRequest(;" \
        "- authenticate Bearer token|coffer::auth::Authenticator::AuthenticateBearer(;" \
        "-- token cache lookup|coffer::auth::TokenCache::Find(;" \
        "-- JWT parse (uncached only)|coffer::auth::ParseJwt(;" \
        "-- RS256 verify (uncached only)|coffer::crypto::RsaPublicKey::VerifyRs256(;" \
        "-- service key read (SQLite)|coffer::store::sqlite::SqliteStore::FindServiceKey(;" \
        "-- account read (SQLite)|coffer::store::sqlite::SqliteStore::FindAccountById(;" \
        "- application read (SQLite)|coffer::store::sqlite::SqliteStore::FindApplication(;" \
        "- item read (SQLite)|coffer::store::sqlite::SqliteStore::GetKvItem(;" \
        "- item write, caller side|coffer::store::sqlite::SqliteStore::PutKvItem(;" \
        "- secret read and decryption (Reveal)|coffer::service::Secrets::Reveal(;" \
        "- audit entry and hash|coffer::service::AuditTrail::Stored(;" \
        "- JSON rendering|coffer::api::RenderSuccess(;" \
        "writer thread: group commit batches|coffer::store::sqlite::WriteQueue::RunBatch(;" \
        "- BEGIN/SAVEPOINT/RELEASE/COMMIT via sqlite3_exec|coffer::store::sqlite::Connection::Exec(;" \
        "-- SQL parsing inside sqlite3_exec|???:sqlite3_prepare_v2 ;" \
        "all SQLite statement steps (sqlite3_step)|???:sqlite3_step ;" \
        "HTTP request parsing (Beast)|basic_parser<true>::put(;" \
        "HTTP response writing (header, body, send)|>::Write(coffer::common::HttpResponse;" \
        "- status line and header fields|coffer::http::ResponseWire(;" \
        "TLS handshakes|???:SSL_do_handshake ;" \
        "TLS decrypt (SSL_read)|???:SSL_read ;" \
        "TLS encrypt (SSL_write)|???:SSL_write ", rows, ";")
    }
    /PROGRAM TOTALS/ && total == 0 { total = ir($0) }
    {
      for (i = 1; i <= n; i++) {
        split(rows[i], kv, "|")
        if (!(i in found) && index($0, kv[2]) > 0) { found[i] = ir($0) }
      }
    }
    END {
      while ((getline line < self_file) > 0) {
        if (line ~ /malloc\.c:|operator new|operator delete/) alloc += ir(line)
        if (line ~ /pthread_mutex_(un)?lock/) mutex += ir(line)
      }
      for (i = 1; i <= n; i++) {
        split(rows[i], kv, "|")
        if (!(i in found)) continue
        printf "| %s | %.0f | %.1f%% |\n", kv[1], found[i] / requests, 100 * found[i] / total
      }
      printf "| malloc/free/new/delete (self, everywhere) | %.0f | %.1f%% |\n", alloc / requests, 100 * alloc / total
      printf "| pthread mutex lock/unlock (self, everywhere) | %.0f | %.1f%% |\n", mutex / requests, 100 * mutex / total
    }' "$dump.inclusive"
  echo
  echo "top $TOP functions by own instructions:"
  sed -n '/file:function/,$p' "$dump.self" | sed -n "3,$((TOP + 2))p" | cut -c1-150
}

# 1. Bootstrap without valgrind: account, key, application, 100 keys, TLS certificate.
start bootstrap -- --tls-self-signed
token=$("$root/build-bench/bench/token_helper" "$data/credentials.json" 2>/dev/null ||
  node "$here/mint_token.mjs" "$data/credentials.json")
app_id=$(api AddApplication application_name=profile | grep -o '"application_id":[0-9]*' | cut -d: -f2)
for i in $(seq 0 99); do
  api SetKeyValueItem "application_id=$app_id&key=seed%3A$(printf %06d "$i")&value=v$i" >/dev/null
  api AddSecret "application_id=$app_id&secret_name=$(printf s%06d "$i")&secret_value=v$i" |
    grep -q '"secret_id"' || { log "AddSecret failed"; exit 1; }
done

# perf_phase NAME SCRIPT [env...]: per-request kernel-visible costs of the real server.
perf_phase() {
  local name=$1 script=$2 events=task-clock,context-switches
  events+=,syscalls:sys_enter_fcntl,syscalls:sys_enter_futex,syscalls:sys_enter_fdatasync
  shift 2
  perf stat -x, -e "$events" -p "$server_pid" -o "$work/$name.perf" &
  local perf_pid=$!
  sleep 0.5
  env COFFER_TOKEN="$token" COFFER_APP_ID="$app_id" "$@" taskset -c 1 \
    wrk -t2 -c64 -d"${PHASE_SECONDS}s" -s "$here/$script" "$base_url" >"$work/$name.wrk"
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  awk -F, -v name="$name" -v requests="$(awk '/requests in/ { print $1 }' "$work/$name.wrk")" '
    $3 == "task-clock" { cpu = $1 }  # milliseconds
    $3 ~ /^context-switches/ { cs = $1 }
    $3 ~ /fcntl/ { fcntl = $1 }
    $3 ~ /futex/ { futex = $1 }
    $3 ~ /fdatasync/ { syncs = $1 }
    END {
      per_sync = "-"
      if (syncs > 0) per_sync = sprintf("%.1f", requests / syncs)
      printf("| %s | %d | %.0f | %.1f | %.2f | %.2f | %.2f | %s |\n", name, requests,
        1000 * cpu / requests, cs / requests, fcntl / requests, futex / requests,
        syncs / requests, per_sync)
    }' "$work/$name.perf" >>"$work/perf-table"
}
if command -v perf >/dev/null &&
  perf stat -e task-clock,syscalls:sys_enter_fcntl true >/dev/null 2>&1; then
  stop_server
  start perf taskset -c 0 -- --plain-http
  log "perf stat phases against server $server_pid"
  perf_phase get-http-perf get.lua COFFER_KEY_PREFIX=seed COFFER_KEY_SPACE=100
  perf_phase set-http-perf set.lua COFFER_KEY_PREFIX=perf
fi
stop_server

callgrind_out=$work/callgrind.out
# 2. Plain HTTP under callgrind, instrumented only between the toggles.
start callgrind-http valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$callgrind_out.http" -- --plain-http
log "callgrind server $server_pid at $base_url"
api GetKeyValueItem "application_id=$app_id&key=seed%3A000001" >/dev/null  # warm caches
callgrind_control -i on "$server_pid" >/dev/null
log "phase get-http"
wrk_phase get-http get.lua COFFER_KEY_PREFIX=seed COFFER_KEY_SPACE=100
callgrind_control -d get-http "$server_pid" >/dev/null
log "phase set-http"
wrk_phase set-http set.lua COFFER_KEY_PREFIX=profile
callgrind_control -d set-http "$server_pid" >/dev/null
log "phase get-secret-http"
wrk_phase get-secret-http get_secret.lua COFFER_SECRET_SPACE=100
callgrind_control -d get-secret-http "$server_pid" >/dev/null
callgrind_control -i off "$server_pid" >/dev/null
stop_server

# 3. HTTPS under callgrind.
start callgrind-https valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$callgrind_out.https" -- --tls-self-signed
log "callgrind server $server_pid at $base_url"
api GetKeyValueItem "application_id=$app_id&key=seed%3A000001" >/dev/null
callgrind_control -i on "$server_pid" >/dev/null
log "phase get-https"
wrk_phase get-https get.lua COFFER_KEY_PREFIX=seed COFFER_KEY_SPACE=100
callgrind_control -d get-https "$server_pid" >/dev/null
callgrind_control -i off "$server_pid" >/dev/null
stop_server

if [[ -f $work/perf-table ]]; then
  echo
  echo "=== perf stat of the server (not under valgrind): wrk -t2 -c64 -d${PHASE_SECONDS}s, server on CPU 0"
  echo
  echo "| phase | requests | CPU µs/request | context switches/request | fcntl/request | futex/request | fdatasync/request | writes per fdatasync |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  cat "$work/perf-table"
fi

# callgrind_control -d writes numbered dumps next to --callgrind-out-file.
summarise "$callgrind_out.http.1" get-http
summarise "$callgrind_out.http.2" set-http
summarise "$callgrind_out.http.3" get-secret-http
summarise "$callgrind_out.https.1" get-https
