#!/usr/bin/env bash
# Coffer beside the servers users would otherwise reach for, measured one after another in one
# invocation with the same core pinning (server on SERVER_CPU, load generator on CLIENT_CPU):
#
#   nginx   a static 60-byte reply to the same POST request wrk sends Coffer (Authorization
#           header and body included), over plain HTTP and over TLS: the cost of HTTP itself
#   Redis   SET of VALUE_BYTES-byte values over ITEMS random keys with appendfsync always
#           (redis-benchmark, REDIS_CLIENTS clients): a durable write on the same disk
#   Coffer  bench/load/run.sh: authenticated GetKeyValueItem of random keys among ITEMS live
#           items, GetSecretValue of 100 secrets (its ratio is to Coffer's own Get: what the
#           decryption and the secret's reads add), and durable SetKeyValueItem, over plain
#           HTTP and HTTPS
#
# and the disk's fsync latency (dd with oflag=dsync in the same directory), which bounds any
# durable write. Prints every figure with Coffer's ratio to its peer. The machine is shared and
# noisy: every figure is the median of REPS runs, and only ratios from one invocation compare.
#
#   bench/compare.sh [COFFER_BINARY]      (default build-bench/coffer, else build/coffer)
#
# Installs nginx-light, redis-server, redis-tools and wrk with apt-get when missing (root or
# sudo). Settings (environment): DURATION=10s WARMUP=3s REPS=3 CONNECTIONS=64 THREADS=2
# ITEMS=100000 VALUE_BYTES=100 REDIS_CLIENTS=50 REDIS_REQUESTS=200000 SERVER_CPU=0 CLIENT_CPU=1.
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
REPS=${REPS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ITEMS=${ITEMS:-100000}
VALUE_BYTES=${VALUE_BYTES:-100}
REDIS_CLIENTS=${REDIS_CLIENTS:-50}
REDIS_REQUESTS=${REDIS_REQUESTS:-200000}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
export DURATION WARMUP REPS CONNECTIONS THREADS SERVER_CPU CLIENT_CPU

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { echo "[compare.sh] $*" >&2; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }'; }

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-benchmark >/dev/null || missing+=(redis-tools)
command -v wrk >/dev/null || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
peer_pid=""
cleanup() {
  if [ -n "$peer_pid" ]; then kill "$peer_pid" 2>/dev/null || true; wait "$peer_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_port() {  # wait_port PORT: until something accepts on 127.0.0.1:PORT
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  log "nothing listens on port $1"
  exit 1
}

# --- the disk: fsync latency where the data directories live ---
dd_out=$(dd if=/dev/zero of="$work/fsync-probe" bs=4k count=200 oflag=dsync 2>&1 | tail -n 1)
fsync_ms=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "s," || $i == "s") t = $(i - 1) } END { printf "%.3f", t * 1000 / 200 }' <<<"$dd_out")
rm -f "$work/fsync-probe"
log "fsync latency (4 KB write + sync, mean of 200): $fsync_ms ms"

# --- nginx: a static reply to Coffer's own request ---
mkdir -p "$work/nginx"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/nginx/key.pem" -out "$work/nginx/cert.pem" 2>/dev/null
nginx_port=$(free_port)
nginx_tls_port=$(free_port)
body='{"result":{"key":"seed:000001","value":"+15551234567","ex":1}}'  # 60 bytes
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    listen 127.0.0.1:$nginx_tls_port ssl;
    ssl_certificate $work/nginx/cert.pem;
    ssl_certificate_key $work/nginx/key.pem;
    location / { default_type application/json; return 200 '$body'; }
  }
}
EOF
taskset -c "$SERVER_CPU" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
peer_pid=$!
wait_port "$nginx_port"
# The same request Coffer gets: get.lua's POST with a real-sized token (any text will do here).
token=$(head -c 520 /dev/urandom | base64 -w0 | tr '+/' '-_' | head -c 690)
nginx_run() {  # nginx_run URL DURATION: wrk's output
  COFFER_TOKEN=$token COFFER_APP_ID=1 COFFER_KEY_SPACE=$ITEMS \
    taskset -c "$CLIENT_CPU" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency \
    -s "$here/load/get.lua" "$1"
}
declare -A nginx_rps nginx_p99
for scheme in http https; do
  port=$nginx_port
  [ "$scheme" = https ] && port=$nginx_tls_port
  url="$scheme://127.0.0.1:$port"
  nginx_run "$url" "$WARMUP" >/dev/null
  rps=() p99=()
  for _ in $(seq 1 "$REPS"); do
    out=$(nginx_run "$url" "$DURATION")
    if grep -q -E 'Socket errors|Non-2xx|^api errors: [1-9]' <<<"$out"; then echo "$out" >&2; exit 1; fi
    rps+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")")
    p99+=("$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms$/, "", v); else { sub(/s$/, "", v); v *= 1000 } print v }' <<<"$out")")
    log "nginx $scheme: ${rps[-1]} req/s, p99 ${p99[-1]} ms"
  done
  nginx_rps[$scheme]=$(echo "${rps[*]}" | median)
  nginx_p99[$scheme]=$(echo "${p99[*]}" | median)
done
kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true; peer_pid=""

# --- Redis: durable SET ---
mkdir -p "$work/redis"
redis_port=$(free_port)
taskset -c "$SERVER_CPU" redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" \
  --appendonly yes --appendfsync always --save '' --daemonize no --loglevel warning &
peer_pid=$!
wait_port "$redis_port"
redis_run() {  # redis_run TEST: "rps p99_ms" of one redis-benchmark run
  taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "$redis_port" -t "$1" \
    -c "$REDIS_CLIENTS" -n "$REDIS_REQUESTS" -d "$VALUE_BYTES" -r "$ITEMS" --csv 2>/dev/null |
    awk -F'","' 'NR == 2 { print $2, $7 }'
}
redis_run set >/dev/null  # warm-up: the AOF file and the keys exist
declare -A redis_rps redis_p99
for test in set get; do
  rps=() p99=()
  for _ in $(seq 1 "$REPS"); do
    read -r r p <<<"$(redis_run "$test")"
    rps+=("$r"); p99+=("$p")
    log "redis $test (appendfsync always): $r req/s, p99 $p ms"
  done
  redis_rps[$test]=$(echo "${rps[*]}" | median)
  redis_p99[$test]=$(echo "${p99[*]}" | median)
done
kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true; peer_pid=""

# --- Coffer ---
coffer_table=$(SEED_KEYS=$ITEMS VALUE_BYTES=$VALUE_BYTES "$here/load/run.sh" "$@")
echo "$coffer_table" >&2
coffer() {  # coffer TRANSPORT METHOD COLUMN (3 req/s, 5 p99)
  awk -F'|' -v t="$1" -v m="$2" -v c="$(($3 + 1))" \
    '{ gsub(/ /, "", $2); gsub(/ /, "", $3) } $2 == t && $3 == m { gsub(/ /, "", $c); print $c }' <<<"$coffer_table"
}

echo
echo "Same run, one after another; server on CPU $SERVER_CPU, load on CPU $CLIENT_CPU; medians of $REPS runs."
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION; redis-benchmark -c $REDIS_CLIENTS -n $REDIS_REQUESTS -d $VALUE_BYTES -r $ITEMS;"
echo "$ITEMS live items of $VALUE_BYTES bytes; fsync latency of this disk: $fsync_ms ms."
echo
echo "| figure | Coffer req/s | Coffer p99 ms | peer | peer req/s | peer p99 ms | ratio |"
echo "|---|---:|---:|---|---:|---:|---:|"
row() {  # row LABEL COFFER_RPS COFFER_P99 PEER PEER_RPS PEER_P99
  printf '| %s | %.0f | %s | %s | %.0f | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$(ratio "$2" "$5")"
}
row "GetKeyValueItem, HTTP" "$(coffer http GetKeyValueItem 3)" "$(coffer http GetKeyValueItem 5)" \
  "nginx static, HTTP" "${nginx_rps[http]}" "${nginx_p99[http]}"
row "GetKeyValueItem, HTTPS" "$(coffer https GetKeyValueItem 3)" "$(coffer https GetKeyValueItem 5)" \
  "nginx static, TLS" "${nginx_rps[https]}" "${nginx_p99[https]}"
row "SetKeyValueItem (durable), HTTP" "$(coffer http SetKeyValueItem 3)" "$(coffer http SetKeyValueItem 5)" \
  "Redis SET, appendfsync always" "${redis_rps[set]}" "${redis_p99[set]}"
row "SetKeyValueItem (durable), HTTPS" "$(coffer https SetKeyValueItem 3)" "$(coffer https SetKeyValueItem 5)" \
  "Redis SET, appendfsync always" "${redis_rps[set]}" "${redis_p99[set]}"
row "GetSecretValue, HTTP" "$(coffer http GetSecretValue 3)" "$(coffer http GetSecretValue 5)" \
  "Coffer GetKeyValueItem, HTTP" "$(coffer http GetKeyValueItem 3)" "$(coffer http GetKeyValueItem 5)"
row "GetSecretValue, HTTPS" "$(coffer https GetSecretValue 3)" "$(coffer https GetSecretValue 5)" \
  "Coffer GetKeyValueItem, HTTPS" "$(coffer https GetKeyValueItem 3)" "$(coffer https GetKeyValueItem 5)"
row "GetKeyValueItem, HTTP (for scale)" "$(coffer http GetKeyValueItem 3)" "$(coffer http GetKeyValueItem 5)" \
  "Redis GET (no HTTP, no auth)" "${redis_rps[get]}" "${redis_p99[get]}"
