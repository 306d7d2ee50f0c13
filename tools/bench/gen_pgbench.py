#!/usr/bin/env python3
"""Writes pgbench scripts and raw-SQLite plans from the statements of one captured
order (capture.sh; parse_pglog.py turns each request's log into JSON lines).

  gen_pgbench.py checkout CART.jsonl ITEMS.jsonl CHECKOUT.jsonl > checkout.pgbench
  gen_pgbench.py order    CART.jsonl ITEMS.jsonl CHECKOUT.jsonl > order.pgbench
  gen_pgbench.py checkout --sqlite … > checkout.sqlite.json   (and order --sqlite)

`checkout`: the statements of POST /api/v1/checkout, verbatim and in Gateway's order
(the same as tools/bench/checkout-statements-postgres.sql), after two set-up
statements per order that are Gateway's own cart statements (INSERT INTO carts,
INSERT INTO cart_items), so every checkout checks out a new cart of real rows.
`order`: the whole buy path of one order, as the load tool's checkout transaction
makes it: POST /api/v1/carts, PUT …/items/… per line, POST /api/v1/checkout.

Each `$n` becomes `:name::type` — a pgbench variable, cast to the type sqlx binds
(uuid, int8, bytea, timestamptz, text), because pgbench sends untyped parameters and
PostgreSQL cannot infer the type of a parameter inside a VALUES list. Ids, the token,
the identity hash and the time are made afresh per order by the first statement
(bench scaffolding, not Gateway SQL); every other parameter keeps its captured value,
selected by that same statement.

--sqlite writes the same statements as a JSON plan for tools/load's sqlite_limit:
BEGIN becomes BEGIN IMMEDIATE (Gateway's SQLite store begins its write transactions
so) and the row lock (SELECT … FOR UPDATE, which Gateway issues on PostgreSQL only)
is left out.
"""
import json
import re
import sys

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TS = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$")
INT = re.compile(r"^-?\d+$")
# The background outbox follower's and dispatcher's statements, not the request's.
WORKER = ("FROM outbox WHERE id >", "SELECT DISTINCT product_id FROM order_lines WHERE order_id IN",
          "m.fulfilment AS merchant_fulfilment FROM products p JOIN merchants m", "UPDATE outbox SET claimed_by",
          "UPDATE outbox SET processed_at")
PER_ORDER = {"cart": "uuid", "pay": "uuid", "ord": "uuid", "idem": "text", "pref": "text", "payload": "text",
             "idh": "bytea", "ts": "timestamptz", "tok": "bytea", "uid": "uuid", "mid": "uuid"}


def load(path):
    return [s for s in (json.loads(l) for l in open(path, encoding="utf-8") if l.strip())
            if not any(w in s["sql"] for w in WORKER)]


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


def main():
    mode = sys.argv[1]
    sqlite = "--sqlite" in sys.argv
    paths = [a for a in sys.argv[2:] if a != "--sqlite"]
    cart, items, checkout = (load(p) for p in paths)
    everything = cart + items + checkout
    # Values that are per order, found by where they appear.
    names = {}
    names[first(everything, "FROM sessions s JOIN users u")["params"][0]] = "tok"
    names[first(everything, "FROM identities WHERE user_id")["params"][0]] = "uid"
    names[first(everything, "FROM carts c LEFT JOIN cart_items")["params"][0]] = "cart"
    products = first(checkout, "FOR UPDATE")["params"]
    for i, p in enumerate(products, 1):
        names[p] = f"p{i}"
    names[first(checkout, "FROM merchants WHERE id")["params"][0]] = "mid"
    names[first(checkout, "FROM annual_quota WHERE id_number_hash")["params"][0]] = "idh"
    names[first(checkout, "INSERT INTO idempotency_keys")["params"][1]] = "idem"
    pay = first(checkout, "INSERT INTO payments")["params"]
    names[pay[0]], names[pay[4]] = "pay", "pref"
    outbox = first(checkout, "INSERT INTO outbox")["params"]
    names[outbox[1]], names[outbox[2]] = "ord", "payload"
    types = dict(PER_ORDER, **{f"p{i}": "uuid" for i in range(1, len(products) + 1)})

    if mode == "checkout":
        setup = [first(cart, "INSERT INTO carts")] + [s for s in items if s["sql"].startswith("INSERT INTO cart_items")]
        sections = [("set-up (Gateway's own cart statements): a new cart with its lines", setup),
                    ("POST /api/v1/checkout", checkout)]
    elif mode == "order":
        sections = [("POST /api/v1/carts", cart), (f"PUT /api/v1/carts/{{id}}/items/{{product_id}} x{len(products)}", items),
                    ("POST /api/v1/checkout", checkout)]
    else:
        raise SystemExit("mode: checkout or order")

    constants = {}  # (value, type) -> name

    def param(v):
        """(variable name, type) for a captured parameter value."""
        if v in names:
            return names[v], types[names[v]]
        if v is not None and TS.match(v):
            return "ts", "timestamptz"
        t = "text" if v is None else cast(v)
        key = (v, t)
        if key not in constants:
            constants[key] = f"k{len(constants) + 1}"
        return constants[key], t

    rendered = []
    for title, stmts in sections:
        out = []
        for s in stmts:
            if sqlite and "FOR UPDATE" in s["sql"]:
                continue
            sql = " ".join(s["sql"].split())
            ps = [param(v) for v in s["params"]]
            if sqlite:
                out.append({"sql": "BEGIN IMMEDIATE" if sql == "BEGIN" else sql,
                            "params": [{"var": n} if n in types else
                                       {"type": {"uuid": "uuid", "timestamptz": "ts", "bytea": "blob",
                                                 "int8": "int", "text": "text"}[t],
                                        "value": next(v for (v, tt), k in constants.items() if k == n)}
                                       for n, t in ps]})
            else:
                for n in range(len(ps), 0, -1):
                    name, t = ps[n - 1]
                    sql = re.sub(rf"\${n}(?!\d)", lambda _: f":{name}::{t}", sql)
                out.append(sql)
        rendered.append((title, out))

    total = sum(len(o) for _, o in rendered)
    if sqlite:
        json.dump({"mode": mode, "statements": [dict(s, request=title) for title, o in rendered for s in o]},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stderr.write(f"{mode} sqlite plan: {total} statements\n")
        return

    def lit(v):
        return "NULL" if v is None else "'" + v.replace("'", "''") + "'"

    consts = "".join(f",\n  {lit(v)} AS {k}" for (v, t), k in constants.items())
    w = sys.stdout.write
    w(f"""-- {'The SQL of one Gateway checkout' if mode == 'checkout' else 'The SQL of one Gateway order, its whole buy path'} ({len(products)} line(s)),
-- generated by tools/bench/gen_pgbench.py {mode} from statements captured with
-- log_statement = 'all' (tools/bench/README.md). Run with -M prepared and
-- -D uid=<a consumer with a verified identity> -D tok=<its session's token_hash>
-- -D mid=<the load merchant>; needs load_bench_products(n 1..100, id) (limit.sh makes it).
\\set q random(1, 100000000)
""")
    for i in range(1, len(products) + 1):
        w(f"\\set a{i} 1 + (:q / {100 ** (i - 1)}) % 100\n" if i == 1 else
          f"\\set a{i} 1 + (:a{i - 1} + random(0, 98)) % 100\n")
    picks = ", ".join(f"(SELECT id FROM load_bench_products WHERE n = :a{i}) AS p{i}" for i in range(1, len(products) + 1))
    w(f"""-- Bench scaffolding, not Gateway SQL: this order's ids (UUIDv7-like: time first, as
-- Gateway makes them), its idempotency key, products and identity hash, the time, and
-- the captured values of the other parameters.
SELECT c AS cart, p AS pay, o AS ord, 'pgb-' || c AS idem, 'sbx_' || replace(p::text, '-', '') AS pref, '{{"order_id":"' || o || '","status":"paid"}}' AS payload, sha256(int8send(:q)) AS idh, now() AS ts, {picks}{consts}
  FROM (SELECT (lpad(to_hex(t), 12, '0') || substr(md5(random()::text), 1, 20))::uuid AS c, (lpad(to_hex(t), 12, '0') || substr(md5(random()::text), 1, 20))::uuid AS p, (lpad(to_hex(t), 12, '0') || substr(md5(random()::text), 1, 20))::uuid AS o FROM (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::int8 AS t) n) g
\\gset
""")
    for title, out in rendered:
        w(f"-- {title}: {len(out)} statements\n")
        for sql in out:
            w(sql.rstrip(";") + ";\n")
    sys.stderr.write(f"{mode}: " + ", ".join(f"{t.split(':')[0]} {len(o)}" for t, o in rendered) + f"; total {total}\n")


if __name__ == "__main__":
    main()
