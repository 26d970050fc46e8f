-- Recipients, their locations, and the notification log of every delivery.
CREATE TABLE recipients (
    id             TEXT PRIMARY KEY,
    origin_node    TEXT NOT NULL,
    mode           TEXT NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    language       TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    webhook_url    TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',
    channels       TEXT NOT NULL DEFAULT '',
    broadcast      INTEGER NOT NULL DEFAULT 0,
    test           INTEGER NOT NULL DEFAULT 0,
    confirmed      INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX recipients_mode ON recipients(mode, confirmed);

CREATE TABLE recipient_locations (
    recipient_id TEXT NOT NULL REFERENCES recipients(id),
    label        TEXT NOT NULL DEFAULT '',
    lat          DOUBLE PRECISION NOT NULL,
    lon          DOUBLE PRECISION NOT NULL
);
CREATE INDEX recipient_locations_recipient ON recipient_locations(recipient_id);

CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    mode         TEXT NOT NULL,
    message_id   TEXT NOT NULL REFERENCES alert_messages(id),
    alert_id     TEXT NOT NULL,
    recipient_id TEXT NOT NULL REFERENCES recipients(id),
    channel      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TIMESTAMP NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    provider_id  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX notifications_due ON notifications(state, next_attempt);
CREATE INDEX notifications_message ON notifications(message_id, channel, state);
