-- Uploaded product files (a Shopify CSV export) kept between their preview and their
-- apply, so that any server sharing the database can apply what another previewed.
-- Deleted when applied; older than a day, deleted when the next import is saved.
CREATE TABLE product_imports (
    id BLOB PRIMARY KEY NOT NULL,
    merchant_id BLOB NOT NULL REFERENCES merchants (id),
    created_by BLOB NOT NULL REFERENCES users (id),
    format TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX product_imports_created_at ON product_imports (created_at);
-- An import finds a merchant's existing product by SKU (unique per merchant already).
