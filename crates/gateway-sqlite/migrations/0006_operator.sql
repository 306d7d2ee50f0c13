-- The operator console: every order by status, newest first; and a tax class's
-- products, whose listing check runs again in the transaction that edits the class.
CREATE INDEX orders_status_id ON orders (status, id);
CREATE INDEX products_tax_class_id ON products (tax_class, id);
