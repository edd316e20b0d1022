#!/usr/bin/env bash
# Where a request's real CPU time goes, kernel included: samples the running server with
# `perf record -e cpu-clock` while wrk loads it, then prints the time per request and perf's
# top shared objects and symbols. Unlike callgrind (profile.sh), this runs the real binary at
# full speed on the real CPU (SHA and AES instructions, the kernel's TCP and futex work), so it
# is the figure to trust for time; callgrind's instruction counts are the noise-free one.
#
#   bench/load/perf_record.sh [COFFER_BINARY] [http|https] [get.lua|set.lua|get_secret.lua]
#
# Starts `coffer serve` pinned to CPU $SERVER_CPU on a fresh data directory, seeds $SEED_KEYS
# items of $VALUE_BYTES bytes (and, for get_secret.lua, 100 secrets of as many), then runs wrk
# ($CONNECTIONS connections, pinned to $CLIENT_CPU) for $SECONDS_TO_SAMPLE while perf samples
# the server. Settings (environment):
# SECONDS_TO_SAMPLE=8 CONNECTIONS=64 SEED_KEYS=1000 VALUE_BYTES=100 SERVER_CPU=0 CLIENT_CPU=1
# TOP=40 KEEP=0 (keep the work directory with perf.data), SERVER_ARGS (added to `serve`, e.g.
# "--audit off").
set -euo pipefail

SECONDS_TO_SAMPLE=${SECONDS_TO_SAMPLE:-8}
CONNECTIONS=${CONNECTIONS:-64}
SEED_KEYS=${SEED_KEYS:-1000}
VALUE_BYTES=${VALUE_BYTES:-100}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
TOP=${TOP:-40}
KEEP=${KEEP:-0}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${1:-$root/build-bench/coffer}
transport=${2:-http}
script=${3:-get.lua}
helper=$root/build-bench/bench/token_helper
for tool in wrk perf curl taskset; do
  command -v "$tool" >/dev/null || { echo "perf_record.sh: $tool is required" >&2; exit 2; }
done
[[ -x $binary ]] || { echo "perf_record.sh: no coffer binary at $binary" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" || true
  if [[ $KEEP == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

flag=--plain-http
[[ $transport == https ]] && flag=--tls-self-signed
taskset -c "$SERVER_CPU" "$binary" serve "$flag" --listen 127.0.0.1:0 --data "$work/data" \
  --log-level info ${SERVER_ARGS:-} 2>"$work/server.log" &
server_pid=$!
line=""
for _ in $(seq 1 200); do
  line=$(grep -o 'listening on https\?://[^ ]*' "$work/server.log" || true)
  [[ -n $line ]] && break
  sleep 0.1
done
[[ -n $line ]] || { cat "$work/server.log" >&2; exit 1; }
url=${line#listening on }

if [[ -x $helper ]]; then token=$("$helper" "$work/data/credentials.json")
else token=$(node "$here/mint_token.mjs" "$work/data/credentials.json"); fi
app_id=$(curl -sSk -X POST -H "Authorization: Bearer $token" --data application_name=perf \
  "$url/platform_api/AddApplication" | grep -o '"application_id":[0-9]*' | cut -d: -f2)
[[ -n $app_id ]] || { echo "perf_record.sh: AddApplication failed" >&2; exit 1; }

wrk_run() {  # wrk_run SCRIPT SECONDS CONNECTIONS [env...]
  local name=$1 seconds=$2 connections=$3
  shift 3
  env COFFER_TOKEN="$token" COFFER_APP_ID="$app_id" COFFER_VALUE_BYTES="$VALUE_BYTES" \
    COFFER_KEY_PREFIX=seed COFFER_KEY_SPACE="$SEED_KEYS" "$@" \
    taskset -c "$CLIENT_CPU" wrk -t2 -c"$connections" -d"${seconds}s" --latency \
    -s "$here/$name" "$url"
}
wrk_run set.lua $((SEED_KEYS / 2000 + 3)) 16 COFFER_SEED=1 >/dev/null
if [[ $script == get_secret.lua ]]; then  # s000000..s000099, as get_secret.lua reads them
  value=$(head -c "$VALUE_BYTES" /dev/zero | tr '\0' 'v')
  for i in $(seq 0 99); do
    curl -sSk -X POST -H "Authorization: Bearer $token" \
      --data "application_id=$app_id&secret_name=$(printf 's%06d' "$i")&secret_value=$value" \
      "$url/platform_api/AddSecret" | grep -q '"secret_id"' ||
      { echo "perf_record.sh: AddSecret failed" >&2; exit 1; }
  done
fi

perf record -e cpu-clock -g -o "$work/perf.data" -p "$server_pid" -- sleep "$SECONDS_TO_SAMPLE" \
  >/dev/null 2>&1 &
record_pid=$!
perf stat -e task-clock,context-switches -x, -o "$work/stat.csv" -p "$server_pid" \
  -- sleep "$SECONDS_TO_SAMPLE" &
stat_pid=$!
[[ $script == set.lua ]] && extra=(COFFER_KEY_SPACE=0) || extra=()
wrk_run "$script" "$SECONDS_TO_SAMPLE" "$CONNECTIONS" "${extra[@]}" >"$work/wrk.txt"
wait "$record_pid" "$stat_pid" || true

if grep -q -E '^api errors: [1-9]|Non-2xx|Socket errors' "$work/wrk.txt"; then
  cat "$work/wrk.txt" >&2
  echo "perf_record.sh: wrk saw errors" >&2
  exit 1
fi
requests=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
awk -F, -v r="$requests" -v s="$script" -v t="$transport" '
  $3 == "task-clock" { cpu = $1 } $3 == "context-switches" { cs = $1 }
  END { printf "%s over %s: %d requests, %.1f us CPU and %.2f context switches per request\n",
        s, t, r, cpu * 1000 / r, cs / r }' "$work/stat.csv"
grep -E 'Requests/sec|99%' "$work/wrk.txt"
echo "--- by shared object"
perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
  grep '%' | head -12
echo "--- by symbol"
perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null |
  grep '%' | head -"$TOP" | cut -c1-150
