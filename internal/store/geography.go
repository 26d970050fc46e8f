package store

import (
	"context"
	"encoding/json"
)

// GeoLayerKind is what an imported geography layer holds.
type GeoLayerKind string

// Geography layer kinds.
const (
	GeoDistricts  GeoLayerKind = "districts"  // district boundaries
	GeoPopulation GeoLayerKind = "population" // a population grid
)

// Valid reports whether k is a known kind.
func (k GeoLayerKind) Valid() bool { return k == GeoDistricts || k == GeoPopulation }

// Limits of one geography layer, so that one import cannot exhaust memory or the database.
const (
	MaxLayerDistricts = 20_000
	MaxLayerCells     = 5_000_000
)

// GeoLayer is one operator-imported layer: a set of district boundaries or a population grid.
// Layers of one kind add up (e.g. one district layer per country); importing a layer under the
// name of an existing layer of the same kind replaces it whole.
type GeoLayer struct {
	Meta
	Kind GeoLayerKind
	Name string
	// Source describes where the data came from (file name, publisher), as the operator gave it.
	Source string
	// Features is the number of districts or grid cells; Population the grid's total.
	Features   int
	Population float64
	ImportedBy string // user id
}

// District is an imported district boundary.
type District struct {
	LayerID string
	// Code is unique among the districts of a mode (across layers).
	Code     string
	Name     string
	Names    map[string]string // by language; may be empty
	Province string            // ISO 3166-2 code of its province, if given
	// Geometry is a GeoJSON Polygon or MultiPolygon (RFC 7946).
	Geometry json.RawMessage
}

// PopulationCell is one cell of a population grid: its centre and the people in it.
type PopulationCell struct {
	Lat, Lon   float64
	Population float64
}

// Geography stores imported geography layers.
type Geography interface {
	// ReplaceLayer stores l with its districts (Kind GeoDistricts) or cells (GeoPopulation),
	// deleting first any layer of the same mode, kind and name; it returns the id of the layer
	// replaced ("" if none). A district code already used by another layer is ErrConflict.
	// Call it inside a transaction so that the import is all or nothing.
	ReplaceLayer(ctx context.Context, l *GeoLayer, districts []District, cells []PopulationCell) (replaced string, err error)
	// Layers lists the layers of the context's mode, by kind and name.
	Layers(ctx context.Context) ([]GeoLayer, error)
	// DeleteLayer removes a layer and its rows.
	DeleteLayer(ctx context.Context, id string) error
	// Districts returns every district of the context's mode, by code.
	Districts(ctx context.Context) ([]District, error)
	// Cells returns every population cell of the context's mode.
	Cells(ctx context.Context) ([]PopulationCell, error)
}
