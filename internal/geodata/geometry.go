package geodata

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ErrNotPolygon is returned for a GeoJSON geometry that is valid but not an area (a point, a
// line, a collection).
var ErrNotPolygon = errors.New("geodata: not a polygon")

// ReadMultiPolygon reads a GeoJSON Polygon or MultiPolygon geometry (RFC 7946) as a
// multipolygon, the shape every area (jurisdiction, district, footprint) takes here.
func ReadMultiPolygon(raw []byte) (orb.MultiPolygon, error) {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, fmt.Errorf("geodata: geometry: %w", err)
	}
	switch v := g.Geometry().(type) {
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	case orb.MultiPolygon:
		return v, nil
	}
	return nil, fmt.Errorf("%w: a %s", ErrNotPolygon, g.Type)
}
