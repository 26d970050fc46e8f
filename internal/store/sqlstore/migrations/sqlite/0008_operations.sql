-- Emergency operations: incidents, tasks, shelters, teams, warehouses, requests, offers and
-- distributions share one record table (owner organisation, mode, status, bounding box for the
-- operating picture, kind-specific body as JSON) so that visibility and sharing are one rule for
-- all of them. The significant-events log, its attachments, situation reports and the stock
-- ledger have tables of their own: they are large, or summed, or must never go negative.
CREATE TABLE ops_records (
    id          TEXT PRIMARY KEY,
    origin_node TEXT NOT NULL,
    mode        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('incident', 'task', 'shelter', 'team', 'warehouse', 'request', 'offer', 'distribution')),
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    title       TEXT NOT NULL,
    geometry    TEXT NOT NULL DEFAULT '',
    min_lon     DOUBLE PRECISION,
    min_lat     DOUBLE PRECISION,
    max_lon     DOUBLE PRECISION,
    max_lat     DOUBLE PRECISION,
    data        TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX ops_records_kind ON ops_records(mode, kind, org_id, updated_at);
CREATE INDEX ops_records_incident ON ops_records(incident_id, kind);
CREATE INDEX ops_records_bbox ON ops_records(mode, kind, min_lon, max_lon, min_lat, max_lat);

-- A share makes one record visible to one more organisation (participants of an incident, the
-- organisation a task is assigned to).
CREATE TABLE ops_shares (
    record_id TEXT NOT NULL REFERENCES ops_records(id),
    org_id    TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (record_id, org_id)
);
CREATE INDEX ops_shares_org ON ops_shares(org_id, record_id);

CREATE TABLE ops_log (
    id          TEXT PRIMARY KEY,
    origin_node TEXT NOT NULL,
    mode        TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES ops_records(id),
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    author_id   TEXT NOT NULL,
    body        TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'vetted', 'rejected')),
    vetted_by   TEXT NOT NULL DEFAULT '',
    vetted_at   TIMESTAMP,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX ops_log_incident ON ops_log(incident_id, state, occurred_at);
CREATE INDEX ops_log_mode ON ops_log(mode, id);

CREATE TABLE ops_attachments (
    id           TEXT PRIMARY KEY,
    entry_id     TEXT NOT NULL REFERENCES ops_log(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content      BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX ops_attachments_entry ON ops_attachments(entry_id);

CREATE TABLE ops_sitreps (
    id               TEXT PRIMARY KEY,
    origin_node      TEXT NOT NULL,
    mode             TEXT NOT NULL,
    incident_id      TEXT NOT NULL REFERENCES ops_records(id),
    org_id           TEXT NOT NULL REFERENCES organisations(id),
    author_id        TEXT NOT NULL,
    area_code        TEXT NOT NULL,
    as_of            TIMESTAMP NOT NULL,
    dead             INTEGER NOT NULL CHECK (dead >= 0),
    injured          INTEGER NOT NULL CHECK (injured >= 0),
    missing          INTEGER NOT NULL CHECK (missing >= 0),
    affected         INTEGER NOT NULL CHECK (affected >= 0),
    displaced        INTEGER NOT NULL CHECK (displaced >= 0),
    evacuated        INTEGER NOT NULL CHECK (evacuated >= 0),
    houses_damaged   INTEGER NOT NULL CHECK (houses_damaged >= 0),
    houses_destroyed INTEGER NOT NULL CHECK (houses_destroyed >= 0),
    livestock_lost   INTEGER NOT NULL CHECK (livestock_lost >= 0),
    roads_damaged_km INTEGER NOT NULL CHECK (roads_damaged_km >= 0),
    bridges_damaged  INTEGER NOT NULL CHECK (bridges_damaged >= 0),
    needs            TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX ops_sitreps_incident ON ops_sitreps(incident_id, area_code, as_of);

CREATE TABLE relief_items (
    id          TEXT PRIMARY KEY,
    origin_node TEXT NOT NULL,
    mode        TEXT NOT NULL,
    code        TEXT NOT NULL,
    cluster     TEXT NOT NULL CHECK (cluster IN ('food', 'shelter_nfi', 'wash', 'health')),
    unit        TEXT NOT NULL,
    names       TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX relief_items_code ON relief_items(mode, code);

-- The balance of one item in one warehouse; the CHECK is the last guard, the conditional
-- UPDATE of a dispatch the first.
CREATE TABLE relief_stock (
    warehouse_id TEXT NOT NULL REFERENCES ops_records(id),
    item_id      TEXT NOT NULL REFERENCES relief_items(id),
    quantity     BIGINT NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (warehouse_id, item_id)
);

CREATE TABLE relief_ledger (
    id            TEXT PRIMARY KEY,
    mode          TEXT NOT NULL,
    warehouse_id  TEXT NOT NULL REFERENCES ops_records(id),
    item_id       TEXT NOT NULL REFERENCES relief_items(id),
    kind          TEXT NOT NULL CHECK (kind IN ('receive', 'dispatch', 'transfer_out', 'transfer_in', 'adjust')),
    delta         BIGINT NOT NULL,
    balance       BIGINT NOT NULL CHECK (balance >= 0),
    ref_id        TEXT NOT NULL DEFAULT '',
    actor         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    at            TIMESTAMP NOT NULL
);
CREATE INDEX relief_ledger_warehouse ON relief_ledger(warehouse_id, item_id, id);
CREATE INDEX relief_ledger_ref ON relief_ledger(ref_id);

CREATE TRIGGER relief_ledger_no_update BEFORE UPDATE ON relief_ledger
BEGIN SELECT RAISE(ABORT, 'stock ledger is append-only'); END;
CREATE TRIGGER relief_ledger_no_delete BEFORE DELETE ON relief_ledger
BEGIN SELECT RAISE(ABORT, 'stock ledger is append-only'); END;
