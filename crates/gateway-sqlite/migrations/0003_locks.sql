-- Named rows that a write transaction updates to serialise a rare critical section
-- on every engine (on PostgreSQL the UPDATE holds the row lock until commit; SQLite
-- serialises writers anyway). Used so that concurrent servers starting at once create
-- one first operator, not one each.
CREATE TABLE app_locks (
    name TEXT PRIMARY KEY NOT NULL
);
INSERT INTO app_locks (name) VALUES ('first_operator');
