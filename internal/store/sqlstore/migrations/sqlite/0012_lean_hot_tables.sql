-- The tables a feed's burst writes thousands of rows into lose the B-trees they do not need:
-- each costs the single writer about 9 µs a row.
--
-- The outbox's event ids are UUIDv7s made by the writer and never looked up (the relay works by
-- seq since migration 0011), so their unique index goes. The table is rebuilt, keeping its
-- AUTOINCREMENT counter: a seq must never be reused below the relay's cursor.
CREATE TABLE outbox_new (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL,
    subject      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
INSERT INTO outbox_new (seq, id, subject, kind, mode, payload, created_at, published_at)
    SELECT seq, id, subject, kind, mode, payload, created_at, published_at FROM outbox;
DELETE FROM sqlite_sequence WHERE name = 'outbox_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

-- Tables keyed by their primary key alone are stored in that key's B-tree (WITHOUT ROWID)
-- instead of a rowid tree plus an index of the key.
CREATE TABLE hazard_event_keys_new (
    mode     TEXT NOT NULL,
    key      TEXT NOT NULL,
    event_id TEXT NOT NULL REFERENCES hazard_events(id),
    PRIMARY KEY (mode, key)
) WITHOUT ROWID;
INSERT INTO hazard_event_keys_new (mode, key, event_id) SELECT mode, key, event_id FROM hazard_event_keys;
DROP TABLE hazard_event_keys;
ALTER TABLE hazard_event_keys_new RENAME TO hazard_event_keys;
CREATE INDEX hazard_event_keys_event ON hazard_event_keys(event_id);

CREATE TABLE hazard_event_revisions_new (
    event_id  TEXT NOT NULL REFERENCES hazard_events(id),
    seq       INTEGER NOT NULL,
    source_id TEXT NOT NULL DEFAULT '',
    updated   TIMESTAMP NOT NULL,
    at        TIMESTAMP NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (event_id, seq)
) WITHOUT ROWID;
INSERT INTO hazard_event_revisions_new (event_id, seq, source_id, updated, at, data)
    SELECT event_id, seq, source_id, updated, at, data FROM hazard_event_revisions;
DROP TABLE hazard_event_revisions;
ALTER TABLE hazard_event_revisions_new RENAME TO hazard_event_revisions;

CREATE TABLE trigger_drafts_new (
    event_id       TEXT NOT NULL REFERENCES hazard_events(id),
    rule_id        TEXT NOT NULL,
    org_id         TEXT NOT NULL,
    alert_id       TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL CHECK (state IN ('pending', 'drafted', 'skipped')),
    reason         TEXT NOT NULL DEFAULT '',
    event_revision INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, rule_id)
) WITHOUT ROWID;
INSERT INTO trigger_drafts_new SELECT event_id, rule_id, org_id, alert_id, state, reason, event_revision, created_at, updated_at FROM trigger_drafts;
DROP TABLE trigger_drafts;
ALTER TABLE trigger_drafts_new RENAME TO trigger_drafts;
