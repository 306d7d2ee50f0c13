#!/bin/bash
# Memory (issue 7, part 5): resident memory (VmRSS, `ps -o rss=`) of one `gateway
# serve` on PostgreSQL, idle once its search index is built, then sampled every second
# under the mixed load (tools/load, scenario mix: 70% product pages, 20% searches, 10%
# checkouts).
#
#   DB=gateway_seeded tools/bench/mem.sh      # an existing database (e.g. gateway seed …)
#   FRESH=1 tools/bench/mem.sh                # a fresh database with the demo data
#
# Settings: USERS=32, SECONDS_EACH=60, GATEWAY_BIN, LOAD_BIN, PG, PORT=18120,
# WORK=/tmp/gateway-mem (the server's data directory: its index is rebuilt there).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
USERS=${USERS:-32}
SECONDS_EACH=${SECONDS_EACH:-60}
GATEWAY_BIN=${GATEWAY_BIN:-$ROOT/target/release/gateway}
LOAD_BIN=${LOAD_BIN:-$ROOT/tools/load/target/release/gateway-load}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18120}
WORK=${WORK:-/tmp/gateway-mem}
DB=${DB:-gateway_mem}
URL=http://127.0.0.1:$PORT
rm -rf "$WORK"; mkdir -p "$WORK"
if [ "${FRESH:-0}" = 1 ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fi
PRODUCTS=$(psql "$PG/$DB" -Atc "SELECT COUNT(*) FROM products" 2>/dev/null || echo 0)
# What the index holds: listed products of active merchants.
FOR_SALE=$(psql "$PG/$DB" -Atc "SELECT COUNT(*) FROM products p JOIN merchants m ON m.id = p.merchant_id WHERE p.status = 'listed' AND m.status = 'active'" 2>/dev/null || echo 0)
START=$(date +%s)
GATEWAY_LOG=info "$GATEWAY_BIN" --data-dir "$WORK/data" --database-url "$PG/$DB" serve --addr "127.0.0.1:$PORT" \
  > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
rss() { echo $(( $(ps -o rss= -p "$PID") / 1024 )); }
for _ in $(seq 1 1800); do curl -sf "$URL/healthz" >/dev/null && break; sleep 1; done
# The index is (re)built from the database at start, before the server listens (its
# peak shows in VmHWM); then wait until search sees the catalog.
PEAK_BUILD=0
for _ in $(seq 1 3600); do
  r=$(rss); [ "$r" -gt "$PEAK_BUILD" ] && PEAK_BUILD=$r
  total=$(curl -sf "$URL/api/v1/search?per_page=1" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])' 2>/dev/null || echo 0)
  [ "$total" -gt 0 ] && [ "$total" -ge $(( FOR_SALE * 9 / 10 )) ] && break
  sleep 1
done
echo "== $(date -u +%FT%TZ) commit $(git -C "$ROOT" rev-parse --short HEAD); $PG/$DB: $PRODUCTS products ($FOR_SALE listed), search total $total; ready after $(( $(date +%s) - START )) s; RSS peak while starting $PEAK_BUILD MiB"
sleep 10
IDLE=$(rss)
echo "== idle RSS: $IDLE MiB ($(grep -E 'RssAnon|RssFile' /proc/$PID/status | tr -s ' \t' ' ' | tr '\n' ' ')VmHWM $(( $(grep VmHWM /proc/$PID/status | awk '{print $2}') / 1024 )) MiB)"
( while kill -0 "$PID" 2>/dev/null; do rss; sleep 1; done ) > "$WORK/rss.txt" 2>/dev/null &
SAMPLER=$!
"$LOAD_BIN" --host "$URL" --scenarios mix -u "$USERS" -r "$USERS" -t "${SECONDS_EACH}s" --no-telnet --quiet > "$WORK/load.out" 2>&1
kill "$SAMPLER" 2>/dev/null || true
grep '^SUMMARY scenario' "$WORK/load.out"
sort -n "$WORK/rss.txt" | awk '{a[NR]=$1; s+=$1} END {printf "== RSS under the mix (%d samples): mean %.0f MiB, median %d MiB, max %d MiB\n", NR, s/NR, a[int((NR+1)/2)], a[NR]}'
echo "== after the run: RSS $(rss) MiB, VmHWM $(( $(grep VmHWM /proc/$PID/status | awk '{print $2}') / 1024 )) MiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
