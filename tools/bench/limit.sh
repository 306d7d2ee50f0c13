#!/bin/bash
# The limit (issue 7, part 3): checkout orders per second through Gateway against the
# same SQL issued directly on the database, at 1, 8 and 32 concurrent clients, in one
# run. See tools/bench/README.md and BENCHMARKS.md ("The limit").
#
#   tools/bench/limit.sh postgres    # Gateway on PostgreSQL vs pgbench checkout.pgbench
#   tools/bench/limit.sh sqlite      # Gateway on SQLite vs sqlite_limit (raw rusqlite loop)
#
# Settings (environment): CLIENTS="1 8 32", SECONDS_EACH=20, GATEWAY_BIN (default
# target/release/gateway), PG=postgres://postgres@127.0.0.1:5432, PORT=18090,
# WORK=/tmp/gateway-limit. Needs: psql, pgbench, sqlite3, python3, curl; a release
# build of gateway (cargo build --release -p gateway) and of tools/load (cd tools/load
# && cargo build --release).
set -euo pipefail
ENGINE=${1:?usage: limit.sh postgres|sqlite}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/tools/bench
CLIENTS=${CLIENTS:-"1 8 32"}
SECONDS_EACH=${SECONDS_EACH:-20}
GATEWAY_BIN=${GATEWAY_BIN:-$ROOT/target/release/gateway}
LOAD_BIN=${LOAD_BIN:-$ROOT/tools/load/target/release/gateway-load}
SQLITE_LIMIT_BIN=${SQLITE_LIMIT_BIN:-$ROOT/tools/load/target/release/sqlite_limit}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18090}
WORK=${WORK:-/tmp/gateway-limit}
DB=gateway_limit
URL=http://127.0.0.1:$PORT
PGLOG=${PGLOG:-/var/log/postgresql/postgresql-15-main.log}
for bin in "$GATEWAY_BIN" "$LOAD_BIN" "$SQLITE_LIMIT_BIN"; do
  [ -x "$bin" ] || { echo "missing $bin: build it first (see the top of this script)"; exit 1; }
done
rm -rf "$WORK"; mkdir -p "$WORK"
SERVER_PID=
stop_server() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi; }
trap stop_server EXIT
start_server() { # LOGSPEC
  if [ "$ENGINE" = postgres ]; then DBURL="$PG/$DB"; else DBURL="sqlite://$WORK/data/gateway.db"; fi
  GATEWAY_LOG=$1 "$GATEWAY_BIN" --data-dir "$WORK/data" --database-url "$DBURL" serve --addr "127.0.0.1:$PORT" \
    >> "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do curl -sf "$URL/healthz" >/dev/null && return 0; sleep 1; done
  echo "the server did not start; see $WORK/server.log"; exit 1
}
load() { # USERS SCENARIO EXTRA...
  LOAD_ITEMS=2 "$LOAD_BIN" --host "$URL" --scenarios "$2" -u "$1" -r "$1" --no-telnet --quiet "${@:3}"
}
psql_() { psql "$PG/$DB" -v ON_ERROR_STOP=1 -Atq "$@"; }

echo "== $(date -u +%FT%TZ) engine $ENGINE, clients $CLIENTS, $SECONDS_EACH s each; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- crates || echo ' + uncommitted changes to crates/')"

# 1. Capture the SQL of one order from this build.
if [ "$ENGINE" = postgres ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" -c "ALTER DATABASE $DB SET log_statement = 'all'"
  start_server info
  load 1 checkout --iterations 1 > "$WORK/fixtures.out" 2>&1
  "$BENCH/capture.sh" "$URL" "$PGLOG" "$WORK/capture" > /dev/null
  for part in cart items checkout; do python3 "$BENCH/parse_pglog.py" "$DB" < "$WORK/capture.$part.log" > "$WORK/capture.$part.jsonl"; done
  python3 "$BENCH/gen_pgbench.py" "$WORK"/capture.{cart,items,checkout}.jsonl > "$WORK/checkout.pgbench" 2> "$WORK/statements.txt"
  python3 "$BENCH/gen_pgbench.py" --sqlite "$WORK"/capture.{cart,items,checkout}.jsonl > "$WORK/checkout.sqlite.json" 2>> "$WORK/statements.txt"
  stop_server
  psql "$PG/postgres" -qc "ALTER DATABASE $DB RESET log_statement"
  echo "== captured: $(head -1 "$WORK/statements.txt")"
  cmp -s <(grep -v '^--' "$WORK/checkout.pgbench") <(grep -v '^--' "$BENCH/checkout.pgbench") \
    || echo "== NOTE: the SQL differs from the committed tools/bench/checkout.pgbench; the captured one is used ($WORK/checkout.pgbench)"
  SCRIPT=$WORK/checkout.pgbench
else
  start_server "warn,sqlx::query=debug"
  load 1 checkout --iterations 1 > "$WORK/fixtures.out" 2>&1
  "$BENCH/capture.sh" "$URL" "$WORK/server.log" "$WORK/capture" > /dev/null
  stop_server
  # The SQLite plan carries the parameters of a PostgreSQL capture (sqlx logs none); the
  # statements must be the same ones, which this checks against the SQLite capture.
  python3 - "$BENCH/checkout.sqlite.json" "$WORK"/capture.{cart,items,checkout}.log <<'PY'
import json, subprocess, sys
plan = [s["sql"] for s in json.load(open(sys.argv[1]))["statements"] if not s["sql"].startswith(("BEGIN", "COMMIT"))]
seen = []
for path in sys.argv[2:]:
    out = subprocess.run([sys.executable, sys.argv[1].rsplit("/", 1)[0] + "/parse_sqlxlog.py"], stdin=open(path), capture_output=True, text=True).stdout
    seen += [json.loads(l)["sql"] for l in out.splitlines()
             if "SELECT DISTINCT product_id FROM order_lines" not in l and "merchant_fulfilment FROM products" not in l]
print(f"== SQLite capture: {len(seen)} statements (BEGIN/COMMIT not logged by sqlx); plan: {len(plan)}; "
      + ("the same statements" if seen == plan else "DIFFERENT from tools/bench/checkout.sqlite.json: regenerate it"))
PY
fi

# 2. Gateway under the checkout scenario, then the same SQL directly, per client count.
start_server warn
load 4 checkout -t 10s > "$WORK/warmup.out" 2>&1
if [ "$ENGINE" = postgres ]; then
  psql_ -c "DROP TABLE IF EXISTS load_bench_products" \
    -c "CREATE TABLE load_bench_products AS SELECT row_number() OVER (ORDER BY p.id)::int AS n, p.id FROM products p JOIN merchants m ON m.id = p.merchant_id JOIN users u ON u.id = m.owner_id WHERE u.email = 'load-merchant@load.gateway.test' ORDER BY p.id LIMIT 100" \
    -c "ALTER TABLE load_bench_products ADD PRIMARY KEY (n)"
  read -r BUID BTOK < <(psql_ -F ' ' -c "SELECT s.user_id, s.token_hash FROM sessions s JOIN identities i ON i.user_id = s.user_id JOIN users u ON u.id = s.user_id WHERE u.role = 'consumer' AND s.expires_at > now() LIMIT 1")
fi
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
printf '%-8s %-34s %-34s %-6s %s\n' clients "Gateway orders/s (p50/p99 ms)" "limit orders/s (p50/p99 ms)" "ratio" "gateway CPU ms/order"
for c in $CLIENTS; do
  T0=$(cpu_ticks "$SERVER_PID")
  load "$c" checkout -t "${SECONDS_EACH}s" > "$WORK/gateway-$c.out" 2>&1
  T1=$(cpu_ticks "$SERVER_PID")
  G=$(grep 'transaction=checkout ' "$WORK/gateway-$c.out" | sed -E 's/.* per_s=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+).*/\1 \2 \3/')
  GF=$(grep 'transaction=checkout ' "$WORK/gateway-$c.out" | sed -E 's/.* failed=([0-9]+).*/\1/')
  if [ "$ENGINE" = postgres ]; then
    pgbench "$PG/$DB" -n -M prepared -f "$SCRIPT" -D "uid=$BUID" -D "tok=$BTOK" -c "$c" -j "$(( c < 2 ? c : 2 ))" \
      -T "$SECONDS_EACH" -l --log-prefix="$WORK/pgbench-$c" > "$WORK/limit-$c.out" 2>&1
    TPS=$(grep -oP 'tps = \K[0-9.]+' "$WORK/limit-$c.out")
    PCT=$(cat "$WORK"/pgbench-$c.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}')
    rm -f "$WORK"/pgbench-$c.*
    L="$TPS $PCT"
  else
    rm -f "$WORK"/copy.db*
    sqlite3 "$WORK/data/gateway.db" ".backup $WORK/copy.db"
    "$SQLITE_LIMIT_BIN" --db "$WORK/copy.db" --plan "$BENCH/checkout.sqlite.json" --workers "$c" --seconds "$SECONDS_EACH" > "$WORK/limit-$c.out" 2>&1
    L=$(sed -E 's/.* per_s=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+).*/\1 \2 \3/' "$WORK/limit-$c.out")
  fi
  read -r gps gp50 gp99 <<< "$G"; read -r lps lp50 lp99 <<< "$L"
  ORDERS=$(grep 'transaction=checkout ' "$WORK/gateway-$c.out" | sed -E 's/.* ok=([0-9]+).*/\1/')
  printf '%-8s %-34s %-34s %-6s %s\n' "$c" "$gps ($gp50/$gp99)${GF:+ failed $GF}" "$lps ($lp50/$lp99)" \
    "$(python3 -c "print(f'{$gps / $lps:.0%}')")" \
    "$(python3 -c "print(f'{($T1 - $T0) * 1000 / $(getconf CLK_TCK) / max($ORDERS, 1):.2f}')")"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); outputs in $WORK"
