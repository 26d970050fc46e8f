-- Nothing here: the SQLite migration rebuilds tables to drop B-trees its single writer pays
-- for; PostgreSQL's writers run side by side and keep the outbox's unique event ids.
SELECT 1;
