#!/bin/bash
# Where the server's CPU goes: the CPU time (utime + stime, /proc/PID/task/*/stat) of
# each of a fresh server's threads, grouped by thread name, over one load run (SQLite,
# demo data, after a 5 s warm-up of 4 users), and the thread switches (voluntary and
# not, /proc/PID/task/*/status) per thread name. See docs/perf-history.md,
# "Where the server's CPU goes".
#
#   tools/bench/threads.sh [USERS] [SECONDS] [SCENARIO]     # defaults: 8 20 checkout
#
# Settings: GATEWAY_BIN (default target/release/gateway), LOAD_BIN, PORT=18091,
# WORK=/tmp/gateway-threads. Lines per order: LOAD_ITEMS (default 1).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
USERS=${1:-8}
SECONDS_EACH=${2:-20}
SCENARIO=${3:-checkout}
GATEWAY_BIN=${GATEWAY_BIN:-$ROOT/target/release/gateway}
LOAD_BIN=${LOAD_BIN:-$ROOT/tools/load/target/release/gateway-load}
PORT=${PORT:-18091}
WORK=${WORK:-/tmp/gateway-threads}
URL=http://127.0.0.1:$PORT
export LOAD_ITEMS=${LOAD_ITEMS:-1}
rm -rf "$WORK"; mkdir -p "$WORK"
GATEWAY_LOG=warn "$GATEWAY_BIN" --data-dir "$WORK/data" serve --addr "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "$URL/healthz" >/dev/null && break; sleep 1; done
"$LOAD_BIN" --host "$URL" --scenarios "$SCENARIO" -u 4 -r 4 -t 5s --no-telnet --quiet > "$WORK/warmup.out" 2>&1
# Per thread name: CPU ticks and thread switches; a thread that ends between the two
# reads is skipped.
ticks() {
  for t in /proc/$PID/task/*; do
    name=$(tr ' ' _ < "$t/comm" 2>/dev/null) && stat=$(cat "$t/stat" 2>/dev/null) \
      && switches=$(awk '/ctxt_switches/ {n += $2} END {print n}' "$t/status" 2>/dev/null) || continue
    echo "$name $(awk '{print $14 + $15}' <<< "$stat") $switches"
  done | awk '{a[$1] += $2; s[$1] += $3} END {for (k in a) print k, a[k], s[k]}' | sort
}
ticks > "$WORK/before"
"$LOAD_BIN" --host "$URL" --scenarios "$SCENARIO" -u "$USERS" -r "$USERS" -t "${SECONDS_EACH}s" --no-telnet --quiet > "$WORK/run.out" 2>&1
ticks > "$WORK/after"
echo "== $(date -u +%FT%TZ) commit $(git -C "$ROOT" rev-parse --short HEAD); $SCENARIO, $USERS users, $SECONDS_EACH s; load $(cut -d' ' -f1-3 /proc/loadavg)"
grep "^SUMMARY scenario=" "$WORK/run.out"
HZ=$(getconf CLK_TCK)
join -a1 -e 0 -o 0,1.2,1.3,2.2,2.3 "$WORK/before" "$WORK/after" \
  | awk -v hz="$HZ" '{d = ($4 - $2) / hz; if (d > 0) printf "%-18s %7.2f s %9d switches\n", $1, d, $5 - $3}' | sort -k2 -nr
