-- Geography layers imported by operators: district boundaries and population grids. They take
-- precedence over the embedded GeoNames places when estimating exposure.
CREATE TABLE geo_layers (
    id          TEXT PRIMARY KEY,
    origin_node TEXT NOT NULL,
    mode        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('districts', 'population')),
    name        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    features    INTEGER NOT NULL,
    population  REAL NOT NULL DEFAULT 0,
    imported_by TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (mode, kind, name)
);

CREATE TABLE geo_districts (
    layer_id TEXT NOT NULL REFERENCES geo_layers(id) ON DELETE CASCADE,
    mode     TEXT NOT NULL,
    code     TEXT NOT NULL,
    name     TEXT NOT NULL,
    names    TEXT NOT NULL DEFAULT '{}',
    province TEXT NOT NULL DEFAULT '',
    geometry TEXT NOT NULL,
    PRIMARY KEY (mode, code)
);
CREATE INDEX geo_districts_layer ON geo_districts(layer_id);

CREATE TABLE geo_cells (
    layer_id   TEXT NOT NULL REFERENCES geo_layers(id) ON DELETE CASCADE,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    population REAL NOT NULL
);
CREATE INDEX geo_cells_layer ON geo_cells(layer_id);
