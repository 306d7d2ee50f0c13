-- A stand-in for the million-product catalog when `gateway seed` is not at hand: grows
-- a demo database (gateway serve once on an empty database) to :n products by copying
-- the demo's listed products over the demo merchants, each copy with its own id, SKU and
-- a numbered title (search indexes each as its own listing). Timestamps step back one
-- second per copy so the copies sort as older than the originals.
--   psql postgres://postgres@127.0.0.1:5432/gateway_mem -v n=1000000 -f tools/bench/clone_catalog.sql
-- After it, start the server with a fresh data directory: its index is rebuilt from the
-- database at start.
WITH t AS MATERIALIZED (
       SELECT row_number() OVER (ORDER BY id) - 1 AS k, p.* FROM products p
       WHERE p.status = 'listed' AND p.sku NOT LIKE 'LOAD-%'),
     c AS (SELECT COUNT(*) AS n FROM t)
INSERT INTO products (id, merchant_id, sku, title_en, title_zh, description_en, description_zh, tax_class,
                      hs_code, origin_country, price_usd_cents, weight_g, net_content_milli, net_content_unit,
                      stock, status, problems, annual_cap_prefix, annual_cap_g, version, created_at, updated_at)
SELECT (lpad(to_hex((extract(epoch FROM t.created_at) * 1000)::int8 - g), 12, '0') || substr(md5(g::text), 1, 20))::uuid,
       t.merchant_id, t.sku || '-C' || g, t.title_en || ' No. ' || g, t.title_zh || ' ' || g, t.description_en,
       t.description_zh, t.tax_class, t.hs_code, t.origin_country, t.price_usd_cents + g % 500, t.weight_g,
       t.net_content_milli, t.net_content_unit, 1000, t.status, t.problems, t.annual_cap_prefix, t.annual_cap_g, 1,
       t.created_at - make_interval(secs => g), t.updated_at - make_interval(secs => g)
FROM generate_series(1, :n - (SELECT COUNT(*) FROM products)) AS g
JOIN t ON t.k = g % (SELECT n FROM c);
-- Fresh statistics, or the planner takes the table for nearly empty and the server's
-- index rebuild reads each batch by a full scan.
ANALYZE products;
