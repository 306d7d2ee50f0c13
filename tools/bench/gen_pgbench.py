#!/usr/bin/env python3
"""Writes checkout.pgbench from the statements of one captured order (capture.sh):
the SQL of POST /api/v1/carts, two PUT /api/v1/carts/{id}/items/{product_id} and POST
/api/v1/checkout, in the order Gateway issued them, inside and outside its
transactions as Gateway ran them. Ids, the token, the identity and the time become
pgbench variables; every other value stays as captured. Each parameter is cast to the
type sqlx bound it as (uuid, bigint, bytea, timestamptz, text), since pgbench sends
untyped parameters.

Usage: gen_pgbench.py CART.jsonl ITEMS.jsonl CHECKOUT.jsonl > checkout.pgbench
       gen_pgbench.py --sqlite CART.jsonl ITEMS.jsonl CHECKOUT.jsonl > checkout.sqlite.json
With --sqlite it writes the same statements as a plan for the raw SQLite loop
(tools/load/src/bin/sqlite_limit.rs): BEGIN becomes BEGIN IMMEDIATE (as Gateway's
SQLite store begins its write transactions) and the row locks (FOR UPDATE), which
SQLite has no use for and Gateway does not issue there, are left out; each parameter
is {"var": name} or {"type": "uuid|ts|int|blob|text|null", "value": captured}.
"""
import json
import re
import sys

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TS = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$")
INT = re.compile(r"^-?\d+$")
# The background outbox worker's statements, not the request's.
WORKER = ("FROM outbox WHERE id >", "SELECT DISTINCT product_id FROM order_lines WHERE order_id IN",
          "m.fulfilment AS merchant_fulfilment FROM products p JOIN merchants m")


def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def is_worker(s):
    return any(w in s["sql"] for w in WORKER)


def first(stmts, needle):
    for s in stmts:
        if needle in s["sql"]:
            return s
    raise SystemExit(f"no statement with {needle!r} in the capture")


def cast(value):
    if UUID.match(value):
        return "uuid"
    if TS.match(value):
        return "timestamptz"
    if value.startswith("\\x"):
        return "bytea"
    if INT.match(value) and len(value) < 19:
        return "int8"
    return "text"


def literal(value):
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'::" + cast(value)


def main():
    sqlite = sys.argv[1] == "--sqlite"
    args = sys.argv[2:5] if sqlite else sys.argv[1:4]
    cart, items, checkout = (list(filter(lambda s: not is_worker(s), load(p))) for p in args)
    everything = cart + items + checkout
    names = {}
    names[first(everything, "FROM sessions s JOIN users u")["params"][0]] = "tok"
    names[first(everything, "FROM identities WHERE user_id")["params"][0]] = "uid"
    names[first(everything, "FROM carts WHERE id")["params"][0]] = "cart"
    for i, p in enumerate(first(checkout, "FOR UPDATE")["params"], 1):
        names[p] = f"p{i}"
    names[first(checkout, "FROM merchants WHERE id")["params"][0]] = "mid"
    names[first(checkout, "FROM annual_quota WHERE id_number_hash")["params"][0]] = "idh"
    idem = first(checkout, "INSERT INTO idempotency_keys")["params"]
    names[idem[1]] = "idem"
    pay = first(checkout, "INSERT INTO payments")["params"]
    names[pay[0]], names[pay[4]] = "pay", "pref"
    outbox = first(checkout, "INSERT INTO outbox")["params"]
    names[outbox[1]], names[outbox[2]] = "ord", "payload"
    typed = {"tok": "bytea", "uid": "uuid", "cart": "uuid", "p1": "uuid", "p2": "uuid", "mid": "uuid",
             "idh": "bytea", "idem": "text", "pay": "uuid", "pref": "text", "ord": "uuid", "payload": "text"}

    def render(s):
        sql = s["sql"]
        for n in range(len(s["params"]), 0, -1):
            v = s["params"][n - 1]
            if v in names:
                repl = f":{names[v]}::{typed[names[v]]}"
            elif v is not None and TS.match(v):
                repl = ":ts::timestamptz"
            else:
                repl = literal(v)
            sql = re.sub(rf"\${n}(?!\d)", lambda _: repl, sql)
        return " ".join(sql.split())

    if sqlite:
        kinds = {"uuid": "uuid", "timestamptz": "ts", "bytea": "blob", "int8": "int", "text": "text"}
        plan = []
        for title, stmts in (("cart", cart), ("items", items), ("checkout", checkout)):
            for st in stmts:
                if "FOR UPDATE" in st["sql"]:
                    continue
                sql = "BEGIN IMMEDIATE" if st["sql"].strip() == "BEGIN" else " ".join(st["sql"].split())
                params = []
                for v in st["params"]:
                    if v in names:
                        params.append({"var": names[v]})
                    elif v is not None and TS.match(v):
                        params.append({"var": "ts"})
                    elif v is None:
                        params.append({"type": "null", "value": None})
                    else:
                        params.append({"type": kinds[cast(v)], "value": v})
                plan.append({"request": title, "sql": sql, "params": params})
        json.dump({"statements": plan}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stderr.write(f"sqlite plan: {len(plan)} statements\n")
        return
    out = sys.stdout
    out.write("""-- The SQL of one Gateway order, 2 lines (tools/bench/README.md): generated by
-- tools/bench/gen_pgbench.py from statements captured with log_statement = 'all'.
-- Needs: -D uid=<a consumer with a verified identity> -D tok=<its session's token_hash>
-- and the table load_bench_products(n 1..100, id) of the load merchant's products.
\\set a random(1, 100)
\\set b 1 + (:a + random(0, 98)) % 100
\\set q random(1, 100000000)
-- Bench scaffolding, not Gateway SQL: the ids Gateway makes in the process (UUIDv7-like:
-- time first), the idempotency key, the two products and an identity hash.
SELECT c AS cart, p AS pay, o AS ord, 'pgb-' || c AS idem, 'sbx_' || replace(p::text, '-', '') AS pref,
  '{"order_id":"' || o || '","status":"paid"}' AS payload, sha256(int8send(:q)) AS idh, now() AS ts,
  (SELECT id FROM load_bench_products WHERE n = :a) AS p1, (SELECT id FROM load_bench_products WHERE n = :b) AS p2,
  (SELECT merchant_id FROM products WHERE id = (SELECT id FROM load_bench_products WHERE n = 1)) AS mid
  FROM (SELECT (lpad(to_hex(t), 12, '0') || substr(md5(random()::text), 1, 20))::uuid AS c,
               (lpad(to_hex(t), 12, '0') || substr(md5(random()::text), 1, 20))::uuid AS p,
               (lpad(to_hex(t), 12, '0') || substr(md5(random()::text), 1, 20))::uuid AS o
          FROM (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::int8 AS t) n) g
\\gset
""")
    for title, stmts in (("POST /api/v1/carts", cart), ("PUT /api/v1/carts/{id}/items/{product_id} (twice)", items),
                         ("POST /api/v1/checkout", checkout)):
        out.write(f"-- {title}: {len(stmts)} statements\n")
        for s in stmts:
            out.write(render(s) + ";\n")
    sys.stderr.write(f"statements: cart {len(cart)}, items {len(items)}, checkout {len(checkout)}, "
                     f"total {len(everything)}\n")


if __name__ == "__main__":
    main()
