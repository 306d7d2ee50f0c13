#!/bin/bash
# The limit (issue 7, part 3): checkout orders per second through Gateway against the
# same SQL issued directly on the database, at 1, 8 and 32 concurrent clients, in one
# run. See tools/bench/README.md and BENCHMARKS.md ("The limit").
#
#   tools/bench/limit.sh postgres    # Gateway on PostgreSQL vs pgbench
#   tools/bench/limit.sh sqlite      # Gateway on SQLite vs sqlite_limit (raw rusqlite loop)
#
# Per client count, for SECONDS_EACH each: the load tool's checkout scenario (whole
# orders: cart, ITEMS lines, checkout) through Gateway; then, directly on the database,
# checkout.pgbench (the checkout's statements on a cart made by 2 set-up inserts) and
# order.pgbench (every statement of the whole order, as Gateway issued them). And the
# floor: the load tool's floor scenario (one GET /healthz per request of an order of
# ITEMS lines: an order's HTTP round trips without its work), the most this tool and the server's HTTP path
# let the checkout scenario reach on this machine; its ratio is to the order SQL too.
#
# Settings (environment): CLIENTS="1 8 32", SECONDS_EACH=20, ITEMS=1, GATEWAY_BIN
# (default target/release/gateway), PG=postgres://postgres@127.0.0.1:5432, PORT=18090,
# WORK=/tmp/gateway-limit, PGLOG (the PostgreSQL server log). Needs psql, pgbench,
# sqlite3, python3, curl; release builds of gateway (cargo build --release -p gateway)
# and tools/load (cd tools/load && cargo build --release).
set -euo pipefail
ENGINE=${1:?usage: limit.sh postgres|sqlite}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/tools/bench
CLIENTS=${CLIENTS:-"1 8 32"}
SECONDS_EACH=${SECONDS_EACH:-20}
export ITEMS=${ITEMS:-1}
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
  LOAD_ITEMS=$ITEMS "$LOAD_BIN" --host "$URL" --scenarios "$2" -u "$1" -r "$1" --no-telnet --quiet "${@:3}"
}
psql_() { psql "$PG/$DB" -v ON_ERROR_STOP=1 -Atq "$@"; }
# The statements of a pgbench script (without its comments and constants) or of a
# SQLite plan (its "sql" fields).
statements_of() {
  case "$1" in
    *.json) python3 -c 'import json, sys; print("\n".join(s["sql"] for s in json.load(open(sys.argv[1]))["statements"]))' "$1" ;;
    *) grep -v -e '^--' -e '^  ' -e '^\\' -e '^SELECT c AS cart' "$1" ;;
  esac
}
# Statements of a script or list, one a line, each parameter written `?`.
normalize() { statements_of "$1" | grep -v '^\(INSERT INTO carts\|INSERT INTO cart_items\)' \
  | sed -E 's/:[a-z0-9_]+::[a-z0-9]+/?/g; s/\$[0-9]+/?/g; s/^BEGIN IMMEDIATE;?$/BEGIN;/' | grep -v '^BEGIN;$'; }

echo "== $(date -u +%FT%TZ) engine $ENGINE, clients $CLIENTS, $SECONDS_EACH s each, $ITEMS line(s) per order; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- crates || echo ' + uncommitted changes to crates/'); $($GATEWAY_BIN --version)"

# 1. Capture the SQL of one order from this build (PostgreSQL: with its parameters).
if [ "$ENGINE" = postgres ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" -c "ALTER DATABASE $DB SET log_statement = 'all'"
  start_server info
  load 1 checkout --iterations 1 > "$WORK/fixtures.out" 2>&1
  "$BENCH/capture.sh" "$URL" "$PGLOG" "$WORK/capture" > /dev/null
  for part in cart items checkout; do python3 "$BENCH/parse_pglog.py" "$DB" < "$WORK/capture.$part.log" > "$WORK/capture.$part.jsonl"; done
  for mode in checkout order; do
    python3 "$BENCH/gen_pgbench.py" $mode "$WORK"/capture.{cart,items,checkout}.jsonl > "$WORK/$mode.pgbench" 2>> "$WORK/statements.txt"
    python3 "$BENCH/gen_pgbench.py" $mode --sqlite "$WORK"/capture.{cart,items,checkout}.jsonl > "$WORK/$mode.sqlite.json" 2>> "$WORK/statements.txt"
  done
  stop_server
  psql "$PG/postgres" -qc "ALTER DATABASE $DB RESET log_statement"
  echo "== captured: $(grep -v sqlite "$WORK/statements.txt" | tr '\n' ';')"
  if [ "$ITEMS" = 1 ]; then
    if diff <(normalize "$WORK/checkout.pgbench") <(normalize "$BENCH/checkout-statements-postgres.sql") > "$WORK/statements.diff"; then
      echo "== checkout.pgbench: the statements of tools/bench/checkout-statements-postgres.sql"
    else
      echo "== NOTE: checkout.pgbench differs from tools/bench/checkout-statements-postgres.sql: $WORK/statements.diff"
    fi
    # The captured values (ids, hashes, the stored answer) differ every run; only the
    # statements are compared.
    for f in checkout.pgbench order.pgbench checkout.sqlite.json order.sqlite.json; do
      if [ "$(statements_of "$WORK/$f")" = "$(statements_of "$BENCH/$f")" ]; then
        echo "== $f: the statements of the committed tools/bench/$f"
      else
        echo "== NOTE: $f's statements differ from the committed tools/bench/$f; the captured one is used"
      fi
    done
  fi
  SCRIPTS=$WORK
else
  start_server "warn,sqlx::query=debug"
  load 1 checkout --iterations 1 > "$WORK/fixtures.out" 2>&1
  "$BENCH/capture.sh" "$URL" "$WORK/server.log" "$WORK/capture" > /dev/null
  stop_server
  # The SQLite plans carry the parameters of a PostgreSQL capture (sqlx logs none); the
  # statements must be the same ones, which this checks against this build's SQLite
  # statements (its log) and the statements file the tests keep.
  python3 - "$BENCH/order.sqlite.json" "$BENCH/checkout.sqlite.json" "$BENCH/checkout-statements-sqlite.sql" "$WORK"/capture.{cart,items,checkout}.log <<'PY'
import json, re, subprocess, sys
order, checkout, kept, logs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sys.path.insert(0, order.rsplit("/", 1)[0])
from gen_pgbench import WORKER  # the background tasks' statements, not the request's
def plan(path, skip=()):
    return [s["sql"] for s in json.load(open(path))["statements"]
            if not s["sql"].startswith(("BEGIN", "COMMIT")) and not s["sql"].startswith(skip)]
seen = []
for path in logs:
    out = subprocess.run([sys.executable, order.rsplit("/", 1)[0] + "/parse_sqlxlog.py"], stdin=open(path), capture_output=True, text=True).stdout
    seen += [s for s in (json.loads(l)["sql"] for l in out.splitlines()) if not any(w in s for w in WORKER)]
same = seen == plan(order)
print(f"== SQLite: this build issued {len(seen)} statements for one order (sqlx logs no BEGIN/COMMIT); order.sqlite.json: "
      + ("the same" if same else "DIFFERENT: regenerate it with limit.sh postgres"))
kept_sql = [l.strip().rstrip(";") for l in open(kept) if l.strip() and l.strip() not in ("BEGIN;", "COMMIT;")]
ok = plan(checkout, ("INSERT INTO carts", "INSERT INTO cart_items")) == kept_sql
print("== checkout.sqlite.json: " + ("the statements of tools/bench/checkout-statements-sqlite.sql" if ok else "DIFFERS from checkout-statements-sqlite.sql"))
PY
  SCRIPTS=$BENCH
fi

# 2. Gateway under the checkout scenario, then the same SQL directly, per client count.
start_server warn
load 4 checkout -t 10s > "$WORK/warmup.out" 2>&1
if [ "$ENGINE" = postgres ]; then
  psql_ -c "DROP TABLE IF EXISTS load_bench_products" \
    -c "CREATE TABLE load_bench_products AS SELECT row_number() OVER (ORDER BY p.id)::int AS n, p.id FROM products p JOIN merchants m ON m.id = p.merchant_id JOIN users u ON u.id = m.owner_id WHERE u.email = 'load-merchant@load.gateway.test' ORDER BY p.id LIMIT 100" \
    -c "ALTER TABLE load_bench_products ADD PRIMARY KEY (n)"
  read -r BUID BTOK < <(psql_ -F ' ' -c "SELECT s.user_id, s.token_hash FROM sessions s JOIN identities i ON i.user_id = s.user_id JOIN users u ON u.id = s.user_id WHERE u.role = 'consumer' AND s.expires_at > now() LIMIT 1")
  BMID=$(psql_ -c "SELECT m.id FROM merchants m JOIN users u ON u.id = m.owner_id WHERE u.email = 'load-merchant@load.gateway.test'")
fi
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
percent() { python3 -c "print(f'{($1) / ($2):.0%}')"; } # NUMERATOR DENOMINATOR (expressions)
field() { sed -E "s/.* $2=([0-9.]+).*/\\1/" <<< "$1"; }
limit_run() { # MODE CLIENTS → "per_s p50 p99"
  local mode=$1 c=$2
  if [ "$ENGINE" = postgres ]; then
    pgbench "$PG/$DB" -n -M prepared -f "$SCRIPTS/$mode.pgbench" -D "uid=$BUID" -D "tok=$BTOK" -D "mid=$BMID" \
      -c "$c" -j "$(( c < 2 ? c : 2 ))" -T "$SECONDS_EACH" -l --log-prefix="$WORK/pgbench-$mode-$c" > "$WORK/limit-$mode-$c.out" 2>&1
    local tps; tps=$(grep -oP 'tps = \K[0-9.]+' "$WORK/limit-$mode-$c.out")
    echo "$tps $(cat "$WORK"/pgbench-$mode-$c.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}')"
    rm -f "$WORK"/pgbench-$mode-$c.*
  else
    rm -f "$WORK"/copy.db*
    sqlite3 "$WORK/data/gateway.db" ".backup $WORK/copy.db"
    "$SQLITE_LIMIT_BIN" --db "$WORK/copy.db" --plan "$SCRIPTS/$mode.sqlite.json" --workers "$c" --seconds "$SECONDS_EACH" > "$WORK/limit-$mode-$c.out" 2>&1
    local out; out=$(cat "$WORK/limit-$mode-$c.out")
    echo "$(field "$out" per_s) $(field "$out" p50_ms) $(field "$out" p99_ms)"
  fi
}
printf '%-7s | %-24s | %-24s %-5s | %-24s %-5s | %-7s | %-20s %-5s\n' clients "Gateway orders/s p50/p99" "checkout SQL/s p50/p99" ratio "order SQL/s p50/p99" ratio "CPU/ord" "floor/s p50/p99" ratio
for c in $CLIENTS; do
  T0=$(cpu_ticks "$SERVER_PID")
  load "$c" checkout -t "${SECONDS_EACH}s" > "$WORK/gateway-$c.out" 2>&1
  T1=$(cpu_ticks "$SERVER_PID")
  S=$(grep 'transaction=checkout ' "$WORK/gateway-$c.out")
  load "$c" floor -t "${SECONDS_EACH}s" > "$WORK/floor-$c.out" 2>&1
  F=$(grep 'transaction=floor ' "$WORK/floor-$c.out")
  read -r cps cp50 cp99 <<< "$(limit_run checkout "$c")"
  read -r ops op50 op99 <<< "$(limit_run order "$c")"
  gps=$(field "$S" per_s); failed=$(field "$S" failed); orders=$(field "$S" ok)
  fps=$(field "$F" per_s)
  printf '%-7s | %-24s | %-24s %-5s | %-24s %-5s | %-7s | %-20s %-5s\n' "$c" "$gps $(field "$S" p50_ms)/$(field "$S" p99_ms)$([ "$failed" != 0 ] && echo " FAILED $failed")" \
    "$cps $cp50/$cp99" "$(percent "$gps" "$cps")" "$ops $op50/$op99" "$(percent "$gps" "$ops")" \
    "$(python3 -c "print(f'{($T1 - $T0) * 1000 / $(getconf CLK_TCK) / max($orders, 1):.2f}')")" \
    "$fps $(field "$F" p50_ms)/$(field "$F" p99_ms)" "$(percent "$fps" "$ops")"
  # One client waits for the round trips and the SQL in turn: its ratio is at most this.
  if [ "$c" = 1 ]; then
    echo "== at 1 client the floor caps the ratio to the order SQL at $(percent "$fps" "$fps + $ops") (floor / (floor + order SQL))"
  fi
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); outputs in $WORK"
