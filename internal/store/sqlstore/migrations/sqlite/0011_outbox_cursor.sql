-- SQLite commits one transaction at a time, so outbox events become visible in seq order and
-- the relay's progress is one number: the seq of the last event published. Marking each event
-- published rewrote its row and its entry in outbox_pending, about 24 µs an event on the single
-- writer; the cursor is one small row. Every event below the highest marked seq was published,
-- since the relay publishes in seq order.
CREATE TABLE outbox_cursor (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO outbox_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM outbox WHERE published_at IS NOT NULL;
DROP INDEX outbox_pending;
