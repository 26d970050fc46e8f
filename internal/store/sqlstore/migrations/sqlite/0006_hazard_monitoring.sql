-- Hazard monitoring: the feeds polled, the hazard events recognised in them (keys identify an
-- event across sources and updates; revisions keep what each source said), the organisations'
-- trigger rules and the link from an event and a rule to the warning drafted for them.
CREATE TABLE hazard_sources (
    id             TEXT PRIMARY KEY,
    origin_node    TEXT NOT NULL,
    mode           TEXT NOT NULL,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('usgs', 'gdacs', 'cap')),
    url            TEXT NOT NULL,
    interval_s     INTEGER NOT NULL CHECK (interval_s > 0),
    enabled        INTEGER NOT NULL DEFAULT 1,
    etag           TEXT NOT NULL DEFAULT '',
    last_modified  TEXT NOT NULL DEFAULT '',
    next_poll      TIMESTAMP NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    last_poll      TIMESTAMP,
    last_success   TIMESTAMP,
    last_error_at  TIMESTAMP,
    last_error     TEXT NOT NULL DEFAULT '',
    items_seen     BIGINT NOT NULL DEFAULT 0,
    items_skipped  BIGINT NOT NULL DEFAULT 0,
    events_new     BIGINT NOT NULL DEFAULT 0,
    events_updated BIGINT NOT NULL DEFAULT 0,
    last_skips     TEXT NOT NULL DEFAULT '[]',
    lease_holder   TEXT NOT NULL DEFAULT '',
    lease_until    TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX hazard_sources_due ON hazard_sources(mode, enabled, next_poll);

CREATE TABLE hazard_events (
    id          TEXT PRIMARY KEY,
    origin_node TEXT NOT NULL,
    mode        TEXT NOT NULL,
    type        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    source_id   TEXT NOT NULL DEFAULT '',
    time        TIMESTAMP NOT NULL,
    updated     TIMESTAMP NOT NULL,
    expires     TIMESTAMP,
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    depth_km    DOUBLE PRECISION,
    magnitude   DOUBLE PRECISION,
    severity    TEXT NOT NULL DEFAULT '',
    alert_level TEXT NOT NULL DEFAULT '',
    tsunami     INTEGER NOT NULL DEFAULT 0,
    cancelled   INTEGER NOT NULL DEFAULT 0,
    geometry    TEXT NOT NULL DEFAULT '',
    regions     TEXT NOT NULL DEFAULT '',
    area_desc   TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    links       TEXT NOT NULL DEFAULT '[]',
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX hazard_events_time ON hazard_events(mode, time);

CREATE TABLE hazard_event_keys (
    mode     TEXT NOT NULL,
    key      TEXT NOT NULL,
    event_id TEXT NOT NULL REFERENCES hazard_events(id),
    PRIMARY KEY (mode, key)
);
CREATE INDEX hazard_event_keys_event ON hazard_event_keys(event_id);

CREATE TABLE hazard_event_revisions (
    event_id  TEXT NOT NULL REFERENCES hazard_events(id),
    seq       INTEGER NOT NULL,
    source_id TEXT NOT NULL DEFAULT '',
    updated   TIMESTAMP NOT NULL,
    at        TIMESTAMP NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (event_id, seq)
);

CREATE TABLE trigger_rules (
    id             TEXT PRIMARY KEY,
    origin_node    TEXT NOT NULL,
    mode           TEXT NOT NULL,
    org_id         TEXT NOT NULL REFERENCES organisations(id),
    name           TEXT NOT NULL,
    hazard_types   TEXT NOT NULL DEFAULT '',
    min_magnitude  DOUBLE PRECISION NOT NULL DEFAULT 0,
    min_severity   TEXT NOT NULL DEFAULT '',
    min_population BIGINT NOT NULL DEFAULT 0,
    regions        TEXT NOT NULL DEFAULT '',
    polygon        TEXT NOT NULL DEFAULT '',
    languages      TEXT NOT NULL DEFAULT '',
    enabled        INTEGER NOT NULL DEFAULT 1,
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX trigger_rules_org ON trigger_rules(mode, org_id);

CREATE TABLE trigger_drafts (
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
);
