-- Warnings: threads, versions (two-person rule) and the CAP messages issued.
CREATE TABLE alerts (
    id          TEXT PRIMARY KEY,
    origin_node TEXT NOT NULL,
    mode        TEXT NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    hazard      TEXT NOT NULL,
    cap_status  TEXT NOT NULL CHECK (cap_status IN ('Actual', 'Exercise', 'Test', 'System')),
    state       TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'issued', 'cancelled', 'expired')),
    identifier  TEXT NOT NULL DEFAULT '',
    issued      INTEGER NOT NULL DEFAULT 0,
    expires     TIMESTAMP,
    drafter_id  TEXT NOT NULL,
    headline    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX alerts_org ON alerts(mode, org_id, state);
CREATE INDEX alerts_expiry ON alerts(state, expires);

CREATE TABLE alert_versions (
    id            TEXT PRIMARY KEY,
    alert_id      TEXT NOT NULL REFERENCES alerts(id),
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('Alert', 'Update', 'Cancel')),
    state         TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'rejected')),
    content       TEXT NOT NULL,
    drafter_id    TEXT NOT NULL,
    submitter_id  TEXT NOT NULL DEFAULT '',
    approver_id   TEXT NOT NULL DEFAULT '',
    reject_reason TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    submitted_at  TIMESTAMP,
    decided_at    TIMESTAMP,
    UNIQUE (alert_id, seq)
);
CREATE INDEX alert_versions_state ON alert_versions(state);

CREATE TABLE alert_messages (
    id         TEXT PRIMARY KEY,
    alert_id   TEXT NOT NULL REFERENCES alerts(id),
    version_id TEXT NOT NULL REFERENCES alert_versions(id),
    org_id     TEXT NOT NULL,
    mode       TEXT NOT NULL,
    identifier TEXT NOT NULL UNIQUE,
    msg_type   TEXT NOT NULL,
    cap_status TEXT NOT NULL,
    sent       TIMESTAMP NOT NULL,
    expires    TIMESTAMP NOT NULL,
    xml        TEXT NOT NULL
);
CREATE INDEX alert_messages_alert ON alert_messages(alert_id, sent);
