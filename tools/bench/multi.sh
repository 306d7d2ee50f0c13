#!/bin/bash
# Several servers (issue 7, part 4): SERVERS `gateway serve` processes, each with its
# own --addr and data directory (its own search index), on one PostgreSQL database,
# sharing one identity key; the load tool spreads its users over them round robin.
# Afterwards, by SQL: no stock went negative and the stock taken equals the quantity
# ordered; and the same searches answer the same on every server.
#
#   tools/bench/multi.sh                       # 3 servers, checkout, 32 users, 30 s
#   SERVERS=2 SCENARIO=mix USERS=32 SECONDS_EACH=60 tools/bench/multi.sh
#
# Settings as limit.sh (GATEWAY_BIN, PG, WORK=/tmp/gateway-multi); ports 18101…
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVERS=${SERVERS:-3}
SCENARIO=${SCENARIO:-checkout}
USERS=${USERS:-32}
SECONDS_EACH=${SECONDS_EACH:-30}
GATEWAY_BIN=${GATEWAY_BIN:-$ROOT/target/release/gateway}
LOAD_BIN=${LOAD_BIN:-$ROOT/tools/load/target/release/gateway-load}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
WORK=${WORK:-/tmp/gateway-multi}
DB=${DB:-gateway_multi}
FRESH=${FRESH:-1}
rm -rf "$WORK"; mkdir -p "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
psql_() { psql "$PG/$DB" -v ON_ERROR_STOP=1 -Atq "$@"; }
if [ "$FRESH" = 1 ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fi
export GATEWAY_IDENTITY_KEY=${GATEWAY_IDENTITY_KEY:-$(head -c 32 /dev/urandom | base64)}
HOSTS=()
for i in $(seq 1 "$SERVERS"); do
  port=$((18100 + i))
  GATEWAY_LOG=warn "$GATEWAY_BIN" --data-dir "$WORK/data-$i" --database-url "$PG/$DB" serve --addr "127.0.0.1:$port" \
    > "$WORK/server-$i.log" 2>&1 &
  PIDS+=($!)
  HOSTS+=("http://127.0.0.1:$port")
  # The first server migrates and loads the demo; the others start on a migrated database.
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
done
LIST=$(IFS=,; echo "${HOSTS[*]}")
echo "== $(date -u +%FT%TZ) $SERVERS servers ($LIST) on $PG/$DB; $SCENARIO, $USERS users, $SECONDS_EACH s; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== commit $(git -C "$ROOT" rev-parse --short HEAD)"
LOAD_HOSTS=$LIST "$LOAD_BIN" --scenarios checkout -u 1 --iterations 1 --no-telnet --quiet > "$WORK/fixtures.out" 2>&1
LOAD_PRODUCTS="SELECT p.id FROM products p JOIN merchants m ON m.id = p.merchant_id JOIN users u ON u.id = m.owner_id WHERE u.email = 'load-merchant@load.gateway.test'"
STOCK_BEFORE=$(psql_ -c "SELECT SUM(stock) FROM products WHERE id IN ($LOAD_PRODUCTS)")
QTY_BEFORE=$(psql_ -c "SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE product_id IN ($LOAD_PRODUCTS)")
ORDERS_BEFORE=$(psql_ -c "SELECT COUNT(*) FROM orders")
LOAD_HOSTS=$LIST "$LOAD_BIN" --scenarios "$SCENARIO" -u "$USERS" -r "$USERS" -t "${SECONDS_EACH}s" --no-telnet --quiet \
  > "$WORK/load.out" 2>&1
grep '^SUMMARY' "$WORK/load.out" | grep -v 'name="POST consumer\|name="PUT consumer'
STOCK_AFTER=$(psql_ -c "SELECT SUM(stock) FROM products WHERE id IN ($LOAD_PRODUCTS)")
QTY_AFTER=$(psql_ -c "SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE product_id IN ($LOAD_PRODUCTS)")
ORDERS_AFTER=$(psql_ -c "SELECT COUNT(*) FROM orders")
NEGATIVE=$(psql_ -c "SELECT COUNT(*) FROM products WHERE stock < 0")
echo "== orders placed during the run: $((ORDERS_AFTER - ORDERS_BEFORE)); stock taken: $((STOCK_BEFORE - STOCK_AFTER)); quantity ordered: $((QTY_AFTER - QTY_BEFORE)); products with negative stock: $NEGATIVE"
if [ "$((STOCK_BEFORE - STOCK_AFTER))" = "$((QTY_AFTER - QTY_BEFORE))" ] && [ "$NEGATIVE" = 0 ]; then
  echo "== stock: OK (taken = ordered, none negative)"
else
  echo "== stock: MISMATCH"
fi
# Checkouts per server, from each server's own /metrics (operator).
OP=$(curl -sf "${HOSTS[0]}/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"operator@demo.gateway.test","password":"gateway-demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
for h in "${HOSTS[@]}"; do
  metrics=$(curl -sf "$h/metrics" -H "authorization: Bearer $OP")
  n=$(grep 'gateway_http_requests_total' <<< "$metrics" | grep 'route="/api/v1/checkout"' | grep 'status="201"' | awk '{s+=$2} END {print s+0}')
  # Outbox deliveries are shared: each event is delivered by the one server that claimed it.
  d=$(grep '^gateway_outbox_delivered_total' <<< "$metrics" | awk '{s+=$2} END {print s+0}')
  echo "== $h: $n checkouts (201) answered, $d outbox events delivered"
done
echo "== outbox events: $(psql_ -c "SELECT COUNT(*) FROM outbox"), of which undelivered: $(psql_ -c "SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL")"
# Every server's index follows the outbox on its own: after a moment the same
# searches answer the same everywhere (totals, hit ids and in_stock).
sleep 3
SAME=yes
for q in "trivet" "%E8%9C%82%E8%9C%9C" "maple%20syrup" "%E9%93%B8%E9%93%81"; do
  ref=
  for h in "${HOSTS[@]}"; do
    ans=$(curl -sf "$h/api/v1/search?q=$q&per_page=100" | python3 -c 'import sys,json;d=json.load(sys.stdin);print(d["total"], ",".join(h["id"][-6:]+("+" if h["in_stock"] else "-") for h in d["hits"]))')
    echo "== search q=$q on $h: total $(echo "$ans" | cut -d' ' -f1), hits hash $(echo "$ans" | md5sum | cut -c1-8)"
    if [ -z "$ref" ]; then ref=$ans; elif [ "$ans" != "$ref" ]; then SAME=no; fi
  done
done
echo "== search the same on every server: $SAME"
for i in $(seq 1 "$SERVERS"); do
  echo "== server $i RSS: $(( $(ps -o rss= -p "${PIDS[$((i - 1))]}") / 1024 )) MiB"
done
