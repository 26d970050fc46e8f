package main

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
)

// area is one query: the same geometry for both systems.
type area struct {
	name  string
	shape geotarget.Shape
	// geoJSON is the polygon for PostGIS (ST_GeomFromGeoJSON); for a
	// circle it is empty and centre/radius are used.
	geoJSON  string
	centre   geotarget.Point
	radiusKM float64
}

func benchAreas() ([]area, error) {
	// A Lahore-district-sized concave polygon (about 1,800 km²).
	lahoreDistrict := orb.Polygon{orb.Ring{
		{74.05, 31.75}, {74.45, 31.72}, {74.62, 31.55}, {74.58, 31.33}, {74.30, 31.25},
		{74.25, 31.40}, {74.05, 31.35}, {73.98, 31.55}, {74.05, 31.75},
	}}
	fc, err := geodata.Provinces()
	if err != nil {
		return nil, err
	}
	var punjab orb.Geometry
	for _, f := range fc.Features {
		if f.Properties.MustString("code", "") == "PK-PB" {
			punjab = f.Geometry
		}
	}
	var punjabMP orb.MultiPolygon
	switch g := punjab.(type) {
	case orb.Polygon:
		punjabMP = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		punjabMP = g
	default:
		return nil, fmt.Errorf("province PK-PB: geometry %T, want a (multi)polygon", punjab)
	}
	gj := func(g orb.Geometry) (string, error) {
		b, err := json.Marshal(geojson.NewGeometry(g))
		return string(b), err
	}
	districtJSON, err := gj(lahoreDistrict)
	if err != nil {
		return nil, err
	}
	punjabJSON, err := gj(punjabMP)
	if err != nil {
		return nil, err
	}
	islamabad := geotarget.Point{Lat: 33.6844, Lon: 73.0479}
	return []area{
		{name: "district polygon (Lahore, 9 vertices)", shape: geotarget.MultiPolygon{lahoreDistrict}, geoJSON: districtJSON},
		{name: fmt.Sprintf("province polygon (Punjab PK-PB, %d vertices)", len(punjabMP[0][0])), shape: geotarget.MultiPolygon(punjabMP), geoJSON: punjabJSON},
		{name: "circle 50 km around Islamabad", shape: geotarget.Circle{Center: islamabad, RadiusKM: 50}, centre: islamabad, radiusKM: 50},
	}, nil
}
