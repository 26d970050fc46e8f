package geodata

import (
	"embed"
	"fmt"
	"sync"

	"github.com/paulmach/orb/geojson"
)

// Names of the embedded files inside FS.
const (
	CountriesFile = "sco-countries.geojson"
	ProvincesFile = "sco-provinces.geojson"
	// NeighboursFile holds the other countries near the member states, as
	// background land for the map only (property name_en).
	NeighboursFile = "neighbours.geojson"
)

// FS holds CountriesFile, ProvincesFile and NeighboursFile, for serving
// them as they are.
//
//go:embed sco-countries.geojson sco-provinces.geojson neighbours.geojson
var FS embed.FS

// collection parses one embedded file the first time it is asked for.
type collection struct {
	name string
	load func() (*geojson.FeatureCollection, error)
}

func newCollection(name string) *collection {
	c := &collection{name: name}
	c.load = sync.OnceValues(c.parse)
	return c
}

func (c *collection) parse() (*geojson.FeatureCollection, error) {
	data, err := FS.ReadFile(c.name)
	if err != nil {
		return nil, fmt.Errorf("geodata: read %s: %w", c.name, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("geodata: parse %s: %w", c.name, err)
	}
	return fc, nil
}

var (
	countries = newCollection(CountriesFile)
	provinces = newCollection(ProvincesFile)
)

// Countries returns the ten SCO member states. The collection is parsed on
// first use and shared by all callers, who must not modify it.
func Countries() (*geojson.FeatureCollection, error) {
	return countries.load()
}

// Provinces returns the first-level administrative divisions of the SCO
// member states. The collection is parsed on first use and shared by all
// callers, who must not modify it.
func Provinces() (*geojson.FeatureCollection, error) {
	return provinces.load()
}
