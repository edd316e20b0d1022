#!/usr/bin/env bash
# HTTP load test of coffer with wrk: authenticated GetKeyValueItem, GetSecretValue and
# SetKeyValueItem over plain HTTP and (unless HTTPS=0) over TLS.
#
#   bench/load/run.sh [COFFER_BINARY]
#
# Builds nothing. COFFER_BINARY defaults to build-bench/coffer, else build/coffer (relative to
# the repository root). The token comes from build-bench/bench/token_helper when it exists,
# else from `node bench/load/mint_token.mjs`.
#
# What it does: starts `coffer serve` on 127.0.0.1 with a fresh data directory (mktemp),
# pinned to CPU $SERVER_CPU; reads the port from the "listening on" log line; creates an
# application; seeds $SEED_KEYS keys and $SECRETS secrets of $VALUE_BYTES characters; mints a one-hour token; then for each method runs wrk
# pinned to CPU $CLIENT_CPU: one warm-up of $WARMUP, then $REPS runs of $DURATION with
# $CONNECTIONS connections, recording requests/s, p50 and p99 (wrk's latency distribution)
# and the server's VmRSS/VmHWM. Prints a markdown table of medians. When perf can count
# syscall tracepoints, one extra (unrecorded) SetKeyValueItem run counts fsync/fdatasync
# calls, giving the writes that shared one sync (group commit). Stops the server with SIGTERM.
#
# Settings (environment): DURATION=10s WARMUP=3s REPS=3 CONNECTIONS=64 THREADS=2
# SEED_KEYS=1000 SECRETS=100 VALUE_BYTES=12 SERVER_CPU=0 CLIENT_CPU=1 HTTPS=1 KEEP=0 (keep the work directory)
# SERVER_ARGS="" (more `coffer serve` options, e.g. "--workers 64").
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
REPS=${REPS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SEED_KEYS=${SEED_KEYS:-1000}
SECRETS=${SECRETS:-100}
VALUE_BYTES=${VALUE_BYTES:-12}
SERVER_ARGS=${SERVER_ARGS:-}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HTTPS=${HTTPS:-1}
KEEP=${KEEP:-0}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

binary=${1:-}
if [[ -z $binary ]]; then
  if [[ -x $root/build-bench/coffer ]]; then binary=$root/build-bench/coffer; else binary=$root/build/coffer; fi
fi
[[ -x $binary ]] || { echo "run.sh: no coffer binary at $binary (build it first)" >&2; exit 2; }
for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

work=$(mktemp -d)
data=$work/data
server_pid=""

log() { echo "[run.sh] $*" >&2; }

stop_server() {
  [[ -n $server_pid ]] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    local status=0
    wait "$server_pid" || status=$?
    log "server $server_pid stopped with SIGTERM, exit status $status"
  fi
  server_pid=""
}

cleanup() {
  stop_server
  if [[ $KEEP == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# start_server plain|tls: sets server_pid, base_url, curl_tls.
start_server() {
  local mode=$1 log_file=$work/server-$1.log
  local tls_flag=(--plain-http)
  [[ $mode == tls ]] && tls_flag=(--tls-self-signed)
  # --log-level info: the "listening on" line is logged at info level.
  taskset -c "$SERVER_CPU" "$binary" serve "${tls_flag[@]}" --listen 127.0.0.1:0 --data "$data" \
    --log-level info $SERVER_ARGS 2>"$log_file" &
  server_pid=$!
  local line=""
  for _ in $(seq 1 200); do
    line=$(grep -o 'listening on https\?://[^ ]*' "$log_file" || true)
    [[ -n $line ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log_file" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n $line ]] || { log "server did not report its address"; cat "$log_file" >&2; exit 1; }
  base_url=${line#listening on }
  curl_tls=()
  [[ $mode == tls ]] && curl_tls=(-k)
  log "server pid $server_pid ($mode) at $base_url, pinned to CPU $SERVER_CPU"
}

api() {  # api METHOD BODY -> JSON answer
  curl -sS "${curl_tls[@]}" -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data "$2" "$base_url/platform_api/$1"
}

mint_token() {
  local helper=$root/build-bench/bench/token_helper
  if [[ -x $helper ]]; then "$helper" "$data/credentials.json"
  else node "$here/mint_token.mjs" "$data/credentials.json"; fi
}

# to_ms VALUE_WITH_UNIT: wrk prints latencies as 812.00us, 4.10ms or 1.02s.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "%s", v }'
}

status_kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$server_pid/status"; }

kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run_wrk SCRIPT DURATION CONNECTIONS THREADS [extra env...]: wrk's output on stdout.
run_wrk() {
  local script=$1 duration=$2 connections=$3 threads=$4
  shift 4
  env COFFER_TOKEN="$token" COFFER_APP_ID="$app_id" COFFER_VALUE_BYTES="$VALUE_BYTES" "$@" \
    taskset -c "$CLIENT_CPU" wrk -t"$threads" -c"$connections" -d"$duration" --latency \
    -s "$here/$script" "$base_url"
}

check_wrk() {  # check_wrk OUTPUT: fails on API errors, socket errors or non-2xx answers
  if grep -q -E '^api errors: [1-9]|Socket errors|Non-2xx' <<<"$1"; then
    echo "$1" >&2
    log "wrk reported errors"
    exit 1
  fi
}

rows=()
# measure TRANSPORT METHOD SCRIPT [extra env...]
measure() {
  local transport=$1 method=$2 script=$3
  shift 3
  log "$transport $method: warm-up $WARMUP"
  check_wrk "$(run_wrk "$script" "$WARMUP" "$CONNECTIONS" "$THREADS" "$@")"
  local rps=() p50=() p99=() rss=() out
  for rep in $(seq 1 "$REPS"); do
    out=$(run_wrk "$script" "$DURATION" "$CONNECTIONS" "$THREADS" "$@" COFFER_RUN="$rep")
    check_wrk "$out"
    rps+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")")
    p50+=("$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")")
    p99+=("$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")")
    rss+=("$(status_kib VmRSS)")
    log "$transport $method run $rep: ${rps[-1]} req/s, p50 ${p50[-1]} ms, p99 ${p99[-1]} ms, VmRSS ${rss[-1]} kB, load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
  local hwm
  hwm=$(status_kib VmHWM)
  rows+=("$(printf '| %s | %s | %.0f | %.2f | %.2f | %.1f | %.1f | %s |' "$transport" "$method" \
    "$(echo "${rps[*]}" | median)" "$(echo "${p50[*]}" | median)" "$(echo "${p99[*]}" | median)" \
    "$(kib_to_mib "$(echo "${rss[*]}" | median)")" "$(kib_to_mib "$hwm")" \
    "$(IFS=/; echo "${rps[*]}")")")
}

# Counts the syncs of one SetKeyValueItem run with perf's syscall tracepoints (if usable).
count_syncs() {
  local events=syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync
  if ! command -v perf >/dev/null || ! perf stat -e "$events" true >/dev/null 2>&1; then
    log "perf cannot count syscall tracepoints here: skipping the sync count"
    return 0
  fi
  local perf_out=$work/perf-syncs.txt out
  perf stat -x, -e "$events" -p "$server_pid" -o "$perf_out" &
  local perf_pid=$!
  sleep 0.5
  out=$(run_wrk set.lua 5s "$CONNECTIONS" "$THREADS" COFFER_KEY_PREFIX=syncs)
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  check_wrk "$out"
  local requests syncs
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  syncs=$(awk -F, '/sys_enter_f/ { s += $1 } END { print s + 0 }' "$perf_out")
  sync_line=$(printf 'SetKeyValueItem (%s, 5 s, %s connections, perf attached): %s requests, %s fsync+fdatasync calls, %.1f writes per sync' \
    "$1" "$CONNECTIONS" "$requests" "$syncs" "$(awk -v r="$requests" -v s="$syncs" 'BEGIN { print (s > 0 ? r / s : 0) }')")
  log "$sync_line"
}

log "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
log "binary: $binary ${SERVER_ARGS:+(serve $SERVER_ARGS)}"

start_server plain
token=$(mint_token)
answer=$(api AddApplication 'application_name=loadbench')
app_id=$(grep -o '"application_id":[0-9]*' <<<"$answer" | cut -d: -f2)
[[ -n $app_id ]] || { log "AddApplication failed: $answer"; exit 1; }
log "application $app_id; seeding $SEED_KEYS keys"
# wrk always runs for its whole duration; set.lua stops sending once every key is written.
last=$(printf 'seed%%3A%06d' $((SEED_KEYS - 1)))
for attempt in 1 2 3 4 5; do
  # Long enough for every key at a few thousand writes a second; wrk waits out the duration.
  seed=$(run_wrk set.lua "$((SEED_KEYS / 4000 + 3))s" 16 1 COFFER_KEY_PREFIX=seed \
    COFFER_KEY_SPACE="$SEED_KEYS" COFFER_SEED=1)
  check_wrk "$seed"
  log "seeding: $(grep "requests in" <<<"$seed" | sed "s/^ *//")"
  grep -q '"result"' <<<"$(api GetKeyValueItem "application_id=$app_id&key=$last")" && break
  [[ $attempt == 5 ]] && { log "seeding did not reach the last key"; exit 1; }
done

log "seeding $SECRETS secrets"
secret_value=$(head -c "$VALUE_BYTES" /dev/zero | tr '\0' 'v')
for i in $(seq 0 $((SECRETS - 1))); do
  answer=$(api AddSecret "application_id=$app_id&secret_name=$(printf 's%06d' "$i")&secret_value=$secret_value")
  grep -q '"secret_id"' <<<"$answer" || { log "AddSecret failed: $answer"; exit 1; }
done

sync_line=""
measure http GetKeyValueItem get.lua COFFER_KEY_PREFIX=seed COFFER_KEY_SPACE="$SEED_KEYS"
measure http GetSecretValue get_secret.lua COFFER_SECRET_SPACE="$SECRETS"
measure http SetKeyValueItem set.lua COFFER_KEY_PREFIX=load-http
count_syncs http
stop_server

if [[ $HTTPS == 1 ]]; then
  start_server tls
  measure https GetKeyValueItem get.lua COFFER_KEY_PREFIX=seed COFFER_KEY_SPACE="$SEED_KEYS"
  measure https GetSecretValue get_secret.lua COFFER_SECRET_SPACE="$SECRETS"
  measure https SetKeyValueItem set.lua COFFER_KEY_PREFIX=load-https
  stop_server
fi

echo
echo "coffer serve ${SERVER_ARGS:-(default options)}; wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $REPS runs after a $WARMUP warm-up; medians."
echo "Server pinned to CPU $SERVER_CPU, wrk to CPU $CLIENT_CPU; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| transport | method | req/s | p50 ms | p99 ms | VmRSS MiB | VmHWM MiB | req/s of each run |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
[[ -n $sync_line ]] && { echo; echo "$sync_line"; }
