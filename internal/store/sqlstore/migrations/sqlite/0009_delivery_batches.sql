-- Delivery batches: a warning to a million people is planned as a thousand batches of up to a
-- thousand deliveries each (one message, one channel), not a million rows. A batch lists its
-- members with what sending needs (language, address) and is sent in order; "done" counts the
-- members handled, so a crash resumes after the last recorded chunk. A member whose delivery
-- fails is moved to the per-delivery notification log, which retries it with backoff.
CREATE TABLE delivery_batches (
    id           TEXT PRIMARY KEY,
    mode         TEXT NOT NULL,
    message_id   TEXT NOT NULL REFERENCES alert_messages(id),
    alert_id     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    members      TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    done         INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0 AND done <= size),
    sent         INTEGER NOT NULL DEFAULT 0 CHECK (sent >= 0 AND sent <= done),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
    next_attempt TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (message_id, channel, seq)
);
CREATE INDEX delivery_batches_due ON delivery_batches(state, mode, next_attempt);

-- Officials: a recipient may work for an organisation (a DDMA officer, a PDMA control room).
-- Contact groups select officials by jurisdiction: a warning issued by the group's organisation
-- (or one below it) reaches the officials of every organisation of the group's tier whose
-- jurisdiction meets the warning's area, for example all DDMA officers of the affected districts.
ALTER TABLE recipients ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
CREATE INDEX recipients_org ON recipients(org_id) WHERE org_id <> '';

CREATE TABLE contact_groups (
    id          TEXT PRIMARY KEY,
    origin_node TEXT NOT NULL,
    mode        TEXT NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    name        TEXT NOT NULL,
    tier        TEXT NOT NULL CHECK (tier IN ('national', 'provincial', 'district')),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (mode, org_id, name)
);

-- Handset receipts: an SMSC names each message it accepts (one id per segment) and later reports
-- whether it reached the handset. Either may arrive first, so both write by upsert.
CREATE TABLE handset_receipts (
    provider_id      TEXT PRIMARY KEY,
    mode             TEXT NOT NULL,
    message_id       TEXT NOT NULL DEFAULT '',
    notification_key TEXT NOT NULL DEFAULT '',
    submitted_at     TIMESTAMP,
    status           TEXT NOT NULL DEFAULT '',
    error            TEXT NOT NULL DEFAULT '',
    done_at          TIMESTAMP
);
CREATE INDEX handset_receipts_message ON handset_receipts(message_id);
