-- Nothing here: SQLite's outbox now keeps the relay's progress as one cursor (see the SQLite
-- migration). PostgreSQL commits transactions concurrently, so events can become visible out of
-- seq order and are still marked published one by one.
SELECT 1;
